"""Kids & Koffie from the pages: the coordinator starts, extends, pauses and ends a series; a
volunteer takes and leaves meetings on the rota and answers a swap; mistakes are said in the form."""

from __future__ import annotations

from sqlalchemy import select

from groepsaanbod.scheduling.models import SeriesPlan, Session, SessionStaff
from tests.factories import sign_in
from tests.integration.scheduling.test_drop_in import MONDAY, kids_en_koffie


async def test_coordinator_runs_a_series_from_the_pages(client, db):
    org, pid, venue, coordinator, volunteers = await kids_en_koffie(client, db)
    edit = await client.get(f"/nl/staff/programmes/{pid}")
    assert f"/nl/staff/programmes/{pid}/series" in edit.text
    page = await client.get(f"/nl/staff/programmes/{pid}/series")
    assert page.status_code == 200
    assert "Nog geen reeks" in page.text or 'name="starts_on"' in page.text

    bad = await client.post(
        f"/nl/staff/programmes/{pid}/series",
        data={"name": "Inloop", "weekday": "0", "start_time": "9 uur", "starts_on": MONDAY.isoformat(), "ends_on": ""},
    )
    assert bad.status_code == 400
    assert 'href="#start_time"' in bad.text
    assert 'value="Inloop"' in bad.text
    assert await db.scalar(select(SeriesPlan.cohort_id)) is None

    made = await client.post(
        f"/nl/staff/programmes/{pid}/series",
        data={
            "name": "Inloop De Merwehoeve",
            "weekday": "0",
            "start_time": "09:30",
            "starts_on": MONDAY.isoformat(),
            "ends_on": "2027-03-31",
            "venue_id": str(venue.id),
        },
    )
    assert made.status_code == 303, made.text
    series_path = made.headers["location"].split("?")[0]
    cohort_id = int(series_path.rsplit("/", 1)[1])
    shown = await client.get(series_path)
    assert shown.status_code == 200
    assert "Inloop De Merwehoeve" in shown.text

    refused = await client.post(
        series_path, data={"action": "pause", "pause_starts_on": "2027-01-03", "pause_ends_on": "2026-12-21"}
    )
    assert refused.status_code == 400
    assert 'href="#pause_ends_on"' in refused.text
    paused = await client.post(
        series_path,
        data={"action": "pause", "pause_starts_on": "2026-12-21", "pause_ends_on": "2027-01-03", "reason": "Kerst"},
    )
    assert paused.status_code == 303
    longer = await client.post(series_path, data={"action": "extend", "extend_ends_on": "2027-06-30"})
    assert longer.status_code == 303
    plan = await db.get(SeriesPlan, cohort_id)
    await db.refresh(plan)
    assert plan.ends_on.isoformat() == "2027-06-30"
    shorter = await client.post(series_path, data={"action": "extend", "extend_ends_on": "2027-05-31"})
    assert shorter.status_code == 400
    assert 'href="#extend_ends_on"' in shorter.text

    # A volunteer takes the first meeting on the rota and asks another to swap.
    riet, hanneke, _ = volunteers
    for person in (riet, hanneke, coordinator):
        await db.refresh(person)  # a refused form rolled the shared session back
    first = await db.scalar(select(Session.id).where(Session.cohort_id == cohort_id).order_by(Session.starts_at))
    await client.post("/api/v1/auth/sign-out")
    await sign_in(client, riet)
    rota = await client.get("/nl/staff/rota")
    assert rota.status_code == 200
    assert "/nl/staff/rota" in rota.text
    taken = await client.post(f"/nl/staff/rota/{first}", data={"action": "take"})
    assert "done=taken" in taken.headers["location"]
    asked = await client.post(f"/nl/staff/rota/{first}", data={"action": "swap", "to_staff_id": str(hanneke.id)})
    assert "done=asked" in asked.headers["location"]
    nonsense = await client.post(f"/nl/staff/rota/{first}", data={"action": "swap", "to_staff_id": "99999"})
    assert "done=refused" in nonsense.headers["location"]
    for person in (riet, hanneke, coordinator):
        await db.refresh(person)
    await client.post("/api/v1/auth/sign-out")
    await sign_in(client, hanneke)
    rota = await client.get("/tr/staff/rota")
    assert rota.status_code == 200
    swap_form = rota.text.split("/tr/staff/rota/swaps/")[1].split('"')[0]
    answered = await client.post(f"/tr/staff/rota/swaps/{swap_form}", data={"answer": "yes"})
    assert "done=accepted" in answered.headers["location"]
    on = set(await db.scalars(select(SessionStaff.staff_id).where(SessionStaff.session_id == first)))
    assert on == {hanneke.id}

    await client.post("/api/v1/auth/sign-out")
    await sign_in(client, coordinator)
    ended = await client.post(series_path, data={"action": "end", "end_last_day": "2027-05-31"})
    assert ended.status_code == 303
    await db.refresh(plan)
    assert plan.ended
