"""Issue 16, after the birth: the midwife takes the register with a woman absent because she gave
birth and gives her baby's date; the meeting with the babies moves. A wrong date saves nothing,
a helper may not give one, another organisation finds nothing; the births route is the midwife's
too for a group she is planned on."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from groepsaanbod.attendance.models import Attendance
from groepsaanbod.cohorts.models import CohortFacilitator
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.scheduling.models import Session
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.scheduling.test_births import APRIL, clock, moment, planned_group, with_babies  # noqa: F401

__all__ = ["clock", "moment"]


async def held_today(db, cohort_id: int) -> int:
    """The group's last meeting before the births, held an hour ago (the register is open)."""
    rows = list(await db.scalars(select(Session).where(Session.cohort_id == cohort_id).order_by(Session.number)))
    meeting = rows[-2]
    meeting.starts_at = APRIL - timedelta(hours=1)
    meeting.local_start = datetime(2027, 4, 15, 9, 0)
    await db.commit()
    return meeting.id


async def setting(client, db, moment, role="midwife", *, planned=True):
    org, pid, cohort_id, member = await planned_group(client, db, moment)
    session_id = await held_today(db, cohort_id)
    carer = await make_staff(db, org, role)
    if planned:
        db.add(CohortFacilitator(cohort_id=cohort_id, staff_id=carer.id, role=role))
        await db.commit()
    await sign_in(client, carer, APRIL)
    pid_of = await db.scalar(select(Registration.participant_id).where(Registration.id == member))
    return org, cohort_id, member, session_id, pid_of


async def mother(db, member: int) -> Participant:
    return await db.scalar(
        select(Participant)
        .join(Registration)
        .where(Registration.id == member)
        .execution_options(populate_existing=True)
    )


def marks(pid_of: int, born: str | None, reason: str = "gave_birth") -> dict:
    mark = {"participant_id": pid_of, "present": False, "reason": reason}
    return {"marks": [mark | ({"birth_date": born} if born else {})]}


async def test_the_midwife_records_the_birth_on_the_register(client, db, moment):
    _, cohort_id, member, session_id, pid_of = await setting(client, db, moment)
    page = await client.get(f"/nl/staff/sessions/{session_id}/register")
    assert f'name="birth-{pid_of}"' in page.text
    saved = await client.post(f"/api/v1/sessions/{session_id}/register", json=marks(pid_of, "2027-04-14"))
    assert saved.status_code == 200, saved.text
    line = next(x for x in saved.json()["lines"] if x["participant_id"] == pid_of)
    assert (line["reason"], line["birth_date"]) == ("gave_birth", "2027-04-14")
    assert (await mother(db, member)).child_birth_date == date(2027, 4, 14)
    assert (await with_babies(db, cohort_id)).local_start == datetime(2027, 6, 9, 10, 0)


async def test_the_register_page_takes_the_date_beside_the_reason(client, db, moment):
    _, cohort_id, member, session_id, pid_of = await setting(client, db, moment)
    done = await client.post(
        f"/nl/staff/sessions/{session_id}/register",
        data={f"reason-{pid_of}": "gave_birth", f"birth-{pid_of}": "2027-04-14"},
    )
    assert done.status_code in (302, 303), done.text
    assert (await with_babies(db, cohort_id)).local_start.date() == date(2027, 6, 9)
    # The field stays filled in; with another reason it is not used (and not refused).
    again = await client.post(
        f"/tr/staff/sessions/{session_id}/register", data={f"reason-{pid_of}": "ill", f"birth-{pid_of}": "2027-04-10"}
    )
    assert again.status_code in (302, 303), again.text
    assert (await mother(db, member)).child_birth_date == date(2027, 4, 14)


async def test_a_wrong_date_on_the_register_saves_nothing(client, db, moment):
    _, cohort_id, member, session_id, pid_of = await setting(client, db, moment)
    for born, words in (("2027-04-20", "gelecekte"), ("2026-09-01", "20"), ("2027-02-30", "tarih")):
        refused = await client.post(
            f"/tr/staff/sessions/{session_id}/register",
            data={f"reason-{pid_of}": "gave_birth", f"birth-{pid_of}": born},
        )
        assert refused.status_code == 400, born
        assert words in refused.text, born
    api = await client.post(f"/api/v1/sessions/{session_id}/register", json=marks(pid_of, "2027-08-01"))
    assert api.status_code == 422
    assert "marks[0].birth_date" in api.text
    wrong_reason = await client.post(f"/api/v1/sessions/{session_id}/register", json=marks(pid_of, "2027-04-14", "ill"))
    assert wrong_reason.status_code == 422
    assert (await mother(db, member)).child_birth_date is None
    assert not list(await db.scalars(select(Attendance).where(Attendance.session_id == session_id)))
    assert (await with_babies(db, cohort_id)).local_start.date() == date(2027, 5, 26)


async def test_a_volunteer_gives_no_date_and_may_not_use_the_births_route(client, db, moment):
    _, cohort_id, member, session_id, pid_of = await setting(client, db, moment, "volunteer")
    refused = await client.post(f"/api/v1/sessions/{session_id}/register", json=marks(pid_of, "2027-04-14", None))
    assert refused.status_code in (422, 404)
    body = {"registration_id": member, "birth_date": "2027-04-14"}
    assert (await client.post(f"/api/v1/cohorts/{cohort_id}/births", json=body)).status_code == 403
    assert (await mother(db, member)).child_birth_date is None


async def test_the_births_route_is_the_planned_midwifes_not_anothers(client, db, moment):
    _, cohort_id, member, _, _ = await setting(client, db, moment, planned=False)
    body = {"registration_id": member, "birth_date": "2027-04-14"}
    # A midwife of the organisation not planned on this group: as if it did not exist.
    assert (await client.post(f"/api/v1/cohorts/{cohort_id}/births", json=body)).status_code == 404
    other = await make_organisation(db, "Andere praktijk")
    await sign_in(client, await make_staff(db, other, "midwife"), APRIL)
    assert (await client.post(f"/api/v1/cohorts/{cohort_id}/births", json=body)).status_code == 404
    assert (await mother(db, member)).child_birth_date is None
    assert (await with_babies(db, cohort_id)).local_start.date() == date(2027, 5, 26)


async def test_a_planned_midwife_records_a_birth_on_the_births_route(client, db, moment):
    _, cohort_id, member, _, _ = await setting(client, db, moment)
    body = {"registration_id": member, "birth_date": "2027-04-14"}
    answer = await client.post(f"/api/v1/cohorts/{cohort_id}/births", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["moved_meetings"] == 1
