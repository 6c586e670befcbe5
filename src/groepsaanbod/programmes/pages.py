"""HTML pages: the public catalogue, and programme set-up for coordinators."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Response, Router, get, post
from litestar.datastructures import FormMultiDict

from groepsaanbod import bounds
from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.organisations.services import list_organisations
from groepsaanbod.programmes.library import builtin_templates
from groepsaanbod.programmes.services import catalogue
from groepsaanbod.programmes.services import set_up as services
from groepsaanbod.programmes.templates import template_to_data
from groepsaanbod.protection.body_size import LONG_FORM_BODY_LIMIT
from groepsaanbod.web import Context, act

EDITORS = needs_roles(*PROGRAMME_EDITORS)


# -- public ------------------------------------------------------------------


@get("/", opt=PUBLIC)
async def start_page(ctx: Context, place: str | None = None) -> Response:
    places = await catalogue.list_places(ctx.db)
    chosen = place.strip() if place and place.strip() else None
    entries = await catalogue.list_catalogue(ctx.db, ctx.language, chosen)
    return ctx.render("programmes/start.html", entries=entries, places=places, place=chosen)


# The programme page itself is in opendata/pages.py: its JSON-LD names the groups' meetings.


# -- staff -------------------------------------------------------------------


@get("/staff/programmes", opt=EDITORS)
async def staff_programmes(ctx: Context) -> Response:
    programmes = await services.list_programmes(ctx.db, ctx.staff)
    return ctx.render("programmes/staff_list.html", programmes=programmes)


def _new_form_page(
    ctx: Context,
    organisations: list[Organisation],
    values: dict[str, Any],
    problems: list[dict[str, Any]] | None = None,
) -> Response:
    return ctx.render(
        "programmes/staff_new.html",
        status_code=400 if problems else 200,
        organisations=organisations,
        templates=builtin_templates(),
        values=values,
        problems=problems or [],
    )


@get("/staff/programmes/new", opt=EDITORS)
async def new_programme_page(ctx: Context) -> Response:
    organisations = await list_organisations(ctx.db, ctx.staff)
    values = {
        "organisation_id": organisations[0].id if organisations else None,
        "template_key": "",
        "slug": "",
        "languages": [ctx.language],
    }
    return _new_form_page(ctx, organisations, values)


def _int_or_zero(value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return 0


@post("/staff/programmes/new", opt=EDITORS)
async def new_programme_submit(ctx: Context) -> Response:
    form = await ctx.request.form()
    new = services.NewProgramme(
        _int_or_zero(form.get("organisation_id", "")),
        str(form.get("template_key", "")),
        str(form.get("slug", "")),
        [str(v) for v in form.getall("languages", [])],
    )
    values = {
        "organisation_id": new.organisation_id,
        "template_key": new.template_key,
        "slug": new.slug,
        "languages": new.languages,
    }

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return _new_form_page(ctx, await list_organisations(ctx.db, ctx.staff), values, problems)

    return await act(
        ctx,
        lambda: services.create_programme(ctx.db, ctx.staff, new, ctx.now()),
        done=lambda programme: ctx.redirect(f"/staff/programmes/{programme.id}?saved=1"),
        form=show_form,
    )


async def _edit_page(
    ctx: Context,
    programme_id: int,
    *,
    problems: list[dict[str, Any]] | None = None,
    overrides: dict[str, Any] | None = None,
    saved: bool = False,
) -> Response:
    """The edit page; `overrides` shows what was typed (texts, template) instead of what is saved."""
    editing = await services.programme_for_editing(ctx.db, ctx.staff, programme_id)
    shown = overrides or {}
    return ctx.render(
        "programmes/staff_edit.html",
        status_code=400 if problems else 200,
        programme=editing.programme,
        latest=editing.latest,
        published=editing.published,
        template=shown.get("template", editing.template),
        venues=editing.venues,
        problems=problems or [],
        saved=saved,
        text_values=shown.get("texts"),
        language_codes=LANGUAGE_CODES,
    )


async def _apply(
    ctx: Context, programme_id: int, action: Callable[[], Awaitable[Any]], *, overrides: dict[str, Any] | None = None
) -> Response:
    """Run a change; on refusal show the form again with what was typed and why."""

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _edit_page(ctx, programme_id, problems=problems, overrides=overrides)

    return await act(
        ctx, action, done=lambda _: ctx.redirect(f"/staff/programmes/{programme_id}?saved=1"), form=show_form
    )


@get("/staff/programmes/{programme_id:int}", opt=EDITORS)
async def edit_programme_page(ctx: Context, programme_id: int, saved: int = 0) -> Response:
    return await _edit_page(ctx, programme_id, saved=bool(saved))


@post("/staff/programmes/{programme_id:int}/basics", opt=EDITORS)
async def edit_basics_submit(ctx: Context, programme_id: int) -> Response:
    form = await ctx.request.form()
    changes = services.ProgrammeChanges(
        slug=str(form.get("slug", "")),
        languages=[str(v) for v in form.getall("languages", [])],
        venue_ids=[_int_or_zero(v) for v in form.getall("venue_ids", [])],
    )
    return await _apply(ctx, programme_id, lambda: services.change_programme(ctx.db, ctx.staff, programme_id, changes))


def _texts_from_form(form: FormMultiDict) -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for field in services.TEXT_FIELDS:
        texts[field] = {code: str(form.get(f"{field}-{code}", "")) for code in LANGUAGE_CODES}
    return texts


@post("/staff/programmes/{programme_id:int}/texts", opt=EDITORS, request_max_body_size=LONG_FORM_BODY_LIMIT)
async def edit_texts_submit(ctx: Context, programme_id: int) -> Response:
    texts = _texts_from_form(await ctx.request.form())
    changes = services.ProgrammeChanges(
        name=texts["name"], description=texts["description"], audience=texts["audience"]
    )
    return await _apply(
        ctx,
        programme_id,
        lambda: services.change_programme(ctx.db, ctx.staff, programme_id, changes),
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
        added: dict[str, Any] = {
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
    rules = dict(current.get("rules") or {})
    for key in OPEN_GROUP_RULES:  # open groups only show them; an empty field means the default
        if f"rules-{key}" in form:
            rules.pop(key, None)
            if str(form.get(f"rules-{key}", "")).strip():
                rules[key] = number(f"rules-{key}")
    for key in REMINDER_RULES:  # a list of hours, e.g. "48, 2"; empty: none
        if f"rules-{key}" in form:
            rules.pop(key, None)
            hours = _hours_from_form(str(form.get(f"rules-{key}", "")))
            if hours:
                rules[key] = hours
    return {
        **current,
        "min_group_size": number("min_group_size"),
        "max_group_size": number("max_group_size"),
        "completion_threshold": number("completion_threshold"),
        "sessions": sessions,
        "rules": rules,
    }


#: The rules of open groups the plan form edits (programmes/templates/checks.py checks them).
OPEN_GROUP_RULES = ("joinable_until_meeting", "offer_hours")
#: The reminder rules the plan form edits (programmes/templates/reminders.py checks them).
REMINDER_RULES = ("reminder_hours", "reminder_choices_hours")


def _hours_from_form(raw: str) -> list[int | str]:
    """ "48, 2" as [48, 2]; what is not a number stays as typed, so the check names the field."""
    parts = [p for p in raw[:120].replace(";", ",").replace(" ", ",").split(",") if p]
    return [n if (n := bounds.form_number(p)) is not None else p for p in parts]


@post("/staff/programmes/{programme_id:int}/template", opt=EDITORS, request_max_body_size=LONG_FORM_BODY_LIMIT)
async def edit_template_submit(ctx: Context, programme_id: int) -> Response:
    programme = await services.get_programme(ctx.db, ctx.staff, programme_id)
    current = template_to_data(services.template_data(programme, services.latest_template(programme)))
    proposed = _template_from_form(await ctx.request.form(), current, ctx.language)
    return await _apply(
        ctx,
        programme_id,
        lambda: services.revise_template(ctx.db, ctx.staff, programme_id, proposed, now=ctx.now()),
        overrides={"template": proposed},
    )


@post("/staff/programmes/{programme_id:int}/publish", opt=EDITORS)
async def publish_submit(ctx: Context, programme_id: int) -> Response:
    await services.publish_programme(ctx.db, ctx.staff, programme_id, ctx.now())
    return ctx.redirect(f"/staff/programmes/{programme_id}?saved=1")


@post("/staff/programmes/{programme_id:int}/withdraw", opt=EDITORS)
async def withdraw_submit(ctx: Context, programme_id: int) -> Response:
    await services.withdraw_programme(ctx.db, ctx.staff, programme_id)
    return ctx.redirect(f"/staff/programmes/{programme_id}?saved=1")


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[
            start_page,
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
        include_in_schema=False,
    )
]
