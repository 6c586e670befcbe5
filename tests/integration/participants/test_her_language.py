"""Spoken to in her own language, always: the group's language (what is spoken in the room,
Registration.language) and hers (what she reads, Participant.language) are two facts. Every
message to her, the link in it, her calendar file and her data export follow hers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from groepsaanbod.calendars.services import CANCELLED_TITLE
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.reminders.services import plan_due_reminders
from groepsaanbod.scheduling.models import Session
from tests.conftest import NOW
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import PRIVATE_LINK, person, published_programme, sign_up

RULES = {"child_age_months": [0, 144], "offer_hours": 48, "reminder_hours": [48]}
PAIRS = {"max_group_size": 2, "min_group_size": 2, "rules": RULES}
CHILD = "2020-06-01"
HER = "fatima@example.org"
ARABIC = re.compile(r"[\u0600-\u06FF]")


async def _messages_to(db, contact: str) -> list[OutboxMessage]:
    db.expunge_all()
    return list(
        await db.scalars(select(OutboxMessage).where(OutboxMessage.to_address == contact).order_by(OutboxMessage.id))
    )


def _in_arabic(message: OutboxMessage) -> None:
    assert message.language == "ar", (message.kind, message.language)
    assert ARABIC.search(message.body_text), (message.kind, message.body_text)
    for link in PRIVATE_LINK.finditer(message.body_text):
        assert "/ar/my/" in link.group(0), (message.kind, link.group(0))


async def _sign_up_from_the_arabic_page(client, slug: str) -> None:
    form = {
        "full_name": "Fatima Haddad",
        "email": HER,
        "language": "nl",  # the group she chose: Dutch is spoken in the room
        "place": "Eindhoven",
        "child_birth_date": CHILD,
        "consent": "yes",
    }
    answer = await client.post(f"/ar/programmes/{slug}/register", data=form)
    assert answer.status_code == 303, answer.text


async def test_signed_up_from_arabic_into_a_dutch_group_everything_reaches_her_in_arabic(client, db, session_factory):
    org, pid = await published_programme(db, "triple-p-group", "her-language", revision=PAIRS)
    await _sign_up_from_the_arabic_page(client, "her-language")
    [received] = await _messages_to(db, HER)
    assert received.kind == "registration_received"
    _in_arabic(received)
    token = PRIVATE_LINK.search(received.body_text).group(1)
    registration = await db.scalar(select(Registration).where(Registration.contact_email == HER))
    participant = await db.get(Participant, registration.participant_id)
    assert (registration.language, participant.language, registration.consent_language) == ("nl", "ar", "ar")
    assert received.participant_id == participant.id
    mine = (await client.get(f"/api/v1/my/{token}")).json()
    assert (mine["language"], mine["group_language"]) == ("ar", "nl")

    # A Dutch-reading person signs up: the group (Dutch) starts, and she is told in Arabic.
    await sign_up(client, db, "her-language", person(1, child_birth_date=CHILD))
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid))
    assert cohort.language == "nl"
    confirmed = (await _messages_to(db, HER))[-1]
    assert confirmed.kind == "cohort_confirmed"
    _in_arabic(confirmed)
    dutch = (await _messages_to(db, "ouder1@example.org"))[-1]
    assert dutch.language == "nl"

    # Meetings: a reminder, then one is cancelled; each message in Arabic.
    meetings = []
    for number, days in ((1, 1), (2, 8)):
        starts = NOW + timedelta(days=days)
        meeting = Session(
            programme_id=pid,
            cohort_id=cohort.id,
            local_start=starts.replace(tzinfo=None),
            starts_at=starts,
            duration_minutes=120,
            number=number,
        )
        db.add(meeting)
        meetings.append(meeting)
    await db.commit()
    meeting_ids = [m.id for m in meetings]
    assert await plan_due_reminders(session_factory, "http://testserver", lambda: NOW) >= 1
    reminder = (await _messages_to(db, HER))[-1]
    assert reminder.kind == "session_reminder"
    _in_arabic(reminder)
    coordinator = await make_staff(db, org, "coordinator")
    await sign_in(client, coordinator)
    cancelled = await client.post(f"/api/v1/sessions/{meeting_ids[1]}/cancel", json={"reason": "ziek"})
    assert cancelled.status_code == 200, cancelled.text
    notice = (await _messages_to(db, HER))[-1]
    assert notice.kind == "session_cancelled"
    _in_arabic(notice)
    await client.post("/api/v1/auth/sign-out")
    client.cookies.clear()
    client.cookies.set("ga_csrf", "test-csrf-token")

    # Her calendar file: event titles in Arabic (the cancelled one says so in Arabic).
    ics = await client.get(f"/api/v1/my/{token}/calendar.ics")
    assert ics.status_code == 200, ics.text
    titles = [line for line in ics.text.replace("\r\n ", "").splitlines() if line.startswith("SUMMARY")]
    assert len(titles) == 2
    cancelled_word = gettext("ar", CANCELLED_TITLE, title="").strip(" :()–-")
    assert any(cancelled_word in title for title in titles), titles
    # Even when she opens it from a Dutch page: it is her file.
    assert (await client.get(f"/api/v1/my/{token}/calendar.ics?lang=nl")).text == ics.text

    # Her data export: the language she reads, her group's language, and what we sent her.
    export = (await client.get(f"/api/v1/my/{token}/data")).json()
    assert export["person"]["language"] == "ar"
    [mine] = export["registrations"]
    assert (mine["language"], mine["group_language"]) == ("ar", "nl")
    kinds = [m["kind"] for m in export["messages"]]
    assert kinds == ["registration_received", "cohort_confirmed", "session_reminder", "session_cancelled"]
    first = export["messages"][0]
    assert first["to"] == HER
    assert first["channel"] == "email"
    assert ARABIC.search(first["subject"] + first["body_text"])
    assert first["created_at"]
    assert "sent_at" in first
    assert all("ouder1" not in m["to"] for m in export["messages"])  # only hers


async def test_waiting_and_offered_a_place_in_the_language_she_reads_via_the_api(client, db):
    """Somali via the API's field: waitlisted and offered a place in Somali, with /so/ links."""
    await published_programme(db, "triple-p-group", "her-offer", revision=PAIRS)
    first = await sign_up(client, db, "her-offer", person(1, child_birth_date=CHILD))
    await sign_up(client, db, "her-offer", person(2, child_birth_date=CHILD))
    body = person(3, child_birth_date=CHILD, reads_language="so")
    response = await client.post("/api/v1/catalogue/her-offer/registrations", json=body)
    assert response.status_code == 202, response.text
    [waiting] = await _messages_to(db, "ouder3@example.org")
    assert (waiting.kind, waiting.language) == ("registration_waitlisted", "so")
    assert "/so/my/" in waiting.body_text
    registration = await db.scalar(select(Registration).where(Registration.contact_email == "ouder3@example.org"))
    assert registration.language == "nl"
    assert (await db.get(Participant, registration.participant_id)).language == "so"

    assert (await client.post(f"/api/v1/my/{first['token']}/withdraw")).status_code == 200
    offer = (await _messages_to(db, "ouder3@example.org"))[-1]
    assert (offer.kind, offer.language) == ("place_offered", "so")
    assert offer.participant_id == registration.participant_id


@pytest.mark.parametrize(
    ("headers", "reads"),
    [({"Accept-Language": "tr,nl;q=0.5"}, "tr"), ({"Accept-Language": "de"}, "nl"), ({}, "nl")],
)
async def test_without_the_field_she_reads_the_language_she_asked_in_else_the_groups(client, db, headers, reads):
    await published_programme(db, "triple-p-group", "her-default", revision=PAIRS)
    body = person(4, child_birth_date=CHILD)
    response = await client.post("/api/v1/catalogue/her-default/registrations", json=body, headers=headers)
    assert response.status_code == 202, response.text
    registration = await db.scalar(select(Registration).where(Registration.contact_email == "ouder4@example.org"))
    assert registration.language == "nl"
    assert (await db.get(Participant, registration.participant_id)).language == reads
    [told] = await _messages_to(db, "ouder4@example.org")
    assert told.language == reads
    assert f"/{reads}/my/" in told.body_text


@pytest.mark.parametrize("wrong", ["de", "xx", "ar" * 500, "<script>"])
async def test_a_language_she_reads_outside_the_seven_is_refused_clearly(client, db, wrong):
    await published_programme(db, "triple-p-group", "her-refused", revision=PAIRS)
    body = person(5, child_birth_date=CHILD, reads_language=wrong)
    response = await client.post(
        "/api/v1/catalogue/her-refused/registrations", json=body, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422, response.text
    assert "reads_language" in response.text
    assert "Choose" in response.text
    assert await db.scalar(select(Registration.id)) is None
    assert await db.scalar(select(OutboxMessage.id)) is None


async def test_signed_up_again_and_a_new_link_reach_her_in_her_language(client, db):
    await published_programme(db, "triple-p-group", "her-again", revision=PAIRS)
    await _sign_up_from_the_arabic_page(client, "her-again")
    await _sign_up_from_the_arabic_page(client, "her-again")  # again: told she is signed up already
    again = (await _messages_to(db, HER))[-1]
    assert again.kind == "registration_already"
    _in_arabic(again)
    asked = await client.post("/nl/new-link", data={"contact": HER})  # asked from a Dutch page
    assert asked.status_code == 200
    link = (await _messages_to(db, HER))[-1]
    assert link.kind == "private_link"
    _in_arabic(link)
    assert {m.participant_id for m in await _messages_to(db, HER)} == {
        await db.scalar(select(Participant.id).where(Participant.email == HER))
    }


async def test_a_centering_group_confirmed_by_the_coordinator_tells_her_in_arabic(client, db):
    """The issue's case: an Arabic-speaking woman in a Dutch-language CenteringPregnancy group."""
    org, pid = await published_programme(db, "centering-pregnancy", "her-centering")
    due = NOW.date() + timedelta(weeks=20)
    form = {
        "full_name": "Fatima Haddad",
        "email": HER,
        "language": "nl",
        "place": "Eindhoven",
        "due_date": due.isoformat(),
        "consent": "yes",
    }
    assert (await client.post("/ar/programmes/her-centering/register", data=form)).status_code == 303
    for n in range(9):
        body = person(n, due_date=(due + timedelta(days=n + 1)).isoformat())
        assert (await client.post("/api/v1/catalogue/her-centering/registrations", json=body)).status_code == 202
    coordinator = await make_staff(db, org, "coordinator")
    await sign_in(client, coordinator)
    proposal = (await client.post(f"/api/v1/programmes/{pid}/cohort-proposals")).json()
    [group] = proposal["cohorts"]
    confirmed = await client.post(f"/api/v1/cohorts/{group['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    told = await _messages_to(db, HER)
    assert [m.kind for m in told] == ["registration_received", "cohort_confirmed"]
    for message in told:
        _in_arabic(message)
    others = set(await db.scalars(select(OutboxMessage.language).where(OutboxMessage.kind == "cohort_confirmed")))
    assert others == {"nl", "ar"}


async def test_the_form_says_the_group_language_is_spoken_and_messages_come_in_the_pages(client, db):
    await published_programme(db, "triple-p-group", "her-form", revision=PAIRS)
    page = await client.get("/ar/programmes/her-form/register")
    assert page.status_code == 200
    assert 'aria-describedby="language-hint"' in page.text
    hint = re.search(r'id="language-hint">([^<]*)<', page.text).group(1)
    assert "العربية" in hint
    assert ARABIC.search(hint)
