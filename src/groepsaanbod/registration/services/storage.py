"""Writing a sign-up: the participant, the registration, its event and its message.

On PostgreSQL the four rows go in one statement (data-modifying WITH queries): one round trip
while the cohort's lock is held, and no ORM unit of work on the busiest write of the service.
SQLite has no INSERT inside WITH, so there they are four inserts in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import JSON, Table, bindparam, insert, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import TextClause

from groepsaanbod.db import is_sqlite
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.registration.models import Participant, Registration

#: The tables as tables (the models' __table__ is typed as any FromClause).
_PARTICIPANTS = cast(Table, Participant.__table__)
_REGISTRATIONS = cast(Table, Registration.__table__)
_EVENTS = cast(Table, RegistrationEvent.__table__)
_OUTBOX = cast(Table, OutboxMessage.__table__)

PARTICIPANT_COLUMNS = (
    "full_name",
    "email",
    "phone",
    "language",
    "postcode",
    "due_date",
    "child_birth_date",
    "created_at",
    "updated_at",
)
REGISTRATION_COLUMNS = (
    "programme_id",
    "cohort_id",
    "status",
    "waitlist_position",
    "language",
    "place",
    "contact_email",
    "contact_phone",
    "consented_at",
    "consent_version",
    "consent_language",
    "confirmed_at",
    "preferences",
    "support",
    "access_token_hash",
    "access_expires_at",
    "created_at",
    "updated_at",
)
EVENT_COLUMNS = ("programme_id", "cohort_id", "actor_staff_id", "action", "details", "at")
MESSAGE_COLUMNS = (
    "channel",
    "to_address",
    "subject",
    "body_text",
    "body_html",
    "language",
    "kind",
    "created_at",
    "organisation_id",
    "attempts",
)


def dedupe_key(registration_id: int, kind: str) -> str:
    """The outbox key of a registration's message: the same event cannot queue it twice."""
    return f"registration:{registration_id}:{kind}"


@dataclass(frozen=True)
class SignUpRows:
    """Column values; the ids that link the rows are filled in while they are written."""

    participant: dict[str, Any]
    #: Without participant_id.
    registration: dict[str, Any]
    #: Without registration_id; None when the caller records the event itself.
    event: dict[str, Any] | None = None
    #: Without dedupe_key (see `dedupe_key`) and participant_id; None when there is nothing to send.
    message: dict[str, Any] | None = None


def _values(prefix: str, columns: tuple[str, ...], first: str = "") -> str:
    return ", ".join([*([first] if first else []), *(f":{prefix}_{c}" for c in columns)])


@lru_cache(maxsize=4)
def _one_statement(with_event: bool, with_message: bool) -> TextClause:
    parts = [
        f"WITH new_participant AS (INSERT INTO participants ({', '.join(PARTICIPANT_COLUMNS)}) "
        f"VALUES ({_values('p', PARTICIPANT_COLUMNS)}) RETURNING id)",
        f"new_registration AS (INSERT INTO registrations (participant_id, {', '.join(REGISTRATION_COLUMNS)}) "
        f"VALUES ({_values('r', REGISTRATION_COLUMNS, '(SELECT id FROM new_participant)')}) RETURNING id)",
    ]
    if with_event:
        parts.append(
            f"new_event AS (INSERT INTO registration_events (registration_id, {', '.join(EVENT_COLUMNS)}) "
            f"VALUES ({_values('e', EVENT_COLUMNS, '(SELECT id FROM new_registration)')}))"
        )
    if with_message:
        # The same key as dedupe_key(), made where the registration's id is known.
        key = "'registration:' || (SELECT id FROM new_registration) || ':' || CAST(:m_kind AS varchar)"
        parts.append(
            f"new_message AS (INSERT INTO outbox_messages (dedupe_key, participant_id, {', '.join(MESSAGE_COLUMNS)}) "
            f"VALUES ({_values('m', MESSAGE_COLUMNS, key + ', (SELECT id FROM new_participant)')}))"
        )
    statement = text(",\n".join(parts) + "\nSELECT id, (SELECT id FROM new_participant) FROM new_registration")
    typed = [bindparam("r_preferences", type_=JSON), bindparam("r_support", type_=JSON(none_as_null=True))]
    if with_event:
        typed.append(bindparam("e_details", type_=JSON))
    return statement.bindparams(*typed)


def _parameters(rows: SignUpRows) -> dict[str, Any]:
    parameters = {f"p_{c}": rows.participant[c] for c in PARTICIPANT_COLUMNS}
    parameters |= {f"r_{c}": rows.registration[c] for c in REGISTRATION_COLUMNS}
    if rows.event is not None:
        parameters |= {f"e_{c}": rows.event[c] for c in EVENT_COLUMNS}
    if rows.message is not None:
        parameters |= {f"m_{c}": rows.message[c] for c in MESSAGE_COLUMNS}
    return parameters


@dataclass(frozen=True)
class SignUpIds:
    registration_id: int
    participant_id: int


async def insert_sign_up(session: AsyncSession, rows: SignUpRows) -> SignUpIds:
    """Write the rows in the session's transaction; the new registration's and participant's ids
    (the message is the participant's). A second live registration of the same person raises
    IntegrityError (the unique indexes)."""
    if not is_sqlite(session):
        statement = _one_statement(with_event=rows.event is not None, with_message=rows.message is not None)
        connection = await session.connection()
        written = (await connection.execute(statement, _parameters(rows))).one()
        return SignUpIds(written[0], written[1])
    participant_id = (
        await session.execute(insert(_PARTICIPANTS).values(**rows.participant).returning(_PARTICIPANTS.c.id))
    ).scalar_one()
    registration_id: int = (
        await session.execute(
            insert(_REGISTRATIONS)
            .values(participant_id=participant_id, **rows.registration)
            .returning(_REGISTRATIONS.c.id)
        )
    ).scalar_one()
    if rows.event is not None:
        await session.execute(insert(_EVENTS).values(registration_id=registration_id, **rows.event))
    if rows.message is not None:
        key = dedupe_key(registration_id, rows.message["kind"])
        await session.execute(insert(_OUTBOX).values(dedupe_key=key, participant_id=participant_id, **rows.message))
    return SignUpIds(registration_id, participant_id)
