"""JSON API of attendance: the register, drop-in head counts, drop-out signals and reports."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from litestar import Response, get, post
from litestar.params import JSONBody, Parameter

from groepsaanbod.access.privileges import REGISTERS, SIGNALS
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance import rules
from groepsaanbod.attendance.schemas import (
    FigureOut,
    HandledIn,
    HeadCountIn,
    LineOut,
    RegisterIn,
    RegisterOut,
    ReportOut,
    SignalOut,
    TableOut,
    TableRowOut,
)
from groepsaanbod.attendance.services import exports, registers, reports, signals
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.translations import gettext, render_message
from groepsaanbod.paged import NEXT_LINK, PAGED, paged_response
from groepsaanbod.paging import PageRequest, page_of
from groepsaanbod.web import Context

REGISTER_TAKERS = needs_roles(*REGISTERS.roles)
SIGNAL_READERS = needs_roles(*SIGNALS.roles)
REPORT_READERS = needs_roles(*reports.REPORT_READERS)
MUNICIPALITY_READERS = needs_roles(*reports.MUNICIPALITY_READERS)


def register_out(register: registers.Register, language: str) -> RegisterOut:
    taken = register.taken
    return RegisterOut(
        register.session.id,
        register.cohort.id,
        register.session.starts_at,
        register.meeting_kind,
        register.drop_in,
        register.counts_partners,
        register.counts_babies,
        taken.taken_at if taken else None,
        render_message(language, register.closed) if register.closed else None,
        [
            LineOut(
                x.participant_id,
                x.name,
                x.status,
                x.reason,
                x.note,
                x.partners,
                x.babies,
                x.appointment_at,
                x.birth_date,
            )
            for x in register.lines
        ],
        register.adults,
        register.children,
        taken.theme if taken else "",
        taken.speaker if taken else "",
        list(taken.volunteer_ids) if taken else [],
        register.sight.value,
    )


@get("/api/v1/sessions/{session_id:int}/register", opt=REGISTER_TAKERS, tags=["attendance"])
async def api_register(ctx: Context, session_id: int) -> RegisterOut:
    """The register of a meeting: its members (or, for a drop-in, the registered visitors) and their marks.
    Volunteers and guest teachers get only the meetings they are assigned to, with first names and
    no reasons or notes (`view`: assigned)."""
    register = await registers.open_register(ctx.db, ctx.staff, session_id, ctx.now())
    return register_out(register, ctx.language)


@post("/api/v1/sessions/{session_id:int}/register", opt=REGISTER_TAKERS, tags=["attendance"], status_code=200)
async def api_take_register(ctx: Context, session_id: int, data: JSONBody[RegisterIn]) -> RegisterOut:
    """Save who was there. Open from half an hour before the meeting until 7 days after; later only
    coordinators. Every change is kept with who and when. Volunteers and guest teachers tick presence
    only (no reason or note); what others recorded is kept. A woman absent with reason gave_birth
    may come with her baby's `birth_date`: it is recorded as on the births route and the group's
    meeting with the babies moves; a refused date saves nothing."""
    marks = [
        rules.Mark(
            m.participant_id,
            present=m.present,
            reason=m.reason,
            note=m.note,
            partners=m.partners,
            babies=m.babies,
            birth_date=m.birth_date,
        )
        for m in data.marks
    ]
    register = await registers.take_register(ctx.db, ctx.staff, session_id, marks, now=ctx.now())
    return register_out(register, ctx.language)


@post("/api/v1/sessions/{session_id:int}/head-count", opt=REGISTER_TAKERS, tags=["attendance"], status_code=200)
async def api_head_count(ctx: Context, session_id: int, data: JSONBody[HeadCountIn]) -> RegisterOut:
    """A drop-in: adults and children counted, theme and speaker held, volunteers present,
    and (optional) registered visitors checked in by name."""
    count = registers.HeadCount(
        data.adults, data.children, data.theme, data.speaker, tuple(data.volunteer_ids), tuple(data.checked_in)
    )
    register = await registers.record_head_count(ctx.db, ctx.staff, session_id, count, now=ctx.now())
    return register_out(register, ctx.language)


@get("/api/v1/signals", opt=SIGNAL_READERS, tags=["attendance"], dependencies=PAGED, response_headers=NEXT_LINK)
async def api_signals(ctx: Context, page: PageRequest) -> Response[list[SignalOut]]:
    """Members who may be dropping out, with a suggested action, until handled; by id. Reading them
    is written to the audit record (the people of the page given)."""
    language = ctx.language
    found = await signals.open_signals(
        ctx.db, ctx.staff, now=ctx.now(), shown_as="api_signals", fields=signals.SIGNALS_API_FIELDS, page=page
    )

    def out(v: signals.SignalView) -> SignalOut:
        return SignalOut(
            v.signal.id,
            v.signal.kind,
            gettext(language, rules.SIGNAL_NAMES[v.signal.kind]),
            gettext(language, rules.SUGGESTED_ACTIONS[v.signal.kind]),
            v.signal.participant_id,
            v.person,
            v.signal.cohort_id,
            v.signal.attended,
            v.signal.recorded,
            v.signal.raised_at,
        )

    return paged_response(ctx.request, page_of(found, page, lambda v: v.signal.id), out)


@post("/api/v1/signals/{signal_id:int}/handled", opt=SIGNAL_READERS, tags=["attendance"], status_code=200)
async def api_handle_signal(ctx: Context, signal_id: int, data: JSONBody[HandledIn]) -> dict[str, str]:
    """Mark a signal handled (say what you did); it leaves the dashboard."""
    await signals.handle_signal(ctx.db, ctx.staff, signal_id, data.note, now=ctx.now())
    return {"status": "ok"}


def default_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """Without dates: the year up to today (365 days)."""
    end = end or today
    return start or end - timedelta(days=364), end


def report_out(report: f.Report, language: str) -> ReportOut:
    return ReportOut(
        report.audience,
        exports.heading(report, language),
        report.start,
        report.end,
        report.suppressed,
        [
            FigureOut(key, name, exports.cell_number(value))
            for (key, _), (name, value) in zip(report.summary, exports.summary_rows(report, language), strict=True)
        ],
        [
            TableOut(
                shown.key,
                shown.title,
                shown.headers,
                [
                    TableRowOut(row.key, label, [exports.cell_number(v) for v in values])
                    for row, (label, values) in zip(table.rows, shown.rows, strict=True)
                ],
            )
            for table, shown in zip(report.tables, exports.shown_tables(report, language), strict=True)
        ],
    )


@get("/api/v1/organisations/{organisation_id:int}/report", opt=REPORT_READERS, tags=["reports"])
async def api_provider_report(
    ctx: Context,
    organisation_id: int,
    *,
    start: date | None = None,
    end: date | None = None,
    programme_id: Annotated[int | None, Parameter(query="programmeId")] = None,
    cohort_id: Annotated[int | None, Parameter(query="cohortId")] = None,
    # Deprecated names (API 1.0), still read until 2.0; not in the document.
    old_programme_id: Annotated[int | None, Parameter(query="programme_id", include_in_schema=False)] = None,
    old_cohort_id: Annotated[int | None, Parameter(query="cohort_id", include_in_schema=False)] = None,
) -> ReportOut:
    """An organisation's report for a period (default: the past year), optionally one programme
    (`programmeId`) or group (`cohortId`)."""
    programme_id = old_programme_id if programme_id is None else programme_id
    cohort_id = old_cohort_id if cohort_id is None else cohort_id
    start, end = default_period(start, end, local_date(ctx.now()))
    request_ = reports.ReportRequest(start, end, organisation_id, programme_id, cohort_id)
    report = await reports.build_provider_report(ctx.db, ctx.staff, request_, ctx.now(), language=ctx.language)
    return report_out(report, ctx.language)


@get("/api/v1/reports/municipality", opt=MUNICIPALITY_READERS, tags=["reports"])
async def api_municipality_report(
    ctx: Context,
    *,
    place: str | None = None,
    start: date | None = None,
    end: date | None = None,
    programme: str | None = None,
) -> ReportOut:
    """Across providers in a town (`place`; leave out for all), per programme (`programme`: a
    built-in template key such as triple-p-group). Aggregates only; counts of 1 to 4 people are "<5",
    and a cell that would give one away "hidden"."""
    start, end = default_period(start, end, local_date(ctx.now()))
    request_ = reports.ReportRequest(start, end, place=place or None, template_key=programme or None)
    report = await reports.build_municipality_report(ctx.db, ctx.staff, request_, ctx.now(), language=ctx.language)
    return report_out(report, ctx.language)


ROUTES = [
    api_register,
    api_take_register,
    api_head_count,
    api_signals,
    api_handle_signal,
    api_provider_report,
    api_municipality_report,
]
