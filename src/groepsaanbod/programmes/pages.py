"""HTML pages: the public catalogue, and programme set-up for coordinators."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.organisations.models import Organisation, Venue
from groepsaanbod.programmes.errors import ProgrammeError
from groepsaanbod.programmes.library import builtin_templates
from groepsaanbod.programmes.services import catalogue
from groepsaanbod.programmes.services import set_up as services
from groepsaanbod.programmes.templates import template_to_data
from groepsaanbod.protection.body_size import LONG_FORM_BODY_LIMIT
from groepsaanbod.web import problems_for_page, provide_language, render

EDITORS = needs_roles(*PROGRAMME_EDITORS)


# -- public ------------------------------------------------------------------


@get("/", opt=PUBLIC)
async def start_page(request: Request, language: str, db_session: AsyncSession, place: str | None = None) -> Response:
    places = await catalogue.list_places(db_session)
    chosen = place.strip() if place and place.strip() else None
    entries = await catalogue.list_catalogue(db_session, language, chosen)
    return render(request, language, "programmes/start.html", entries=entries, places=places, place=chosen)


@get("/programmes/{slug:str}", opt=PUBLIC)
async def programme_page(request: Request, language: str, slug: str, db_session: AsyncSession) -> Response:
    entry = await catalogue.find_in_catalogue(db_session, slug, language)
    if entry is None:
        raise NotFoundException()
    return render(request, language, "programmes/programme.html", entry=entry)


# -- staff -------------------------------------------------------------------


@get("/staff/programmes", opt=EDITORS)
async def staff_programmes(request: Request, language: str, db_session: AsyncSession, viewer: Viewer) -> Response:
    programmes = await services.list_programmes(db_session, viewer)
    return render(request, language, "programmes/staff_list.html", viewer=viewer, programmes=programmes)


async def _editable_organisations(db_session: AsyncSession, viewer: Viewer) -> list[Organisation]:
    ids = viewer.organisations_with(PROGRAMME_EDITORS)
    return list(
        await db_session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name))
    )


def _new_form_page(
    request: Request,
    language: str,
    viewer: Viewer,
    organisations: list[Organisation],
    values: dict[str, Any],
    problems: list[dict[str, Any]],
    status: int = 200,
) -> Response:
    return render(
        request,
        language,
        "programmes/staff_new.html",
        status_code=status,
        viewer=viewer,
        organisations=organisations,
        templates=builtin_templates(),
        values=values,
        problems=problems,
    )


@get("/staff/programmes/new", opt=EDITORS)
async def new_programme_page(request: Request, language: str, db_session: AsyncSession, viewer: Viewer) -> Response:
    organisations = await _editable_organisations(db_session, viewer)
    values = {
        "organisation_id": organisations[0].id if organisations else None,
        "template_key": "",
        "slug": "",
        "languages": [language],
    }
    return _new_form_page(request, language, viewer, organisations, values, [])


def _int_or_zero(value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return 0


@post("/staff/programmes/new", opt=EDITORS)
async def new_programme_submit(
    request: Request, language: str, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> Response:
    form = await request.form()
    values = {
        "organisation_id": _int_or_zero(form.get("organisation_id", "")),
        "template_key": str(form.get("template_key", "")),
        "slug": str(form.get("slug", "")),
        "languages": [str(v) for v in form.getall("languages", [])],
    }
    try:
        programme = await services.create_programme(
            db_session,
            viewer,
            services.NewProgramme(
                values["organisation_id"], values["template_key"], values["slug"], values["languages"]
            ),
            now(),
        )
    except ProgrammeError as refused:
        await db_session.rollback()
        organisations = await _editable_organisations(db_session, viewer)
        return _new_form_page(
            request, language, viewer, organisations, values, problems_for_page(refused.problems), status=400
        )
    return Redirect(f"/{language}/staff/programmes/{programme.id}?saved=1", status_code=303)


async def _edit_page(
    request: Request,
    language: str,
    db_session: AsyncSession,
    viewer: Viewer,
    programme_id: int,
    problems: list[dict[str, Any]] | None = None,
    overrides: dict[str, Any] | None = None,
    status: int = 200,
    saved: bool = False,
) -> Response:
    programme = await services.get_programme(db_session, viewer, programme_id)
    latest = services.latest_template(programme)
    venues = list(
        await db_session.scalars(
            select(Venue).where(Venue.organisation_id == programme.organisation_id).order_by(Venue.name)
        )
    )
    template = template_to_data(services.template_data(programme, latest))
    if overrides and "template" in overrides:
        template = overrides["template"]
    return render(
        request,
        language,
        "programmes/staff_edit.html",
        status_code=status,
        viewer=viewer,
        programme=programme,
        latest=latest,
        published=services.published_template(programme),
        template=template,
        venues=venues,
        problems=problems or [],
        saved=saved,
        text_values=(overrides or {}).get("texts"),
        language_codes=LANGUAGE_CODES,
    )


@get("/staff/programmes/{programme_id:int}", opt=EDITORS)
async def edit_programme_page(
    request: Request, language: str, programme_id: int, db_session: AsyncSession, viewer: Viewer, saved: int = 0
) -> Response:
    return await _edit_page(request, language, db_session, viewer, programme_id, saved=bool(saved))


@post("/staff/programmes/{programme_id:int}/basics", opt=EDITORS)
async def edit_basics_submit(
    request: Request, language: str, programme_id: int, db_session: AsyncSession, viewer: Viewer
) -> Response:
    form = await request.form()
    changes = services.ProgrammeChanges(
        slug=str(form.get("slug", "")),
        languages=[str(v) for v in form.getall("languages", [])],
        venue_ids=[_int_or_zero(v) for v in form.getall("venue_ids", [])],
    )
    return await _apply(
        request,
        language,
        programme_id,
        db_session,
        viewer,
        lambda: services.change_programme(db_session, viewer, programme_id, changes),
    )


def _texts_from_form(form: FormMultiDict) -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for field in services.TEXT_FIELDS:
        texts[field] = {code: str(form.get(f"{field}-{code}", "")) for code in LANGUAGE_CODES}
    return texts


@post("/staff/programmes/{programme_id:int}/texts", opt=EDITORS, request_max_body_size=LONG_FORM_BODY_LIMIT)
async def edit_texts_submit(
    request: Request, language: str, programme_id: int, db_session: AsyncSession, viewer: Viewer
) -> Response:
    texts = _texts_from_form(await request.form())
    changes = services.ProgrammeChanges(**texts)
    return await _apply(
        request,
        language,
        programme_id,
        db_session,
        viewer,
        lambda: services.change_programme(db_session, viewer, programme_id, changes),
        overrides={"texts": texts},
    )


def _template_from_form(form: FormMultiDict, current: dict[str, Any], language: str) -> dict[str, Any]:
    """The meetings table and sizes as the form sent them, in check_template's shape."""

    def number(name: str) -> int | str:
        raw = str(form.get(name, "")).strip()
        number = bounds.form_number(raw)
        return raw if number is None else number

    sessions = []
    for index, old in enumerate(current["sessions"]):
        prefix = f"sessions-{index}-"
        if form.get(prefix + "remove"):
            continue
        topic = dict(old.get("topic", {}))
        new_topic = str(form.get(prefix + "topic", "")).strip()
        if new_topic:
            topic[language] = new_topic
        changed = {
            **old,
            "kind": str(form.get(prefix + "kind", old["kind"])),
            "duration_minutes": number(prefix + "duration_minutes"),
            "topic": topic,
        }
        if "week" in old:
            changed["week"] = number(prefix + "week")
        sessions.append(changed)
    if str(form.get("new-duration_minutes", "")).strip():
        template_like = current["sessions"][-1] if current["sessions"] else {"timing": "week_after_start"}
        added = {
            "kind": str(form.get("new-kind", "group")),
            "duration_minutes": number("new-duration_minutes"),
            "timing": template_like["timing"],
            "topic": {},
            "roles": template_like.get("roles", []),
        }
        if "week" in template_like:
            added["week"] = number("new-week")
        new_topic = str(form.get("new-topic", "")).strip()
        if new_topic:
            added["topic"] = {language: new_topic}
        sessions.append(added)
    return {
        **current,
        "min_group_size": number("min_group_size"),
        "max_group_size": number("max_group_size"),
        "completion_threshold": number("completion_threshold"),
        "sessions": sessions,
    }


@post("/staff/programmes/{programme_id:int}/template", opt=EDITORS, request_max_body_size=LONG_FORM_BODY_LIMIT)
async def edit_template_submit(
    request: Request,
    language: str,
    programme_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    programme = await services.get_programme(db_session, viewer, programme_id)
    current = template_to_data(services.template_data(programme, services.latest_template(programme)))
    proposed = _template_from_form(await request.form(), current, language)
    return await _apply(
        request,
        language,
        programme_id,
        db_session,
        viewer,
        lambda: services.revise_template(db_session, viewer, programme_id, proposed, now()),
        overrides={"template": proposed},
    )


@post("/staff/programmes/{programme_id:int}/publish", opt=EDITORS)
async def publish_submit(
    request: Request,
    language: str,
    programme_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    await services.publish_programme(db_session, viewer, programme_id, now())
    return Redirect(f"/{language}/staff/programmes/{programme_id}?saved=1", status_code=303)


@post("/staff/programmes/{programme_id:int}/withdraw", opt=EDITORS)
async def withdraw_submit(
    request: Request, language: str, programme_id: int, db_session: AsyncSession, viewer: Viewer
) -> Response:
    await services.withdraw_programme(db_session, viewer, programme_id)
    return Redirect(f"/{language}/staff/programmes/{programme_id}?saved=1", status_code=303)


async def _apply(
    request: Request,
    language: str,
    programme_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    action: Callable[[], Any],
    overrides: dict[str, Any] | None = None,
) -> Response:
    """Run a change; on refusal show the form again with what was typed and why."""
    try:
        await action()
    except ProgrammeError as refused:
        await db_session.rollback()
        return await _edit_page(
            request,
            language,
            db_session,
            viewer,
            programme_id,
            problems=problems_for_page(refused.problems),
            overrides=overrides,
            status=400,
        )
    return Redirect(f"/{language}/staff/programmes/{programme_id}?saved=1", status_code=303)


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[
            start_page,
            programme_page,
            staff_programmes,
            new_programme_page,
            new_programme_submit,
            edit_programme_page,
            edit_basics_submit,
            edit_texts_submit,
            edit_template_submit,
            publish_submit,
            withdraw_submit,
        ],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
