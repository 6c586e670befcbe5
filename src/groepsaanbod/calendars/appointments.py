"""Feeds follow individual times: a meeting with times offered (a phone call, an intake) shows,
instead of the group's time, the person's own time in their feed and download, and each taken
time in the staff's and the group's feeds (titled with the person's first name only)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.privileges import first_names
from groepsaanbod.calendars.ics import FeedEvent
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.scheduling.services.appointment_checks import INDIVIDUAL_KINDS
from groepsaanbod.scheduling.services.appointment_views import appointment_times


@dataclass(frozen=True)
class Whose:
    """Whose calendar: a feed's subject (participant: a registration id), in a language."""

    kind: str
    subject_id: int | None
    language: str


async def events_with_times(
    session: AsyncSession, rows: Sequence[Any], whose: Whose, make_event: Callable[[Any, str], FeedEvent]
) -> list[FeedEvent]:
    times = await appointment_times(session, [row.id for row in rows if row.kind in INDIVIDUAL_KINDS])
    taken = [slot.registration_id for slots in times.values() for slot in slots if slot.registration_id]
    names: dict[int, str] = {}
    if taken and whose.kind != "participant":
        found = list(
            await session.execute(
                select(Registration.id, Participant.full_name)
                .join(Participant, Participant.id == Registration.participant_id)
                .where(Registration.id.in_(taken))
            )
        )
        names = dict(zip([r for r, _ in found], first_names([n for _, n in found]), strict=True))
    events = []
    for row in rows:
        event = make_event(row, whose.language)
        slots = times.get(row.id)
        if not slots:
            events.append(event)
            continue
        for slot in slots:
            if slot.registration_id is None or (
                whose.kind == "participant" and slot.registration_id != whose.subject_id
            ):
                continue
            name = names.get(slot.registration_id)
            events.append(
                dataclasses.replace(
                    event,
                    uid=f"appointment-{slot.id}@groepsaanbod",
                    local_start=slot.local_start,
                    duration_minutes=slot.duration_minutes,
                    summary=f"{event.summary} – {name}" if name else event.summary,
                    sequence=event.sequence + slot.sequence,
                )
            )
    return events
