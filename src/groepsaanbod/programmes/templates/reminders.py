"""A template's reminder rules, and what one participant's choice makes of them. Pure.

- `reminder_hours` [48, 2]: everyone is reminded this many hours before each meeting.
- `reminder_choices_hours` [2, 24, 48]: the times before a meeting a participant may choose
  from on her own page (one of them). A template with choices and no `reminder_hours` reminds
  only those who chose a time (THINK parents' evenings, Kids & Koffie).
A participant also chooses how: by email, by SMS, both, or no reminders (REMINDER_CHANNELS).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from groepsaanbod.i18n.text import N_

#: Hours before a meeting a reminder may be sent: 1 hour to 14 days.
REMINDER_HOURS_RANGE = (1, 24 * 14)
#: At most this many times in either list.
MOST_TIMES = 6
#: How a participant may be reminded; None (not chosen) means email, else SMS.
REMINDER_CHANNELS = ("email", "sms", "both", "none")
HOURS_PROBLEM = N_("Give at most 6 whole numbers of hours before a meeting, from 1 to 336.")


def _hours(value: Any) -> list[int] | None:
    """The hours, largest first, or None when they are not whole numbers in range."""
    low, high = REMINDER_HOURS_RANGE
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) > MOST_TIMES:
        return None
    if not all(isinstance(h, int) and not isinstance(h, bool) and low <= h <= high for h in value):
        return None
    return sorted(set(value), reverse=True)


def check_reminder_rules(raw: Mapping[str, Any]) -> tuple[dict[str, list[int]], list[tuple[str, str]]]:
    """The reminder rules read from a template's rules, and problems as (field, message)."""
    rules: dict[str, list[int]] = {}
    problems: list[tuple[str, str]] = []
    for key in ("reminder_hours", "reminder_choices_hours"):
        if raw.get(key) is None:
            continue
        hours = _hours(raw[key])
        if hours is None:
            problems.append((f"rules.{key}", HOURS_PROBLEM))
        elif hours:
            rules[key] = hours
    return rules, problems


def reminder_choices(rules: Mapping[str, Any]) -> list[int]:
    """The times before a meeting a participant may choose from (largest first)."""
    return list(rules.get("reminder_choices_hours") or [])


def reminds_at_all(rules: Mapping[str, Any]) -> bool:
    return bool(rules.get("reminder_hours") or rules.get("reminder_choices_hours"))


def member_hours(rules: Mapping[str, Any], channels: str | None, chosen: int | None) -> list[int]:
    """The hours before a meeting one participant is reminded: none when she said none; the
    time she chose when the template still offers it; else the template's own."""
    if channels == "none":
        return []
    if chosen is not None and chosen in reminder_choices(rules):
        return [chosen]
    return list(rules.get("reminder_hours") or [])


def member_channels(channels: str | None, email: str | None, phone: str | None) -> list[str]:
    """The channels her reminders go by: her choice, where she has the address for it; else
    (nothing chosen) email, or SMS when she has no email."""
    if channels == "none":
        return []
    wanted = {"email": ["email"], "sms": ["sms"], "both": ["email", "sms"]}.get(channels or "", [])
    have = [c for c in wanted if (email if c == "email" else phone)]
    if have:
        return have
    return ["email"] if email else (["sms"] if phone else [])
