"""JSON API of individual appointments for the trainer (and coordinators): the times of one
meeting and who has each, offering and taking back times, giving a member a time or freeing it (the member is told)."""

from __future__ import annotations

from litestar import get, post
from litestar.params import JSONBody

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.registration.services.registrations import PrivateLinks
from groepsaanbod.scheduling.appointment_schemas import AppointmentOut, AssignIn, BoardOut, MemberIn, SlotIdIn, SlotsIn
from groepsaanbod.scheduling.controllers import parse_time
from groepsaanbod.scheduling.models import Appointment
from groepsaanbod.scheduling.services import appointment_views, appointments
from groepsaanbod.scheduling.services.appointment_checks import SlotOffer
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context

#: Who runs individual meetings: the trainer or midwife planned on it, and coordinators.
RUNNERS = needs_roles("trainer", "midwife", "coordinator", "admin")


def appointment_out(slot: Appointment, name: str | None = None) -> AppointmentOut:
    return AppointmentOut(
        slot.id,
        slot.local_start.isoformat(),
        slot.starts_at,
        slot.duration_minutes,
        slot.registration_id,
        name,
        slot.chosen_by,
    )


async def _board(ctx: Context, session_id: int) -> BoardOut:
    board = await appointment_views.appointment_board(ctx.db, ctx.staff, session_id)
    return BoardOut(
        session_id,
        [appointment_out(slot, board.names.get(slot.registration_id or 0)) for slot in board.slots],
        [
            {
                "registration_id": line.registration_id,
                "name": line.name,
                "appointment_id": line.appointment.id if line.appointment else None,
            }
            for line in board.members
        ],
    )


@get("/api/v1/sessions/{session_id:int}/appointments", opt=RUNNERS, tags=["appointments"])
async def api_board(ctx: Context, session_id: int) -> BoardOut:
    """An individual meeting's times, who has each, and every member with their time."""
    return await _board(ctx, session_id)


@post("/api/v1/sessions/{session_id:int}/appointments", opt=RUNNERS, tags=["appointments"], status_code=200)
async def api_offer(ctx: Context, session_id: int, data: JSONBody[SlotsIn]) -> BoardOut:
    """Offer times: in the future, in the meeting's week (or between the group's meetings around
    it), none overlapping another time of the group; all of them or none."""
    offer = SlotOffer(data.day, parse_time(data.start_time), data.count, data.gap_minutes)
    await appointments.offer_slots(ctx.db, ctx.staff, session_id, offer, now=ctx.now())
    return await _board(ctx, session_id)


@post("/api/v1/sessions/{session_id:int}/appointments/withdraw", opt=RUNNERS, tags=["appointments"], status_code=200)
async def api_withdraw_slot(ctx: Context, session_id: int, data: JSONBody[SlotIdIn]) -> BoardOut:
    """Take back a free time."""
    await appointments.withdraw_slot(ctx.db, ctx.staff, session_id, data.appointment_id, now=ctx.now())
    return await _board(ctx, session_id)


@post("/api/v1/sessions/{session_id:int}/appointments/assign", opt=RUNNERS, tags=["appointments"], status_code=200)
async def api_assign(ctx: Context, session_id: int, data: JSONBody[AssignIn], settings: Settings) -> BoardOut:
    """Give a member a time (their earlier time of this meeting becomes free)."""
    local = data.local_start.replace(tzinfo=None) if data.local_start else None
    choice = appointments.StaffChoice(data.registration_id, data.appointment_id, local)
    await appointments.set_appointment(
        ctx.db, ctx.staff, session_id, choice, now=ctx.now(), links=PrivateLinks.of(settings)
    )
    return await _board(ctx, session_id)


@post("/api/v1/sessions/{session_id:int}/appointments/clear", opt=RUNNERS, tags=["appointments"], status_code=200)
async def api_clear(ctx: Context, session_id: int, data: JSONBody[MemberIn], settings: Settings) -> BoardOut:
    """Free a member's time (it stays offered to the others)."""
    await appointments.clear_appointment(
        ctx.db, ctx.staff, session_id, data.registration_id, now=ctx.now(), links=PrivateLinks.of(settings)
    )
    return await _board(ctx, session_id)


ROUTES = [api_board, api_offer, api_withdraw_slot, api_assign, api_clear]
