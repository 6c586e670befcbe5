"""Pages of attendance: recent meetings, the register, the signals dashboard, reports."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod import bounds
from groepsaanbod.attendance import charts, rules
from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.controllers import (
    MUNICIPALITY_READERS,
    REGISTER_TAKERS,
    REPORT_READERS,
    SIGNAL_READERS,
    default_period,
)
from groepsaanbod.attendance.errors import RegisterRefused, ReportRefused
from groepsaanbod.attendance.services import exports, meetings, registers, reports, signals
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.refusals import Problem
from groepsaanbod.registration.eligibility import DATE_WRONG
from groepsaanbod.web import Context, act, problems_for_page

REPORTS = N_("Reports")


def _int(value: Any, default: int = 0) -> int:
    return bounds.form_id(value) or default


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


@get("/staff/registers", opt=REGISTER_TAKERS)
async def registers_page(ctx: Context) -> Response:
    """Meetings of the last week and today, to take their register."""
    recent = await meetings.recent_sessions(ctx.db, ctx.staff, ctx.now())
    programmes = await meetings.programmes_by_id(ctx.db)
    return ctx.render("attendance/registers.html", recent=recent, programmes=programmes)


def _register_page(
    ctx: Context, register: registers.Register, *, problems: list[dict[str, Any]] | None = None, done: str = ""
) -> Response:
    return ctx.render(
        "attendance/register.html",
        status_code=400 if problems else 200,
        r=register,
        reasons=rules.ABSENCE_REASONS,
        problems=problems or [],
        done=done,
    )


@get("/staff/sessions/{session_id:int}/register", opt=REGISTER_TAKERS)
async def register_page(ctx: Context, session_id: int, done: str = "") -> Response:
    register = await registers.open_register(ctx.db, ctx.staff, session_id, ctx.now())
    return _register_page(ctx, register, done=done)


@post("/staff/sessions/{session_id:int}/register", opt=REGISTER_TAKERS)
async def register_submit(ctx: Context, session_id: int) -> Response:
    form = await ctx.request.form()
    register = await registers.open_register(ctx.db, ctx.staff, session_id, ctx.now())

    async def save() -> None:
        if register.drop_in:
            checked = {_int(v) for v in form.getall("checked_in")} if "checked_in" in form else set()
            volunteers = {_int(v) for v in form.getall("volunteer")} if "volunteer" in form else set()
            count = registers.HeadCount(
                _int(form.get("adults"), -1),
                _int(form.get("children"), -1),
                str(form.get("theme", "")),
                str(form.get("speaker", "")),
                tuple(sorted(volunteers)),
                tuple(sorted(checked)),
            )
            await registers.record_head_count(ctx.db, ctx.staff, session_id, count, now=ctx.now())
        else:
            ticked = {_int(v) for v in form.getall("present")} if "present" in form else set()
            marks = [
                _mark(form, i, line.participant_id, line.participant_id in ticked, register.asks_birth_date)
                for i, line in enumerate(register.lines)
            ]
            await registers.take_register(ctx.db, ctx.staff, session_id, marks, now=ctx.now())

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        again = await registers.open_register(ctx.db, ctx.staff, session_id, ctx.now())
        return _register_page(ctx, again, problems=problems)

    return await act(
        ctx, save, done=lambda _: ctx.redirect(f"/staff/sessions/{session_id}/register?done=saved"), form=show_form
    )


def _mark(form: Any, i: int, pid: int, present: bool, asks_birth_date: bool) -> rules.Mark:
    """One line of the register form. The baby's date of birth counts only beside "gave birth"
    (the field stays filled in when the reason changes); a date that is no date is refused."""
    reason = str(form.get(f"reason-{pid}", "no_reason")) or "no_reason"
    born_text = str(form.get(f"birth-{pid}", "")).strip()
    born = None
    if asks_birth_date and not present and reason == "gave_birth" and born_text:
        born = _date(born_text)
        if born is None:
            raise RegisterRefused([Problem(f"marks[{i}].birth_date", Message(DATE_WRONG))])
    return rules.Mark(
        pid,
        present=present,
        reason=reason,
        note=str(form.get(f"note-{pid}", "")),
        partners=_int(form.get(f"partners-{pid}")),
        babies=_int(form.get(f"babies-{pid}")),
        birth_date=born,
    )


@get("/staff/signals", opt=SIGNAL_READERS)
async def signals_page(ctx: Context) -> Response:
    """Members who may be dropping out, with what to do (and how to reach them: the reading is audited)."""
    found = await signals.open_signals(
        ctx.db, ctx.staff, now=ctx.now(), shown_as="signals_page", fields=signals.SIGNALS_PAGE_FIELDS
    )
    return ctx.render(
        "attendance/signals.html",
        found=found,
        names=rules.SIGNAL_NAMES,
        actions=rules.SUGGESTED_ACTIONS,
        done=ctx.request.query_params.get("done", ""),
    )


@post("/staff/signals/{signal_id:int}", opt=SIGNAL_READERS)
async def signal_submit(ctx: Context, signal_id: int) -> Response:
    form = await ctx.request.form()
    await signals.handle_signal(ctx.db, ctx.staff, signal_id, str(form.get("note", "")), now=ctx.now())
    return ctx.redirect("/staff/signals?done=handled")


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


def _report_response(ctx: Context, report: f.Report, form: dict[str, Any], kind: str) -> Response:
    language = ctx.language
    wanted = ctx.request.query_params.get("format", "")
    if wanted in exports.FILE_TYPES:
        try:
            dialect = exports.csv_dialect(ctx.request.query_params.get("dialect"))
        except ReportRefused as refused:
            return _refused_page(ctx, form, kind, refused)
        content, media_type, name = exports.report_file(report, language, wanted, dialect)
        # Litestar adds the charset to text/ types
        return Response(
            content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )
    tables = exports.shown_tables(report, language)
    summary = exports.summary_rows(report, language)
    summary_marks = f.marks_in(v for _, v in summary)
    return ctx.render(
        "attendance/report.html",
        report=report,
        heading=exports.heading(report, language),
        summary=summary,
        tables=tables,
        charts=_charts(report, language),
        cell=lambda v: exports.cell_text(v, language),
        notes=exports.notes(report, language),
        # Under each table, what its marks mean: a hidden 10 is never read as "fewer than 5".
        table_notes={
            "summary": exports.notes(report, language, summary_marks) if summary_marks else [],
            **{t.key: exports.table_notes(report, t, language) for t in tables},
        },
        form=form,
        kind=kind,
        query=ctx.request.url.query or "",
        csv_dialect=exports.csv_dialect_for(language),
    )


def _refused_page(ctx: Context, form: dict[str, Any], kind: str, refused: ReportRefused) -> Response:
    """The form again with what is wrong, and no figures (also when a file was asked for). Nothing
    was written, so nothing is rolled back."""
    return ctx.render(
        "attendance/report.html",
        status_code=400,
        report=None,
        heading=gettext(ctx.language, REPORTS),
        problems=problems_for_page(refused.problems),
        tables=[],
        form=form,
        kind=kind,
        query="",
    )


@get("/staff/reports", opt=REPORT_READERS)
async def provider_report_page(ctx: Context) -> Response:
    """Reports of the person's organisation, per group; choose the period and programme."""
    q = ctx.request.query_params
    orgs = sorted(ctx.staff.organisations_with(reports.REPORT_READERS))
    organisation_id = _int(q.get("organisation_id")) or orgs[0]
    start, end = default_period(_date(q.get("start")), _date(q.get("end")), local_date(ctx.now()))
    request_ = reports.ReportRequest(
        start, end, organisation_id, _int(q.get("programme_id")) or None, _int(q.get("cohort_id")) or None
    )
    form = {
        "organisations": await reports.report_organisations(ctx.db, ctx.staff),
        "programmes": await reports.organisation_programmes(ctx.db, organisation_id),
        "organisation_id": organisation_id,
        "programme_id": request_.programme_id,
        "start": start,
        "end": end,
        "can_see_municipality": ctx.staff.holds_any(reports.MUNICIPALITY_READERS),
    }
    try:
        report = await reports.build_provider_report(ctx.db, ctx.staff, request_, ctx.now(), language=ctx.language)
    except ReportRefused as refused:
        return _refused_page(ctx, form, "provider", refused)
    return _report_response(ctx, report, form, "provider")


@get("/staff/reports/municipality", opt=MUNICIPALITY_READERS)
async def municipality_report_page(ctx: Context) -> Response:
    """Across providers in a town: aggregates only, counts of fewer than 5 people hidden."""
    q = ctx.request.query_params
    start, end = default_period(_date(q.get("start")), _date(q.get("end")), local_date(ctx.now()))
    request_ = reports.ReportRequest(start, end, place=q.get("place") or None, template_key=q.get("programme") or None)
    form = {
        "template_keys": await reports.programme_kinds(ctx.db, ctx.language),
        "places": await reports.municipality_places(ctx.db),
        "place": request_.place or "",
        "programme": request_.template_key or "",
        "start": start,
        "end": end,
    }
    try:
        report = await reports.build_municipality_report(ctx.db, ctx.staff, request_, ctx.now(), language=ctx.language)
    except ReportRefused as refused:
        return _refused_page(ctx, form, "municipality", refused)
    return _report_response(ctx, report, form, "municipality")


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
        include_in_schema=False,
    )
]
