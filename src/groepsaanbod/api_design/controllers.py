"""The API's own resources: its landing resource (GET /api/v1) and its OpenAPI document
(GET /api/v1/openapi.json, readable from any origin). Both are in the document itself by
openapi.py, so their handlers stay out of Litestar's copy."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.api_design.openapi import OPENAPI_JSON, served_document
from groepsaanbod.api_design.versions import API_ROOT, API_VERSION


@get(API_ROOT, opt=PUBLIC, include_in_schema=False)
async def api_root() -> dict[str, Any]:
    """Where to start: the version and the links to the document."""
    return {
        "version": API_VERSION,
        "links": {
            "self": {"href": API_ROOT},
            "openapi": {"href": f"{API_ROOT}/openapi.json"},
            "schema": {"href": "/schema/openapi.json"},  # the same document, where it was before 1.1
        },
    }


@get(f"{API_ROOT}/openapi.json", opt=PUBLIC, include_in_schema=False, media_type=OPENAPI_JSON)
async def api_document(request: Request) -> Response:
    """The OpenAPI document (the same as /schema/openapi.json), for any origin (/core/publish-openapi)."""
    return Response(
        served_document(request),
        media_type=OPENAPI_JSON,
        headers={"Access-Control-Allow-Origin": "*"},
    )


ROUTES = [api_root, api_document]
