"""API errors as RFC 9457 problems (application/problem+json), per the NL API Design Rules
(/core/problem-details, /core/problem-invalid-input): `type`, `title`, `status`, `detail`,
`instance`, and for invalid input `errors` naming where each wrong value is (`in`, `location`),
a short `code` and what to do (`detail`), in the person's language.

Deprecated, kept for callers of 1.0 until 1.2.0 (the README says so): the top-level
`status_code` (the same as `status`) and each error's `field` and `message` (the same as
`location` and `detail`, as the API named them before).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from litestar import Request, Response

from groepsaanbod import bounds
from groepsaanbod.api_design.versions import PROBLEM_BASE
from groepsaanbod.i18n.text import N_
from groepsaanbod.i18n.translations import gettext, render_message
from groepsaanbod.refusals import Problem

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class Kind:
    """One kind of problem: its `type` URI and its short title (translated when answered)."""

    slug: str
    title: str

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.slug


INVALID_INPUT = Kind("invalid-input", N_("The input is not right"))
NOT_SIGNED_IN = Kind("not-signed-in", N_("Not signed in"))
FORBIDDEN = Kind("forbidden", N_("Not allowed"))
NOT_FOUND = Kind("not-found", N_("Not found"))
CONFLICT = Kind("conflict", N_("Not possible now"))
TOO_LARGE = Kind("too-large", N_("Too large"))
TOO_MANY = Kind("too-many-requests", N_("Too many requests"))
UNAVAILABLE = Kind("unavailable", N_("Busy"))
SERVER_ERROR = Kind("server-error", N_("Something went wrong"))
METHOD_NOT_ALLOWED = Kind("method-not-allowed", N_("Not possible here"))
OTHER = Kind("other", N_("The request could not be handled"))

#: The kind an answer of a status is, when the code raising it did not say.
BY_STATUS = {
    400: INVALID_INPUT,
    401: NOT_SIGNED_IN,
    403: FORBIDDEN,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    409: CONFLICT,
    413: TOO_LARGE,
    422: INVALID_INPUT,
    429: TOO_MANY,
    500: SERVER_ERROR,
    503: UNAVAILABLE,
}

#: Short machine codes for the rules every input keeps (groepsaanbod.bounds); others are "invalid".
CODES = {
    bounds.TOO_LONG: "tooLong",
    bounds.ONE_LINE: "oneLine",
    bounds.INVISIBLE: "invisibleCharacters",
    bounds.NUMBER_RANGE: "outOfRange",
    bounds.DATE_RANGE: "outOfRange",
    bounds.PERIOD_ORDER: "periodOrder",
    bounds.TOO_DEEP: "tooDeep",
}


def kind_of(status: int) -> Kind:
    return BY_STATUS.get(status, SERVER_ERROR if status >= 500 else OTHER)


def problem(
    request: Request,
    language: str,
    status: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    kind: Kind | None = None,
) -> Response:
    """The answer: one problem+json document (`detail` is already in the person's language)."""
    kind = kind or kind_of(status)
    body: dict[str, object] = {
        "type": kind.type,
        "title": gettext(language, kind.title),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "status_code": status,  # deprecated (1.0), see the module's docstring
    }
    if errors is not None:
        body["errors"] = errors
    return Response(body, status_code=status, media_type=PROBLEM_JSON)


_INDEX = re.compile(r"\[(\d+)\]")


def pointer(field: str) -> str:
    """A field as the API names it (`sessions[0].duration_minutes`) as a JSON pointer
    (`#/sessions/0/duration_minutes`); the body itself is `#`."""
    if field in ("", "body", "data"):
        return "#"
    steps = _INDEX.sub(r".\1", field).split(".")
    return "#/" + "/".join(s.replace("~", "~0").replace("/", "~1") for s in steps if s)


def invalid_param(where: str, name: str, code: str, detail: str) -> dict[str, str]:
    """One wrong value: where it is (`in`: body, query, path or header) and what to do."""
    location = pointer(name) if where == "body" else name
    # `field` and `message`: deprecated (1.0), see the module's docstring.
    return {"in": where, "location": location, "code": code, "detail": detail, "field": name, "message": detail}


def refusal_errors(request: Request, language: str, problems: tuple[Problem, ...]) -> list[dict[str, str]]:
    """A refusal's problems as `errors`: a name the query or path carries is there, the rest is the body."""
    errors = []
    for p in problems:
        if p.field in request.query_params:
            where = "query"
        elif p.field in request.path_params:
            where = "path"
        else:
            where = "body"
        errors.append(
            invalid_param(where, p.field, CODES.get(p.message.msgid, "invalid"), render_message(language, p.message))
        )
    return errors
