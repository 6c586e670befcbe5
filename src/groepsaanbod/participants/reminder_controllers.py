"""JSON API of her own reminders: see (GET) and choose (POST) /api/v1/my/{token}/reminders."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import get, post
from litestar.params import JSONBody

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.participants.services import reminders
from groepsaanbod.web import Context


@dataclass
class RemindersIn:
    #: email | sms | both | none
    channels: str
    #: Hours before a meeting, one of `choices`; null: the programme's usual times.
    hours: int | None = None


@dataclass
class RemindersOut:
    #: What you chose: email | sms | both | none; null: by email, else SMS.
    channels: str | None
    #: The time you chose; null: the programme's usual times.
    chosen_hours: int | None
    #: The hours before each meeting you are reminded now.
    hours: list[int]
    #: The times you may choose from; empty when you cannot choose.
    choices: list[int]
    #: False when the programme sends no reminders.
    offered: bool


def reminders_out(own: reminders.OwnReminders) -> RemindersOut:
    r = own.registration
    return RemindersOut(r.reminder_channels, r.reminder_hours, own.hours, own.choices, own.offered)


@get("/api/v1/my/{token:str}/reminders", opt=PUBLIC, tags=["registration"])
async def api_my_reminders(ctx: Context, token: str) -> RemindersOut:
    """Your reminders: how and when you get them, and what you may choose."""
    return reminders_out(await reminders.own_reminders(ctx.db, token, ctx.now()))


@post("/api/v1/my/{token:str}/reminders", opt=PUBLIC, tags=["registration"], status_code=200)
async def api_choose_reminders(ctx: Context, token: str, data: JSONBody[RemindersIn]) -> RemindersOut:
    """Choose how you get reminders of your meetings (email, sms, both or none) and, where the
    programme lets you, how many hours before (one of `choices`). Refused (422) with what is allowed."""
    choice = reminders.ReminderChoice(data.channels[:8], data.hours)
    return reminders_out(await reminders.choose_reminders(ctx.db, token, choice, ctx.now()))


ROUTES = [api_my_reminders, api_choose_reminders]
