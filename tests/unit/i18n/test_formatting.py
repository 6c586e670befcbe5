from datetime import UTC, date, datetime

from groepsaanbod.i18n.formatting import date_and_time, listing, long_date, time_of_day
from groepsaanbod.i18n.translations import language_name


def test_times_are_shown_in_the_venues_time_zone_across_summer_time():
    winter = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam (CET)
    summer = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 10:00 in Amsterdam (CEST)
    assert time_of_day(winter, "nl") == time_of_day(summer, "nl") == "10:00"
    assert "10:00" in time_of_day(summer, "en").replace("\u202f", " ") or "10:00 AM" in time_of_day(summer, "en")


def test_dates_in_each_language():
    day = date(2026, 12, 7)
    assert long_date(day, "nl") == "maandag 7 december 2026"
    assert "Pazartesi" in long_date(day, "tr")
    assert "grudnia" in long_date(day, "pl")
    assert "2026" in date_and_time(datetime(2026, 12, 7, 9, tzinfo=UTC), "ar") or "٢٠٢٦" in date_and_time(
        datetime(2026, 12, 7, 9, tzinfo=UTC), "ar"
    )


def test_language_names_and_lists_in_the_readers_language():
    assert language_name("tr", "nl") == "Turks"
    assert language_name("ar", "ar") == "العربية"
    assert listing(["Nederlands", "Turks", "Arabisch"], "nl") == "Nederlands, Turks en Arabisch"
    assert listing([], "nl") == ""
