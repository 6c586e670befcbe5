"""Cursor paging of the API's lists: the page a caller asks for, the opaque cursor, keyset queries.

Every list is paged by its rows' ids (keyset, not offset): a page holds the rows after the last id
of the page before (or before it, for lists that show the newest first). A row added between two
pages therefore lands where it belongs without pushing another row onto a page already read, so
none is skipped or shown twice. The cursor is that id, wrapped so callers treat it as opaque; it
carries no rights (each page is filtered by the caller's organisations as the first was).
The web edge (paged.py) reads `cursor` and `pageSize` and writes the `Link: <…>; rel="next"` header.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select

from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem, Refused

DEFAULT_SIZE = 50
MAX_SIZE = 200
#: A cursor we wrote is about 16 characters; anything much longer is not one of ours.
MAX_CURSOR = 64
_MAX_ID = 2**31 - 1
_CURSOR = re.compile(r"p1\.([1-9][0-9]{0,9})")

SIZE_WRONG = N_("Give pageSize as a whole number from 1 to %(max)s.")
CURSOR_WRONG = N_("This cursor is not valid. Use the link to the next page from the previous answer.")

T = TypeVar("T")
S = TypeVar("S", bound=Select)


class PageRefused(Refused):
    """A page that cannot be given: the request is wrong (400), not the data."""

    status_code = 400


@dataclass(frozen=True)
class PageRequest:
    """What the caller asked: rows after (or, newest first, before) the id `after`; at most `size`."""

    after: int | None = None
    size: int = DEFAULT_SIZE


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    #: The cursor of the next page; None on the last page.
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"p1.{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id a cursor holds; PageRefused for anything we did not write (never an exception of ours)."""
    refused = PageRefused([Problem("cursor", Message(CURSOR_WRONG))])
    if not cursor or len(cursor) > MAX_CURSOR or not cursor.isascii():
        raise refused
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        raise refused from None
    match = _CURSOR.fullmatch(raw)
    if match is None or int(match.group(1)) > _MAX_ID:
        raise refused
    return int(match.group(1))


def page_request(cursor: str | None, size: str | None) -> PageRequest:
    """Read the query's `cursor` and `pageSize` (as typed: text); both checked, both problems named."""
    problems: list[Problem] = []
    wanted = DEFAULT_SIZE
    if size is not None:
        text = size.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 4 and 1 <= int(text) <= MAX_SIZE):
            problems.append(Problem("pageSize", Message(SIZE_WRONG, {"max": MAX_SIZE})))
        else:
            wanted = int(text)
    after = None
    if cursor is not None:
        try:
            after = decode_cursor(cursor)
        except PageRefused as refused:
            problems.extend(refused.problems)
    if problems:
        raise PageRefused(problems)
    return PageRequest(after, wanted)


def keyset(statement: S, id_column: Any, page: PageRequest, *, newest_first: bool = False) -> S:
    """The statement limited to one page plus one row (which tells whether a next page exists)."""
    if page.after is not None:
        statement = statement.where(id_column < page.after if newest_first else id_column > page.after)
    return statement.order_by(id_column.desc() if newest_first else id_column).limit(page.size + 1)


def page_of(rows: Sequence[T], page: PageRequest, id_of: Callable[[T], int]) -> Page[T]:
    """The page from the rows `keyset` gave (at most size + 1, in page order)."""
    items = list(rows[: page.size])
    more = len(rows) > page.size
    return Page(items, encode_cursor(id_of(items[-1])) if more and items else None)


def page_list(
    items: Sequence[T], page: PageRequest, id_of: Callable[[T], int], *, newest_first: bool = False
) -> Page[T]:
    """Keyset paging of a list a use case already gave in full (the small lists: a team, venues):
    the same order and cursor as `keyset`, so every list pages alike."""
    ordered = sorted(items, key=id_of, reverse=newest_first)
    if page.after is not None:
        after = page.after
        ordered = [i for i in ordered if (id_of(i) < after if newest_first else id_of(i) > after)]
    return page_of(ordered[: page.size + 1], page, id_of)
