"""Per-meeting reminders that fit (issue 17, item 8): a template without reminders can set them
(the plan form), and a participant chooses email, SMS or both and, from the template's choices,
how many hours before."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.programmes.library import builtin_templates
from groepsaanbod.registration.models import Registration
from groepsaanbod.reminders.services import plan_due_reminders
from groepsaanbod.scheduling.models import Session
from tests.factories import make_organisation, make_staff, make_venue, sign_in
from tests.integration.programmes.test_open_group_rules import _plan
from tests.integration.registration.helpers import person, published_programme, sign_up


def test_think_and_kids_en_koffie_let_people_choose_a_reminder():
    templates = builtin_templates()
    for key in ("think-op-school", "kids-en-koffie"):
        rules = templates[key].rules
        assert "reminder_hours" not in rules  # nobody is reminded unless they choose
        assert rules["reminder_choices_hours"]


async def _first_meeting(client, db, pid):
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid))
    planned = await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule", json={"weekday": 1, "start_time": "19:30", "start_date": "2027-03-02"}
    )
    assert planned.status_code == 200, planned.text
    return await db.scalar(select(Session).where(Session.cohort_id == cohort.id).order_by(Session.starts_at))


async def _reminders(db):
    return [
        (m.to_address, m.channel)
        for m in await db.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "session_reminder").order_by(OutboxMessage.id)
        )
    ]


async def test_a_template_without_reminders_sets_them_on_the_plan_form(client, db, session_factory):
    org = await make_organisation(db, "CJG Pools", "Eindhoven")
    venue = await make_venue(db, org, "Buurthuis", "Eindhoven")
    await sign_in(client, await make_staff(db, org, "coordinator"))
    created = await client.post(
        "/api/v1/programmes",
        json={"organisation_id": org.id, "template_key": "triple-p-group", "slug": "rem-form", "languages": ["nl"]},
    )
    pid = created.json()["id"]
    await client.patch(f"/api/v1/programmes/{pid}", json={"venue_ids": [venue.id]})
    edit = f"/nl/staff/programmes/{pid}"
    plan = _plan() | {"min_group_size": "1"}
    # No reminders at all first.
    emptied = await client.post(
        f"{edit}/template", data=plan | {"rules-reminder_hours": "", "rules-reminder_choices_hours": ""}
    )
    assert emptied.status_code == 303
    rules = (await client.get(f"/api/v1/programmes/{pid}/template")).json()["template"]["rules"]
    assert "reminder_hours" not in rules
    assert "reminder_choices_hours" not in rules
    page = await client.get(edit)
    assert 'id="rules-reminder_hours"' in page.text
    # Out of range, not a number, too many: refused, naming the field and what is allowed.
    for bad in ("0", "400", "twee", "1,2,3,4,5,6,7", "-5"):
        refused = await client.post(f"{edit}/template", data=plan | {"rules-reminder_hours": bad})
        assert refused.status_code == 400, bad
        assert 'href="#rules-reminder_hours"' in refused.text
        assert "336" in refused.text
    saved = await client.post(
        f"{edit}/template", data=plan | {"rules-reminder_hours": "24", "rules-reminder_choices_hours": "2; 24"}
    )
    assert saved.status_code == 303
    rules = (await client.get(f"/api/v1/programmes/{pid}/template")).json()["template"]["rules"]
    assert rules["reminder_hours"] == [24]
    assert rules["reminder_choices_hours"] == [24, 2]
    assert (await client.post(f"/api/v1/programmes/{pid}/publish")).status_code == 200
    await sign_up(client, db, "rem-form", person(1, child_birth_date="2021-01-01"))
    first = await _first_meeting(client, db, pid)
    assert await plan_due_reminders(session_factory, "http://test", lambda: first.starts_at - timedelta(hours=30)) == 0
    assert await plan_due_reminders(session_factory, "http://test", lambda: first.starts_at - timedelta(hours=23)) == 1
    assert await _reminders(db) == [("ouder1@example.org", "email")]


async def _three(client, db):
    org, pid = await published_programme(db, "triple-p-group", "rem-choice", revision={"min_group_size": 1})
    people = [
        await sign_up(client, db, "rem-choice", person(n, child_birth_date="2021-01-01", phone=f"06 1234567{n}"))
        for n in (1, 2, 3)
    ]
    await sign_in(client, await make_staff(db, org, "coordinator"))
    return pid, [p["token"] for p in people]


async def test_her_choice_of_channel_and_time_is_followed(client, db, session_factory):
    pid, (sms_only, both, none) = await _three(client, db)
    answer = await client.post(f"/api/v1/my/{sms_only}/reminders", json={"channels": "sms"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["hours"] == [48, 2]
    assert answer.json()["choices"] == [48, 24, 2]
    answer = await client.post(f"/api/v1/my/{both}/reminders", json={"channels": "both", "hours": 24})
    assert answer.json()["hours"] == [24]
    assert (await client.post(f"/api/v1/my/{none}/reminders", json={"channels": "none"})).json()["hours"] == []
    first = await _first_meeting(client, db, pid)
    at = first.starts_at
    assert await plan_due_reminders(session_factory, "http://test", lambda: at - timedelta(hours=47)) == 1
    assert await _reminders(db) == [("+31612345671", "sms")]
    assert await plan_due_reminders(session_factory, "http://test", lambda: at - timedelta(hours=23)) == 2
    assert await plan_due_reminders(session_factory, "http://test", lambda: at - timedelta(hours=22)) == 0
    assert sorted((await _reminders(db))[1:]) == [("+31612345672", "sms"), ("ouder2@example.org", "email")]
    assert await plan_due_reminders(session_factory, "http://test", lambda: at - timedelta(hours=1)) == 1
    assert len(await _reminders(db)) == 4  # the SMS-only one, two hours before; nothing for "none"


async def test_refusals_say_what_is_allowed_and_change_nothing(client, db):
    _, (mine, theirs, _third) = await _three(client, db)
    for body in (
        {"channels": "both", "hours": 5},
        {"channels": "fax"},
        {"channels": "x" * 5000},
        {"channels": "email", "hours": -1},
        {"channels": "email", "hours": 10**12},
    ):
        refused = await client.post(f"/api/v1/my/{mine}/reminders", json=body)
        assert refused.status_code == 422, (body, refused.text)
    refused = await client.post(f"/api/v1/my/{mine}/reminders", json={"channels": "sms", "hours": 5})
    assert "48, 24, 2" in refused.text
    for body in ({"channels": 5}, {"channels": "sms", "hours": "many"}, {}, []):
        assert (await client.post(f"/api/v1/my/{mine}/reminders", json=body)).status_code == 400
    assert (await client.post("/api/v1/my/not-a-token/reminders", json={"channels": "sms"})).status_code == 404
    assert (await client.get("/api/v1/my/not-a-token/reminders")).status_code == 404
    # One's own link changes one's own choice only.
    assert (await client.post(f"/api/v1/my/{theirs}/reminders", json={"channels": "none"})).status_code == 200
    rows = {r.contact_email: r for r in await db.scalars(select(Registration))}
    await db.refresh(rows["ouder1@example.org"])
    assert rows["ouder1@example.org"].reminder_channels is None
    assert rows["ouder1@example.org"].reminder_hours is None


async def test_no_email_means_no_email_reminders(client, db):
    await published_programme(db, "triple-p-group", "rem-phone", revision={"min_group_size": 1})
    only_phone = await sign_up(
        client, db, "rem-phone", person(4, child_birth_date="2021-01-01", email="", phone="06 22222222")
    )
    refused = await client.post(f"/api/v1/my/{only_phone['token']}/reminders", json={"channels": "both"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "channels"
    assert "e-mailadres" in refused.text  # in her language, saying what is missing


async def test_the_page_lets_her_choose_in_her_language(client, db):
    _, (mine, _, _) = await _three(client, db)
    page = await client.get(f"/nl/my/{mine}/reminders")
    assert page.status_code == 200
    assert 'name="channels"' in page.text
    assert 'value="24"' in page.text
    assert f"/nl/my/{mine}/reminders" in (await client.get(f"/nl/my/{mine}")).text
    saved = await client.post(f"/nl/my/{mine}/reminders", data={"channels": "both", "hours": "24"})
    assert saved.status_code == 303
    refused = await client.post(f"/nl/my/{mine}/reminders", data={"channels": "both", "hours": "drie"})
    assert refused.status_code == 400
    assert 'href="#hours"' in refused.text
    assert 'id="hours-error"' in refused.text
    refused = await client.post(f"/nl/my/{mine}/reminders", data={"channels": "<script>"})
    assert refused.status_code == 400
    assert "<script>" not in refused.text
    arabic = await client.get(f"/ar/my/{mine}/reminders")
    assert arabic.status_code == 200
    assert 'dir="rtl"' in arabic.text
    registration = await db.scalar(select(Registration).where(Registration.contact_email == "ouder1@example.org"))
    await db.refresh(registration)
    assert (registration.reminder_channels, registration.reminder_hours) == ("both", 24)
