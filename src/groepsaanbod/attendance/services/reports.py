"""Reports: build_provider_report (one organisation, per group) and
build_municipality_report (all providers of a town, per programme, aggregates only,
small cells suppressed). The database counts with GROUP BY; figures.py shapes the result.

Definitions (the reconciliation tests check each):
- meetings: the sessions of the scope that start in the period; held = the register was taken.
- marks: one per member per held meeting (present or absent); attendance = present / marks,
  over groups with a fixed series (templates with a completion threshold above 0).
- members: a participant in one group with at least one mark in the period (late joiners and
  people who later withdrew count with the marks they have); dose = their number of meetings
  present; completed = dose at least the template's completion threshold.
- reach: different people present at least once (named check-ins at drop-ins included), by
  their language, the four digits of their postcode and age group (child's age at the start of
  the period, or "expecting").
- waiting: from signing up for the programme to the first meeting they came to, in whole weeks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, String, and_, case, cast, func, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.errors import NotPermitted
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.errors import ReportRefused
from groepsaanbod.attendance.models import Attendance
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import pick
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.sessions import to_utc

TIMEZONE = "Europe/Amsterdam"
#: Who sees an organisation's own report, and who sees reports across providers.
REPORT_READERS = frozenset({"coordinator", "admin", "cjg_staff"})
MUNICIPALITY_READERS = frozenset({"cjg_staff", "admin"})


@dataclass(frozen=True)
class ReportRequest:
    start: date
    end: date  # inclusive
    #: provider reports: the organisation (required), a programme or group of it
    organisation_id: int | None = None
    programme_id: int | None = None
    cohort_id: int | None = None
    #: municipality reports: the town (None: every town) and a kind of programme (template key)
    place: str | None = None
    template_key: str | None = None


@dataclass(frozen=True)
class _Scope:
    conditions: tuple
    group_key: object
    group_labels: dict[int, str]


def check_request(request: ReportRequest, now: datetime) -> None:
    """The period lies within bounds.report_window and starts on or before its end: a reversed
    period is refused with that message rather than answered with a report of zeros."""
    problems = bounds.period_problems(request.start, request.end, local_date(now))
    if request.place is not None:
        problems += [p for p in (bounds.check_line("place", request.place, bounds.PLACE),) if p is not None]
    if problems:
        raise ReportRefused(problems)


def _period(request: ReportRequest) -> tuple[datetime, datetime]:
    return (
        to_utc(datetime.combine(request.start, time(0)), TIMEZONE),
        to_utc(datetime.combine(request.end + timedelta(days=1), time(0)), TIMEZONE),
    )


def _whole_weeks(session: AsyncSession, later, earlier):
    """Whole weeks from `earlier` to `later`, counted by the database."""
    if session.bind is not None and session.bind.dialect.name == "sqlite":
        return cast((func.julianday(later) - func.julianday(earlier)) / 7, Integer)  # truncates
    return cast(func.floor(func.extract("epoch", later - earlier) / (7 * 86400)), Integer)


async def _counts(session: AsyncSession, scope: _Scope, request: ReportRequest, now: datetime):
    where = scope.conditions
    key = scope.group_key
    present = case((Attendance.status == "present", 1), else_=0)

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
        .where(*where, Session.status == "planned", Session.starts_at <= now)
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
            func.min(case((Attendance.status == "present", Session.starts_at))).label("first"),
        )
        .select_from(Attendance)
        .join(Session, Session.id == Attendance.session_id)
        .join(Programme, Programme.id == Session.programme_id)
        .where(*where, Session.status == "held", Attendance.participant_id.is_not(None))
        .group_by(Attendance.participant_id, Session.cohort_id, Session.programme_id, key)
        .subquery()
    )
    # One row per member with everything the report groups by; computed once (PostgreSQL
    # materialises a CTE used more than once) and counted three ways in one statement.
    threshold = ProgrammeTemplate.completion_threshold
    cutoffs = f.age_cutoffs(request.start)
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
            .where(*where, Attendance.status == "head_count", Session.status == "held")
        )
    ).one()
    return sessions, open_, doses, reach, waits, heads


def _shape(audience: str, title: str, request: ReportRequest, scope: _Scope, counts) -> f.Report:
    sessions, open_, doses, reach, waits, heads = counts
    planned = held = cancelled = 0
    reasons: Counter[str] = Counter()
    per_group: dict[int, dict[str, int]] = {}
    for gkey, status, reason, n in sessions:
        g = per_group.setdefault(gkey, Counter())
        planned += n
        if status == "held":
            held += n
            g["held"] += n
        elif status == "cancelled":
            cancelled += n
            g["cancelled"] += n
            reasons[(reason or "").strip() or f.UNKNOWN] += n
    present = marks = members = completed = partners = babies = 0
    per_dose: Counter[int] = Counter()
    for gkey, attended, fixed, done, n, recorded, part, bab in doses:
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
    for language, postcode, age, n in reach:
        by_language[language] += n
        by_postcode[(postcode or "").strip() or f.UNKNOWN] += n
        by_age[age] += n
    per_week: Counter[int] = Counter()
    for week, n in waits:
        per_week[max(int(week), 0)] += n
    people = f.Column("people", f.PEOPLE)
    tables = [
        f.Table("cancel_reasons", "reason", (f.Column("meetings", f.COUNT),), _rows(reasons), chart=None),
        f.Table(
            "dose",
            "meetings",
            (people,),
            tuple(f.Row(str(k), (n,)) for k, n in f.dose_rows(per_dose, 0)),
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
        ("sessions_open", open_ or 0),
        ("attendance_rate", f.Rate(present, marks)),
        ("people_reached", sum(by_language.values())),
        ("members", members),
        ("completed", completed),
        ("completion_rate", f.Rate(completed, members)),
        ("partners", partners),
        ("babies", babies),
        ("drop_in_sessions", heads[0]),
        ("drop_in_adults", int(heads[1])),
        ("drop_in_children", int(heads[2])),
        ("median_wait_weeks", f.median_week(per_week)),
    )
    return f.Report(audience, title, request.start, request.end, summary, tuple(tables))


def _rows(counter: Counter[str], by_key: bool = False) -> tuple[f.Row, ...]:
    items = sorted(counter.items()) if by_key else sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(f.Row(k, (n,)) for k, n in items)


async def build_provider_report(
    session: AsyncSession, viewer: Viewer, request: ReportRequest, now: datetime, language: str = "nl"
) -> f.Report:
    """One organisation's report, per group; only for its coordinators, admins and CJG staff."""
    if request.organisation_id not in viewer.organisations_with(REPORT_READERS):
        raise NotPermitted()
    check_request(request, now)
    organisation = await session.get(Organisation, request.organisation_id)
    lo, hi = _period(request)
    conditions = [Programme.organisation_id == request.organisation_id, Session.starts_at >= lo, Session.starts_at < hi]
    if request.programme_id:
        conditions.append(Session.programme_id == request.programme_id)
    if request.cohort_id:
        conditions.append(Session.cohort_id == request.cohort_id)
    labels = {
        c.id: c.name
        for c in await session.scalars(
            select(Cohort)
            .join(Programme, Programme.id == Cohort.programme_id)
            .where(Programme.organisation_id == request.organisation_id)
        )
    }
    scope = _Scope(tuple(conditions), Session.cohort_id, labels)
    counts = await _counts(session, scope, request, now)
    return _shape("provider", organisation.name, request, scope, counts)


async def build_municipality_report(
    session: AsyncSession, viewer: Viewer, request: ReportRequest, now: datetime, language: str = "nl"
) -> f.Report:
    """All providers in a town (or everywhere), per programme: aggregates only, and no count
    of one to four people anywhere (suppressed before it leaves this function)."""
    if not viewer.holds_any(MUNICIPALITY_READERS):
        raise NotPermitted()
    check_request(request, now)
    lo, hi = _period(request)
    organisations = select(Organisation.id)
    if request.place:
        organisations = organisations.where(Organisation.city == request.place)
    conditions = [Programme.organisation_id.in_(organisations), Session.starts_at >= lo, Session.starts_at < hi]
    if request.template_key:
        conditions.append(Programme.template_key == request.template_key)
    labels = {
        p.id: f"{pick(p.name, language)} ({name})"
        for p, name in await session.execute(
            select(Programme, Organisation.name).join(Organisation, Organisation.id == Programme.organisation_id)
        )
    }
    scope = _Scope(tuple(conditions), Session.programme_id, labels)
    counts = await _counts(session, scope, request, now)
    return f.suppress_report(_shape("municipality", request.place or "", request, scope, counts))


async def municipality_places(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(Organisation.city).distinct().order_by(Organisation.city)))
