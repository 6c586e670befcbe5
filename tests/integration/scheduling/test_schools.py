"""THINK op school (issue 16): each school's holiday region, mentors on their class's lessons,
and the school's contact told when a lesson is cancelled."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from groepsaanbod.accounts.models import Staff
from groepsaanbod.cohorts.models import Cohort, CohortFacilitator, SchoolClass
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.scheduling.models import Session, SessionStaff
from tests.factories import make_staff, sign_in
from tests.integration.membership.world import become, link_in_message
from tests.integration.registration.helpers import published_programme

CSV = (
    "klas;schooljaar;naam mentor;e-mail mentor;aantal leerlingen\n"
    "1A;2026-2027;Lotte Bakker;lotte.{school}@school.example;28\n"
    "1C;2026-2027;Rik Meijer;rik.{school}@school.example;27\n"
)
CSV_HEADERS = {"Content-Type": "text/csv", "Accept-Language": "en"}


async def a_school(db, city: str, slug: str):
    """A school whose holiday region nobody has chosen yet."""
    org, pid = await published_programme(db, "think-op-school", slug, languages=("nl",), city=city)
    org.school_region = None
    await db.commit()
    return org.id, pid, (await make_staff(db, org, "coordinator"))


async def upload(client, pid: int, school: str, query: str = ""):
    return await client.post(
        f"/api/v1/programmes/{pid}/school-classes{query}",
        content=CSV.format(school=school).encode(),
        headers=CSV_HEADERS,
    )


async def thursdays(client, db, pid: int) -> list[date]:
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid, Cohort.name == "1A 2026-2027"))
    planned = await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule", json={"weekday": 3, "start_time": "10:00", "start_date": "2027-02-04"}
    )
    assert planned.status_code == 200, planned.text
    return [date.fromisoformat(s["local_start"][:10]) for s in planned.json()["sessions"]]


async def test_an_eindhoven_and_a_zwolle_class_skip_each_their_own_spring_break(client, db):
    eindhoven, e_pid, e_coordinator = await a_school(db, "Eindhoven", "think-eindhoven")
    zwolle, z_pid, z_coordinator = await a_school(db, "Zwolle", "think-zwolle")
    await sign_in(client, e_coordinator)
    # No region yet: the place alone does not say it reliably, so the file is refused, whole.
    refused = await upload(client, e_pid, "e")
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["region"]
    assert "noord, midden or zuid" in refused.json()["errors"][0]["detail"]
    assert await db.scalar(select(func.count()).select_from(SchoolClass)) == 0
    wrong = await upload(client, e_pid, "e", "?region=west&contact_email=not-an-address")
    assert {e["field"] for e in wrong.json()["errors"]} == {"region", "contact_email"}
    assert (await upload(client, e_pid, "e", "?region=zuid")).status_code == 200
    e_days = await thursdays(client, db, e_pid)
    # The next file keeps the region the school chose.
    assert (await upload(client, e_pid, "e")).status_code == 200

    await sign_in(client, z_coordinator)
    assert (await upload(client, z_pid, "z", "?region=noord")).status_code == 200
    z_days = await thursdays(client, db, z_pid)

    # Spring break 2027: zuid 13-21 February, noord 20-28 February.
    assert date(2027, 2, 18) not in e_days
    assert date(2027, 2, 25) in e_days
    assert date(2027, 2, 25) not in z_days
    assert date(2027, 2, 18) in z_days
    assert (await db.get(Organisation, eindhoven, populate_existing=True)).school_region == "zuid"
    regions = dict((await db.execute(select(SchoolClass.organisation_id, SchoolClass.region))).all())
    assert regions == {eindhoven: "zuid", zwolle: "noord"}


async def test_imported_mentors_are_invited_and_on_each_lesson_of_their_class(client, db):
    _, pid, coordinator = await a_school(db, "Zwolle", "think-zwolle")
    await sign_in(client, coordinator)
    assert (await upload(client, pid, "z", "?region=noord")).status_code == 200
    await thursdays(client, db, pid)
    for email in ("lotte.z@school.example", "rik.z@school.example"):
        invited = select(OutboxMessage.body_text).where(OutboxMessage.to_address == email)
        [body] = list(await db.scalars(invited))
        assert "/staff/password/" in body  # their account, and where their lessons and calendar link are
        assert "/nl/staff/agenda" in body
    lotte = await db.scalar(select(Staff.id).where(Staff.email == "lotte.z@school.example"))
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid, Cohort.name == "1A 2026-2027"))
    lessons = list(await db.scalars(select(Session.id).where(Session.cohort_id == cohort.id)))
    mentors = await db.scalars(
        select(SessionStaff.session_id).where(SessionStaff.staff_id == lotte, SessionStaff.role == "mentor")
    )
    assert len(lessons) == 10
    assert sorted(mentors) == sorted(lessons)
    sessions = (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions", headers={"Accept-Language": "en"})).json()
    # No lesson misses its mentor (the guest teacher is planned later, by the year planner).
    assert not any("mentor" in v["message"] for s in sessions for v in s["violations"])
    # A file that names another mentor for 1A hands the group over; the old mentor leaves it.
    other = CSV.format(school="z").replace("lotte.z@", "anna.z@")
    replaced = await client.post(
        f"/api/v1/programmes/{pid}/school-classes", content=other.encode(), headers=CSV_HEADERS
    )
    assert replaced.status_code == 200
    leaders = await db.scalars(select(CohortFacilitator.staff_id).where(CohortFacilitator.cohort_id == cohort.id))
    assert lotte not in list(leaders)


async def test_a_cancelled_lesson_is_told_to_the_schools_contact(client, db):
    _, pid, coordinator = await a_school(db, "Zwolle", "think-zwolle")
    await sign_in(client, coordinator)
    query = "?region=noord&contact_email=Office@Vechtcollege.example"
    assert (await upload(client, pid, "z", query)).status_code == 200
    await thursdays(client, db, pid)
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid, Cohort.name == "1A 2026-2027"))
    first = await db.scalar(select(Session.id).where(Session.cohort_id == cohort.id).order_by(Session.starts_at))
    cancelled = await client.post(f"/api/v1/sessions/{first}/cancel", json={"reason": "studiedag"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["told"] == 2  # the mentor and the school
    told = await db.scalar(
        select(OutboxMessage).where(
            OutboxMessage.to_address == "office@vechtcollege.example", OutboxMessage.kind == "session_cancelled"
        )
    )
    assert told is not None
    assert told.language == "nl"


async def test_the_upload_page_asks_for_the_region_and_the_contact(client, db):
    _, pid, coordinator = await a_school(db, "Eindhoven", "think-eindhoven")
    await sign_in(client, coordinator)
    page = await client.get(f"/nl/staff/programmes/{pid}/registrations")
    assert 'name="region"' in page.text
    assert 'name="contact_email"' in page.text
    files = {"file": ("klassen.csv", CSV.format(school="e").encode(), "text/csv")}
    refused = await client.post(f"/nl/staff/programmes/{pid}/school-classes", files=files)
    assert refused.status_code == 400
    assert "error-summary" in refused.text
    assert "zuid" in refused.text
    done = await client.post(
        f"/nl/staff/programmes/{pid}/school-classes",
        files=files,
        data={"region": "zuid", "contact_email": "info@school.example"},
    )
    assert done.status_code == 303
    page = await client.get(done.headers["location"])
    assert '<option value="zuid" selected>' in page.text
    assert 'value="info@school.example"' in page.text


async def test_a_mentor_of_another_organisation_is_placed_on_the_lessons_once_they_accept(client, db):
    other, _ = await published_programme(db, "kids-en-koffie", "kids-elders", city="Deventer")
    teacher = await make_staff(db, other, "volunteer", email="lotte.z@school.example")
    org_id, pid, coordinator = await a_school(db, "Zwolle", "think-zwolle")
    await sign_in(client, coordinator)
    assert (await upload(client, pid, "z", "?region=noord")).json()["invited_mentors"] == 1
    await thursdays(client, db, pid)
    mentor_on = select(func.count()).select_from(SessionStaff).where(SessionStaff.staff_id == teacher.id)
    assert await db.scalar(mentor_on) == 0  # invited, never attached
    await become(client, teacher)
    link = await link_in_message(db, "lotte.z@school.example", "staff_join_invitation")
    assert (await client.post(link, data={"action": "accept"})).status_code == 303
    assert await db.scalar(mentor_on.where(SessionStaff.role == "mentor")) == 10


async def guest_teacher_world(client, db):
    org_id, pid, coordinator = await a_school(db, "Zwolle", "think-zwolle")
    org = await db.get(Organisation, org_id)
    first_guest = await make_staff(db, org, "guest_teacher")
    second_guest = await make_staff(db, org, "guest_teacher")
    await sign_in(client, coordinator)
    assert (await upload(client, pid, "z", "?region=noord&contact_email=office@school.example")).status_code == 200
    await thursdays(client, db, pid)
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid, Cohort.name == "1A 2026-2027"))
    added = await client.post(
        f"/api/v1/cohorts/{cohort.id}/facilitators", json={"staff_id": first_guest.id, "role": "guest_teacher"}
    )
    assert added.status_code == 200, added.text
    lesson = await db.scalar(select(Session.id).where(Session.cohort_id == cohort.id).order_by(Session.starts_at))
    return lesson, first_guest.id, second_guest.id


async def guests_of(db, lesson: int) -> list[int]:
    query = select(SessionStaff.staff_id).where(SessionStaff.session_id == lesson, SessionStaff.role == "guest_teacher")
    return list(await db.scalars(query.execution_options(populate_existing=True)))


async def test_an_absent_guest_teacher_is_replaced_by_a_free_one_or_the_lesson_is_cancelled(client, db):
    lesson, first, second = await guest_teacher_world(client, db)
    absent = await client.post(f"/api/v1/sessions/{lesson}/absence", json={"staff_id": first, "reason": "ziek"})
    assert absent.status_code == 200, absent.text
    assert absent.json()["cancelled"] is False
    assert absent.json()["outcome"] == "taken_over"  # not "the coordinator is told": nobody alerted them
    assert await guests_of(db, lesson) == [second]
    told = select(OutboxMessage.to_address).where(OutboxMessage.kind == "lesson_taken_over")
    assert list(await db.scalars(told)) == [(await db.get(Staff, second)).email]

    # The stand-in cannot come either, and nobody else is free: the lesson is cancelled, everyone told.
    again = await client.post(f"/api/v1/sessions/{lesson}/absence", json={"staff_id": second, "reason": "ziek"})
    assert again.json()["cancelled"] is True
    assert (await db.get(Session, lesson, populate_existing=True)).status == "cancelled"
    cancelled = select(OutboxMessage.to_address).where(OutboxMessage.kind == "session_cancelled")
    assert "office@school.example" in set(await db.scalars(cancelled))


async def test_guest_teachers_availability_page_and_the_plan_in_words(client, db):
    org_id, pid, coordinator = await a_school(db, "Zwolle", "think-zwolle")
    org = await db.get(Organisation, org_id)
    org.name = "Vechtcollege"
    ann = await make_staff(db, org, "guest_teacher")
    bob = await make_staff(db, org, "guest_teacher")
    await db.commit()
    ann_id, bob_id = ann.id, bob.id
    await sign_in(client, coordinator)
    assert (await upload(client, pid, "z", "?region=noord")).status_code == 200
    await thursdays(client, db, pid)  # 1A on Thursdays from 4 February 2027
    page = await client.get(f"/en/staff/programmes/{pid}/guest-teachers")
    assert page.status_code == 200
    assert page.text.count("No guest teacher yet.") == 10
    dutch = sorted({t["nl"] for t in await db.scalars(select(Session.topic).where(Session.programme_id == pid))})
    # Ann gives every topic on Thursdays, but not in the week of 18 February; Bob only on Mondays.
    form = {"topics": dutch, "weekdays": ["3"], "weeks_off": "18-02-2027", "max_lessons_per_week": "4"}
    saved = await client.post(f"/nl/staff/programmes/{pid}/guest-teachers/{ann_id}", data=form)
    assert saved.status_code == 303, saved.text
    bad = await client.post(
        f"/nl/staff/programmes/{pid}/guest-teachers/{bob_id}", data={"weekdays": ["6"], "weeks_off": "morgen"}
    )
    assert bad.status_code == 400
    assert "error-summary" in bad.text
    bob_form = {"topics": dutch, "weekdays": ["0"], "max_lessons_per_week": "4"}
    assert (await client.post(f"/nl/staff/programmes/{pid}/guest-teachers/{bob_id}", data=bob_form)).status_code == 303

    planned = await client.post(f"/en/staff/programmes/{pid}/guest-teachers/plan")
    assert planned.status_code == 200
    # The reason in words: the topic, the lesson's date, the class and the school; no week numbers or ids.
    assert "No guest teacher for" in planned.text
    assert "is free on Feb 18, 2027 at 10:00" in planned.text
    assert "class 1A 2026-2027 at Vechtcollege" in planned.text
    assert "202707" not in planned.text

    # Ann can after all: now every lesson gets her.
    form["weeks_off"] = ""
    assert (await client.post(f"/nl/staff/programmes/{pid}/guest-teachers/{ann_id}", data=form)).status_code == 303
    planned = await client.post(f"/en/staff/programmes/{pid}/guest-teachers/plan")
    assert "Every lesson has a guest teacher." in planned.text
    assert "No guest teacher yet." not in planned.text
    given = select(func.count()).select_from(SessionStaff).where(SessionStaff.role == "guest_teacher")
    assert await db.scalar(given.where(SessionStaff.staff_id == ann_id)) == 10


async def test_another_organisations_guest_teacher_page_is_not_found(client, db):
    _, pid, _ = await a_school(db, "Zwolle", "think-zwolle")
    other_org, _, other_coordinator = await a_school(db, "Eindhoven", "think-eindhoven")
    await sign_in(client, other_coordinator)
    assert (await client.get(f"/nl/staff/programmes/{pid}/guest-teachers")).status_code == 404
    answer = await client.put(f"/api/v1/programmes/{pid}/guest-teachers/1", json={"topics": ["x"], "weekdays": [0]})
    assert answer.status_code == 404


async def test_a_guest_teachers_confirmation_page_says_a_stand_in_takes_the_lesson(client, db):
    lesson, first, second = await guest_teacher_world(client, db)
    await client.post("/api/v1/auth/sign-out")
    await sign_in(client, await db.get(Staff, first))
    page = await client.get(f"/nl/staff/agenda/{lesson}/absence")
    assert page.status_code == 200, page.text
    assert gettext("nl", "Another guest teacher takes the lesson and is told. The lesson goes ahead.") in page.text
    # Showing it changed nothing and told nobody.
    assert await guests_of(db, lesson) == [first]
    told = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "lesson_taken_over")
    assert await db.scalar(told) == 0
