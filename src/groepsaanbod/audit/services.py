"""Use cases of the audit record: record_audit (of a DataUse), list_audit_events.

Written by the services that read or change personal data; read by an
organisation's admins; never changed through the app (there is no route that
edits or deletes an event).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, column, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.errors import NotPermitted
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.audit.models import AuditEvent
from groepsaanbod.paging import Page, PageRequest, keyset, page_of

log = logging.getLogger(__name__)

#: The personal data fields of a participant, as the audit record names them.
PERSONAL_FIELDS = ("full_name", "email", "phone", "postcode", "due_date", "child_birth_date")
#: Every name an event may give in `fields`. A fixed list, so that an event can never carry a
#: value (a name, an address, a note) by mistake: the record outlives the person's erasure.
AUDIT_FIELDS = frozenset(
    {
        *PERSONAL_FIELDS,
        "language",
        "place",
        "preferences",
        "status",
        "absence_reason",
        "note",
        "attendance",
        "contact",
        "roles",
        "active",
        "password",
        "second_factor",
        "scopes",
    }
)
#: api_call: one call of another system with a service token (the subject names the route).
ACTIONS = frozenset({"read", "change", "export", "erase", "attendance", "api_call"})
#: Subjects are names of pages, APIs or reasons (registrations_page, retention): lower-case words.
_SUBJECT = re.compile(r"[a-z][a-z0-9_]{0,59}")


def _check_words(action: str, subject: str, fields: list[str]) -> None:
    """Refuse (as a programming error) anything that is not one of the record's own words."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if not _SUBJECT.fullmatch(subject):
        raise ValueError("an audit subject is a page or API name in lower-case words")
    unknown = [f for f in fields if f not in AUDIT_FIELDS]
    if unknown:
        # Never repeat the value: it may be personal data.
        raise ValueError(f"{len(unknown)} audit field(s) not in AUDIT_FIELDS; name fields, never values")


@dataclass(frozen=True)
class DataUse:
    """One use of personal data, as the record names it: the action (read, change, export, erase,
    attendance), where (`subject`: a page, API or reason, in lower-case words) and the fields touched
    (their names from AUDIT_FIELDS, never values)."""

    action: str
    subject: str
    fields: Sequence[str] = PERSONAL_FIELDS


def record_audit(
    session: AsyncSession,
    now: datetime,
    use: DataUse,
    participant_ids: Iterable[int | None],
    *,
    actor_staff_id: int | None = None,
    organisation_id: int | None = None,
) -> None:
    """Add one event per participant to the caller's transaction (no values, only field names).

    Code that reads or changes participant data or attendance calls this in the same transaction.
    """
    action, subject, named = use.action, use.subject, list(use.fields)
    _check_words(action, subject, named)
    count = 0
    for participant_id in participant_ids:
        session.add(
            AuditEvent(
                at=now,
                actor_staff_id=actor_staff_id,
                organisation_id=organisation_id,
                participant_id=participant_id,
                action=action,
                subject=subject,
                fields=named,
            )
        )
        count += 1
    log.info("audit recorded", extra={"action": action, "subject": subject, "events": count})


async def list_audit_events(
    session: AsyncSession, viewer: Viewer, organisation_id: int | None = None, limit: int = 500
) -> list[tuple[AuditEvent, str | None]]:
    """The newest events of the admin's organisations, with the name of the staff member."""
    rows = await session.execute(
        _events_of(viewer, organisation_id).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    )
    return [(event, name) for event, name in rows.all()]


def _events_of(viewer: Viewer, organisation_id: int | None) -> Select[Any]:
    orgs = viewer.organisations_with({"admin"})
    if not orgs or (organisation_id is not None and organisation_id not in orgs):
        raise NotPermitted()
    wanted = [organisation_id] if organisation_id is not None else list(orgs)
    # The staff table read as a table, not through accounts' model: the audit record sits below
    # accounts on the ladder (accounts' own steps may be audited), so it names only the columns it shows.
    staff = table("staff", column("id"), column("full_name"))
    return (
        select(AuditEvent, staff.c.full_name)
        .outerjoin(staff, staff.c.id == AuditEvent.actor_staff_id)
        .where(AuditEvent.organisation_id.in_(wanted))
    )


async def audit_events_page(
    session: AsyncSession, viewer: Viewer, organisation_id: int, page: PageRequest
) -> Page[tuple[AuditEvent, str | None]]:
    """One page of the organisation's record, newest first (by id: events are written in order), as
    the page shows it; admins of that organisation only."""
    rows = await session.execute(keyset(_events_of(viewer, organisation_id), AuditEvent.id, page, newest_first=True))
    return page_of([(event, name) for event, name in rows.all()], page, lambda row: row[0].id)
