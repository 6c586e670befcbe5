"""Reminders go out once, in the receiver's language, with the date written that language's way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.reminders.models import Reminder
from groepsaanbod.reminders.services import plan_due_reminders
from groepsaanbod.scheduling.models import Session
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme, sign_up


async def test_somali_and_arabic_reminders_once(client, db, session_factory):
    org, pid = await published_programme(db, "triple-p-group", "triple-test", revision={"min_group_size": 1})
    so = await sign_up(client, db, "triple-test", person(1, language="so", child_birth_date="2021-01-01"))
    ar = await sign_up(
        client,
        db,
        "triple-test",
        person(2, language="ar", child_birth_date="2021-01-01", email="", phone="06 12345678"),
    )
    assert so["status"] == ar["status"] == "confirmed"  # Triple P groups are one language each
    cohorts = list(await db.scalars(select(Cohort).where(Cohort.programme_id == pid)))
    assert len(cohorts) == 2
    await sign_in(client, await make_staff(db, org, "coordinator"))
    for cohort in cohorts:
        await client.post(
            f"/api/v1/cohorts/{cohort.id}/schedule",
            json={"weekday": 1, "start_time": "19:30", "start_date": "2027-03-02"},
        )
    first = await db.scalar(select(Session).where(Session.cohort_id == cohorts[0].id).order_by(Session.starts_at))
    two_days_before = first.starts_at - timedelta(hours=47)

    planned = await plan_due_reminders(session_factory, "http://test", lambda: two_days_before)
    again = await plan_due_reminders(session_factory, "http://test", lambda: two_days_before + timedelta(minutes=5))
    assert (planned, again) == (2, 0)
    messages = {
        m.language: m for m in await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "session_reminder"))
    }
    somali, arabic = messages["so"], messages["ar"]
    assert somali.channel == "email"
    assert arabic.channel == "sms"
    # 2 March 2027, 19:30 in Amsterdam: Somali and Arabic write the month their own way.
    assert "Talaado, Maarso 2, 2027" in somali.body_text
    assert "7:30" in somali.body_text  # CLDR Somali: 12-hour
    assert "مارس" in arabic.body_text or "آذار" in arabic.body_text
    assert "Buurthuis" in somali.body_text  # the place
    assert somali.subject
    assert "week" not in somali.subject.lower()  # no health details
    assert await db.scalar(select(func.count()).select_from(Reminder)) == 2

    # Two hours before: the second reminder, once.
    late = first.starts_at - timedelta(hours=1, minutes=50)
    assert await plan_due_reminders(session_factory, "http://test", lambda: late) == 2
    assert await plan_due_reminders(session_factory, "http://test", lambda: late) == 0
    # None for a cancelled meeting or after the start.
    assert await plan_due_reminders(session_factory, "http://test", lambda: first.starts_at) == 0
    _ = UTC, datetime
