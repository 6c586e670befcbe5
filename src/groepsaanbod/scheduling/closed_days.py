"""Days on which no meeting is planned: Dutch public holidays and school holidays.

The only module that imports the `holidays` library; the planning functions in
`sessions.py` take the closed days as a plain set of dates. Every function returns
the dates that fall in the given calendar years, so a caller planning from
September 2026 into 2027 passes both years (a Christmas break that spans the new
year then comes out whole).

School holidays follow the three regions the Dutch government sets them for
(`noord`, `midden`, `zuid`). Only the Christmas, May and summer breaks are binding;
a school may set its own dates for the autumn and spring breaks, which is what
`binding_only` is for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache

import holidays

REGIONS = ("noord", "midden", "zuid")
#: Our region code -> the subdivision the `holidays` library uses.
_SUBDIVISIONS = {"noord": "Noord", "midden": "Midden", "zuid": "Zuid"}
#: The library's (English) names of the breaks schools may not move.
BINDING_BREAKS = frozenset({"Christmas Break", "May Break", "Summer Break"})
#: Holiday names are compared in this language, whatever the library's default is.
_LANGUAGE = "en_US"


def _years(years: Iterable[int]) -> tuple[int, ...]:
    result = tuple(sorted({int(year) for year in years}))
    if any(year < 1 for year in result):
        raise ValueError("years must be positive")
    return result


def _region(region: str) -> str:
    key = region.strip().lower() if isinstance(region, str) else region
    if key not in _SUBDIVISIONS:
        raise ValueError(f"region must be one of {', '.join(REGIONS)}, not {region!r}")
    return _SUBDIVISIONS[key]


@cache
def _public_year(year: int) -> frozenset[date]:
    calendar = holidays.Netherlands(years=year, categories=("public",), language=_LANGUAGE)
    return frozenset(day for day in calendar if day.year == year)


@cache
def _school_year(year: int, subdivision: str, binding_only: bool) -> frozenset[date]:
    calendar = holidays.Netherlands(years=year, subdiv=subdivision, categories=("school",), language=_LANGUAGE)
    return frozenset(
        day
        for day, names in calendar.items()
        if day.year == year and (not binding_only or any(name in BINDING_BREAKS for name in names.split("; ")))
    )


def public_holidays(years: Iterable[int]) -> frozenset[date]:
    """The Dutch public holidays in `years` (the library's `public` category)."""
    return frozenset().union(*(_public_year(year) for year in _years(years)))


def school_holidays(years: Iterable[int], region: str, *, binding_only: bool = False) -> frozenset[date]:
    """Every day of a school break of `region` in `years`, weekends included.

    With `binding_only` only the Christmas, May and summer breaks count: those a
    school must keep. The autumn and spring breaks are left out, since a school
    may choose its own dates for them.
    """
    subdivision = _region(region)
    return frozenset().union(*(_school_year(year, subdivision, binding_only=binding_only) for year in _years(years)))


def closed_days(years: Iterable[int], region: str | None, *, school: bool) -> frozenset[date]:
    """Public holidays, plus the region's school holidays when the programme is given at school."""
    chosen = _years(years)
    closed = public_holidays(chosen)
    if school:
        if region is None:
            raise ValueError("a school programme needs a school holiday region")
        closed |= school_holidays(chosen, region)
    return closed
