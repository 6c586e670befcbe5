"""The outer bound of every request: what any JSON body, form and query must keep,
whatever the route (rules in groepsaanbod.bounds). Each field's own rules (lengths,
single lines, dates) are checked further in, by the area that owns the field.

- JSON bodies: at most 32 levels deep (100,000 levels made the decoder give up, a 500),
  whole numbers within 32 bits and ids from 1 to 2^31 - 1 (PostgreSQL refused larger ones
  with a 500), no NUL in any text (PostgreSQL cannot store it);
- forms: no NUL or other control characters than tab and line breaks in any value;
- queries: short values without control characters, ids in range.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from groepsaanbod import bounds
from groepsaanbod.i18n.text import Message
from groepsaanbod.refusals import Problem, Refused


class InputRefused(Refused):
    """Input outside the bounds every request keeps: 422, or 400 when the body cannot be read."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], status_code: int = 422) -> None:
        super().__init__(problems)
        self.status_code = status_code


class BoundedRequest(Request):
    """Litestar's request, with the bounds checked as the body is read."""

    _bounds_checked = False

    async def json(self) -> Any:
        try:
            document = await super().json()
        except RecursionError:
            # The decoder's own limit (about a thousand levels) was hit before ours could be.
            raise InputRefused(
                [Problem("body", Message(bounds.TOO_DEEP, {"limit": bounds.MAX_JSON_DEPTH}))], status_code=400
            ) from None
        if not self._bounds_checked:
            problems = bounds.json_problems(document)
            too_deep = any(p.message.msgid == bounds.TOO_DEEP for p in problems)
            if problems:
                raise InputRefused(problems, status_code=400 if too_deep else 422)
            self._bounds_checked = True
        return document

    async def form(self) -> Any:
        form = await super().form()
        problems = [
            Problem(key, Message(bounds.INVISIBLE))
            for key, value in form.multi_items()
            if not isinstance(value, UploadFile) and bounds.text_problem(str(value), len(str(value))) is not None
        ]
        if problems:
            raise InputRefused(problems, status_code=400)
        return form


def _whole_numbers(request: Request) -> frozenset[str]:
    """The query parameters the route reads as whole numbers (`int` or `int | None`), by the
    handler's name and by the name in the query (`Parameter(query="cohortId")`)."""
    names: set[str] = set()
    for name, field in request.route_handler.parsed_fn_signature.parameters.items():
        if field.is_subclass_of(int) or int in (inner.annotation for inner in field.inner_types):
            names.add(name)
            query = getattr(field.kwarg_definition, "query", None)
            if query:
                names.add(query)
    return frozenset(names)


def check_query(request: Request) -> None:
    """Refuse a query whose values break the bounds, naming each."""
    if not request.query_params:
        return
    numbers = _whole_numbers(request)
    problems = []
    for name, value in request.query_params.multi_items():
        message = bounds.query_problem(name, str(value), whole_number=name in numbers)
        if message is not None:
            problems.append(Problem(name, message))
    if problems:
        raise InputRefused(problems)
