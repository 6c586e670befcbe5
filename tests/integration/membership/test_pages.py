"""The pages of joining and leaving, in each of the seven languages (Arabic right to left)."""

from __future__ import annotations

import pytest

from groepsaanbod.i18n.languages import LANGUAGE_CODES
from tests.factories import make_organisation, make_staff
from tests.integration.membership.world import become, link_in_message, nobody


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
async def test_invitation_account_and_team_pages_in_every_language(client, db, lang):
    org = await make_organisation(db, "CJG Talen")
    admin = await make_staff(db, org, "admin")
    other = await make_staff(db, await make_organisation(db, "CJG Elders"), "trainer")
    email = other.email
    await become(client, admin)
    for address in (email, f"nieuw.{lang}@example.org"):
        sent = await client.post(
            f"/{lang}/staff/team/invitations",
            data={"organisation_id": str(org.id), "email": address, "full_name": "Gast", "roles": "trainer"},
        )
        assert sent.status_code == 303
    team = await client.get(f"/{lang}/staff/team")
    assert team.status_code == 200
    assert "/staff/team/invitations/" in team.text
    pages = [team]
    await nobody(client)
    new_link = await link_in_message(db, f"nieuw.{lang}@example.org", "staff_invitation")
    pages.append(await client.get(new_link.replace("/nl/", f"/{lang}/", 1)))
    await become(client, other)
    join_link = await link_in_message(db, email, "staff_join_invitation")
    pages.append(await client.get(join_link.replace("/nl/", f"/{lang}/", 1)))
    pages.append(await client.get(f"/{lang}/staff/account"))
    for page in pages:
        assert page.status_code == 200, page.url
        assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"' in page.text
        assert "CJG Talen" in page.text or page is team
