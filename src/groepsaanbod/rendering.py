"""Jinja rendering in a person's language, for pages and for messages alike."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from markupsafe import Markup

from groepsaanbod.access.privileges import BY_KEY
from groepsaanbod.assets.names import static_url
from groepsaanbod.bounds import without_direction_controls
from groepsaanbod.i18n import formatting
from groepsaanbod.i18n.languages import BY_CODE, LANGUAGES
from groepsaanbod.i18n.terms import ROLE_NAMES
from groepsaanbod.i18n.text import Message, Shown, pick, shown, written
from groepsaanbod.i18n.translations import language_name, render_message, translations_for
from groepsaanbod.settings import Settings


@cache
def jinja_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("groepsaanbod", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
        # Templates ship with the code: no file check on every render (3 per sign-up's message),
        # except while developing (GROEPSAANBOD_DEBUG=1), where edited templates show at once.
        auto_reload=Settings.from_env().debug,
        finalize=_finalize,
    )
    env.filters["language_name"] = language_name
    env.filters["listing"] = formatting.listing
    env.tests["contains"] = lambda sequence, item: item in sequence
    env.globals["csrf_field"] = csrf_field
    env.globals["view_roles"] = view_roles
    env.globals["static_url"] = static_url
    return env


def _finalize(value: Any) -> Any:
    """Every value a template shows: explicit direction controls (U+202A-U+202E, U+2066-U+2069)
    are left out, so no stored name can reverse the text around it (new input refuses them,
    older rows may hold them). Markup is ours and passes as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return without_direction_controls(value)
    return value


def view_roles(key: str) -> frozenset[str]:
    """The roles that may open a part of the service (the staff menu shows only those)."""
    return BY_KEY[key].roles


@pass_context
def csrf_field(context: Any) -> Markup:
    """The hidden field every `<form method="post">` carries (see protection/csrf.py)."""
    token = context.get("csrf_token")
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % token


#: Scripts written right to left, beyond the seven (a text may carry any language code).
_RTL = frozenset({"ar", "fa", "he", "ur", "ps", "ckb", "yi"})


def direction_of(code: str) -> str:
    known = BY_CODE.get(code)
    return "rtl" if (known.rtl if known else code.split("-")[0] in _RTL) else "ltr"


def lang_attrs(value: Any, page_language: str) -> Markup:
    """` lang="nl" dir="ltr"` for an element whose text is in another language than the page's
    (WCAG 3.1.2), else nothing. A text of unknown language (plain str) gets nothing."""
    code = getattr(value, "language", None)
    if not isinstance(value, Shown) or not code or code == page_language or not value:
        return Markup("")
    return Markup(' lang="%s" dir="%s"') % (code, direction_of(code))


def text_in(value: Any, page_language: str) -> Markup:
    """The text, wrapped in `<span lang dir>` when it is in another language than the page's."""
    text = without_direction_controls(str(value or ""))
    attrs = lang_attrs(value, page_language)
    return Markup("<span%s>%s</span>") % (attrs, text) if attrs else Markup("%s") % text


def language_context(language: str) -> dict[str, Any]:
    """Translation functions and formatting for templates rendered in `language`."""
    t = translations_for(language)

    def _(msgid: str, **params: Any) -> str:
        text = t.ugettext(msgid)
        if any(isinstance(v, Markup) for v in params.values()):
            # A value marked with its own language (text_in): the sentence is escaped around it.
            return Markup.escape(text) % {k: _finalize(v) for k, v in params.items()}
        return text % params if params else text

    def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
        return t.ungettext(singular, plural, n) % {"num": n, **params}

    def message(m: Message) -> str:
        return render_message(language, m)

    def role_name(code: str) -> str:
        return _(ROLE_NAMES[code]) if code in ROLE_NAMES else code

    return {
        "_": _,
        "gettext": _,
        "ngettext": ngettext,
        "message": message,
        "role_name": role_name,
        "lang": language,
        "dir": "rtl" if BY_CODE[language].rtl else "ltr",
        "languages": LANGUAGES,
        "pick": lambda texts: pick(texts, language),
        "shown": lambda texts: shown(texts, language),
        "lang_attrs": lambda value: lang_attrs(value, language),
        "text_in": lambda value: text_in(value, language),
        "written": written,
        "fmt": formatting,
    }


def render_template(template_name: str, language: str, **context: Any) -> str:
    return jinja_environment().get_template(template_name).render({**language_context(language), **context})
