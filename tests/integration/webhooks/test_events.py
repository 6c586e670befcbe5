"""record_event from the use cases: in the caller's transaction, per organisation, scoped payloads."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from groepsaanbod.webhooks.models import WebhookDelivery
from groepsaanbod.webhooks.services.delivery import forget_old_deliveries
from groepsaanbod.webhooks.services.record import record_event
from tests.conftest import NOW
from tests.factories import make_organisation
from tests.integration.registration.helpers import person, published_programme, sign_up
from tests.integration.webhooks.helpers import data_of, deliveries, subscribe

DUE = "2027-04-20"
PERSONAL = {"full_name", "name", "email", "phone", "due_date", "child_birth_date", "postcode"}


async def test_a_sign_up_reaches_its_own_organisations_subscriber_only(client, db):
    org, _ = await published_programme(db, "centering-pregnancy", "centering-hooks")
    other = await make_organisation(db, "Andere Stichting")
    ours, _ = await subscribe(db, org.id)
    theirs, _ = await subscribe(db, other.id)
    told = await sign_up(client, db, "centering-hooks", person(1, due_date=DUE, phone="06 12345678"))
    [delivery] = await deliveries(db, ours.id)
    assert await deliveries(db, theirs.id) == []
    body = json.loads(delivery.payload)
    assert body["type"] == "registration.received"
    assert body["timestamp"].endswith("+00:00")
    assert body["data"]["registration_id"] == told["registration_id"]
    assert delivery.event_id.startswith("msg_")
    assert delivery.organisation_id == org.id
    # No scope: ids and status, nothing about the person.
    assert set(body["data"]) <= {"registration_id", "programme_id", "cohort_id", "status"}
    assert "Ouder" not in delivery.payload
    assert "example.org" not in delivery.payload
    assert DUE not in delivery.payload


async def test_with_the_registrations_scope_a_due_date_but_never_name_or_contact(client, db):
    org, _ = await published_programme(db, "centering-pregnancy", "centering-scoped")
    scoped, _ = await subscribe(db, org.id, scopes=["registrations:read"])
    await sign_up(client, db, "centering-scoped", person(2, due_date=DUE, phone="06 12345678"))
    [delivery] = await deliveries(db, scoped.id)
    data = data_of(delivery)
    assert data["due_date"] == DUE
    assert data["place"] == "Eindhoven"
    assert not (PERSONAL - {"due_date"}) & set(data)
    assert "Ouder 2" not in delivery.payload
    assert "ouder2@" not in delivery.payload
    assert "612345678" not in delivery.payload


async def test_a_refused_sign_up_and_a_rolled_back_change_send_nothing(client, db):
    org, _ = await published_programme(db, "centering-pregnancy", "centering-refused")
    await subscribe(db, org.id)
    refused = await client.post("/api/v1/catalogue/centering-refused/registrations", json=person(3, due_date="bad"))
    assert refused.status_code in (400, 422)
    await record_event(db, org.id, "session.cancelled", {"session_id": 1}, NOW)
    assert await db.scalar(select(func.count()).select_from(WebhookDelivery)) == 1  # written, not committed
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


async def test_only_chosen_events_and_active_subscriptions(client, db):
    org, _ = await published_programme(db, "centering-pregnancy", "centering-chosen")
    sessions_only, _ = await subscribe(db, org.id, events=["session.moved"])
    paused, _ = await subscribe(db, org.id)
    paused.active = False
    await db.commit()
    await sign_up(client, db, "centering-chosen", person(4, due_date=DUE))
    assert await deliveries(db) == []
    assert await record_event(db, org.id, "session.moved", {"session_id": 9}, NOW) == 1
    [delivery] = await deliveries(db)
    assert delivery.subscription_id == sessions_only.id


async def test_withdrawing_sends_registration_withdrawn_with_the_same_id_for_every_subscriber(client, db):
    org, _ = await published_programme(db, "centering-pregnancy", "centering-stop")
    first, _ = await subscribe(db, org.id, events=["registration.withdrawn"])
    second, _ = await subscribe(db, org.id, events=["registration.withdrawn"], scopes=["registrations:read"])
    told = await sign_up(client, db, "centering-stop", person(5, due_date=DUE))
    stopped = await client.post(f"/api/v1/my/{told['token']}/withdraw")
    assert stopped.status_code in (200, 202), stopped.text
    a, b = await deliveries(db, first.id), await deliveries(db, second.id)
    assert len(a) == len(b) == 1
    assert a[0].event_id == b[0].event_id
    assert data_of(a[0])["status"] == "withdrawn"
    assert data_of(a[0])["registration_id"] == told["registration_id"]


@pytest.mark.parametrize("name", ["no.such.event", ""])
async def test_an_unknown_event_is_a_programming_error(db, name):
    org = await make_organisation(db)
    with pytest.raises(ValueError, match="unknown webhook event"):
        await record_event(db, org.id, name, {}, NOW)


async def test_done_deliveries_are_forgotten_after_thirty_days(db):
    org = await make_organisation(db)
    await subscribe(db, org.id)
    for _ in range(3):
        await record_event(db, org.id, "session.moved", {"session_id": 1}, NOW)
    await db.commit()
    old_done, old_open, recent = await deliveries(db)
    old_done.created_at = old_open.created_at = NOW - timedelta(days=31)
    old_done.delivered_at, recent.delivered_at = NOW, NOW
    await db.commit()
    assert await forget_old_deliveries(db, NOW) == 1
    assert [d.id for d in await deliveries(db)] == [old_open.id, recent.id]  # not yet delivered: kept


async def test_a_group_that_starts_from_the_waiting_crowd_tells_each_placement(client, db):
    org, pid = await published_programme(db, "triple-p-group", "triple-hooks")
    hook, _ = await subscribe(db, org.id, events=["registration.placed"])
    told = [await sign_up(client, db, "triple-hooks", person(n, child_birth_date="2020-06-01")) for n in range(5)]
    placed = [data_of(d) for d in await deliveries(db, hook.id)]
    # The template's minimum is 5: the fifth sign-up starts the group and places all five.
    assert sorted(p["registration_id"] for p in placed) == sorted(t["registration_id"] for t in told)
    assert {p["status"] for p in placed} == {"confirmed"}
    assert len({p["cohort_id"] for p in placed}) == 1


async def test_a_drop_in_series_tells_its_planned_meetings_and_the_worker_top_up_too(client, db):
    from groepsaanbod.scheduling.services.series import HORIZON, top_up_series
    from tests.integration.scheduling.test_drop_in import kids_en_koffie, series_body

    org, pid, venue, _, _ = await kids_en_koffie(client, db)
    hook, _ = await subscribe(db, org.id, events=["session.planned"])
    made = await client.post(f"/api/v1/programmes/{pid}/series", json=series_body(venue))
    assert made.status_code == 201, made.text
    [first] = [data_of(d) for d in await deliveries(db, hook.id)]
    assert first["cohort_id"] == made.json()["cohort_id"]
    assert first["sessions"] == len(first["starts_at"]) > 0
    # The open-ended series is planned HORIZON ahead; weeks later the worker plans more, and says so.
    assert await top_up_series(db, NOW + HORIZON) > 0
    later = [data_of(d) for d in await deliveries(db, hook.id)]
    assert len(later) == 2
    assert later[1]["cohort_id"] == first["cohort_id"]
    assert min(later[1]["starts_at"]) > max(first["starts_at"])


async def test_erasing_her_leaves_only_ids_in_the_payloads_about_her(client, db):
    org, _ = await published_programme(db, "centering-pregnancy", "centering-erased")
    scoped, _ = await subscribe(db, org.id, scopes=["registrations:read"])
    scoped_id = scoped.id
    told = await sign_up(client, db, "centering-erased", person(3, due_date=DUE))
    other = await sign_up(client, db, "centering-erased", person(4, due_date="2027-05-02"))
    assert DUE in (await deliveries(db, scoped_id))[0].payload
    assert (await client.post(f"/nl/my/{told['token']}/erase")).status_code == 200
    db.expire_all()
    mine = [d for d in await deliveries(db, scoped_id) if data_of(d)["registration_id"] == told["registration_id"]]
    assert mine  # her sign-up, and the withdrawal the erasure made
    for delivery in mine:
        assert DUE not in delivery.payload
        assert "Eindhoven" not in delivery.payload
    theirs = [d for d in await deliveries(db, scoped_id) if data_of(d)["registration_id"] == other["registration_id"]]
    # Another person's payload keeps its detail.
    assert "2027-05-02" in theirs[0].payload
