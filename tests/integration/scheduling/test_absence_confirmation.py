"""A mentor's "I cannot come" first shows what will happen (the lesson cancelled, who is told)
and changes nothing until it is confirmed; the API says what happened."""

from __future__ import annotations

from sqlalchemy import func, select

from groepsaanbod.accounts.models import Staff
from groepsaanbod.accounts.passwords import hash_new_password
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.scheduling.models import Session, StaffAbsence
from groepsaanbod.scheduling.services import changes
from tests.factories import PASSWORD, make_organisation, make_staff, sign_in
from tests.integration.scheduling.test_planning import think_class

WILL_BE_CANCELLED = "Without you this meeting cannot go ahead. It will be cancelled."


async def _lessons_with_mentor(client, db):
    org, pid, cohort, coordinator, guest = await think_class(client, db)
    # The class file made the class's mentor and put them on the class's lessons: sign in as them.
    mentor = await db.scalar(select(Staff).where(Staff.email == "lotte@school.example"))
    mentor.password_hash = await hash_new_password(PASSWORD)
    await db.commit()
    await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule", json={"weekday": 3, "start_time": "10:00", "start_date": "2026-12-03"}
    )
    r = await client.post(
        f"/api/v1/cohorts/{cohort.id}/facilitators", json={"staff_id": guest.id, "role": "guest_teacher"}
    )
    assert r.status_code == 200, r.text
    lessons = [s["id"] for s in (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions")).json()]
    await client.post("/api/v1/auth/sign-out")
    return org, mentor, guest, lessons


async def _counts(db, lesson: int) -> tuple[str, int, int]:
    status = await db.scalar(
        select(Session.status).where(Session.id == lesson).execution_options(populate_existing=True)
    )
    messages = await db.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "session_cancelled")
    )
    absences = await db.scalar(select(func.count()).select_from(StaffAbsence).where(StaffAbsence.session_id == lesson))
    return status, messages, absences


async def test_the_mentor_sees_what_will_happen_and_confirms(client, db):
    org, mentor, guest, lessons = await _lessons_with_mentor(client, db)
    names = (mentor.full_name, guest.full_name)
    first = lessons[0]
    await sign_in(client, mentor)
    agenda = await client.get("/nl/staff/agenda")
    assert f'<form method="get" action="/nl/staff/agenda/{first}/absence">' in agenda.text

    page = await client.get(f"/nl/staff/agenda/{first}/absence?reason=ziek")
    assert page.status_code == 200, page.text
    assert gettext("nl", WILL_BE_CANCELLED) in page.text
    assert all(name in page.text for name in names)
    assert 'name="confirmed" value="yes"' in page.text
    assert 'value="ziek"' in page.text
    # Showing it changed nothing and told nobody.
    assert await _counts(db, first) == ("planned", 0, 0)

    # A post without the confirmation (an old page) is sent to the confirmation first.
    unconfirmed = await client.post(f"/nl/staff/agenda/{first}/absence", data={"reason": "ziek"})
    assert unconfirmed.status_code == 303
    assert unconfirmed.headers["location"] == f"/nl/staff/agenda/{first}/absence?reason=ziek"
    assert await _counts(db, first) == ("planned", 0, 0)

    confirmed = await client.post(f"/nl/staff/agenda/{first}/absence", data={"reason": "ziek", "confirmed": "yes"})
    assert confirmed.headers["location"] == "/nl/staff/agenda?done=cancelled"
    assert await _counts(db, first) == ("cancelled", 2, 1)

    # The API says what happened, in the caller's language.
    answer = await client.post(f"/api/v1/sessions/{lessons[1]}/absence", json={"reason": "ziek"})
    body = answer.json()
    assert body["cancelled"] is True
    assert body["outcome"] == "cancelled"
    assert body["said"] == gettext("nl", changes.ABSENCE_SAID["cancelled"], count=2)  # the mentor's language
    assert "2" in body["said"]


async def test_nobody_else_may_look_or_confirm(client, db):
    org, mentor, guest, lessons = await _lessons_with_mentor(client, db)
    first = lessons[0]
    # Another organisation's mentor: the lesson does not exist for them.
    await sign_in(client, await make_staff(db, await make_organisation(db, "Ander college"), "mentor"))
    assert (await client.get(f"/nl/staff/agenda/{first}/absence")).status_code == 404
    refused = await client.post(f"/nl/staff/agenda/{first}/absence", data={"confirmed": "yes"})
    assert refused.status_code == 404
    await client.post("/api/v1/auth/sign-out")
    # Someone of the school who is not on the lesson is told so, and nothing changes.
    await sign_in(client, await make_staff(db, org, "mentor"))
    page = await client.get(f"/nl/staff/agenda/{first}/absence")
    assert page.headers["location"] == "/nl/staff/agenda?done=refused"
    assert await _counts(db, first) == ("planned", 0, 0)
    # A reason that is too long is refused on the confirmation page too.
    await client.post("/api/v1/auth/sign-out")
    await sign_in(client, mentor)
    long = await client.get(f"/nl/staff/agenda/{first}/absence?reason={'x' * 300}")
    assert long.headers["location"] == "/nl/staff/agenda?done=refused"
    assert await _counts(db, first) == ("planned", 0, 0)
