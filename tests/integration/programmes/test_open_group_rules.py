"""The plan of an open group (Triple P) says until which meeting people may join and how long a freed
place is held; the plan form edits both, with a range checked where they enter."""

from __future__ import annotations

from tests.factories import make_organisation, make_staff, make_venue, sign_in


async def _triple_p(client, db) -> tuple[str, int]:
    org = await make_organisation(db, "CJG Pools", "Eindhoven")
    venue = await make_venue(db, org, "Buurthuis", "Eindhoven")
    await sign_in(client, await make_staff(db, org, "coordinator"))
    created = await client.post(
        "/api/v1/programmes",
        json={
            "organisation_id": org.id,
            "template_key": "triple-p-group",
            "slug": "triple-p-rules",
            "languages": ["nl"],
        },
    )
    pid = created.json()["id"]
    await client.patch(f"/api/v1/programmes/{pid}", json={"venue_ids": [venue.id]})
    return f"/nl/staff/programmes/{pid}", pid


def _plan(**rules: str) -> dict[str, str]:
    plan = {"min_group_size": "5", "max_group_size": "12", "completion_threshold": "6"}
    for i, week in enumerate(range(1, 9)):
        plan |= {
            f"sessions-{i}-kind": "group" if week in (1, 2, 3, 4, 8) else "phone",
            f"sessions-{i}-duration_minutes": "120" if week in (1, 2, 3, 4, 8) else "30",
            f"sessions-{i}-week": str(week),
        }
    return plan | {f"rules-{key}": value for key, value in rules.items()}


async def test_the_plan_form_sets_the_last_joining_meeting_and_the_offer_time(client, db):
    edit_url, pid = await _triple_p(client, db)
    page = await client.get(edit_url)
    assert 'id="rules-joinable_until_meeting"' in page.text
    assert 'value="2"' in page.text  # the built-in Triple P: people join before meeting 2
    refused = await client.post(f"{edit_url}/template", data=_plan(joinable_until_meeting="9", offer_hours="0"))
    assert refused.status_code == 400
    assert 'href="#rules-joinable_until_meeting"' in refused.text
    assert 'href="#rules-offer_hours"' in refused.text
    saved = await client.post(f"{edit_url}/template", data=_plan(joinable_until_meeting="3", offer_hours="24"))
    assert saved.status_code == 303
    rules = (await client.get(f"/api/v1/programmes/{pid}/template")).json()["template"]["rules"]
    assert (rules["joinable_until_meeting"], rules["offer_hours"]) == (3, 24)
    assert rules["child_age_months"] == [0, 144]  # the other rules stay
    emptied = await client.post(f"{edit_url}/template", data=_plan(joinable_until_meeting="", offer_hours=""))
    assert emptied.status_code == 303
    rules = (await client.get(f"/api/v1/programmes/{pid}/template")).json()["template"]["rules"]
    assert "joinable_until_meeting" not in rules
    assert "offer_hours" not in rules
