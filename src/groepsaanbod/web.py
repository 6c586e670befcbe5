"""Shared plumbing for HTML pages: the Jinja environment and per-language rendering."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import Response

from groepsaanbod.i18n import formatting
from groepsaanbod.i18n.languages import BY_CODE, LANGUAGES
from groepsaanbod.i18n.text import Message, pick
from groepsaanbod.i18n.translations import translations_for
from groepsaanbod.refusals import Problem

LANGUAGE_COOKIE = "lang"


@cache
def jinja_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("groepsaanbod", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )
    env.filters["language_name"] = formatting.language_name
    env.filters["listing"] = formatting.listing
    env.tests["contains"] = lambda sequence, item: item in sequence
    return env


async def provide_language(lang: str) -> str:
    """The page language from the URL prefix; an unknown prefix is a 404."""
    if lang not in BY_CODE:
        raise NotFoundException()
    return lang


def page_context(request: Request, language: str) -> dict[str, Any]:
    t = translations_for(language)

    def _(msgid: str, **params: Any) -> str:
        text = t.ugettext(msgid)
        return text % params if params else text

    def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
        return t.ungettext(singular, plural, n) % {"num": n, **params}

    def message(m: Message) -> str:
        return _(m.msgid, **m.params)

    current = BY_CODE[language]
    path = request.url.path
    rest = path[len(f"/{language}") :] if path.startswith(f"/{language}") else "/"
    return {
        "_": _,
        "gettext": _,
        "ngettext": ngettext,
        "message": message,
        "lang": language,
        "dir": "rtl" if current.rtl else "ltr",
        "languages": LANGUAGES,
        "path_without_language": rest or "/",
        "pick": lambda texts: pick(texts, language),
        "fmt": formatting,
        "request": request,
        "viewer": None,
    }


def render(request: Request, language: str, template_name: str, status_code: int = 200, **context: Any) -> Response:
    html = jinja_environment().get_template(template_name).render({**page_context(request, language), **context})
    response = Response(content=html, media_type="text/html; charset=utf-8", status_code=status_code)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
    return response


def field_id(api_field: str) -> str:
    """'sessions[2].week' -> 'sessions-2-week', the id of the form field."""
    return re.sub(r"[\[\].]+", "-", api_field).strip("-")


def problems_for_page(problems: tuple[Problem, ...]) -> list[dict[str, Any]]:
    return [{"field": field_id(p.field), "message": p.message} for p in problems]
