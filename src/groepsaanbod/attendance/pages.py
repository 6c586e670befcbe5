"""Pages of attendance: recent meetings, the register, the signals dashboard, reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import Provide
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.attendance import charts, rules
from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.controllers import (
    MUNICIPALITY_READERS,
    REGISTER_TAKERS,
    REPORT_READERS,
    SIGNAL_READERS,
    default_period,
)
from groepsaanbod.attendance.errors import ReportRefused
from groepsaanbod.attendance.services import exports, reports, signals
from groepsaanbod.attendance.services import registers as services
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import N_, pick
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.programmes.models import Programme
from groepsaanbod.refusals import Refused
from groepsaanbod.web import problems_for_page, provide_language, render

REPORTS = N_("Reports")


def _int(value: Any, default: int = 0) -> int:
    return bounds.form_id(value) or default


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


@get("/staff/registers", opt=REGISTER_TAKERS)
async def registers_page(
    request: Request, language: str, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> Response:
    """Meetings of the last week and today, to take their register."""
    recent = await services.recent_sessions(db_session, viewer, now())
    programmes = {p.id: p for p in await db_session.scalars(select(Programme))}
    return render(request, language, "attendance/registers.html", viewer=viewer, recent=recent, programmes=programmes)


async def _register_page(
    request: Request,
    language: str,
    register: services.Register,
    viewer: Viewer,
    problems: list[dict[str, Any]] | None = None,
    done: str = "",
    status: int = 200,
) -> Response:
    return render(
        request,
        language,
        "attendance/register.html",
        status_code=status,
        viewer=viewer,
        r=register,
        reasons=rules.ABSENCE_REASONS,
        problems=problems or [],
        done=done,
    )


@get("/staff/sessions/{session_id:int}/register", opt=REGISTER_TAKERS)
async def register_page(
    request: Request,
    language: str,
    session_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    done: str = "",
) -> Response:
    register = await services.open_register(db_session, viewer, session_id, now())
    return await _register_page(request, language, register, viewer, done=done)


@post("/staff/sessions/{session_id:int}/register", opt=REGISTER_TAKERS)
async def register_submit(
    request: Request,
    language: str,
    session_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    form = await request.form()
    register = await services.open_register(db_session, viewer, session_id, now())
    try:
        if register.drop_in:
            checked = {_int(v) for v in form.getall("checked_in")} if "checked_in" in form else set()
            volunteers = {_int(v) for v in form.getall("volunteer")} if "volunteer" in form else set()
            count = services.HeadCount(
                _int(form.get("adults"), -1),
                _int(form.get("children"), -1),
                str(form.get("theme", "")),
                str(form.get("speaker", "")),
                tuple(sorted(volunteers)),
                tuple(sorted(checked)),
            )
            await services.record_head_count(db_session, viewer, session_id, count, now())
        else:
            present = {_int(v) for v in form.getall("present")} if "present" in form else set()
            marks = [
                rules.Mark(
                    line.participant_id,
                    line.participant_id in present,
                    str(form.get(f"reason-{line.participant_id}", "no_reason")) or "no_reason",
                    str(form.get(f"note-{line.participant_id}", "")),
                    _int(form.get(f"partners-{line.participant_id}")),
                    _int(form.get(f"babies-{line.participant_id}")),
                )
                for line in register.lines
            ]
            await services.take_register(db_session, viewer, session_id, marks, now())
    except Refused as refused:
        await db_session.rollback()
        register = await services.open_register(db_session, viewer, session_id, now())
        return await _register_page(
            request, language, register, viewer, problems_for_page(refused.problems), status=400
        )
    return Redirect(f"/{language}/staff/sessions/{session_id}/register?done=saved", status_code=303)


@get("/staff/signals", opt=SIGNAL_READERS)
async def signals_page(
    request: Request, language: str, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> Response:
    """Members who may be dropping out, with what to do (and how to reach them: the reading is audited)."""
    found = await signals.open_signals(db_session, viewer, now(), "signals_page", signals.SIGNALS_PAGE_FIELDS)
    return render(
        request,
        language,
        "attendance/signals.html",
        viewer=viewer,
        found=found,
        names=rules.SIGNAL_NAMES,
        actions=rules.SUGGESTED_ACTIONS,
        done=request.query_params.get("done", ""),
    )


@post("/staff/signals/{signal_id:int}", opt=SIGNAL_READERS)
async def signal_submit(
    request: Request,
    language: str,
    signal_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    form = await request.form()
    await signals.handle_signal(db_session, viewer, signal_id, str(form.get("note", "")), now())
    return Redirect(f"/{language}/staff/signals?done=handled", status_code=303)


def _charts(report: f.Report, language: str) -> dict[str, str]:
    drawn = {}
    for table in exports.shown_tables(report, language):
        if table.chart is None or not table.rows:
            continue
        bars = []
        for label, values in table.rows:
            value = values[table.chart]
            number = exports.cell_number(value)
            bars.append(
                (label, number if isinstance(number, int | float) else None, exports.cell_text(value, language))
            )
        drawn[table.key] = charts.bar_chart(f"chart-{table.key}", table.title, bars)
    return drawn


def _report_response(
    request: Request, language: str, report: f.Report, viewer: Viewer, form: dict[str, Any], kind: str
) -> Response:
    wanted = request.query_params.get("format", "")
    stem = f"report-{report.start.isoformat()}-{report.end.isoformat()}"
    if wanted == "csv":
        return Response(
            exports.report_csv(report, language),
            media_type="text/csv",  # Litestar adds the charset to text/ types
            headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'},
        )
    if wanted == "xlsx":
        return Response(
            exports.report_xlsx(report, language),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'},
        )
    return render(
        request,
        language,
        "attendance/report.html",
        viewer=viewer,
        report=report,
        heading=exports.heading(report, language),
        summary=exports.summary_rows(report, language),
        tables=exports.shown_tables(report, language),
        charts=_charts(report, language),
        cell=lambda v: exports.cell_text(v, language),
        note=gettext(language, exports.NOTE_SUPPRESSED),
        form=form,
        kind=kind,
        query=request.url.query or "",
    )


def _refused_page(
    request: Request, language: str, viewer: Viewer, form: dict[str, Any], kind: str, refused: ReportRefused
) -> Response:
    """The form again with what is wrong, and no figures (also when a file was asked for)."""
    return render(
        request,
        language,
        "attendance/report.html",
        status_code=400,
        viewer=viewer,
        report=None,
        heading=gettext(language, REPORTS),
        problems=problems_for_page(refused.problems),
        tables=[],
        form=form,
        kind=kind,
        query="",
    )


@get("/staff/reports", opt=REPORT_READERS)
async def provider_report_page(
    request: Request, language: str, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> Response:
    """Reports of the person's organisation, per group; choose the period and programme."""
    q = request.query_params
    orgs = sorted(viewer.organisations_with(reports.REPORT_READERS))
    organisation_id = _int(q.get("organisation_id")) or orgs[0]
    start, end = default_period(_date(q.get("start")), _date(q.get("end")), local_date(now()))
    request_ = reports.ReportRequest(
        start, end, organisation_id, _int(q.get("programme_id")) or None, _int(q.get("cohort_id")) or None
    )
    form = {
        "organisations": list(await db_session.scalars(select(Organisation).where(Organisation.id.in_(orgs)))),
        "programmes": list(
            await db_session.scalars(select(Programme).where(Programme.organisation_id == organisation_id))
        ),
        "organisation_id": organisation_id,
        "programme_id": request_.programme_id,
        "start": start,
        "end": end,
        "can_see_municipality": viewer.holds_any(reports.MUNICIPALITY_READERS),
    }
    try:
        report = await reports.build_provider_report(db_session, viewer, request_, now(), language)
    except ReportRefused as refused:
        return _refused_page(request, language, viewer, form, "provider", refused)
    return _report_response(request, language, report, viewer, form, "provider")


@get("/staff/reports/municipality", opt=MUNICIPALITY_READERS)
async def municipality_report_page(
    request: Request, language: str, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> Response:
    """Across providers in a town: aggregates only, counts of fewer than 5 people hidden."""
    q = request.query_params
    start, end = default_period(_date(q.get("start")), _date(q.get("end")), local_date(now()))
    request_ = reports.ReportRequest(start, end, place=q.get("place") or None, template_key=q.get("programme") or None)
    keys = {p.template_key: pick(p.name, language) for p in await db_session.scalars(select(Programme))}
    form = {
        "places": await reports.municipality_places(db_session),
        "place": request_.place or "",
        "template_keys": sorted(keys.items(), key=lambda kv: kv[1]),
        "programme": request_.template_key or "",
        "start": start,
        "end": end,
    }
    try:
        report = await reports.build_municipality_report(db_session, viewer, request_, now(), language)
    except ReportRefused as refused:
        return _refused_page(request, language, viewer, form, "municipality", refused)
    return _report_response(request, language, report, viewer, form, "municipality")


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[
            registers_page,
            register_page,
            register_submit,
            signals_page,
            signal_submit,
            provider_report_page,
            municipality_report_page,
        ],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
