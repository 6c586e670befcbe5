"""The volunteers' rota of drop-in series: volunteer_rota, take_meeting, withdraw_from_meeting,
ask_swap, answer_swap, and alert_short_rotas for the worker.

Being on the rota is being on the meeting's staff (SessionStaff, role volunteer), so the
meeting's checks, the agenda and the volunteer's calendar feed follow the rota without a copy.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import lock_row
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.text import N_, Message, pick
from groepsaanbod.i18n.translations import render_message
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, queue_message
from groepsaanbod.programmes.models import Constraint, Programme, ProgrammeTemplate, SessionSpec
from groepsaanbod.scheduling.constraints import ROLE_TOO_FEW
from groepsaanbod.scheduling.errors import ScheduleRefused, SessionNotFound
from groepsaanbod.scheduling.models import RotaSwap, SeriesPlan, Session, SessionStaff
from groepsaanbod.scheduling.services.series import top_up_series
from groepsaanbod.scheduling.status import SessionStatus

log = logging.getLogger(__name__)

VOLUNTEER = "volunteer"
#: How far ahead the rota shows meetings.
ROTA_AHEAD = timedelta(weeks=10)
#: Days before a meeting the coordinator hears of too few volunteers, unless the template says.
ALERT_DAYS = 5

NOT_ON_MEETING = N_("You are not on the rota for this meeting.")
NOT_A_VOLUNTEER = N_("This person is not a volunteer of this organisation.")
ALREADY_ON = N_("This person is already on the rota for this meeting.")
SWAP_ANSWERED = N_("This request has been answered already.")


@dataclass(frozen=True)
class RotaMeeting:
    meeting: Session
    series: str
    programme: Programme
    #: (staff id, name) of the volunteers on it
    volunteers: list[tuple[int, str]]
    needed: int
    mine: bool


@dataclass(frozen=True)
class SwapAsked:
    swap: RotaSwap
    meeting: Session
    asker: str


@dataclass(frozen=True)
class RotaView:
    meetings: list[RotaMeeting]
    asked_of_me: list[SwapAsked]
    #: the other volunteers of each organisation: (staff id, name)
    colleagues: dict[int, list[tuple[int, str]]]


def _series_meetings(since: datetime, until: datetime) -> Select[Session]:
    return (
        select(Session)
        .join(SeriesPlan, SeriesPlan.cohort_id == Session.cohort_id)
        .where(Session.status == SessionStatus.PLANNED, Session.starts_at >= since, Session.starts_at < until)
    )


async def volunteers_needed(session: AsyncSession, template_id: int) -> int:
    """The template's least number of volunteers at a meeting (its min_role_count rule, else its meeting's roles)."""
    for rule in await session.scalars(select(Constraint).where(Constraint.template_id == template_id)):
        if rule.kind == "min_role_count" and rule.params.get("role") == VOLUNTEER:
            return int(rule.params.get("count", 1))
    spec = await session.scalar(select(SessionSpec).where(SessionSpec.template_id == template_id))
    for need in (spec.roles if spec else None) or []:
        if need.get("role") == VOLUNTEER:
            return int(need.get("count", 1))
    return 0


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    rows = await session.execute(select(Staff.id, Staff.full_name).where(Staff.id.in_(ids)))
    return {i: n for i, n in rows}


async def volunteer_rota(session: AsyncSession, viewer: Viewer, now: datetime) -> RotaView:
    """The coming meetings of the drop-in series of the viewer's organisations where they volunteer."""
    orgs = viewer.organisations_with({VOLUNTEER})
    meetings = list(
        await session.scalars(
            _series_meetings(now, now + ROTA_AHEAD)
            .join(Programme, Programme.id == Session.programme_id)
            .where(Programme.organisation_id.in_(orgs))
            .order_by(Session.starts_at)
        )
    )
    ids = [m.id for m in meetings]
    staff_rows = list(
        await session.scalars(
            select(SessionStaff).where(SessionStaff.session_id.in_(ids), SessionStaff.role == VOLUNTEER)
        )
    )
    colleague_rows = await session.execute(
        select(Role.organisation_id, Role.staff_id).where(
            Role.organisation_id.in_(orgs), Role.role == VOLUNTEER, Role.staff_id != viewer.staff_id
        )
    )
    colleague_pairs = list(colleague_rows)
    asked = list(
        await session.scalars(
            select(RotaSwap).where(RotaSwap.to_staff_id == viewer.staff_id, RotaSwap.status == "asked")
        )
    )
    names = await _names(
        session, {r.staff_id for r in staff_rows} | {s for _, s in colleague_pairs} | {a.from_staff_id for a in asked}
    )
    found: list[RotaMeeting] = []
    for m in meetings:
        cohort = await session.get_one(Cohort, m.cohort_id)
        on = [(r.staff_id, names.get(r.staff_id, "")) for r in staff_rows if r.session_id == m.id]
        found.append(
            RotaMeeting(
                m,
                cohort.name,
                await session.get_one(Programme, m.programme_id),
                on,
                await volunteers_needed(session, cohort.template_id),
                any(i == viewer.staff_id for i, _ in on),
            )
        )
    colleagues: dict[int, list[tuple[int, str]]] = {}
    for org, staff_id in colleague_pairs:
        colleagues.setdefault(org, []).append((staff_id, names.get(staff_id, "")))
    asked_of_me = []
    for swap in asked:
        meeting = await session.get_one(Session, swap.session_id)
        if meeting.starts_at >= now and meeting.status == SessionStatus.PLANNED:
            asked_of_me.append(SwapAsked(swap, meeting, names.get(swap.from_staff_id, "")))
    return RotaView(found, asked_of_me, colleagues)


async def _rota_meeting(session: AsyncSession, viewer: Viewer, session_id: int, now: datetime) -> Session:
    """A coming, planned meeting of a series of an organisation where the viewer volunteers; else 404."""
    s = await session.scalar(_series_meetings(now, now + timedelta(days=800)).where(Session.id == session_id))
    programme = await session.get(Programme, s.programme_id) if s else None
    if s is None or programme is None or programme.organisation_id not in viewer.organisations_with({VOLUNTEER}):
        raise SessionNotFound()
    await lock_row(session, Session.__table__, s.id)
    await session.refresh(s)  # as it is now that others wait for us
    return s


async def _put_on(session: AsyncSession, s: Session, staff_id: int) -> bool:
    if await session.get(SessionStaff, (s.id, staff_id, VOLUNTEER)) is not None:
        return False
    session.add(SessionStaff(session_id=s.id, staff_id=staff_id, role=VOLUNTEER))
    s.sequence += 1
    return True


async def take_meeting(session: AsyncSession, viewer: Viewer, session_id: int, *, now: datetime) -> Session:
    """The volunteer can do this meeting: on its staff (and so in their calendar)."""
    s = await _rota_meeting(session, viewer, session_id, now)
    if await _put_on(session, s, viewer.staff_id):
        record(
            session,
            now,
            Subject(s.programme_id, cohort_id=s.cohort_id),
            "rota_taken",
            actor=viewer.staff_id,
            session_id=s.id,
        )
    await session.commit()
    return s


async def withdraw_from_meeting(session: AsyncSession, viewer: Viewer, session_id: int, *, now: datetime) -> Session:
    """The volunteer cannot do it after all: off its staff. Too few left is alerted by the worker."""
    s = await _rota_meeting(session, viewer, session_id, now)
    gone = await session.execute(
        delete(SessionStaff).where(
            SessionStaff.session_id == s.id, SessionStaff.staff_id == viewer.staff_id, SessionStaff.role == VOLUNTEER
        )
    )
    if gone.rowcount:  # type: ignore[attr-defined]
        s.sequence += 1
        record(
            session,
            now,
            Subject(s.programme_id, cohort_id=s.cohort_id),
            "rota_withdrawn",
            actor=viewer.staff_id,
            session_id=s.id,
        )
    await session.commit()
    return s


async def ask_swap(
    session: AsyncSession, viewer: Viewer, session_id: int, to_staff_id: int, *, now: datetime
) -> RotaSwap:
    """Ask another volunteer to take one's place on a meeting; they are told and answer on their rota."""
    s = await _rota_meeting(session, viewer, session_id, now)
    programme = await session.get_one(Programme, s.programme_id)
    if await session.get(SessionStaff, (s.id, viewer.staff_id, VOLUNTEER)) is None:
        raise ScheduleRefused.single("session_id", NOT_ON_MEETING)
    other = await session.get(Staff, to_staff_id) if to_staff_id != viewer.staff_id else None
    holds = await session.scalar(
        select(Role.id).where(
            Role.staff_id == to_staff_id, Role.role == VOLUNTEER, Role.organisation_id == programme.organisation_id
        )
    )
    if other is None or not holds or not other.active:
        raise ScheduleRefused.single("to_staff_id", NOT_A_VOLUNTEER)
    if await session.get(SessionStaff, (s.id, to_staff_id, VOLUNTEER)) is not None:
        raise ScheduleRefused.single("to_staff_id", ALREADY_ON)
    swap = RotaSwap(session_id=s.id, from_staff_id=viewer.staff_id, to_staff_id=to_staff_id, asked_at=now)
    session.add(swap)
    await session.flush()
    asker = await session.get_one(Staff, viewer.staff_id)
    await queue_message(
        session,
        Recipient(other.language, other.email, None),
        MessageContent(
            "rota_swap_asked",
            {
                "name": other.full_name,
                "asker": asker.full_name,
                "programme": pick(programme.name, other.language),
                "starts_at": s.starts_at,
                "timezone": s.timezone,
            },
        ),
        dedupe_key=f"rota_swap:{swap.id}",
        now=now,
        organisation_id=programme.organisation_id,
    )
    record(
        session,
        now,
        Subject(s.programme_id, cohort_id=s.cohort_id),
        "rota_swap_asked",
        actor=viewer.staff_id,
        session_id=s.id,
        to_staff_id=to_staff_id,
    )
    await session.commit()
    return swap


async def answer_swap(session: AsyncSession, viewer: Viewer, swap_id: int, accept: bool, *, now: datetime) -> RotaSwap:
    """The volunteer asked says yes (they take the place) or no (nothing changes)."""
    swap = await session.get(RotaSwap, swap_id, populate_existing=True)
    if swap is None or swap.to_staff_id != viewer.staff_id:
        raise SessionNotFound()
    s = await _rota_meeting(session, viewer, swap.session_id, now)
    await lock_row(session, RotaSwap.__table__, swap.id)
    await session.refresh(swap)
    if swap.status != "asked":
        raise ScheduleRefused.single("swap", SWAP_ANSWERED)
    swap.status, swap.answered_at = ("accepted" if accept else "declined"), now
    if accept:
        await session.execute(
            delete(SessionStaff).where(
                SessionStaff.session_id == s.id,
                SessionStaff.staff_id == swap.from_staff_id,
                SessionStaff.role == VOLUNTEER,
            )
        )
        await _put_on(session, s, viewer.staff_id)
        s.sequence += 1
    record(
        session,
        now,
        Subject(s.programme_id, cohort_id=s.cohort_id),
        "rota_swap_answered",
        actor=viewer.staff_id,
        session_id=s.id,
        accepted=accept,
        from_staff_id=swap.from_staff_id,
    )
    await session.commit()
    return swap


async def alert_short_rotas(session: AsyncSession, now: datetime) -> int:
    """Tell the coordinators of each series meeting that has fewer volunteers than its template
    wants once it is the template's `rota_alert_days` (default ALERT_DAYS) away: once per meeting,
    whatever changes after (the outbox's unique key). Gives the messages queued."""
    queued = 0
    counts = (
        select(func.count())
        .where(SessionStaff.session_id == Session.id, SessionStaff.role == VOLUNTEER)
        .scalar_subquery()
    )
    rows = await session.execute(
        _series_meetings(now, now + timedelta(days=28))
        .join(Cohort, Cohort.id == Session.cohort_id)
        .join(ProgrammeTemplate, ProgrammeTemplate.id == Cohort.template_id)
        .add_columns(Cohort, ProgrammeTemplate, counts)
        .order_by(Session.starts_at)
    )
    for s, cohort, template, have in rows:
        days = int(template.rules.get("rota_alert_days", ALERT_DAYS))
        needed = await volunteers_needed(session, template.id)
        if have >= needed or s.starts_at > now + timedelta(days=days):
            continue
        programme = await session.get_one(Programme, s.programme_id)
        coordinators = list(
            await session.scalars(
                select(Staff).where(
                    Staff.active.is_(True),
                    Staff.id.in_(
                        select(Role.staff_id).where(
                            Role.organisation_id == programme.organisation_id, Role.role == "coordinator"
                        )
                    ),
                )
            )
        )
        keys = {p.id: f"rota_short:{s.id}:{p.id}" for p in coordinators}
        told = set(
            await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys.values())))
        )
        problem = Message(
            ROLE_TOO_FEW,
            {"number": s.number, "count": needed, "role": VOLUNTEER, "have": have, "missing": needed - have},
        )
        for person in coordinators:
            if keys[person.id] in told:
                continue
            await queue_message(
                session,
                Recipient(person.language, person.email, None),
                MessageContent(
                    "session_at_risk",
                    {
                        "name": person.full_name,
                        "programme": pick(programme.name, person.language),
                        "group": cohort.name,
                        "starts_at": s.starts_at,
                        "timezone": s.timezone,
                        "number": s.number,
                        "problems": [render_message(person.language, problem)],
                    },
                ),
                dedupe_key=keys[person.id],
                now=now,
                organisation_id=programme.organisation_id,
            )
            queued += 1
    await session.commit()
    if queued:
        log.info("short rotas alerted", extra={"messages": queued})
    return queued


async def keep_drop_ins(factory: async_sessionmaker[AsyncSession], now: datetime) -> None:
    """The worker's round for drop-ins: open-ended series topped up, short rotas alerted."""
    async with factory() as session:
        await top_up_series(session, now)
    async with factory() as session:
        await alert_short_rotas(session, now)
