"""The pure parts of webhooks: what a payload may carry, which addresses are refused, the backoff."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from groepsaanbod.webhooks.addresses import (
    URL_MISSING,
    URL_NOT_HTTPS,
    URL_NOT_VALID,
    URL_PRIVATE,
    URL_TOO_LONG,
    url_problem,
)
from groepsaanbod.webhooks.events import CATALOGUE, MAX_ATTEMPTS, backoff_seconds, payload, payload_data

DATA = {
    "registration_id": 7,
    "programme_id": 2,
    "status": "confirmed",
    "due_date": "2027-04-20",
    "place": "Eindhoven",
    "full_name": "Ayşe",
    "email": "a@example.org",
    "phone": "+31612345678",
}


def test_without_the_scope_only_ids_and_status():
    assert payload_data("registration.received", DATA, []) == {
        "registration_id": 7,
        "programme_id": 2,
        "status": "confirmed",
    }
    # Another family's scope adds nothing.
    assert payload_data("registration.received", DATA, ["sessions:read"]) == payload_data(
        "registration.received", DATA, []
    )


def test_with_the_scope_more_but_never_names_or_contact():
    shown = payload_data("registration.received", DATA, ["registrations:read"])
    assert shown["due_date"] == "2027-04-20"
    assert shown["place"] == "Eindhoven"
    assert not {"full_name", "email", "phone"} & set(shown)


def test_payload_shape_has_type_and_zoned_timestamp():
    body = payload("session.moved", {"session_id": 1}, [], datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    assert body == {"type": "session.moved", "timestamp": "2026-12-03T09:00:00+00:00", "data": {"session_id": 1}}
    with pytest.raises(ValueError, match="time zone"):
        payload("session.moved", {}, [], datetime(2026, 12, 3, 9, 0))


def test_the_catalogue_names_the_issues_events():
    assert {k.name for k in CATALOGUE} == {
        "registration.received", "registration.placed", "registration.withdrawn", "cohort.confirmed",
        "session.planned", "session.moved", "session.cancelled", "attendance.saved", "signal.raised",
    }  # fmt: skip


def test_backoff_grows_and_is_capped():
    waits = [backoff_seconds(n) for n in range(1, MAX_ATTEMPTS + 5)]
    assert waits[0] == 30
    assert waits == sorted(waits)
    assert max(waits) == 6 * 3600


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", URL_MISSING),
        ("ftp://example.org/hook", URL_NOT_HTTPS),
        ("javascript:alert(1)", URL_NOT_HTTPS),
        ("https://example.org/" + "a" * 10_000, URL_TOO_LONG),
        ("http://example.org/hook", URL_NOT_HTTPS),
        ("https://10.0.0.1/hook", URL_PRIVATE),
        ("https://192.168.1.10/hook", URL_PRIVATE),
        ("https://127.0.0.1:8443/hook", URL_PRIVATE),
        ("https://[::1]/hook", URL_PRIVATE),
        ("https://[::ffff:10.0.0.1]/hook", URL_PRIVATE),
        ("https://169.254.169.254/latest/meta-data", URL_PRIVATE),
        ("https://localhost/hook", URL_PRIVATE),
        ("https://intranet/hook", URL_PRIVATE),
        ("https://user:pw@example.org/hook", URL_NOT_VALID),
        ("https://exa mple.org/hook", URL_NOT_VALID),
        ("https://example.org:99999/hook", URL_NOT_VALID),
        ("https:///hook", URL_NOT_VALID),
    ],
)
def test_hostile_addresses_are_refused_in_production(url, problem):
    found = url_problem(url, allow_private=False)
    assert found is not None
    assert found[0] == problem


def test_public_https_is_fine_and_loopback_only_where_allowed():
    assert url_problem("https://hooks.example.org/groepsaanbod", allow_private=False) is None
    assert url_problem("https://93.184.216.34/hook", allow_private=False) is None
    assert url_problem("http://127.0.0.1:9000/hook", allow_private=True) is None
    assert url_problem("ftp://127.0.0.1/hook", allow_private=True) is not None
