"""Gettext catalogs from locale/, compiled in memory at first use."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from groepsaanbod import resource_dir
from groepsaanbod.i18n import formatting
from groepsaanbod.i18n.language_names import NAMES_FROM_CATALOGS
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.terms import ROLE_NAMES
from groepsaanbod.i18n.text import Message

DOMAIN = "messages"


def locale_dir() -> Path:
    return resource_dir("locale")


@cache
def translations_for(language: str) -> NullTranslations:
    """The catalog of one language; message ids (English) when it has none."""
    if language not in LANGUAGE_CODES:
        language = "nl"
    po_path = locale_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def gettext(language: str, msgid: str, /, **params: Any) -> str:
    text = translations_for(language).ugettext(msgid)
    return text % params if params else text


def ngettext(language: str, singular: str, plural: str, n: int, /, **params: Any) -> str:
    text = translations_for(language).ungettext(singular, plural, n)
    values = {"num": n, **params}
    return text % values


def language_name(code: str, in_language: str) -> str:
    """The name of language `code` in `in_language`, e.g. 'Turks' for tr in nl: from CLDR, or from
    the catalogs where CLDR gives an English name (language_names.NAMES_FROM_CATALOGS)."""
    if code in NAMES_FROM_CATALOGS:
        return formatting.capitalised(gettext(in_language, NAMES_FROM_CATALOGS[code]))
    return formatting.cldr_language_name(code, in_language)


def render_message(language: str, message: Message) -> str:
    """A message in `language`; dates (and times), language codes and lists of them are shown for that reader."""
    params: dict[str, Any] = {}
    for key, value in message.params.items():
        if isinstance(value, datetime):
            # A naive one is wall-clock time at the venue already; an aware one is shown there.
            local = value if value.tzinfo is None else value.astimezone(ZoneInfo(formatting.VENUE_TIMEZONE))
            params[key] = formatting.wall_date_and_time(local.replace(tzinfo=None), language)
        elif isinstance(value, date):
            params[key] = formatting.short_date(value, language)
        elif key == "role" and value in ROLE_NAMES:
            params[key] = gettext(language, ROLE_NAMES[value])
        elif key == "language" and value in LANGUAGE_CODES:
            params[key] = language_name(value, language)
        elif key == "languages" and isinstance(value, list | tuple):
            params[key] = formatting.listing([language_name(code, language) for code in value], language)
        elif isinstance(value, list | tuple) and value and all(isinstance(v, date) for v in value):
            params[key] = formatting.listing([formatting.short_date(v, language) for v in value], language)
        else:
            params[key] = value
    return gettext(language, message.msgid, **params)
