"""JSON API of programmes (staff) and of the public catalogue."""

from __future__ import annotations

from litestar import Response, get, patch, post
from litestar.exceptions import NotFoundException
from litestar.params import JSONBody

from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.i18n.languages import choose_language
from groepsaanbod.paged import NEXT_LINK, PAGED, paged_response
from groepsaanbod.paging import PageRequest, page_list
from groepsaanbod.programmes.library import builtin_templates
from groepsaanbod.programmes.schemas import (
    BuiltinTemplateOut,
    CatalogueItemOut,
    ProgrammeCreate,
    ProgrammeOut,
    ProgrammeUpdate,
    TemplateOut,
    TemplateRevision,
    catalogue_out,
    programme_out,
    template_out,
)
from groepsaanbod.programmes.services import catalogue
from groepsaanbod.programmes.services import set_up as services
from groepsaanbod.programmes.templates import template_to_data
from groepsaanbod.web import Context

EDITORS = needs_roles(*PROGRAMME_EDITORS)


@get("/api/v1/templates", opt=PUBLIC, tags=["programmes"])
async def api_builtin_templates() -> list[BuiltinTemplateOut]:
    """The built-in templates a programme can start from."""
    return [BuiltinTemplateOut(key, dict(t.name), template_to_data(t)) for key, t in builtin_templates().items()]


@get("/api/v1/programmes", opt=EDITORS, tags=["programmes"], dependencies=PAGED, response_headers=NEXT_LINK)
async def api_list_programmes(ctx: Context, page: PageRequest) -> Response[list[ProgrammeOut]]:
    """Programmes of the organisations where you are coordinator or admin, by id."""
    found = page_list(await services.list_programmes(ctx.db, ctx.staff), page, lambda p: p.id)
    return paged_response(ctx.request, found, programme_out)


@post("/api/v1/programmes", opt=EDITORS, tags=["programmes"])
async def api_create_programme(ctx: Context, data: JSONBody[ProgrammeCreate]) -> ProgrammeOut:
    """Create a draft programme from a built-in template."""
    new = services.NewProgramme(data.organisation_id, data.template_key, data.slug, data.languages)
    return programme_out(await services.create_programme(ctx.db, ctx.staff, new, ctx.now()))


@get("/api/v1/programmes/{programme_id:int}", opt=EDITORS, tags=["programmes"])
async def api_get_programme(ctx: Context, programme_id: int) -> ProgrammeOut:
    return programme_out(await services.get_programme(ctx.db, ctx.staff, programme_id))


@patch("/api/v1/programmes/{programme_id:int}", opt=EDITORS, tags=["programmes"])
async def api_change_programme(ctx: Context, programme_id: int, data: JSONBody[ProgrammeUpdate]) -> ProgrammeOut:
    """Change texts per language, languages offered, venues or web address."""
    changes = services.ProgrammeChanges(**data.__dict__)
    return programme_out(await services.change_programme(ctx.db, ctx.staff, programme_id, changes))


@get("/api/v1/programmes/{programme_id:int}/template", opt=EDITORS, tags=["programmes"])
async def api_get_template(ctx: Context, programme_id: int, version: int | None = None) -> TemplateOut:
    """The newest template version, or the one asked for."""
    programme = await services.get_programme(ctx.db, ctx.staff, programme_id)
    chosen = (
        services.latest_template(programme)
        if version is None
        else next((t for t in programme.templates if t.version == version), None)
    )
    if chosen is None:
        raise NotFoundException()
    return template_out(programme, chosen)


@patch("/api/v1/programmes/{programme_id:int}/template", opt=EDITORS, tags=["programmes"])
async def api_revise_template(ctx: Context, programme_id: int, data: JSONBody[TemplateRevision]) -> TemplateOut:
    """Change meetings, durations, group sizes or rules. A published version is kept; the change
    becomes the next version."""
    await services.revise_template(ctx.db, ctx.staff, programme_id, data.changes(), now=ctx.now())
    programme = await services.get_programme(ctx.db, ctx.staff, programme_id)
    return template_out(programme, services.latest_template(programme))


@post("/api/v1/programmes/{programme_id:int}/publish", opt=EDITORS, tags=["programmes"], status_code=200)
async def api_publish_programme(ctx: Context, programme_id: int) -> ProgrammeOut:
    """Show the programme in the public catalogue, with its newest template version."""
    return programme_out(await services.publish_programme(ctx.db, ctx.staff, programme_id, ctx.now()))


@post("/api/v1/programmes/{programme_id:int}/withdraw", opt=EDITORS, tags=["programmes"], status_code=200)
async def api_withdraw_programme(ctx: Context, programme_id: int) -> ProgrammeOut:
    """Take the programme out of the public catalogue."""
    return programme_out(await services.withdraw_programme(ctx.db, ctx.staff, programme_id))


# The catalogue answers in `lang` alone (else Dutch), not in ctx.language, which would also read the
# language cookie and Accept-Language.


@get("/api/v1/catalogue", opt=PUBLIC, tags=["catalogue"])
async def api_catalogue(ctx: Context, lang: str | None = None, place: str | None = None) -> list[CatalogueItemOut]:
    """Published programmes; those offered in `lang` first. Texts in `lang` where translated."""
    language = choose_language(lang)
    return [catalogue_out(e) for e in await catalogue.list_catalogue(ctx.db, language, place)]


@get("/api/v1/catalogue/{slug:str}", opt=PUBLIC, tags=["catalogue"])
async def api_catalogue_item(ctx: Context, slug: str, lang: str | None = None) -> CatalogueItemOut:
    entry = await catalogue.find_in_catalogue(ctx.db, slug, choose_language(lang))
    if entry is None:
        raise NotFoundException()
    return catalogue_out(entry)


ROUTES = [
    api_builtin_templates,
    api_list_programmes,
    api_create_programme,
    api_get_programme,
    api_change_programme,
    api_get_template,
    api_revise_template,
    api_publish_programme,
    api_withdraw_programme,
    api_catalogue,
    api_catalogue_item,
]
