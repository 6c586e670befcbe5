"""Turning refusals into answers in the person's language: problem+json for the API
(api_design/problems.py), a page for people."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.response import Redirect
from sqlalchemy.exc import DataError, StatementError

from groepsaanbod.access.errors import NotPermitted, NotSignedIn, SecondFactorDue
from groepsaanbod.api_design import decoder_messages, problems
from groepsaanbod.db import database_unavailable
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.i18n.translations import gettext, render_message
from groepsaanbod.protection.body_size import TOO_LARGE, kilobytes
from groepsaanbod.protection.csrf import CsrfRefused
from groepsaanbod.protection.rate_limits import TooManyAttempts
from groepsaanbod.refusals import NotFound, Refused
from groepsaanbod.web import render, request_language

log = logging.getLogger(__name__)

NOT_SIGNED_IN = N_("Please sign in first.")
NOT_FOUND = N_("We could not find this page.")
BAD_INPUT = N_("Some of the information is not right. Check it and try again.")
SERVER_ERROR = N_("Something went wrong on our side. Please try again later.")
BUSY = N_("It is very busy right now. Please try again in a few seconds.")
#: Seconds a person or API client is asked to wait (Retry-After) when the database could not serve.
RETRY_AFTER_SECONDS = 5


#: Paths read by programs, not people: outside /api/ they still get JSON rather than a page.
MACHINE_PATHS = ("/feeds/", "/health", "/metrics")


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _page(request: Request, status: int, msgid: str) -> Response:
    language = request_language(request)
    return render(request, language, "error.html", status_code=status, error_text=gettext(language, msgid))


def _api(request: Request, status: int, msgid_or_text: str, *, translated: bool = False, **more: Any) -> Response:
    """An API answer: a problem+json document (api_design/problems.py) in the person's language."""
    language = request_language(request)
    detail = msgid_or_text if translated else gettext(language, msgid_or_text)
    return problems.problem(request, language, status, detail, **more)


def not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
    language = request_language(request)
    if is_api(request):
        return _api(request, 401, NOT_SIGNED_IN)
    target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="")
    return Redirect(f"/{language}/staff/sign-in?next={target}", status_code=303)


def not_permitted(request: Request, exc: NotPermitted) -> Response:
    if is_api(request):
        return _api(request, 403, exc.msgid)
    return _page(request, 403, exc.msgid)


def second_factor_due(request: Request, exc: SecondFactorDue) -> Response:
    language = request_language(request)
    if is_api(request):
        return _api(request, 401, exc.msgid)
    target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="")
    return Redirect(f"/{language}/staff/second-factor?next={target}", status_code=303)


def too_many(request: Request, exc: TooManyAttempts) -> Response:
    language = request_language(request)
    text = gettext(language, exc.msgid) % {"minutes": exc.minutes}
    if is_api(request):
        response = _api(request, 429, text, translated=True)
    else:
        response = render(request, language, "error.html", status_code=429, error_text=text)
    response.set_header("Retry-After", str(exc.minutes * 60))
    return response


def csrf_refused(request: Request, exc: CsrfRefused) -> Response:
    if is_api(request):
        return _api(request, 403, exc.msgid)
    return _page(request, 403, exc.msgid)


def not_found(request: Request, _exc: Exception) -> Response:
    if is_api(request) or request.url.path.startswith("/feeds/"):
        return _api(request, 404, NOT_FOUND)
    return _page(request, 404, NOT_FOUND)


def refused(request: Request, exc: Refused) -> Response:
    language = request_language(request)
    status = getattr(exc, "status_code", 422)
    if not is_api(request) and not request.url.path.startswith("/feeds/"):
        # A page that did not catch it (the bounds of every form and query): say what is wrong.
        return render(
            request,
            language,
            "error.html",
            status_code=400 if status == 422 else status,
            error_text=gettext(language, BAD_INPUT),
            problems=[render_message(language, p.message) for p in exc.problems],
        )
    errors = problems.refusal_errors(request, language, exc.problems)
    if status not in (400, 422) and exc.problems:
        # A conflict with its reasons (409): the first reason is the detail.
        return _api(request, status, errors[0]["detail"], translated=True, errors=errors)
    return _api(request, status, BAD_INPUT, errors=errors)


#: What the decoder (msgspec) says, in English, and what the person reads instead, in their language.
NOT_JSON = N_("This is not valid JSON. Send one JSON object, with Content-Type: application/json.")


def _decoder_problem(request: Request, language: str, problem: dict) -> dict[str, str]:
    """One of the decoder's refusals (English) as ours, in the reader's language (decoder_messages)."""
    said = decoder_messages.translate(language, str(problem.get("message", "")))
    field = str(problem.get("key", ""))
    if said.field and field in ("", "data"):
        field = said.field  # the decoder names the body, not the field it misses or does not know
    source = problem.get("source") or "body"
    where = str(getattr(source, "value", source))
    if where not in ("query", "path", "header"):
        return problems.invalid_param("body", field, said.code, said.detail)
    # The decoder names the handler's parameter (cohort_id); the caller sent its key (cohortId).
    parameter = request.route_handler.parsed_fn_signature.parameters.get(field)
    sent = getattr(parameter.kwarg_definition, where, None) if parameter is not None else None
    return problems.invalid_param(where, sent or field, said.code, said.detail)


def validation_error(request: Request, exc: ValidationException) -> Response:
    language = request_language(request)
    extra = exc.extra if isinstance(exc.extra, list) else []
    return _api(
        request, 400, BAD_INPUT, errors=[_decoder_problem(request, language, e) for e in extra if isinstance(e, dict)]
    )


def http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return not_found(request, exc)
    if exc.status_code == 400 and str(exc.detail).startswith("JSON is malformed"):
        return _api(request, 400, NOT_JSON, errors=[])
    if is_api(request):
        status = exc.status_code
        kind = problems.kind_of(status)
        # Litestar's own words (English) are no detail for a person: the kind's title, translated, is.
        return _api(request, status, kind.title, kind=kind, errors=[] if status in (400, 422) else None)
    if exc.status_code < 500:
        return problems.problem(request, request_language(request), exc.status_code, str(exc.detail))
    return _page(request, exc.status_code, SERVER_ERROR)


def _input_the_database_refused(exc: StatementError) -> bool:
    """A value the database cannot hold or read (SQLSTATE class 22, "data exception": a number
    beyond 32 bits, a NUL in text), however the driver wraps it. The bounds at the edge
    (groepsaanbod.bounds) should refuse such input first; this is the last line."""
    if isinstance(exc, DataError):
        return True
    cause: BaseException | None = exc.orig
    for _ in range(4):
        if cause is None:
            return False
        if isinstance(cause, OverflowError | UnicodeError) or type(cause).__name__ == "DataError":
            return True
        if str(getattr(cause, "sqlstate", "") or "").startswith("22"):
            return True
        cause = cause.__cause__
    return False


def database_input_error(request: Request, exc: StatementError) -> Response:
    """A number the database cannot hold (a huge id in a body): the input is wrong, not us."""
    if database_unavailable(exc):
        return unavailable(request, exc)
    if _input_the_database_refused(exc):
        log.info("input refused by the database", extra={"error": type(exc.orig).__name__})
        if is_api(request):
            return _api(request, 400, BAD_INPUT, errors=[])
        return _page(request, 400, BAD_INPUT)
    return server_error(request, exc)


def too_large(request: Request, exc: RequestEntityTooLarge) -> Response:
    """A body larger than its route takes, refused before it was read (protection/body_size.py)."""
    limit = request.route_handler.resolve_request_max_body_size() or 0
    log.info("request body too large", extra={"limit": limit, "content_length": request.headers.get("content-length")})
    language = request_language(request)
    text = render_message(language, Message(TOO_LARGE, {"kilobytes": kilobytes(limit)}))
    if is_api(request):
        return _api(request, 413, text, translated=True)
    return render(request, language, "error.html", status_code=413, error_text=text)


def unavailable(request: Request, exc: Exception) -> Response:
    """No database connection in time, or the server refused one: 503 with Retry-After, not a 500."""
    log.warning(
        "database unavailable",
        extra={"error": type(exc).__name__, "state": getattr(getattr(exc, "orig", None), "sqlstate", None)},
    )
    if is_api(request) or request.url.path.startswith(MACHINE_PATHS):
        response = _api(request, 503, BUSY)
    else:
        response = _page(request, 503, BUSY)
    response.set_header("Retry-After", str(RETRY_AFTER_SECONDS))
    return response


def server_error(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        return unavailable(request, exc)
    log.exception("unhandled error", exc_info=exc)
    if is_api(request):
        return _api(request, 500, SERVER_ERROR)
    return _page(request, 500, SERVER_ERROR)


HANDLERS = {
    NotSignedIn: not_signed_in,
    NotPermitted: not_permitted,
    CsrfRefused: csrf_refused,
    SecondFactorDue: second_factor_due,
    TooManyAttempts: too_many,
    NotFound: not_found,
    NotFoundException: not_found,
    RequestEntityTooLarge: too_large,
    Refused: refused,
    ValidationException: validation_error,
    HTTPException: http_error,
    StatementError: database_input_error,
    Exception: server_error,
}
