"""A new password may not contain the organisation's name or slug, the person's name or
email address, or "groepsaanbod"; the reason is given in the person's language."""

from __future__ import annotations

import re

from click.testing import CliRunner
from markupsafe import escape
from sqlalchemy import select

from groepsaanbod.accounts.password_policy import LIKE_ORGANISATION
from groepsaanbod.accounts.passwords import password_matches
from groepsaanbod.cli import main
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.migrate import upgrade
from groepsaanbod.organisations.models import Organisation
from tests.factories import PASSWORD, make_staff


async def reset_link(client, db, staff, language="nl"):
    staff.language = language
    await db.commit()
    assert (await client.post(f"/{language}/staff/password", data={"email": staff.email})).status_code == 200
    message = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "password_reset"))
    return re.search(rf"/{language}/staff/password/(\S+)", message.body_text).group(0)


async def test_a_password_with_the_organisations_name_is_refused(client, db):
    org = Organisation(slug="cjg-sliedrecht", name="CJG Sliedrecht", kind="cjg", city="Sliedrecht")
    db.add(org)
    await db.flush()
    staff = await make_staff(db, org, "volunteer", email="jeroen.smit@example.org")
    staff.full_name = "Jeroen Smit"
    link = await reset_link(client, db, staff, "en")
    for password, reason in (
        ("CJG-Sliedrecht-2026!", "organisation"),
        ("werken bij cjg-sliedrecht", "organisation"),
        ("Groepsaanbod is fijn 2026", "groepsaanbod"),
        ("Jeroen fietst graag", "your name"),
        ("jeroen.smit@example.org!", "your name"),
    ):
        refused = await client.post(link, data={"password": password})
        assert refused.status_code == 400, password
        assert reason in refused.text, password
    await db.refresh(staff)
    assert await password_matches(staff.password_hash, PASSWORD)  # nothing saved
    turkish = await client.post(link.replace("/en/", "/tr/"), data={"password": "CJG-Sliedrecht-2026!"})
    assert turkish.status_code == 400
    assert str(escape(gettext("tr", LIKE_ORGANISATION))) in turkish.text
    done = await client.post(link, data={"password": "een zin die van mij is"})
    assert done.status_code == 303


def test_the_command_line_refuses_them_too(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("GROEPSAANBOD_DATABASE_URL", url)
    runner = CliRunner()
    runner.invoke(
        main, ["organisation", "add", "--slug", "cjg-dorp", "--name", "CJG Dorp", "--kind", "cjg", "--city", "Dorp"]
    )
    base = ["staff", "add", "--email", "a@example.org", "--name", "Anna", "--organisation", "cjg-dorp", "--role"]
    refused = runner.invoke(main, [*base, "coordinator", "--password", "werk bij CJG Dorp 2026"])
    assert refused.exit_code == 1
    assert "organisation" in refused.output
    added = runner.invoke(main, [*base, "coordinator", "--password", "een lange eigen zin"])
    assert added.exit_code == 0, added.output
