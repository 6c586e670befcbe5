"""What a sign-up reads, with statements built once and no ORM objects (see sign_up.py): the
published programme (sign_up_programme), the open cohort of a language and place, locked
(lock_open_cohort), and the person's place in it (placement_in)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import ColumnClause

from groepsaanbod.cohorts.models import Cohort, CohortStatus
from groepsaanbod.db import is_sqlite
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes.models import Programme, ProgrammeStatus, ProgrammeTemplate, programme_venues
from groepsaanbod.registration.eligibility import ProgrammeFacts
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.registrations import LATEST_PUBLISHED_VERSION, facts_of
from groepsaanbod.registration.status import RegistrationStatus


@dataclass(frozen=True)
class SignUpProgramme:
    """What a sign-up needs of a published programme and its latest template version."""

    id: int
    organisation_id: int
    name: dict[str, str]
    languages: tuple[str, ...]
    cities: tuple[str, ...]
    template_id: int
    formation: str
    schedule: str
    max_group_size: int
    rules: dict[str, Any]

    def facts(self) -> ProgrammeFacts:
        return facts_of(self.formation, self.schedule, languages=self.languages, cities=self.cities, rules=self.rules)


def _word(value: str) -> ColumnClause[Any]:
    """A fixed value written into the statement, not sent as a parameter: PostgreSQL's plan of
    the prepared statement can then use the partial indexes made for that value, and there is
    no IN list to expand on every run."""
    return literal_column(f"'{value}'")


#: One row per venue (or one without a venue), built once: its cache key is worked out once too.
_PROGRAMME_ROWS = (
    select(
        Programme.id,
        Programme.organisation_id,
        Programme.name,
        Programme.languages,
        ProgrammeTemplate.id.label("template_id"),
        ProgrammeTemplate.formation,
        ProgrammeTemplate.schedule,
        ProgrammeTemplate.max_group_size,
        ProgrammeTemplate.rules,
        Venue.city,
    )
    .join(ProgrammeTemplate, ProgrammeTemplate.programme_id == Programme.id)
    .outerjoin(programme_venues, programme_venues.c.programme_id == Programme.id)
    .outerjoin(Venue, Venue.id == programme_venues.c.venue_id)
    .where(
        Programme.slug == bindparam("slug"),
        Programme.status == _word(ProgrammeStatus.PUBLISHED),
        ProgrammeTemplate.version == LATEST_PUBLISHED_VERSION,
    )
)


async def sign_up_programme(session: AsyncSession, slug: str) -> SignUpProgramme | None:
    rows = (await (await session.connection()).execute(_PROGRAMME_ROWS, {"slug": slug})).all()
    if not rows:
        return None
    first = rows[0]
    return SignUpProgramme(
        id=first.id,
        organisation_id=first.organisation_id,
        name=first.name,
        languages=tuple(first.languages),
        cities=tuple(sorted({row.city for row in rows if row.city is not None})),
        template_id=first.template_id,
        formation=first.formation,
        schedule=first.schedule,
        max_group_size=first.max_group_size,
        rules=first.rules or {},
    )


@dataclass(frozen=True)
class OpenCohort:
    id: int
    name: str


_OPEN_COHORT = (
    select(Cohort.id, Cohort.name)
    .where(
        Cohort.programme_id == bindparam("programme_id"),
        Cohort.accepts_registrations.is_(True),
        Cohort.language == bindparam("language"),
        Cohort.place == bindparam("place"),
        Cohort.status.in_([_word(CohortStatus.FORMING), _word(CohortStatus.CONFIRMED), _word(CohortStatus.RUNNING)]),
    )
    .order_by(Cohort.id)
    .limit(literal_column("1"))
)
_OPEN_COHORT_LOCKED = _OPEN_COHORT.with_for_update(key_share=True)  # FOR NO KEY UPDATE: see db.lock_row


async def lock_open_cohort(session: AsyncSession, programme_id: int, language: str, place: str) -> OpenCohort | None:
    """The cohort new sign-ups of this language and place join, locked until commit."""
    query = _OPEN_COHORT if is_sqlite(session) else _OPEN_COHORT_LOCKED
    connection = await session.connection()
    row = (
        await connection.execute(query, {"programme_id": programme_id, "language": language, "place": place})
    ).first()
    return OpenCohort(row.id, row.name) if row else None


@dataclass(frozen=True)
class Placement:
    status: RegistrationStatus
    waitlist_position: int | None = None


#: An open offer holds its place (waiting_list.offer_free_places): counted with the confirmed.
_CONFIRMED = select(func.count()).where(
    Registration.cohort_id == bindparam("cohort_id"),
    Registration.status.in_([_word(RegistrationStatus.CONFIRMED), _word(RegistrationStatus.OFFERED)]),
)
#: One backward step in ix_registrations_cohort_status_position, however long the list. Written
#: as ORDER BY … LIMIT 1, not max(): on sign-up day the table grows faster than its statistics,
#: and with stale ones PostgreSQL read all 1,610 entries of a list for max() (3.5 ms, under the lock).
_LAST_WAITING = (
    select(Registration.waitlist_position)
    .where(
        Registration.cohort_id == bindparam("cohort_id"),
        Registration.status == _word(RegistrationStatus.WAITLISTED),
        Registration.waitlist_position.is_not(None),
    )
    .order_by(Registration.waitlist_position.desc())
    .limit(literal_column("1"))
)
_HEAD_COUNT = select(_CONFIRMED.scalar_subquery(), _LAST_WAITING.scalar_subquery())


async def placement_in(session: AsyncSession, cohort_id: int, max_size: int) -> Placement:
    """Confirmed while the cohort has room, else at the end of its waiting line.

    The caller holds the cohort's lock; one query reads both the head count and
    the end of the waiting list.
    """
    connection = await session.connection()
    confirmed, last = (await connection.execute(_HEAD_COUNT, {"cohort_id": cohort_id})).one()
    if confirmed < max_size:
        return Placement(RegistrationStatus.CONFIRMED)
    return Placement(RegistrationStatus.WAITLISTED, (last or 0) + 1)
