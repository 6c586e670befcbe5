"""Offers with a deadline (registration/services/offers.py): a freed place is offered to the first on the
waiting list, held for the template's offer time, accepted or declined from the private link; an
unanswered offer goes to the next. Nobody is put into a group without being asked."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.migrate import upgrade
from groepsaanbod.registration import errors
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.offers import accept_offer, expire_offers
from tests.conftest import NOW, backends
from tests.databases import run_async, separate_database
from tests.integration.registration import parallel
from tests.integration.registration.helpers import person, published_programme, sign_up

SMALL = {"max_group_size": 6, "min_group_size": 2, "rules": {"child_age_months": [0, 144], "offer_hours": 24}}
CHILD = "2020-06-01"


async def _full_group(client, db, slug: str, people: int = 8, language: str = "nl") -> tuple[int, list[str]]:
    """A Triple P of groups of 2 to 6 with one group: six in it, the rest waiting; their private links."""
    _, pid = await published_programme(db, "triple-p-group", slug, revision=SMALL)
    tokens = []
    for n in range(people):
        told = await sign_up(client, db, slug, person(n, child_birth_date=CHILD, language=language))
        tokens.append(told["token"])
    return pid, tokens


async def _registration(db, token_index: int, tokens: list[str]) -> Registration:
    from groepsaanbod.registration.services.registrations import find_registration

    return await find_registration(db, tokens[token_index])


async def test_a_freed_place_is_offered_held_and_accepted_from_the_private_page(client, db):
    pid, tokens = await _full_group(client, db, "offer-accept")
    withdrawn = await client.post(f"/api/v1/my/{tokens[0]}/withdraw")
    assert withdrawn.status_code == 200
    offered = await _registration(db, 6, tokens)
    assert offered.status == "offered"
    assert offered.offered_until == NOW + timedelta(hours=24)  # the template's offer time
    assert offered.waitlist_position is None
    assert (await _registration(db, 7, tokens)).waitlist_position == 1
    message = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "place_offered"))
    assert message.to_address == "ouder6@example.org"
    assert "1 december 2026" in message.body_text  # the deadline, in the person's language (nl)
    # The offered place is held: a newcomer waits behind the list.
    newcomer = await sign_up(client, db, "offer-accept", person(20, child_birth_date=CHILD))
    assert (newcomer["status"], newcomer["waitlist_position"]) == ("waitlisted", 2)

    page = await client.get(f"/nl/my/{tokens[6]}")
    assert page.status_code == 200
    assert f'action="/nl/my/{tokens[6]}/offer"' in page.text
    answered = await client.post(f"/nl/my/{tokens[6]}/offer", data={"action": "accept"})
    assert answered.status_code in (302, 303)
    accepted = await _registration(db, 6, tokens)
    assert (accepted.status, accepted.offered_until, accepted.confirmed_at) == ("confirmed", None, NOW)
    # Once answered there is nothing to accept: a clear refusal, in the person's language.
    again = await client.post(f"/api/v1/my/{tokens[6]}/offer/accept", headers={"Accept-Language": "nl"})
    assert again.status_code == 422
    assert "offer" in again.text
    page_again = await client.post(f"/nl/my/{tokens[6]}/offer", data={"action": "accept"})
    assert page_again.status_code == 400
    assert 'id="error-summary"' in page_again.text


async def test_declining_passes_the_place_on_and_the_person_waits_for_the_next_group(client, db):
    _, tokens = await _full_group(client, db, "offer-decline")
    await client.post(f"/api/v1/my/{tokens[0]}/withdraw")
    declined = await client.post(f"/api/v1/my/{tokens[6]}/offer/decline")
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "pending"
    person6, person7 = await _registration(db, 6, tokens), await _registration(db, 7, tokens)
    assert (person6.status, person6.cohort_id, person6.offered_until) == ("pending", None, None)
    assert person7.status == "offered"
    # Only someone with an open offer can decline.
    assert (await client.post(f"/api/v1/my/{tokens[1]}/offer/decline")).status_code == 422
    assert (await _registration(db, 1, tokens)).status == "confirmed"


async def test_an_unanswered_offer_goes_to_the_next_when_its_time_has_passed(client, db):
    _, tokens = await _full_group(client, db, "offer-expire")
    await client.post(f"/api/v1/my/{tokens[0]}/withdraw")
    assert await expire_offers(db, NOW + timedelta(hours=23), "http://test") == 0
    assert (await _registration(db, 6, tokens)).status == "offered"
    later = NOW + timedelta(hours=25)
    assert await expire_offers(db, later, "http://test") == 1
    person6, person7 = await _registration(db, 6, tokens), await _registration(db, 7, tokens)
    assert (person6.status, person6.cohort_id) == ("pending", None)
    assert (person7.status, person7.offered_until) == ("offered", later + timedelta(hours=24))
    told = await db.scalar(
        select(OutboxMessage).where(
            OutboxMessage.kind == "offer_expired", OutboxMessage.to_address == "ouder6@example.org"
        )
    )
    assert told is not None
    # Too late to accept.
    with pytest.raises(errors.RegistrationRefused):
        await accept_offer(db, tokens[7], later + timedelta(hours=25))


async def test_the_offer_message_is_in_the_persons_language(client, db):
    _, tokens = await _full_group(client, db, "offer-turkish", language="tr")
    await client.post(f"/api/v1/my/{tokens[0]}/withdraw")
    message = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "place_offered"))
    assert "Aralık" in message.body_text  # 1 Aralık 2026: the deadline in Turkish
    assert "Hello" not in message.body_text


async def test_an_unknown_link_cannot_accept(client, db):
    await _full_group(client, db, "offer-unknown", people=3)
    assert (await client.post("/api/v1/my/" + "x" * 43 + "/offer/accept")).status_code == 404


# --- accept and expiry at the same moment (PostgreSQL row locks; SQLite takes turns) ---------------


async def _offers_due(url: str, slug: str) -> tuple[int, dict[int, str]]:
    """Six in the group, six waiting; five withdraw, so five are offered a place, due in a second."""
    async with parallel.database(url) as db:
        _, pid = await published_programme(db, "triple-p-group", slug, revision=SMALL)
    async with parallel.app_client(url) as client:
        for n in range(12):
            response = await client.post(
                f"/api/v1/catalogue/{slug}/registrations", json=person(n, child_birth_date=CHILD)
            )
            assert response.status_code in (201, 202), response.text
        async with parallel.database(url) as db:
            tokens = await parallel.private_tokens(db)
        confirmed = sorted(tokens)[:5]
        for registration_id in confirmed:
            assert (await client.post(f"/api/v1/my/{tokens[registration_id]}/withdraw")).status_code == 200
    async with parallel.database(url) as db:
        await db.execute(
            update(Registration)
            .where(Registration.status == "offered")
            .values(offered_until=NOW + timedelta(seconds=1))
        )
        await db.commit()
    return pid, tokens


async def _accept_and_expire(url: str, tokens: list[str]) -> list:
    async def expire() -> int:
        async with parallel.database(url) as db:
            return await expire_offers(db, NOW + timedelta(seconds=2), "http://parallel")

    async with parallel.app_client(url) as client:
        accepts = [client.post(f"/api/v1/my/{t}/offer/accept") for t in tokens]
        return list(await asyncio.gather(*accepts, expire(), expire()))


@pytest.mark.parametrize("backend", backends())
def test_accepting_while_the_offer_expires_gives_the_place_once(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_offer_race_test")
    upgrade(url)
    pid, tokens = run_async(_offers_due(url, "offer-race"))

    async def offered() -> list[int]:
        async with parallel.database(url) as db:
            return list(await db.scalars(select(Registration.id).where(Registration.status == "offered")))

    first_offers = run_async(offered())
    assert len(first_offers) == 5
    *responses, _, _ = run_async(_accept_and_expire(url, [tokens[i] for i in first_offers]))
    assert parallel.server_errors(responses) == []
    assert {r.status_code for r in responses} <= {200, 422}

    async def rows():
        async with parallel.database(url) as db:
            return await parallel.registrations(db, pid)

    after = {r.id: r for r in run_async(rows())}
    accepted = [i for i in first_offers if after[i].status == "confirmed"]
    passed_on = [i for i in first_offers if after[i].status == "pending"]
    # Each offer ended one way: accepted (200) or passed on (422), never both.
    assert len(accepted) + len(passed_on) == 5
    assert sum(r.status_code == 200 for r in responses) == len(accepted)
    assert all(after[i].cohort_id is None for i in passed_on)
    live = [r for r in after.values() if r.cohort_id is not None]
    counted = Counter(r.status for r in live)
    assert counted["confirmed"] + counted["offered"] <= 6
    # A place passed on went to the next waiting (one waited: 12 signed up, 6 in, 5 offered, 1 left).
    assert counted["offered"] == min(len(passed_on), 1)
    parallel.check_waiting_lines(list(after.values()), 6)
