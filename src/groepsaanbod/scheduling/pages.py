"""Pages of schedules: a cohort's meetings, my agenda, a location's week."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import Provide
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS, ROLES
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.organisations.models import Venue
from groepsaanbod.organisations.pages import hours_from_form
from groepsaanbod.programmes.models import Programme
from groepsaanbod.refusals import Refused
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.models import StaffAvailability
from groepsaanbod.scheduling.services import changes, planning
from groepsaanbod.web import problems_for_page, provide_language, render

EDITORS = needs_roles(*PROGRAMME_EDITORS)
ANY_STAFF = needs_roles(*ROLES)


def _date(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text or "").strip())
    except ValueError:
        return None


def _time(text: Any) -> time | None:
    return bounds.time_of_day(str(text or ""))


async def _schedule_page(
    request: Request,
    language: str,
    cohort_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    problems: list[dict[str, Any]] | None = None,
    status: int = 200,
    done: str = "",
    proposals: dict[int, list] | None = None,
) -> Response:
    cohort = await db_session.get(Cohort, cohort_id)
    checks = await planning.check_cohort(db_session, viewer, cohort_id)  # also checks access
    programme = await db_session.get(Programme, cohort.programme_id)
    venues = list(await db_session.scalars(select(Venue).where(Venue.organisation_id == programme.organisation_id)))
    staff = list(
        await db_session.execute(
            select(Staff, Role.role)
            .join(Role, Role.staff_id == Staff.id)
            .where(Role.organisation_id == programme.organisation_id)
            .order_by(Staff.full_name)
        )
    )
    names = {person.id: person.full_name for person, _ in staff}
    from groepsaanbod.scheduling.models import SessionStaff

    links: dict[int, list[SessionStaff]] = {}
    for link in await db_session.scalars(
        select(SessionStaff).where(SessionStaff.session_id.in_([c.session.id for c in checks]))
    ):
        links.setdefault(link.session_id, []).append(link)
    return render(
        request,
        language,
        "scheduling/cohort.html",
        status_code=status,
        viewer=viewer,
        cohort=cohort,
        programme=programme,
        checks=checks,
        venues=venues,
        staff=staff,
        names=names,
        links=links,
        problems=problems or [],
        done=done,
        proposals=proposals or {},
    )


@get("/staff/cohorts/{cohort_id:int}/schedule", opt=EDITORS)
async def schedule_page(
    request: Request,
    language: str,
    cohort_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    done: str = "",
    proposals_for: int = 0,
) -> Response:
    proposals = {}
    if proposals_for:
        proposals[proposals_for] = await changes.propose_slots(db_session, viewer, proposals_for, now())
    return await _schedule_page(request, language, cohort_id, db_session, viewer, done=done, proposals=proposals)


async def _act(
    request: Request,
    language: str,
    cohort_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    action: Callable[[], Awaitable[Any]],
    done: str,
) -> Response:
    try:
        await action()
    except Refused as refused:
        await db_session.rollback()
        return await _schedule_page(
            request, language, cohort_id, db_session, viewer, problems_for_page(refused.problems), status=400
        )
    return Redirect(f"/{language}/staff/cohorts/{cohort_id}/schedule?done={done}", status_code=303)


@post("/staff/cohorts/{cohort_id:int}/schedule", opt=EDITORS)
async def plan_submit(
    request: Request,
    language: str,
    cohort_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    form = await request.form()
    weekday = str(form.get("weekday", ""))
    start_time = _time(form.get("start_time"))
    venue = str(form.get("venue_id", ""))

    async def plan() -> None:
        if bounds.form_number(weekday) not in range(7):
            raise ScheduleRefused.single("weekday", planning.WEEKDAY_FORM)
        if start_time is None:
            raise ScheduleRefused.single("start_time", bounds.TIME_FORM)
        await planning.plan_cohort_sessions(
            db_session,
            viewer,
            cohort_id,
            planning.PlanRequest(
                int(weekday.strip()),
                start_time,
                bounds.form_id(venue) or None,
                _date(form.get("start_date")),
                _date(form.get("end_date")),
                _date(form.get("due_date")),
            ),
            now(),
        )

    return await _act(request, language, cohort_id, db_session, viewer, plan, "planned")


@post("/staff/cohorts/{cohort_id:int}/facilitators", opt=EDITORS)
async def facilitator_submit(
    request: Request,
    language: str,
    cohort_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    form = await request.form()
    staff_id, _, role = str(form.get("staff_role", "")).partition(":")
    return await _act(
        request,
        language,
        cohort_id,
        db_session,
        viewer,
        lambda: planning.set_facilitator(db_session, viewer, cohort_id, bounds.form_id(staff_id), role, now()),
        "facilitator",
    )


@post("/staff/cohorts/{cohort_id:int}/sessions/{session_id:int}", opt=EDITORS)
async def session_action_submit(
    request: Request,
    language: str,
    cohort_id: int,
    session_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    form = await request.form()
    action = str(form.get("action", ""))
    if action == "proposals":
        return Redirect(
            f"/{language}/staff/cohorts/{cohort_id}/schedule?proposals_for={session_id}#session-{session_id}",
            status_code=303,
        )
    if action == "assign":
        staff_id, _, role = str(form.get("staff_role", "")).partition(":")
        replace = str(form.get("replace", ""))
        return await _act(
            request,
            language,
            cohort_id,
            db_session,
            viewer,
            lambda: planning.assign_session_staff(
                db_session,
                viewer,
                session_id,
                bounds.form_id(staff_id),
                role,
                now(),
                bounds.form_id(replace) or None,
            ),
            "assigned",
        )
    if action == "cancel":
        reason = str(form.get("reason", "")).strip() or "-"
        return await _act(
            request,
            language,
            cohort_id,
            db_session,
            viewer,
            lambda: changes.cancel_by_coordinator(db_session, viewer, session_id, reason, now()),
            "cancelled",
        )
    if action == "move":
        try:
            moment = datetime.fromisoformat(str(form.get("local_start", "")))
        except ValueError:
            moment = None

        async def move() -> None:
            if moment is None:
                raise ScheduleRefused.single("local_start", bounds.TIME_FORM)
            await changes.reschedule_session(db_session, viewer, session_id, moment.replace(tzinfo=None), now())

        return await _act(request, language, cohort_id, db_session, viewer, move, "moved")
    return Redirect(f"/{language}/staff/cohorts/{cohort_id}/schedule", status_code=303)


@get("/staff/agenda", opt=ANY_STAFF)
async def agenda_page(
    request: Request,
    language: str,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    done: str = "",
) -> Response:
    sessions = await planning.staff_agenda(db_session, viewer, now())
    cohorts = {
        c.id: c
        for c in await db_session.scalars(
            select(Cohort).where(Cohort.id.in_({s.cohort_id for s in sessions if s.cohort_id}))
        )
    }
    programmes = {
        p.id: p
        for p in await db_session.scalars(select(Programme).where(Programme.id.in_({s.programme_id for s in sessions})))
    }
    return render(
        request,
        language,
        "scheduling/agenda.html",
        viewer=viewer,
        sessions=sessions,
        cohorts=cohorts,
        programmes=programmes,
        done=done,
        problems=[],
        **await _own_hours(db_session, viewer),
    )


async def _own_hours(db_session: AsyncSession, viewer: Viewer) -> dict[str, Any]:
    """The person's hours per organisation they work for (weekday -> from, to)."""
    from groepsaanbod.organisations.models import Organisation

    organisations = list(
        await db_session.scalars(
            select(Organisation).where(Organisation.id.in_(viewer.roles)).order_by(Organisation.name)
        )
    )
    hours: dict[int, dict[int, tuple[time, time]]] = {o.id: {} for o in organisations}
    for h in await db_session.scalars(select(StaffAvailability).where(StaffAvailability.staff_id == viewer.staff_id)):
        hours.setdefault(h.organisation_id, {})[h.weekday] = (h.starts, h.ends)
    return {"hours_organisations": organisations, "hours": hours}


@post("/staff/agenda/{session_id:int}/absence", opt=ANY_STAFF)
async def absence_submit(
    request: Request,
    language: str,
    session_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    form = await request.form()
    try:
        outcome = await changes.report_absence(db_session, viewer, session_id, now(), str(form.get("reason", "")))
    except Refused:
        await db_session.rollback()
        return Redirect(f"/{language}/staff/agenda?done=refused", status_code=303)
    return Redirect(f"/{language}/staff/agenda?done={'cancelled' if outcome.cancelled else 'absent'}", status_code=303)


@get("/staff/venues/{venue_id:int}/week", opt=EDITORS)
async def venue_week_page(
    request: Request,
    language: str,
    venue_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    monday: str = "",
    affected: int | None = None,
) -> Response:
    start = _date(monday) or now().date()
    start = start - timedelta(days=start.weekday())
    sessions = await planning.venue_week(db_session, viewer, venue_id, start, now())
    venue = await db_session.get(Venue, venue_id)
    return render(
        request,
        language,
        "scheduling/venue_week.html",
        viewer=viewer,
        venue=venue,
        sessions=sessions,
        monday=start,
        previous=start - timedelta(days=7),
        next=start + timedelta(days=7),
        affected=affected,
    )


@post("/staff/agenda/hours", opt=ANY_STAFF)
async def hours_submit(request: Request, language: str, db_session: AsyncSession, viewer: Viewer) -> Response:
    """One organisation's hours (its form names it), or, without one, the same hours for each."""
    form = await request.form()
    raw = str(form.get("organisation_id", "")).strip()
    organisation_id = bounds.form_id(raw) or None
    hours = hours_from_form(form, f"hours-{organisation_id}" if organisation_id else "hours")
    try:
        if hours is None:
            raise ScheduleRefused.single("hours", bounds.TIME_FORM)
        await planning.set_availability(db_session, viewer, hours, organisation_id=organisation_id)
    except Refused:
        await db_session.rollback()
        return Redirect(f"/{language}/staff/agenda?done=refused", status_code=303)
    return Redirect(f"/{language}/staff/agenda?done=hours", status_code=303)


@post("/staff/venues/{venue_id:int}/closures", opt=EDITORS)
async def closure_submit(
    request: Request,
    language: str,
    venue_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    form = await request.form()
    try:
        starts = datetime.fromisoformat(str(form.get("closed_from", "")))
        ends = datetime.fromisoformat(str(form.get("closed_until", "")))
    except ValueError:
        return Redirect(f"/{language}/staff/venues/{venue_id}?done=refused", status_code=303)
    try:
        affected = await changes.close_venue(
            db_session,
            viewer,
            venue_id,
            starts.replace(tzinfo=None),
            ends.replace(tzinfo=None),
            str(form.get("reason", "")),
            now(),
        )
    except Refused:
        await db_session.rollback()
        return Redirect(f"/{language}/staff/venues/{venue_id}?done=refused", status_code=303)
    monday = starts.date() - timedelta(days=starts.weekday())
    return Redirect(
        f"/{language}/staff/venues/{venue_id}/week?monday={monday.isoformat()}&affected={len(affected)}",
        status_code=303,
    )


@get("/staff/programmes/{programme_id:int}/conflicts", opt=EDITORS)
async def conflicts_page(
    request: Request, language: str, programme_id: int, db_session: AsyncSession, viewer: Viewer
) -> Response:
    """Every meeting of the programme that breaks a rule, hard ones first."""
    found = []
    for cohort in await planning.list_cohorts_of_staff_orgs(db_session, viewer, programme_id):
        for check in await planning.check_cohort(db_session, viewer, cohort.id):
            if check.violations and check.session.status != "cancelled":
                found.append((cohort, check))
    found.sort(key=lambda pair: (not pair[1].hard, pair[1].session.starts_at))
    programme = await db_session.get(Programme, programme_id)
    return render(request, language, "scheduling/conflicts.html", viewer=viewer, programme=programme, found=found)


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[
            hours_submit,
            closure_submit,
            conflicts_page,
            schedule_page,
            plan_submit,
            facilitator_submit,
            session_action_submit,
            agenda_page,
            absence_submit,
            venue_week_page,
        ],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
