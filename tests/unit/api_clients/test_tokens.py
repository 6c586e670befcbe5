from __future__ import annotations

from datetime import date, timedelta

from groepsaanbod.api_clients.tokens import client_problems, hash_secret, new_token, parse_token, secret_matches

TODAY = date(2026, 11, 30)


def test_a_new_token_is_recognisable_and_only_its_hash_is_kept():
    made = new_token()
    assert made.token.startswith("ga_")
    assert len(made.token) == 84
    public_id, secret = parse_token(made.token)
    assert public_id == made.public_id
    assert made.secret_hash == hash_secret(secret)
    assert secret not in made.secret_hash
    assert secret_matches(secret, made.secret_hash)
    assert not secret_matches("0" * 64, made.secret_hash)
    assert new_token().token != made.token


def test_malformed_tokens_are_not_parsed():
    for wrong in (
        "",
        "ga_",
        "ga_abc_def",
        "GA_" + "a" * 16 + "_" + "b" * 64,
        "ga_" + "a" * 16 + "_" + "b" * 65,
        "x" * 10_000,
    ):
        assert parse_token(wrong) is None


def fields(name="Systeem", scopes=("registrations:read",), expires=TODAY + timedelta(days=10)):
    return [p.field for p in client_problems(name, list(scopes), expires, TODAY)]


def test_the_checks_of_a_new_client():
    assert fields() == []
    assert fields(name="") == ["name"]
    assert fields(name="x" * 101) == ["name"]
    assert fields(name="a\tb") == ["name"]
    assert fields(scopes=()) == ["scopes"]
    assert fields(scopes=("registrations:read", "all")) == ["scopes"]
    assert fields(scopes=[f"x{n}" for n in range(10_000)]) == ["scopes"]
    assert fields(expires=TODAY) == ["expires_on"]
    assert fields(expires=None) == ["expires_on"]
    assert fields(expires=TODAY + timedelta(days=731)) == []
    assert fields(expires=TODAY + timedelta(days=732)) == ["expires_on"]
