"""What the membership API takes and gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class InvitationIn:
    email: str
    #: The person's name as you know it; shown on your team page until they accept.
    full_name: str
    roles: list[str]
    #: The language of the message to an address without an account (an account gets its own).
    language: str = "nl"


@dataclass
class InvitationOut:
    id: int
    organisation_id: int
    #: What the admin typed: never the name of an account the address may have.
    email: str
    full_name: str
    roles: list[str]
    #: open | accepted | declined | withdrawn | expired
    status: str
    created_at: datetime
    expires_at: datetime


@dataclass
class MyInvitationOut:
    id: int
    organisation_id: int
    organisation_name: str
    roles: list[str]
    expires_at: datetime


@dataclass
class AnswerOut:
    id: int
    organisation_id: int
    #: accepted | declined
    status: str
    roles: list[str]


@dataclass
class TeamMemberOut:
    staff_id: int
    full_name: str
    email: str
    roles: list[str]
    #: False when the person disabled their whole account.
    active: bool


@dataclass
class RemovalOut:
    organisation_ids: list[int]
    roles_removed: list[str]
    #: Meetings still to come that the person no longer leads.
    meetings_left: int
    #: Calendar links they made for the organisation's groups or locations, now stopped.
    feeds_stopped: int
    #: They still work for another organisation: their account and sign-ins stay.
    works_elsewhere: bool
