"""Request bodies are bounded per kind of route and a larger one is refused (413, in the person's
language) before anything reads it: before the CSRF check parses a form, before JSON is decoded.

Before: a 10 MB form without a CSRF token was parsed whole by the CSRF check (6 to 24 s of a
process's event loop) and then refused 403; Litestar's own limit was 10 MB for every route."""

from __future__ import annotations

import time

import httpx
from sqlalchemy import func, select

from groepsaanbod.cohorts.models import SchoolClass
from groepsaanbod.protection.body_size import (
    FORM_BODY_LIMIT,
    JSON_BODY_LIMIT,
    LONG_FORM_BODY_LIMIT,
    UPLOAD_BODY_LIMIT,
)
from groepsaanbod.registration.models import Registration
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import published_programme
from tests.integration.test_protection import plain_client

TEN_MB = 10_000_000 - 1000  # just under Litestar's own default limit, which let it through


def _form_of(size: int) -> bytes:
    """An urlencoded form of many small fields, `size` bytes long (the slowest kind to parse)."""
    pair = b"a=1&"
    return (pair * (size // len(pair) + 1))[:size]


async def test_a_huge_form_without_a_token_is_refused_before_it_is_parsed(app, db):
    await published_programme(db, "triple-p-group", "huge-form")
    async with plain_client(app) as browser:
        started = time.monotonic()
        response = await browser.post(
            "/nl/programmes/huge-form/register",
            content=_form_of(TEN_MB),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        seconds = time.monotonic() - started
    assert response.status_code == 413, response.status_code
    assert "te groot" in response.text
    assert f"{FORM_BODY_LIMIT // 1024} kB" in response.text
    assert response.headers["content-type"].startswith("text/html")
    assert seconds < 2, seconds  # no parsing: the Content-Length alone decides
    assert await db.scalar(select(func.count()).select_from(Registration)) == 0


async def test_a_body_sent_without_its_length_is_counted_as_it_arrives(app):
    """Chunked: no Content-Length to compare, so the bytes are counted and reading stops at the limit."""
    sent = 0

    async def chunks():
        nonlocal sent
        for _ in range(1000):  # up to 64 MB, if nobody stopped reading
            sent += 65536
            yield b"a=1&" * 16384

    async with plain_client(app) as browser:
        response = await browser.post(
            "/en/staff/sign-in", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
    assert response.status_code == 413
    assert "too large" in response.text
    assert sent <= FORM_BODY_LIMIT + 2 * 65536


async def test_forms_of_honest_size_still_reach_their_page(app):
    async with plain_client(app) as browser:
        form = {"email": "someone@example.org", "password": "x" * 60_000}  # past the password limit, under 64 KiB
        response = await browser.post("/en/staff/sign-in", data=form)
    assert response.status_code == 403  # the CSRF check read it (no token): not refused for its size


async def test_api_bodies_are_bounded_and_answered_as_problem_json(client, db):
    await published_programme(db, "triple-p-group", "huge-json")
    body = b'{"full_name": "' + b"x" * JSON_BODY_LIMIT + b'"}'
    response = await client.post(
        "/api/v1/catalogue/huge-json/registrations?lang=tr",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 413
    assert "256" in response.json()["detail"]
    assert response.json()["detail"] != "What you sent is too large"  # Turkish, not the English text
    assert await db.scalar(select(func.count()).select_from(Registration)) == 0


async def test_long_text_forms_and_class_lists_may_be_larger(client, db):
    org, pid = await published_programme(db, "think-op-school", "think-large")
    await sign_in(client, await make_staff(db, org, "coordinator"))
    # A programme's texts: larger than a plain form allows, within the long-form limit.
    texts = {f"description-{code}": "ا" * 8_000 for code in ("nl", "ar", "tr", "en")}
    response = await client.post(f"/nl/staff/programmes/{pid}/texts", data=texts)
    assert FORM_BODY_LIMIT < len(httpx.QueryParams(texts).__str__()) < LONG_FORM_BODY_LIMIT
    assert response.status_code != 413
    # A class list of 900 kB is read (and refused for what it says); one over 1 MiB is not read at all.
    header = "klas;schooljaar;naam mentor;e-mail mentor;aantal leerlingen\n"
    rows = "".join(f"1A{n};2026-2027;{'M' * 150};mentor{n}@school.example;25\n" for n in range(4700))
    assert 900_000 < len(header + rows) < UPLOAD_BODY_LIMIT
    read = await client.post(
        f"/api/v1/programmes/{pid}/school-classes?lang=en",
        content=(header + rows).encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert read.status_code == 422
    assert "more than" in read.text
    too_large = await client.post(
        f"/api/v1/programmes/{pid}/school-classes?lang=en",
        content=(header + rows * 2).encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert too_large.status_code == 413
    assert f"{UPLOAD_BODY_LIMIT // 1024} kB" in too_large.json()["detail"]
    page = await client.post(
        f"/en/staff/programmes/{pid}/school-classes",
        files={"file": ("classes.csv", (header + rows * 2).encode(), "text/csv")},
    )
    assert page.status_code == 413
    assert "too large" in page.text
    assert await db.scalar(select(func.count()).select_from(SchoolClass)) == 0
