from __future__ import annotations

import pytest

from groepsaanbod.api_clients.scopes import SCOPES, derived_scope, refuses_tokens, roles_for, scope_of


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("POST", "/api/v1/programmes/{programme_id:int}/registrations/on-behalf", "registrations:write"),
        ("GET", "/api/v1/programmes/7/registrations", "registrations:read"),
        ("POST", "/api/v1/sessions/3/register", "attendance:write"),
        ("HEAD", "/api/v1/sessions/3/register", "attendance:read"),
        ("GET", "/api/v1/organisations/1/report", "reports:read"),
        ("GET", "/api/v1/reports/municipality", "reports:read"),
        ("PATCH", "/api/v1/venues/2", "venues:write"),
        ("GET", "/api/v1/signals", "signals:read"),
        ("DELETE", "/api/v1/organisations/1/staff/2", "team:write"),
        ("POST", "/api/v1/invitations/4/withdraw", "team:write"),
        ("POST", "/api/v1/sessions/3/staff", "sessions:write"),
        ("GET", "/api/v1/series/5", "cohorts:read"),
        ("POST", "/api/v1/cohorts/5/split", "cohorts:write"),
        ("GET", "/api/v1/cohorts/5/sessions", "sessions:read"),
        ("GET", "/api/v1/templates", "programmes:read"),
        ("GET", "/nl/staff/programmes", None),
        ("GET", "/api/v1/unheard-of", None),
    ],
)
def test_the_scope_follows_from_method_and_path(method, path, scope):
    assert derived_scope(method, path) == scope


def test_a_stated_scope_wins_and_an_unknown_one_is_a_programming_error():
    assert scope_of("GET", "/api/v1/programmes", "reports:read") == "reports:read"
    with pytest.raises(ValueError, match="unknown scope"):
        scope_of("GET", "/api/v1/programmes", "everything")


def test_own_account_sign_in_private_links_and_sms_never_take_tokens():
    for path in ("/api/v1/me", "/api/v1/me/agenda", "/api/v1/auth/sign-in", "/api/v1/my/abc", "/api/v1/sms/inbound"):
        assert refuses_tokens(path)
    assert not refuses_tokens("/api/v1/messages")
    assert not refuses_tokens("/api/v1/mystery")


def test_roles_follow_the_scopes_and_write_is_not_read():
    assert roles_for(["team:write"]) == {"admin"}
    assert roles_for(["registrations:read", "nonsense"]) == {"coordinator"}
    assert roles_for([]) == frozenset()
    assert "programmes:read" in SCOPES
    assert "programmes:write" in SCOPES
    assert len(SCOPES) == 24
