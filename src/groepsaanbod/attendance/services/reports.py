"""Reports: build_provider_report (one organisation, per group) and
build_municipality_report (all providers of a town, per programme, aggregates only,
small cells suppressed). The database counts with GROUP BY (report_counts.py); figures.py shapes the result.

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
- absences: absent marks at held meetings; excused = the register says "excused" or she told us
  beforehand (a live "can't come" notice, any reason); the rest are not excused. A notice for a
  meeting not held (cancelled, no register yet) or taken back counts nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.errors import NotPermitted
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.errors import ReportRefused
from groepsaanbod.attendance.services.report_counts import Scope, count_report, shape_report
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import pick
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.programmes.models import Programme
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


async def build_provider_report(
    session: AsyncSession, viewer: Viewer, request: ReportRequest, now: datetime, *, language: str = "nl"
) -> f.Report:
    """One organisation's report, per group; only for its coordinators, admins and CJG staff."""
    if request.organisation_id not in viewer.organisations_with(REPORT_READERS):
        raise NotPermitted()
    check_request(request, now)
    organisation = await session.get(Organisation, request.organisation_id)
    assert organisation is not None  # the viewer holds a role there
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
    scope = Scope(tuple(conditions), Session.cohort_id, labels)
    counts = await count_report(session, scope, start=request.start, now=now)
    return shape_report(
        counts, scope, audience="provider", title=organisation.name, period=(request.start, request.end)
    )


async def build_municipality_report(
    session: AsyncSession, viewer: Viewer, request: ReportRequest, now: datetime, *, language: str = "nl"
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
    scope = Scope(tuple(conditions), Session.programme_id, labels)
    counts = await count_report(session, scope, start=request.start, now=now)
    report = shape_report(
        counts, scope, audience="municipality", title=request.place or "", period=(request.start, request.end)
    )
    return f.suppress_report(report)


async def municipality_places(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(Organisation.city).distinct().order_by(Organisation.city)))


async def report_organisations(session: AsyncSession, viewer: Viewer) -> list[Organisation]:
    """The organisations whose report the viewer may read (the report form's choice)."""
    ids = viewer.organisations_with(REPORT_READERS)
    return list(await session.scalars(select(Organisation).where(Organisation.id.in_(ids))))


async def organisation_programmes(session: AsyncSession, organisation_id: int) -> list[Programme]:
    """An organisation's programmes (the provider report form's choice)."""
    return list(await session.scalars(select(Programme).where(Programme.organisation_id == organisation_id)))


async def programme_kinds(session: AsyncSession, language: str) -> list[tuple[str, str]]:
    """(template key, name) of the kinds of programme, by name (the municipality report form's choice);
    of programmes with the same key, the name of the last one read."""
    keys = {p.template_key: pick(p.name, language) for p in await session.scalars(select(Programme))}
    return sorted(keys.items(), key=lambda kv: kv[1])
