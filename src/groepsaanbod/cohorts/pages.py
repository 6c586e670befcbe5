"""The coordinator's page of a programme's registrations and groups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.cohorts.services import forming as cohorts
from groepsaanbod.cohorts.services.school_classes import class_mentors, import_school_classes
from groepsaanbod.programmes.services.set_up import get_programme, published_template
from groepsaanbod.protection.body_size import UPLOAD_BODY_LIMIT
from groepsaanbod.refusals import Refused
from groepsaanbod.settings import Settings
from groepsaanbod.web import problems_for_page, provide_language, render

EDITORS = needs_roles(*PROGRAMME_EDITORS)


async def _page(
    request: Request,
    language: str,
    programme_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    problems: list[dict[str, Any]] | None = None,
    status: int = 200,
    done: str = "",
    now: datetime | None = None,
) -> Response:
    programme = await get_programme(db_session, viewer, programme_id)
    template = published_template(programme)
    registrations = await cohorts.list_registrations(db_session, viewer, programme_id, now, "registrations_page")
    groups = await cohorts.list_cohorts(db_session, viewer, programme_id)
    mentors = await class_mentors(db_session, groups, now)
    unplaced, spread_weeks = None, None
    if template is not None and template.formation == "due_date":
        unplaced = (await cohorts.current_unplaced(db_session, viewer, programme_id)).unplaced
        spread_weeks = cohorts.formation_rules(template).max_spread_days // 7
    members: dict[int | None, list] = {}
    for registration in registrations:
        members.setdefault(registration.cohort_id, []).append(registration)
    return render(
        request,
        language,
        "cohorts/coordinator.html",
        status_code=status,
        viewer=viewer,
        programme=programme,
        template=template,
        registrations=registrations,
        groups=groups,
        mentors=mentors,
        members=members,
        unplaced=unplaced,
        spread_weeks=spread_weeks,
        problems=problems or [],
        done=done,
    )


@get("/staff/programmes/{programme_id:int}/registrations", opt=EDITORS)
async def registrations_page(
    request: Request,
    language: str,
    programme_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    done: str = "",
) -> Response:
    return await _page(request, language, programme_id, db_session, viewer, done=done, now=now())


async def _act(
    request: Request,
    language: str,
    programme_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    action: Callable[[], Awaitable[Any]],
    done: str,
) -> Response:
    try:
        await action()
    except Refused as refused:
        await db_session.rollback()
        return await _page(
            request, language, programme_id, db_session, viewer, problems_for_page(refused.problems), status=400
        )
    return Redirect(f"/{language}/staff/programmes/{programme_id}/registrations?done={done}", status_code=303)


@post("/staff/programmes/{programme_id:int}/cohort-proposals", opt=EDITORS)
async def propose_submit(
    request: Request,
    language: str,
    programme_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    return await _act(
        request,
        language,
        programme_id,
        db_session,
        viewer,
        lambda: cohorts.propose_cohorts(db_session, viewer, programme_id, now()),
        "proposed",
    )


def _int(value: Any) -> int:
    return bounds.form_id(value)


@post("/staff/programmes/{programme_id:int}/cohorts/{cohort_id:int}", opt=EDITORS)
async def cohort_action_submit(
    request: Request,
    language: str,
    programme_id: int,
    cohort_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    """One form per group; the button pressed says what to do."""
    form = await request.form()
    action = str(form.get("action", ""))
    actions: dict[str, Callable[[], Awaitable[Any]]] = {
        "confirm": lambda: cohorts.confirm_cohort(db_session, viewer, cohort_id, now()),
        "split": lambda: cohorts.split_cohort(db_session, viewer, cohort_id, now()),
        "merge": lambda: cohorts.merge_cohorts(db_session, viewer, cohort_id, _int(form.get("other_cohort_id")), now()),
        "move": lambda: cohorts.move_member(db_session, viewer, _int(form.get("registration_id")), cohort_id, now()),
    }
    if action not in actions:
        return Redirect(f"/{language}/staff/programmes/{programme_id}/registrations", status_code=303)
    return await _act(request, language, programme_id, db_session, viewer, actions[action], action)


@post("/staff/programmes/{programme_id:int}/school-classes", opt=EDITORS, request_max_body_size=UPLOAD_BODY_LIMIT)
async def import_submit(
    request: Request,
    language: str,
    programme_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    settings: Settings,
) -> Response:
    form = await request.form()
    upload = form.get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    return await _act(
        request,
        language,
        programme_id,
        db_session,
        viewer,
        lambda: import_school_classes(db_session, viewer, programme_id, data, now(), base_url=settings.base_url),
        "imported",
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[registrations_page, propose_submit, cohort_action_submit, import_submit],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
