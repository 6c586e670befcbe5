"""Rights after withdrawal: the private link keeps working for seeing, downloading and erasing
until the data is gone (or the person erases at once when they stop); registrations that never
reached a group are erased by the worker once their wait ended and the retention time passed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.privacy.retention import add_months
from groepsaanbod.privacy.services.housekeeping import run_housekeeping
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.settings import Settings
from tests.conftest import NOW
from tests.integration.privacy.traces import DAY, signed_up_token
from tests.integration.registration.helpers import published_programme

STOPPED = (
    "You have stopped. We keep your information for a while and then erase it ourselves "
    "(see the privacy statement). Until then you can download it here, or erase it now."
)
NO_MEETINGS = (
    "You have stopped, so there are no meetings to add to your calendar. Sign up again if you want to take part."
)


async def _registration(db, email: str) -> Registration:
    db.expunge_all()
    return await db.scalar(select(Registration).where(Registration.contact_email == email))


async def test_after_stopping_the_link_shows_downloads_and_erases(client, db):
    await published_programme(db, "centering-pregnancy", "centering-stop", city="Eindhoven")
    token = await signed_up_token(client, db, "centering-stop", 1, email="stop@example.org", due_date="2027-06-02")
    assert (await client.get(f"/nl/my/{token}/withdraw")).status_code == 200
    stopped = await client.post(f"/nl/my/{token}/withdraw")
    assert stopped.status_code == 200

    registration = await _registration(db, "stop@example.org")
    assert registration.status == "withdrawn"
    assert registration.access_revoked_at is None
    # The link works until the data is gone (the retention time after stopping), not shorter.
    assert registration.access_expires_at >= add_months(NOW, Settings().retention_months)

    page = await client.get(f"/nl/my/{token}")
    assert page.status_code == 200
    assert gettext("nl", STOPPED) in page.text
    assert "/nl/programmes/centering-stop/register" in page.text  # sign up again
    assert f"/nl/my/{token}/withdraw" not in page.text
    assert f"/nl/my/{token}/feed" not in page.text
    mine = await client.get(f"/api/v1/my/{token}")
    assert mine.status_code == 200
    assert mine.json()["status"] == "withdrawn"
    data = await client.get(f"/nl/my/{token}/data.json")
    assert data.status_code == 200
    assert data.json()["registrations"][0]["status"] == "withdrawn"
    assert data.json()["person"]["email"] == "stop@example.org"
    assert (await client.get(f"/api/v1/my/{token}/data")).status_code == 200

    # Stopping again changes nothing and says so; calendars are refused with the reason.
    again = await client.post(f"/api/v1/my/{token}/withdraw")
    assert again.status_code == 200
    assert again.json()["status"] == "withdrawn"
    events = await db.scalar(
        select(func.count()).select_from(RegistrationEvent).where(RegistrationEvent.action == "withdrawn")
    )
    assert events == 1
    for refused in (
        await client.post(f"/api/v1/my/{token}/feed?lang=en"),
        await client.get(f"/api/v1/my/{token}/calendar.ics?lang=en"),
    ):
        assert refused.status_code == 409
        assert refused.json()["errors"][0]["detail"] == NO_MEETINGS

    # A lost link can be asked for again while the data is kept.
    assert (await client.post("/nl/new-link", data={"contact": "stop@example.org"})).status_code == 200
    message = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "private_link"))
    assert message is not None
    assert message.to_address == "stop@example.org"
    new_token = message.body_text.split("/my/")[1].split()[0]
    assert (await client.get(f"/nl/my/{new_token}")).status_code == 200

    assert (await client.get(f"/nl/my/{new_token}/erase")).status_code == 200
    assert (await client.post(f"/nl/my/{new_token}/erase")).status_code == 200
    assert (await client.get(f"/nl/my/{new_token}")).status_code == 404
    person = await db.scalar(select(Participant).where(Participant.id == registration.participant_id))
    assert person.erased_at == NOW
    assert person.email is None


async def test_stopping_offers_to_erase_at_once(client, db):
    await published_programme(db, "centering-pregnancy", "centering-now", city="Eindhoven")
    token = await signed_up_token(client, db, "centering-now", 2, email="nu@example.org", due_date="2027-06-02")
    page = await client.get(f"/en/my/{token}/withdraw")
    assert f'action="/en/my/{token}/erase"' in page.text
    assert "Stop and erase my information now" in page.text
    assert (await client.post(f"/en/my/{token}/erase")).status_code == 200
    person = await db.scalar(select(Participant).where(Participant.erased_at.is_not(None)))
    assert person is not None
    assert person.full_name == ""
    assert person.email is None
    registration = await db.scalar(select(Registration).where(Registration.participant_id == person.id))
    assert registration.status == "withdrawn"
    assert registration.contact_email is None
    assert (await client.get(f"/api/v1/my/{token}")).status_code == 404


async def _waiting(client, db, slug: str, n: int, **fields) -> str:
    email = f"wacht{n}@example.org"
    await signed_up_token(client, db, slug, n, email=email, **fields)
    return email


async def test_registrations_that_never_reached_a_group_are_erased_after_their_wait(client, db, session_factory):
    """Pregnancy: the wait ends on the due date. Triple P (children up to 12): the wait ends
    GROEPSAANBOD_WAITING_MONTHS after the last change. The data goes the retention time later,
    and the registration is withdrawn, so nobody nameless stays on a waiting list."""
    await published_programme(db, "centering-pregnancy", "centering-wait", city="Eindhoven")
    await published_programme(db, "triple-p-group", "triple-wait", revision={"min_group_size": 1, "max_group_size": 1})
    pregnant = await _waiting(client, db, "centering-wait", 1, due_date="2027-05-19")
    first = await _waiting(client, db, "triple-wait", 2, child_birth_date="2022-01-01")  # starts the group
    long_ago = await _waiting(client, db, "triple-wait", 3, child_birth_date="2022-01-01")
    recent = await _waiting(client, db, "triple-wait", 4, child_birth_date="2022-01-01")
    statuses = {e: (await _registration(db, e)).status for e in (pregnant, first, long_ago, recent)}
    assert statuses == {pregnant: "pending", first: "confirmed", long_ago: "waitlisted", recent: "waitlisted"}
    # The third person's last change was long ago.
    old = await _registration(db, long_ago)
    await db.execute(update(Registration).where(Registration.id == old.id).values(consented_at=NOW - 400 * DAY))
    await db.execute(
        update(RegistrationEvent).where(RegistrationEvent.registration_id == old.id).values(at=NOW - 400 * DAY)
    )
    await db.commit()
    settings = Settings(database_url="sqlite:///unused.db", retention_months=12, waiting_months=12)

    async def erased(at) -> set[str]:
        await run_housekeeping(session_factory, settings, at, force=True)
        db.expunge_all()
        rows = await db.execute(
            select(Registration.id, Participant.erased_at).join(
                Participant, Participant.id == Registration.participant_id
            )
        )
        return {rid for rid, when in rows.all() if when is not None}

    ids = {e: (await _registration(db, e)).id for e in (pregnant, first, long_ago, recent)}
    assert await erased(NOW + 300 * DAY) == set()
    # 400 days ago + 12 months of waiting + 12 months kept = about 330 days from now.
    assert await erased(NOW + 340 * DAY) == {ids[long_ago]}
    gone = await db.get(Registration, ids[long_ago])
    assert gone.status == "withdrawn"
    assert gone.waitlist_position is None
    assert gone.contact_email is None
    assert (await db.get(Registration, ids[recent])).waitlist_position == 1  # moved up
    # The due date 19 May 2027 ended the pregnant person's wait; her data goes a year later.
    assert await erased(NOW + 535 * DAY) == {ids[long_ago]}
    assert await erased(datetime(2028, 5, 19, tzinfo=UTC)) == {ids[long_ago], ids[pregnant]}
    # The others signed up now: their wait ended after 12 months, their data goes 12 months later.
    assert await erased(add_months(NOW, 24) - DAY) == {ids[long_ago], ids[pregnant]}
    # The first person's place (in a group that never met) is offered to the next on the list, as any
    # freed place is; being offered a place is a change, so that person's wait starts again.
    assert await erased(add_months(NOW, 24)) == {ids[long_ago], ids[pregnant], ids[first]}
    assert (await db.get(Registration, ids[first])).status == "withdrawn"
    moved_up = await db.get(Registration, ids[recent])
    assert moved_up.status == "offered"
    assert moved_up.contact_email == recent


async def test_waiting_person_with_a_due_date_still_ahead_is_kept(client, db, session_factory):
    await published_programme(db, "centering-pregnancy", "centering-ahead", city="Eindhoven")
    await _waiting(client, db, "centering-ahead", 5, due_date=(NOW.date() + timedelta(days=200)).isoformat())
    settings = Settings(database_url="sqlite:///unused.db")
    assert await run_housekeeping(session_factory, settings, NOW + 500 * DAY, force=True) == 0
    assert await run_housekeeping(session_factory, settings, NOW + 200 * DAY + timedelta(days=367), force=True) == 1
