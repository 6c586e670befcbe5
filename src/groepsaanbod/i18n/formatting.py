"""Dates, times and numbers for people, in their language and the venue's time zone."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from groepsaanbod.i18n.languages import BY_CODE

VENUE_TIMEZONE = "Europe/Amsterdam"


def _locale(language: str) -> str:
    return language if language in BY_CODE else "nl"


def long_date(value: date, language: str) -> str:
    return format_date(value, format="full", locale=_locale(language))


def short_date(value: date, language: str) -> str:
    return format_date(value, format="medium", locale=_locale(language))


def time_of_day(moment: datetime, language: str, timezone: str = VENUE_TIMEZONE) -> str:
    return format_time(moment, format="short", tzinfo=ZoneInfo(timezone), locale=_locale(language))


def date_and_time(moment: datetime, language: str, timezone: str = VENUE_TIMEZONE) -> str:
    """'dinsdag 2 maart 2027 om 19:30': the full day and the short time, joined the language's way."""
    local = moment.astimezone(ZoneInfo(timezone))
    locale = _locale(language)
    day = format_date(local.date(), format="full", locale=locale)
    clock = format_time(local, format="short", locale=locale)
    pattern = str(get_datetime_format("long", locale=locale)).replace("'", "")
    return pattern.replace("{1}", day).replace("{0}", clock)


def wall_date_and_time(local: datetime, language: str) -> str:
    """'30 mrt 2027, 19:30': a moment already in the venue's wall-clock time (no time zone), the
    short way a refusal names it."""
    locale = _locale(language)
    day = format_date(local.date(), format="medium", locale=locale)
    clock = format_time(local.time(), format="short", locale=locale)
    pattern = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    return pattern.replace("{1}", day).replace("{0}", clock)


def number(value: float | int, language: str) -> str:
    return format_decimal(value, locale=_locale(language))


def percent(value: float | int, language: str) -> str:
    """A share given in percent (80.6) the way the language writes it: "80,6%" in Dutch, "%80,6"
    in Turkish, "80,6 %" in Spanish. The decimals given are kept, none added."""
    share = Decimal(str(value)) / 100
    return format_percent(share, locale=_locale(language), decimal_quantization=False)


def capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def cldr_language_name(code: str, in_language: str) -> str:
    """The name of language `code` in `in_language` as CLDR has it, e.g. 'Turks' for tr in nl. Some
    are English in some languages: people read translations.language_name, which fills those in."""
    return capitalised(Locale.parse(code).get_display_name(_locale(in_language)) or code)


def listing(items: list[str], language: str) -> str:
    """'Nederlands, Turks en Arabisch': a list joined the way the language does it."""
    return format_list(list(items), style="standard", locale=_locale(language)) if items else ""


def local_date(moment: datetime, timezone: str = VENUE_TIMEZONE) -> date:
    """The calendar day of a moment in the venue's time zone."""
    return moment.astimezone(ZoneInfo(timezone)).date()
