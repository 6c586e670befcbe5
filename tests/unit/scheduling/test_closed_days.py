from datetime import date, timedelta

import pytest

from groepsaanbod.scheduling.closed_days import closed_days, public_holidays, school_holidays


def days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def test_public_holidays_2026_2027():
    found = public_holidays([2026, 2027])
    for day in (
        date(2026, 1, 1),
        date(2026, 4, 6),  # Easter Monday
        date(2026, 4, 27),  # King's Day
        date(2026, 5, 14),  # Ascension
        date(2026, 5, 25),  # Whit Monday
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2027, 3, 29),  # Easter Monday
        date(2027, 4, 27),  # King's Day, a Tuesday
        date(2027, 5, 6),  # Ascension, a Thursday
        date(2027, 5, 17),  # Whit Monday
    ):
        assert day in found
    assert date(2026, 10, 15) not in found
    assert public_holidays([2026]) == {d for d in found if d.year == 2026}
    assert public_holidays([]) == frozenset()


def test_school_holidays_regions_differ_in_autumn_break_2026():
    noord = school_holidays([2026], "noord")
    midden = school_holidays([2026], "midden")
    zuid = school_holidays([2026], "zuid")
    # Autumn break 2026: noord Sat 10 - Sun 18 October, midden and zuid Sat 17 - Sun 25 October.
    assert days(date(2026, 10, 10), date(2026, 10, 18)) <= noord
    assert date(2026, 10, 19) not in noord
    for region in (midden, zuid):
        assert days(date(2026, 10, 17), date(2026, 10, 25)) <= region
        assert date(2026, 10, 12) not in region
    # The Christmas break is the same everywhere: Sat 19 December 2026 - Sun 3 January 2027.
    both_years = [school_holidays([2026, 2027], r) for r in ("noord", "midden", "zuid")]
    for region in both_years:
        assert days(date(2026, 12, 19), date(2027, 1, 3)) <= region
        assert date(2027, 1, 4) not in region


def test_binding_only_keeps_christmas_may_and_summer():
    full = school_holidays([2026], "noord")
    binding = school_holidays([2026], "noord", binding_only=True)
    assert binding < full
    # Christmas (Jan and Dec parts), May and summer (noord: 4 July - 16 August 2026) stay.
    assert days(date(2026, 1, 1), date(2026, 1, 4)) <= binding
    assert days(date(2026, 12, 19), date(2026, 12, 31)) <= binding
    assert days(date(2026, 4, 25), date(2026, 5, 3)) <= binding
    assert days(date(2026, 7, 4), date(2026, 8, 16)) <= binding
    # Autumn (10-18 October) and spring (21 February - 1 March) breaks go.
    assert not days(date(2026, 10, 10), date(2026, 10, 18)) & binding
    assert not days(date(2026, 2, 21), date(2026, 3, 1)) & binding
    assert full - binding == days(date(2026, 10, 10), date(2026, 10, 18)) | days(date(2026, 2, 21), date(2026, 3, 1))


def test_region_names():
    assert school_holidays([2026], "Noord") == school_holidays([2026], "noord")
    with pytest.raises(ValueError, match="region must be one of .*, not 'oost'"):
        school_holidays([2026], "oost")


def test_closed_days_combines_public_and_school_holidays():
    years = [2026, 2027]
    assert closed_days(years, None, school=False) == public_holidays(years)
    assert closed_days(years, "zuid", school=False) == public_holidays(years)
    assert closed_days(years, "zuid", school=True) == public_holidays(years) | school_holidays(years, "zuid")
    with pytest.raises(ValueError, match="a school programme needs a school holiday region"):
        closed_days(years, None, school=True)
