"""Pages of drop-in series (Kids & Koffie): a programme's series and a new one; one series with
its meetings and volunteers, made longer, paused for a holiday or ended."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.programmes.services.set_up import get_programme
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.pages.forms import form_date, form_time
from groepsaanbod.scheduling.services import rota, series, series_views
from groepsaanbod.web import Context, act

EDITORS = needs_roles(*PROGRAMME_EDITORS)


async def _list_page(
    ctx: Context,
    programme_id: int,
    *,
    problems: list[dict[str, Any]] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    programme = await get_programme(ctx.db, ctx.staff, programme_id)
    found = await series_views.programme_series(ctx.db, ctx.staff, programme_id)
    return ctx.render(
        "scheduling/series_list.html",
        status_code=400 if problems is not None else 200,
        programme=programme,
        found=found,
        venues=sorted(programme.venues, key=lambda v: v.name),
        problems=problems or [],
        values=values or {},
    )


@get("/staff/programmes/{programme_id:int}/series", opt=EDITORS)
async def series_list_page(ctx: Context, programme_id: int) -> Response:
    return await _list_page(ctx, programme_id)


@post("/staff/programmes/{programme_id:int}/series", opt=EDITORS)
async def series_create_submit(ctx: Context, programme_id: int) -> Response:
    form = await ctx.request.form()
    values = {k: str(form.get(k, "")) for k in ("name", "weekday", "start_time", "starts_on", "ends_on", "venue_id")}
    weekday = bounds.form_number(values["weekday"])
    new = series.NewSeries(
        programme_id,
        values["name"],
        weekday if weekday is not None else -1,
        form_time(values["start_time"]),
        form_date(values["starts_on"]),
        form_date(values["ends_on"]),
        bounds.form_id(values["venue_id"]) or None,
    )

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _list_page(ctx, programme_id, problems=problems, values=values)

    return await act(
        ctx,
        lambda: series.create_series(ctx.db, ctx.staff, new, now=ctx.now()),
        done=lambda cohort: ctx.redirect(f"/staff/series/{cohort.id}?done=created"),
        form=show_form,
    )


async def _series_page(
    ctx: Context, cohort_id: int, *, problems: list[dict[str, Any]] | None = None, done: str = ""
) -> Response:
    view = await series_views.series_view(ctx.db, ctx.staff, cohort_id, now=ctx.now())
    return ctx.render(
        "scheduling/series.html",
        status_code=400 if problems is not None else 200,
        view=view,
        volunteer=rota.VOLUNTEER,
        problems=problems or [],
        done=done,
    )


@get("/staff/series/{cohort_id:int}", opt=EDITORS)
async def series_page(ctx: Context, cohort_id: int, done: str = "") -> Response:
    return await _series_page(ctx, cohort_id, done=done)


def _extend(ctx: Context, cohort_id: int, form: Any) -> Callable[[], Awaitable[int]]:
    open_ended = str(form.get("open_ended", "")) == "1"
    ends_on = None if open_ended else form_date(form.get("extend_ends_on"))

    async def extend() -> int:
        if not open_ended and ends_on is None:
            raise ScheduleRefused.single("ends_on", series.LAST_DAY_NEEDED)
        return await series.extend_series(ctx.db, ctx.staff, cohort_id, ends_on, now=ctx.now())

    return extend


def _pause(ctx: Context, cohort_id: int, form: Any) -> Callable[[], Awaitable[int]]:
    pause = series.Pause(
        form_date(form.get("pause_starts_on")),
        form_date(form.get("pause_ends_on")),
        str(form.get("reason", "")),
        ctx.language,
    )
    return lambda: series.pause_series(ctx.db, ctx.staff, cohort_id, pause, now=ctx.now())


def _end(ctx: Context, cohort_id: int, form: Any) -> Callable[[], Awaitable[int]]:
    last_day = form_date(form.get("end_last_day"))
    return lambda: series.end_series(ctx.db, ctx.staff, cohort_id, last_day, now=ctx.now())


CHANGES = {"extend": _extend, "pause": _pause, "end": _end}


@post("/staff/series/{cohort_id:int}", opt=EDITORS)
async def series_change_submit(ctx: Context, cohort_id: int) -> Response:
    """One of the series' forms: `action` is extend, pause or end. A refusal shows the series again,
    its problems named after that form's fields (each form's fields have their own ids)."""
    form = await ctx.request.form()
    action = str(form.get("action", ""))
    if action not in CHANGES:
        return ctx.redirect(f"/staff/series/{cohort_id}")
    change = CHANGES[action](ctx, cohort_id, form)

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        named = [{**p, "field": p["field"] if p["field"] == "reason" else f"{action}_{p['field']}"} for p in problems]
        return await _series_page(ctx, cohort_id, problems=named)

    return await act(
        ctx, change, done=lambda _: ctx.redirect(f"/staff/series/{cohort_id}?done={action}"), form=show_form
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[series_list_page, series_create_submit, series_page, series_change_submit],
        include_in_schema=False,
    )
]
