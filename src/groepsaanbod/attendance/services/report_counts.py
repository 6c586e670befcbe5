"""The counting of a report: the database counts the meetings, marks and people of a Scope with
GROUP BY (`count_report`), and `shape_report` turns those counts into a figures.Report. The
definitions of what is counted are in reports.py."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, and_, case, cast, func, literal, null, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.models import AbsenceNotice, Attendance
from groepsaanbod.attendance.rules import Presence
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.status import SessionStatus


@dataclass(frozen=True)
class Scope:
    """What a report counts: the conditions on its meetings, what it groups by (a meeting's group or
    programme) and each group's name."""

    conditions: tuple[ColumnElement[bool], ...]
    group_key: InstrumentedAttribute[Any]
    group_labels: dict[int, str]


@dataclass(frozen=True)
class Counts:
    """The rows the database counted, as `shape_report` reads them."""

    #: (group, meeting status, cancel reason, meetings)
    sessions: Sequence[Any]
    #: meetings still planned that have started (their register not taken)
    open_: int
    #: (group, meetings present, fixed series 0/1, completed 0/1, members, marks, partners, babies)
    doses: list[tuple[Any, ...]]
    #: (language, postcode area, age group, people)
    reach: list[tuple[Any, ...]]
    #: (whole weeks waited, people)
    waits: list[tuple[int, int]]
    #: (drop-in meetings, adults, children)
    heads: Any
    #: The most meetings one group with a fixed series has in the scope (not cancelled): the dose
    #: table has a row for every number up to it.
    most_meetings: int = 0
    #: (absences excused or told beforehand, other absences) at meetings held
    absences: tuple[int, int] = (0, 0)


def _whole_weeks(session: AsyncSession, later: Any, earlier: Any) -> Any:
    """Whole weeks from `earlier` to `later`, counted by the database."""
    if session.bind is not None and session.bind.dialect.name == "sqlite":
        return cast((func.julianday(later) - func.julianday(earlier)) / 7, Integer)  # truncates
    return cast(func.floor(func.extract("epoch", later - earlier) / (7 * 86400)), Integer)


async def count_report(session: AsyncSession, scope: Scope, *, start: date, now: datetime) -> Counts:
    """Count in the database what the report of `scope` shows; ages are taken at `start`."""
    where = scope.conditions
    key = scope.group_key
    present = case((Attendance.status == Presence.PRESENT, 1), else_=0)

    sessions = (
        await session.execute(
            select(key, Session.status, Session.cancel_reason, func.count())
            .select_from(Session)
            .join(Programme, Programme.id == Session.programme_id)
            .where(*where)
            .group_by(key, Session.status, Session.cancel_reason)
        )
    ).all()
    open_ = await session.scalar(
        select(func.count())
        .select_from(Session)
        .join(Programme, Programme.id == Session.programme_id)
        .where(*where, Session.status == SessionStatus.PLANNED, Session.starts_at <= now)
    )

    members = (
        select(
            Attendance.participant_id.label("pid"),
            Session.cohort_id.label("cid"),
            Session.programme_id.label("prog"),
            key.label("gkey"),
            func.sum(present).label("attended"),
            func.count().label("recorded"),
            func.sum(Attendance.partners).label("partners"),
            func.sum(Attendance.babies).label("babies"),
            func.min(case((Attendance.status == Presence.PRESENT, Session.starts_at))).label("first"),
        )
        .select_from(Attendance)
        .join(Session, Session.id == Attendance.session_id)
        .join(Programme, Programme.id == Session.programme_id)
        .where(*where, Session.status == SessionStatus.HELD, Attendance.participant_id.is_not(None))
        .group_by(Attendance.participant_id, Session.cohort_id, Session.programme_id, key)
        .subquery()
    )
    # One row per member with everything the report groups by; computed once (PostgreSQL
    # materialises a CTE used more than once) and counted three ways in one statement.
    threshold = ProgrammeTemplate.completion_threshold
    cutoffs = f.age_cutoffs(start)
    per_member = (
        select(
            members.c.pid,
            members.c.gkey,
            members.c.attended,
            members.c.recorded,
            members.c.partners,
            members.c.babies,
            case((threshold > 0, 1), else_=0).label("fixed"),
            case((and_(threshold > 0, members.c.attended >= threshold), 1), else_=0).label("done"),
            Participant.language.label("language"),
            func.substr(Participant.postcode, 1, 4).label("area"),
            case(
                (Participant.due_date.is_not(None), "expecting"),
                (Participant.child_birth_date.is_(None), f.UNKNOWN),
                (Participant.child_birth_date > cutoffs["0-1"], "0-1"),
                (Participant.child_birth_date > cutoffs["1-4"], "1-4"),
                (Participant.child_birth_date > cutoffs["4-12"], "4-12"),
                else_="12+",
            ).label("age"),
            _whole_weeks(session, members.c.first, Registration.created_at).label("weeks"),
        )
        .select_from(members)
        .join(Cohort, Cohort.id == members.c.cid)
        .join(ProgrammeTemplate, ProgrammeTemplate.id == Cohort.template_id)
        .join(Participant, Participant.id == members.c.pid)
        .outerjoin(
            Registration,
            and_(Registration.participant_id == members.c.pid, Registration.programme_id == members.c.prog),
        )
        .cte("per_member")
    )
    m = per_member.c
    text_ = String()
    nothing = null()
    counted = (
        await session.execute(
            union_all(
                select(
                    literal("dose").label("part"),
                    cast(m.gkey, text_).label("a"),
                    cast(m.attended, text_).label("b"),
                    cast(m.fixed, text_).label("c"),
                    cast(m.done, text_).label("d"),
                    func.count().label("n"),
                    func.sum(m.recorded).label("recorded"),
                    func.sum(m.partners).label("partners"),
                    func.sum(m.babies).label("babies"),
                ).group_by(m.gkey, m.attended, m.fixed, m.done),
                select(
                    literal("reach"),
                    m.language,
                    m.area,
                    m.age,
                    cast(nothing, text_),
                    func.count(m.pid.distinct()),
                    literal(0),
                    literal(0),
                    literal(0),
                )
                .where(m.attended > 0)
                .group_by(m.language, m.area, m.age),
                select(
                    literal("wait"),
                    cast(m.weeks, text_),
                    cast(nothing, text_),
                    cast(nothing, text_),
                    cast(nothing, text_),
                    func.count(),
                    literal(0),
                    literal(0),
                    literal(0),
                )
                .where(m.weeks.is_not(None))
                .group_by(m.weeks),
            )
        )
    ).all()
    doses = [
        (int(a), int(b), int(c), int(d), n, recorded, partners, babies)
        for part, a, b, c, d, n, recorded, partners, babies in counted
        if part == "dose"
    ]
    reach = [(a, b, c, n) for part, a, b, c, _, n, *_ in counted if part == "reach"]
    waits = [(int(a), n) for part, a, *_, n, _r, _p, _b in counted if part == "wait"]

    heads = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(Attendance.adults), 0),
                func.coalesce(func.sum(Attendance.children), 0),
            )
            .select_from(Attendance)
            .join(Session, Session.id == Attendance.session_id)
            .join(Programme, Programme.id == Session.programme_id)
            .where(*where, Attendance.status == Presence.HEAD_COUNT, Session.status == SessionStatus.HELD)
        )
    ).one()
    per_group = (
        select(func.count().label("n"))
        .select_from(Session)
        .join(Programme, Programme.id == Session.programme_id)
        .join(Cohort, Cohort.id == Session.cohort_id)
        .join(ProgrammeTemplate, ProgrammeTemplate.id == Cohort.template_id)
        .where(*where, Session.status != SessionStatus.CANCELLED, threshold > 0)
        .group_by(Session.cohort_id)
        .subquery()
    )
    most = await session.scalar(select(func.max(per_group.c.n)))
    return Counts(sessions, open_ or 0, doses, reach, waits, heads, int(most or 0), await _absences(session, where))


async def _absences(session: AsyncSession, where: tuple[ColumnElement[bool], ...]) -> tuple[int, int]:
    """Absences at meetings held (their register taken): excused when the register says "excused" or
    she told us beforehand that she could not come (a live notice, whatever reason she gave)."""
    told = (
        select(AbsenceNotice.id)
        .join(Registration, Registration.id == AbsenceNotice.registration_id)
        .where(
            AbsenceNotice.session_id == Attendance.session_id,
            AbsenceNotice.withdrawn_at.is_(None),
            Registration.participant_id == Attendance.participant_id,
        )
        .exists()
    )
    excused = case((or_(Attendance.absence_reason == "excused", told), 1), else_=0)
    row = (
        await session.execute(
            select(func.coalesce(func.sum(excused), 0), func.count())
            .select_from(Attendance)
            .join(Session, Session.id == Attendance.session_id)
            .join(Programme, Programme.id == Session.programme_id)
            .where(
                *where,
                Session.status == SessionStatus.HELD,
                Attendance.status == Presence.ABSENT,
                Attendance.participant_id.is_not(None),
            )
        )
    ).one()
    return int(row[0]), int(row[1]) - int(row[0])


def shape_report(counts: Counts, scope: Scope, *, audience: str, title: str, period: tuple[date, date]) -> f.Report:
    """The report's tables and summary from what the database counted (`period`: first and last day)."""
    planned = held = cancelled = 0
    reasons: Counter[str] = Counter()
    per_group: dict[int, dict[str, int]] = {}
    for gkey, status, reason, n in counts.sessions:
        g = per_group.setdefault(gkey, Counter())
        planned += n
        if status == SessionStatus.HELD:
            held += n
            g["held"] += n
        elif status == SessionStatus.CANCELLED:
            cancelled += n
            g["cancelled"] += n
            reasons[(reason or "").strip() or f.UNKNOWN] += n
    present = marks = members = completed = partners = babies = 0
    per_dose: Counter[int] = Counter()
    for gkey, attended, fixed, done, n, recorded, part, bab in counts.doses:
        # PostgreSQL sums to Decimal; the figures are whole numbers.
        attended, fixed, done, recorded, part, bab = (int(x or 0) for x in (attended, fixed, done, recorded, part, bab))
        partners += part
        babies += bab
        if not fixed:
            continue
        g = per_group.setdefault(gkey, Counter())
        members += n
        completed += done * n
        present += attended * n
        marks += recorded
        per_dose[attended] += n
        g["members"] += n
        g["completed"] += done * n
        g["present"] += attended * n
        g["marks"] += recorded
    by_language: Counter[str] = Counter()
    by_postcode: Counter[str] = Counter()
    by_age: Counter[str] = Counter()
    for language, postcode, age, n in counts.reach:
        by_language[language] += n
        by_postcode[(postcode or "").strip() or f.UNKNOWN] += n
        by_age[age] += n
    per_week: Counter[int] = Counter()
    for week, n in counts.waits:
        per_week[max(int(week), 0)] += n
    people = f.Column("people", f.PEOPLE)
    tables = [
        f.Table("cancel_reasons", "reason", (f.Column("meetings", f.COUNT),), _rows(reasons), chart=None),
        f.Table(
            "dose",
            "meetings",
            (people,),
            tuple(f.Row(str(k), (n,)) for k, n in f.dose_rows(per_dose, counts.most_meetings)),
            chart=0,
        ),
        f.Table("reach_language", "language", (people,), _rows(by_language), chart=0),
        f.Table("reach_postcode", "postcode", (people,), _rows(by_postcode, by_key=True), chart=None),
        f.Table(
            "reach_age", "age_group", (people,), tuple(f.Row(k, (by_age[k],)) for k in f.AGE_GROUPS if by_age[k]), 0
        ),
        f.Table("waiting", "wait", (people,), tuple(f.Row(k, (n,)) for k, n in f.wait_bins(per_week)), chart=0),
        f.Table(
            "groups" if audience == "provider" else "programmes",
            "name",
            (
                f.Column("held", f.COUNT),
                f.Column("cancelled", f.COUNT),
                f.Column("members", f.PEOPLE),
                f.Column("attendance_rate", f.RATE),
                f.Column("completed", f.PEOPLE),
                f.Column("completion_rate", f.RATE),
            ),
            tuple(
                f.Row(
                    str(k),
                    (
                        g["held"],
                        g["cancelled"],
                        g["members"],
                        f.Rate(g["present"], g["marks"]),
                        g["completed"],
                        f.Rate(g["completed"], g["members"]),
                    ),
                    label=scope.group_labels.get(k, str(k)),
                )
                for k, g in sorted(per_group.items(), key=lambda kv: scope.group_labels.get(kv[0], ""))
            ),
            chart=None,
        ),
    ]
    summary = (
        ("sessions_planned", planned),
        ("sessions_held", held),
        ("sessions_cancelled", cancelled),
        ("sessions_open", counts.open_),
        ("attendance_rate", f.Rate(present, marks)),
        ("people_reached", sum(by_language.values())),
        ("members", members),
        ("completed", completed),
        ("completion_rate", f.Rate(completed, members)),
        ("partners", partners),
        ("babies", babies),
        ("drop_in_sessions", counts.heads[0]),
        ("drop_in_adults", int(counts.heads[1])),
        ("drop_in_children", int(counts.heads[2])),
        ("median_wait_weeks", f.median_week(per_week)),
        ("absences_excused", counts.absences[0]),
        ("absences_unexcused", counts.absences[1]),
    )
    return f.Report(audience, title, period[0], period[1], summary, tuple(tables))


def _rows(counter: Counter[str], *, by_key: bool = False) -> tuple[f.Row, ...]:
    items = sorted(counter.items()) if by_key else sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(f.Row(k, (n,)) for k, n in items)
