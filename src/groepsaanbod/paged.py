"""The web edge of paging (paging.py): every API list reads `cursor` and `pageSize` the same way and
answers a JSON array, with the next page in a `Link: <…>; rel="next"` header (RFC 8288).

An array, not an envelope: the bodies stay what callers and tests already read, and a client that
ignores the header still gets the first page. Use on a list route:

    @get("/api/v1/…", dependencies=PAGED, response_headers=NEXT_LINK)
    async def handler(ctx: Context, page: PageRequest) -> Response[list[ThingOut]]:
        return paged_response(ctx.request, page_list(things, page, id_of), thing_out)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.params import QueryParameter

from groepsaanbod.paging import DEFAULT_SIZE, MAX_CURSOR, MAX_SIZE, Page, PageRequest, page_request

T = TypeVar("T")
O = TypeVar("O")  # noqa: E741


async def provide_page(
    cursor: Annotated[
        str | None,
        QueryParameter(
            name="cursor",
            description='Where the page starts: copy it from the previous answer\'s Link header (rel="next").',
            schema_extra={"one_of": None, "type": "string", "max_length": MAX_CURSOR},
        ),
    ] = None,
    page_size: Annotated[
        str | None,
        QueryParameter(
            name="pageSize",
            description=f"How many rows a page holds: 1 to {MAX_SIZE} (default {DEFAULT_SIZE}); more is a 400.",
            # Read as text so that "abc" gets our translated 400; documented as what it must be.
            schema_extra={
                "one_of": None,
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_SIZE,
                "default": DEFAULT_SIZE,
            },
        ),
    ] = None,
) -> PageRequest:
    return page_request(cursor, page_size)


PAGED = {"page": Provide(provide_page)}
NEXT_LINK = [
    ResponseHeader(
        name="Link",
        description='The next page, as `<url>; rel="next"` (RFC 8288); absent on the last page.',
        documentation_only=True,
        required=False,
    )
]


def next_link(request: Request[Any, Any, Any], cursor: str) -> str:
    """The same request (path and query) with the next page's cursor."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    return f'<{request.url.path}?{urlencode([*query, ("cursor", cursor)])}>; rel="next"'


def paged_response(request: Request[Any, Any, Any], page: Page[T], out: Callable[[T], O]) -> Response[list[O]]:
    headers = {"Link": next_link(request, page.next_cursor)} if page.next_cursor else {}
    return Response([out(item) for item in page.items], headers=headers)
