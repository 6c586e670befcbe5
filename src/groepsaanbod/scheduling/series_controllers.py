"""JSON API of drop-in series (create, extend, pause, end) and of the volunteers' rota (take a
meeting, withdraw, ask another to swap, answer)."""

from __future__ import annotations

from datetime import datetime

from litestar import get, post
from litestar.params import JSONBody

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.scheduling.models import RotaSwap
from groepsaanbod.scheduling.series_schemas import (
    ChangedOut,
    EndIn,
    ExtendIn,
    PauseIn,
    RotaMeetingOut,
    RotaOut,
    SeriesIn,
    SeriesMeetingOut,
    SeriesOut,
    SwapAnswerIn,
    SwapIn,
    SwapOut,
)
from groepsaanbod.scheduling.services import rota, series, series_views
from groepsaanbod.web import Context, asked_language

EDITORS = needs_roles(*PROGRAMME_EDITORS)
VOLUNTEERS = needs_roles("volunteer")


async def _series_out(ctx: Context, cohort_id: int) -> SeriesOut:
    view = await series_views.series_view(ctx.db, ctx.staff, cohort_id, now=ctx.now())
    c, p = view.cohort, view.plan
    return SeriesOut(
        c.id,
        c.programme_id,
        c.name,
        c.weekday,
        c.start_time.strftime("%H:%M") if c.start_time else "",
        c.venue_id,
        p.starts_on,
        p.ends_on,
        p.planned_until,
        p.ended,
        [
            SeriesMeetingOut(
                m.id,
                m.number,
                m.status,
                m.local_start.isoformat(),
                m.starts_at,
                sorted(link.staff_id for link in view.staff.get(m.id, []) if link.role == rota.VOLUNTEER),
            )
            for m in view.meetings
        ],
    )


@post("/api/v1/programmes/{programme_id:int}/series", opt=EDITORS, tags=["drop-in"], status_code=201)
async def api_create_series(ctx: Context, programme_id: int, data: JSONBody[SeriesIn]) -> SeriesOut:
    """A weekly drop-in series: from starts_on, until ends_on or open-ended (then planned 12 weeks
    ahead and kept topped up by the worker). Public holidays and the location's closures are skipped."""
    new = series.NewSeries(
        programme_id,
        data.name,
        data.weekday,
        bounds.time_of_day(data.start_time),
        data.starts_on,
        data.ends_on,
        data.venue_id,
    )
    cohort = await series.create_series(ctx.db, ctx.staff, new, now=ctx.now())
    return await _series_out(ctx, cohort.id)


@get("/api/v1/programmes/{programme_id:int}/series", opt=EDITORS, tags=["drop-in"])
async def api_programme_series(ctx: Context, programme_id: int) -> list[SeriesOut]:
    found = await series_views.programme_series(ctx.db, ctx.staff, programme_id)
    return [await _series_out(ctx, cohort.id) for cohort, _ in found]


@get("/api/v1/series/{cohort_id:int}", opt=EDITORS, tags=["drop-in"])
async def api_series(ctx: Context, cohort_id: int) -> SeriesOut:
    """A series with its meetings from a week ago on, and the volunteers on each."""
    return await _series_out(ctx, cohort_id)


@post("/api/v1/series/{cohort_id:int}/extend", opt=EDITORS, tags=["drop-in"], status_code=200)
async def api_extend_series(ctx: Context, cohort_id: int, data: JSONBody[ExtendIn]) -> ChangedOut:
    return ChangedOut(await series.extend_series(ctx.db, ctx.staff, cohort_id, data.ends_on, now=ctx.now()))


@post("/api/v1/series/{cohort_id:int}/pause", opt=EDITORS, tags=["drop-in"], status_code=200)
async def api_pause_series(ctx: Context, cohort_id: int, data: JSONBody[PauseIn]) -> ChangedOut:
    """No meetings from starts_on to ends_on (a holiday): the planned ones are cancelled."""
    pause = series.Pause(data.starts_on, data.ends_on, data.reason, asked_language(ctx.request) or None)
    return ChangedOut(await series.pause_series(ctx.db, ctx.staff, cohort_id, pause, now=ctx.now()))


@post("/api/v1/series/{cohort_id:int}/end", opt=EDITORS, tags=["drop-in"], status_code=200)
async def api_end_series(ctx: Context, cohort_id: int, data: JSONBody[EndIn]) -> ChangedOut:
    return ChangedOut(await series.end_series(ctx.db, ctx.staff, cohort_id, data.last_day, now=ctx.now()))


def _swap_out(swap: RotaSwap) -> SwapOut:
    return SwapOut(swap.id, swap.session_id, swap.from_staff_id, swap.to_staff_id, swap.status)


def _local(moment: datetime) -> str:
    return moment.isoformat()


@get("/api/v1/me/rota", opt=VOLUNTEERS, tags=["drop-in"])
async def api_rota(ctx: Context) -> RotaOut:
    """The coming drop-in meetings of your organisations, who is on each, and swaps asked of you."""
    view = await rota.volunteer_rota(ctx.db, ctx.staff, ctx.now())
    return RotaOut(
        [
            RotaMeetingOut(
                m.meeting.id,
                m.series,
                _local(m.meeting.local_start),
                m.meeting.starts_at,
                [{"staff_id": i, "name": n} for i, n in m.volunteers],
                m.needed,
                m.mine,
            )
            for m in view.meetings
        ],
        [_swap_out(a.swap) for a in view.asked_of_me],
    )


@post("/api/v1/me/rota/{session_id:int}/take", opt=VOLUNTEERS, tags=["drop-in"], status_code=200)
async def api_take(ctx: Context, session_id: int) -> dict[str, str]:
    """You can do this meeting: you are on its staff and in its calendar."""
    await rota.take_meeting(ctx.db, ctx.staff, session_id, now=ctx.now())
    return {"status": "ok"}


@post("/api/v1/me/rota/{session_id:int}/withdraw", opt=VOLUNTEERS, tags=["drop-in"], status_code=200)
async def api_withdraw(ctx: Context, session_id: int) -> dict[str, str]:
    await rota.withdraw_from_meeting(ctx.db, ctx.staff, session_id, now=ctx.now())
    return {"status": "ok"}


@post("/api/v1/me/rota/{session_id:int}/swap", opt=VOLUNTEERS, tags=["drop-in"], status_code=200)
async def api_ask_swap(ctx: Context, session_id: int, data: JSONBody[SwapIn]) -> SwapOut:
    """Ask another volunteer to take your place; they are told and answer on their rota."""
    return _swap_out(await rota.ask_swap(ctx.db, ctx.staff, session_id, data.to_staff_id, now=ctx.now()))


@post("/api/v1/me/rota/swaps/{swap_id:int}", opt=VOLUNTEERS, tags=["drop-in"], status_code=200)
async def api_answer_swap(ctx: Context, swap_id: int, data: JSONBody[SwapAnswerIn]) -> SwapOut:
    return _swap_out(await rota.answer_swap(ctx.db, ctx.staff, swap_id, data.accept, now=ctx.now()))


ROUTES = [
    api_create_series,
    api_programme_series,
    api_series,
    api_extend_series,
    api_pause_series,
    api_end_series,
    api_rota,
    api_take,
    api_withdraw,
    api_ask_swap,
    api_answer_swap,
]
