"""Operators set up a real organisation and its first coordinator from the command line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from groepsaanbod.cli import main
from groepsaanbod.migrate import upgrade


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("GROEPSAANBOD_DATABASE_URL", url)
    return url


def test_add_organisation_staff_and_grant(database):
    runner = CliRunner()
    result = runner.invoke(
        main, ["organisation", "add", "--slug", "cjg-dorp", "--name", "CJG Dorp", "--kind", "cjg", "--city", "Dorp"]
    )
    assert result.exit_code == 0, result.output
    again = runner.invoke(
        main, ["organisation", "add", "--slug", "cjg-dorp", "--name", "x", "--kind", "cjg", "--city", "Dorp"]
    )
    assert again.exit_code == 1
    assert "already exists" in again.output

    added = runner.invoke(
        main,
        [
            "staff",
            "add",
            "--email",
            "Co@Example.org",
            "--name",
            "Co Ordinator",
            "--organisation",
            "cjg-dorp",
            "--role",
            "coordinator",
        ],
        input="a good long password\na good long password\n",
    )
    assert added.exit_code == 0, added.output
    short = runner.invoke(
        main,
        [
            "staff",
            "add",
            "--email",
            "b@example.org",
            "--name",
            "B",
            "--organisation",
            "cjg-dorp",
            "--role",
            "mentor",
            "--password",
            "short",
        ],
    )
    assert short.exit_code == 1
    assert "at least 8 characters" in short.output
    bad_email = runner.invoke(
        main,
        [
            "staff",
            "add",
            "--email",
            "not-an-email",
            "--name",
            "B",
            "--organisation",
            "cjg-dorp",
            "--role",
            "mentor",
            "--password",
            "long enough password",
        ],
    )
    assert bad_email.exit_code == 1
    assert "valid email" in bad_email.output
    bad_role = runner.invoke(
        main,
        [
            "staff",
            "add",
            "--email",
            "c@example.org",
            "--name",
            "C",
            "--organisation",
            "cjg-dorp",
            "--role",
            "wizard",
            "--password",
            "long enough password",
        ],
    )
    assert bad_role.exit_code == 2

    granted = runner.invoke(
        main, ["staff", "grant", "--email", "co@example.org", "--organisation", "cjg-dorp", "--role", "admin"]
    )
    assert granted.exit_code == 0
    assert "now has the role admin" in granted.output
    twice = runner.invoke(
        main, ["staff", "grant", "--email", "co@example.org", "--organisation", "cjg-dorp", "--role", "admin"]
    )
    assert "already had" in twice.output
    reset = runner.invoke(main, ["staff", "reset-second-factor", "--email", "co@example.org"])
    assert reset.exit_code == 0
    assert "next sign-in" in reset.output
    unknown = runner.invoke(main, ["staff", "reset-second-factor", "--email", "nobody@example.org"])
    assert unknown.exit_code == 1


def test_a_platform_operator_disables_and_enables_a_whole_account(database):
    runner = CliRunner()
    runner.invoke(
        main, ["organisation", "add", "--slug", "cjg-a", "--name", "CJG A", "--kind", "cjg", "--city", "Dorp"]
    )
    added = runner.invoke(
        main,
        ["staff", "add", "--email", "beheer@example.org", "--name", "Beheer", "--organisation", "cjg-a"]
        + ["--role", "admin", "--password", "a good long password"],
    )
    assert added.exit_code == 0, added.output
    disabled = runner.invoke(main, ["staff", "disable", "--email", "Beheer@Example.org"])
    assert disabled.exit_code == 0
    assert "disabled everywhere" in disabled.output
    assert "only administrator of cjg-a" in disabled.output
    assert _active(database, "beheer@example.org") == 0
    enabled = runner.invoke(main, ["staff", "enable", "--email", "beheer@example.org"])
    assert enabled.exit_code == 0
    assert _active(database, "beheer@example.org") == 1
    unknown = runner.invoke(main, ["staff", "disable", "--email", "nobody@example.org"])
    assert unknown.exit_code == 1
    assert "no staff member" in unknown.output


def _active(url: str, email: str) -> int:
    import sqlite3

    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute("SELECT active FROM staff WHERE email = ?", (email,)).fetchone()[0]


@pytest.mark.parametrize(
    "changes",
    [
        {"--name": "CJG\r\nDorp"},
        {"--name": "C" * 201},
        {"--city": "Dorp\u202e"},
        {"--slug": "cjg\tdorp"},
    ],
)
def test_organisation_names_are_single_bounded_lines(database, changes):
    options = {"--slug": "cjg-dorp", "--name": "CJG Dorp", "--kind": "cjg", "--city": "Dorp"} | changes
    result = CliRunner().invoke(main, ["organisation", "add", *[x for pair in options.items() for x in pair]])
    assert result.exit_code == 2, result.output
    assert "Invalid value" in result.output, result.output


def test_a_staff_name_with_a_line_break_is_refused(database):
    runner = CliRunner()
    runner.invoke(main, ["organisation", "add", "--slug", "cjg-dorp", "--name", "CJG", "--kind", "cjg", "--city", "D"])
    result = runner.invoke(
        main,
        ["staff", "add", "--email", "co@example.org", "--name", "Co\nBcc: x", "--organisation", "cjg-dorp"]
        + ["--role", "coordinator", "--password", "a long enough password here"],
    )
    assert result.exit_code == 2, result.output
    assert "one line" in result.output, result.output
