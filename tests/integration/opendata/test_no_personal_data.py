"""No personal data in the open data, ever.

Two organisations with everything (tests/integration/actor_world.py): members with names, e-mail
addresses, phone numbers, due dates, children's dates of birth, postcodes and register notes;
staff of every role; absences with reasons; a school class; a cancelled meeting with a reason.
Plus a draft and a withdrawn programme. Every open endpoint, with and without filters, and every
programme page's JSON-LD is fetched; none of those values appears in any of them.
"""

from __future__ import annotations

import json
import re
from datetime import date

from sqlalchemy import select

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Staff, StaffInvitation
from groepsaanbod.cohorts.models import Cohort, SchoolClass
from groepsaanbod.programmes.services import set_up as programmes
from groepsaanbod.registration.models import Participant
from groepsaanbod.scheduling.models import Session, StaffAbsence
from tests.conftest import NOW
from tests.integration.actor_world import A_SECRETS, MARKER, build_organisation

LD_BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
DRAFT_NAME = "Conceptprogramma Geheim"
WITHDRAWN_NAME = "Ingetrokken Programma Geheim"
CANCEL_REASON = "Trainster heeft griep"


async def _unpublished(db, org_id: int) -> None:
    editor = Viewer(0, "", "", {org_id: frozenset({"coordinator"})})
    draft = await programmes.create_programme(
        db, editor, programmes.NewProgramme(org_id, "baby-in-huis", "walk-a-draft"), NOW
    )
    await programmes.change_programme(db, editor, draft.id, programmes.ProgrammeChanges(name={"nl": DRAFT_NAME}))
    gone = await programmes.create_programme(
        db, editor, programmes.NewProgramme(org_id, "baby-in-huis", "walk-a-withdrawn"), NOW
    )
    await programmes.change_programme(db, editor, gone.id, programmes.ProgrammeChanges(name={"nl": WITHDRAWN_NAME}))
    await programmes.publish_programme(db, editor, gone.id, NOW)
    await programmes.withdraw_programme(db, editor, gone.id)


async def _personal_values(db) -> set[str]:
    """Every personal value in the database, as it would appear in a JSON or HTML answer."""
    values: set[str] = set(A_SECRETS) | {MARKER.title(), CANCEL_REASON, DRAFT_NAME, WITHDRAWN_NAME}
    values |= {"walk-a-draft", "walk-a-withdrawn"}
    for p in await db.scalars(select(Participant)):
        values |= {p.full_name, p.email or "", p.phone or ""}
        values |= {d.isoformat() for d in (p.due_date, p.child_birth_date) if d}
    for s in await db.scalars(select(Staff)):
        values |= {s.full_name, s.email, s.full_name.split()[0] + " " + MARKER.title()}
    for i in await db.scalars(select(StaffInvitation)):
        values |= {i.full_name, i.email}
    for a in await db.scalars(select(StaffAbsence)):
        values.add(a.reason)
    for c in await db.scalars(select(SchoolClass)):
        values |= {c.school_name, c.class_name}
    for c in await db.scalars(select(Cohort)):
        values.add(c.name)  # staff name groups freely, e.g. after a member
        if c.reference_date:
            values.add(c.reference_date.isoformat())  # the due date a group is built around
    return {v for v in values if v and len(v) >= 4}


def _answers_without(texts: dict[str, str], values: set[str]) -> list[tuple[str, str]]:
    found = []
    for where, text in texts.items():
        folded = text.casefold()
        found += [(where, v) for v in values if v.casefold() in folded]
    return found


async def test_no_personal_data_in_any_open_answer_or_page(client, db):
    a = await build_organisation(db, "a", marked=True, password_hash="not-used")
    await build_organisation(db, "b", marked=False, password_hash="not-used")
    await _unpublished(db, a.first("organisation"))
    # A cancelled meeting of A, with a reason naming a person.
    meeting = await db.get(Session, a.of("session")[-1])
    meeting.status, meeting.cancel_reason = "cancelled", CANCEL_REASON
    await db.commit()
    values = await _personal_values(db)
    assert MARKER in values
    assert "2027-05-13" in values

    period = {"from": "2026-11-01", "to": "2027-12-31"}
    texts: dict[str, str] = {}
    for lang in ("nl", "ar"):
        for path in ("/api/v1/open/programmes", "/api/v1/open/linked-data"):
            for extra in ({}, {"place": "Dordrecht"}, {"language": "nl"}, {"place": "Huizen", "language": "tr"}):
                answer = await client.get(path, params={**period, **extra, "lang": lang})
                assert answer.status_code == 200, (path, answer.text)
                texts[f"{path} {lang} {extra}"] = answer.text
        for slug in a.slugs + ["walk-b-kids-en-koffie", "walk-a-draft", "walk-a-withdrawn"]:
            for path in (f"/api/v1/open/programmes/{slug}", f"/api/v1/open/linked-data/{slug}"):
                answer = await client.get(path, params={**period, "lang": lang})
                hidden = "draft" in slug or "withdrawn" in slug
                assert answer.status_code == (404 if hidden else 200), path
                body = answer.json()
                if hidden:
                    # A problem names the path that was asked for (`instance`): the asker's own words.
                    assert body.pop("instance") == path
                texts[f"{path} {lang}"] = json.dumps(body, ensure_ascii=False)
            page = await client.get(f"/{lang}/programmes/{slug}")
            blocks = LD_BLOCK.findall(page.text)
            texts[f"page {lang} {slug}"] = " ".join(blocks)
            if page.status_code == 200:
                assert len(blocks) == 1
                assert json.loads(blocks[0])["@type"] == "EventSeries"
    # The answers are not empty: the offer, its groups and meetings are there.
    offer = json.loads(texts["/api/v1/open/programmes nl {}"])
    assert {p["slug"] for p in offer["programmes"]} == set(a.slugs) | {s.replace("-a-", "-b-") for s in a.slugs}
    groups = [g for p in offer["programmes"] for g in p["groups"]]
    assert groups
    assert any(g["meetings"] for g in groups)
    assert any(m["status"] == "cancelled" for g in groups for m in g["meetings"])
    # A school class's lessons are the school's: never in the open offer.
    think = next(p for p in offer["programmes"] if p["slug"] == "walk-a-think-op-school")
    assert think["groups"] == []
    assert think["signUpUrl"] is None
    assert _answers_without(texts, values) == []
    assert date(2027, 5, 13).isoformat() not in " ".join(texts.values())
