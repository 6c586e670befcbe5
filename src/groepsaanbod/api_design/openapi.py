"""The served OpenAPI document: Litestar builds it from the routes, and this is the one place it is
made to follow the NL API Design Rules (checked by Spectral with api/adr-ruleset.yaml).

- `servers: [{"url": "/api/v1"}]` and paths relative to it; routes outside the API (/health,
  /feeds) are left out (/core/uri-version, /core/no-trailing-slash);
- `info.version` is the API's semantic version, `info.contact` who to ask (/core/version-header,
  /core/doc-openapi-contact);
- every 2xx/3xx answer declares the API-Version header; every operation documents its 400, 401,
  403, 404, 409, 422 and 429 answers as problem+json (/core/problem-details);
- GET / (the landing resource) and GET /openapi.json (this document) are in it (/core/publish-openapi).

Other parts add to the document with `extend_document` (the security schemes of service tokens,
say): each step gets the finished document and changes it in place.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin

from groepsaanbod.api_design.versions import API_ROOT, API_VERSION, CONTACT, VERSION_HEADER

Document = dict[str, Any]

METHODS = ("get", "put", "post", "delete", "patch")
UNLISTED = ("head", "options", "trace")
OPENAPI_JSON = "application/vnd.oai.openapi+json"
PROBLEM_STATUSES = {
    "400": ("InvalidInput", "The request cannot be read, or a query or path value is not right"),
    "401": ("Problem", "Not signed in (or the second factor is still due)"),
    "403": ("Problem", "Signed in, but not allowed to do this"),
    "404": ("Problem", "Nothing here for you: unknown, or another organisation's"),
    "409": ("Problem", "Not possible in the state it is in now"),
    "422": ("InvalidInput", "The input does not fit: each error names the field and what to do"),
    "429": ("Problem", "Too many requests: wait as long as Retry-After says"),
    "500": ("Problem", "Something went wrong on our side"),
    "503": ("Problem", "Busy: try again after Retry-After seconds"),
}

_steps: list[Callable[[Document], None]] = []


def extend_document(step: Callable[[Document], None]) -> Callable[[Document], None]:
    """Have `step` change the served document after ours (add security schemes, say). Returns it,
    so it can be used as a decorator."""
    _steps.append(step)
    return step


def merge_components(document: Document, components: dict[str, dict[str, Any]]) -> None:
    """Add components (`{"securitySchemes": {...}}`) without dropping what is there."""
    for section, entries in components.items():
        document.setdefault("components", {}).setdefault(section, {}).update(entries)


def _version_header() -> dict[str, Any]:
    return {
        "description": "The full semantic version of the API that answered (NL API Design Rules).",
        "required": True,
        "schema": {"type": "string", "example": API_VERSION},
    }


def _problem_schemas() -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string"}
    problem: dict[str, Any] = {
        "type": "object",
        "description": "An RFC 9457 problem, in the language asked for (?lang=, the lang cookie or Accept-Language).",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {**text, "description": "A URI naming the kind of problem"},
            "title": {**text, "description": "A short summary of the kind, translated"},
            "status": {"type": "integer", "description": "The HTTP status code"},
            "detail": {**text, "description": "What happened and what to do, translated"},
            "instance": {**text, "description": "The path of the request"},
            "status_code": {"type": "integer", "deprecated": True, "description": "The same as status (1.0)"},
        },
    }
    invalid_param: dict[str, Any] = {
        "type": "object",
        "required": ["in", "location", "code", "detail"],
        "properties": {
            "in": {"type": "string", "enum": ["body", "query", "path", "header"]},
            "location": {
                **text,
                "description": "A JSON pointer into the body (#/field/0/name), or the parameter's name",
            },
            "code": {**text, "description": "A short machine code of the rule broken"},
            "detail": {**text, "description": "What is allowed, translated"},
            "field": {**text, "deprecated": True, "description": "The field as 1.0 named it"},
            "message": {**text, "deprecated": True, "description": "The same as detail (1.0)"},
        },
    }
    invalid_input: dict[str, Any] = {
        "allOf": [
            {"$ref": "#/components/schemas/Problem"},
            {
                "type": "object",
                "required": ["errors"],
                "properties": {"errors": {"type": "array", "items": {"$ref": "#/components/schemas/InvalidParam"}}},
            },
        ],
    }
    # A $ref inside allOf would hide `required` from a linter that does not merge: say it here too.
    invalid_input["required"] = ["type", "title", "status", "detail", "errors"]
    invalid_input["properties"] = {k: problem["properties"][k] for k in ("type", "title", "status", "detail")}
    return {"Problem": problem, "InvalidParam": invalid_param, "InvalidInput": invalid_input}


def _problem_response(schema: str, description: str, status: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "headers": {VERSION_HEADER: {"$ref": f"#/components/headers/{VERSION_HEADER}"}},
        "content": {"application/problem+json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
    if status in ("429", "503"):
        response["headers"]["Retry-After"] = {"description": "Seconds to wait", "schema": {"type": "integer"}}
    return response


def _ok(
    description: str, schema: dict[str, Any], headers: dict[str, Any] | None = None, media: str = "application/json"
) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {VERSION_HEADER: {"$ref": f"#/components/headers/{VERSION_HEADER}"}, **(headers or {})},
        "content": {media: {"schema": schema}},
    }


def _own_paths() -> tuple[dict[str, Any], dict[str, Any]]:
    """The landing resource and this document, served by api_design/controllers.py."""
    link: dict[str, Any] = {"type": "object", "required": ["href"], "properties": {"href": {"type": "string"}}}
    landing: dict[str, Any] = {
        "type": "object",
        "required": ["version", "links"],
        "properties": {"version": {"type": "string"}, "links": {"type": "object", "additionalProperties": link}},
    }
    cors: dict[str, Any] = {
        "Access-Control-Allow-Origin": {"description": "Anyone may read it", "schema": {"type": "string"}}
    }
    return {
        "/": {
            "get": {
                "tags": ["api"],
                "summary": "The API's landing resource",
                "description": "Its version and links to this document and the README.",
                "operationId": "getApiRoot",
                "responses": {"200": _ok("The version and links", {"$ref": "#/components/schemas/ApiRoot"})},
            }
        },
        "/openapi.json": {
            "get": {
                "tags": ["api"],
                "summary": "This OpenAPI document",
                "description": "The same document as /schema/openapi.json, readable from any origin.",
                "operationId": "getOpenApiDocument",
                "responses": {"200": _ok("The OpenAPI document", {"type": "object"}, cors, OPENAPI_JSON)},
            }
        },
    }, {"ApiRoot": landing}


def _operation(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    for status, response in list(responses.items()):
        if status.startswith(("2", "3")):
            headers = response.setdefault("headers", {})
            for header in headers.values():
                # Litestar leaves out the schema of a header declared for documentation only.
                if "$ref" not in header and "content" not in header:
                    header.setdefault("schema", {"type": "string"})
            headers[VERSION_HEADER] = {"$ref": f"#/components/headers/{VERSION_HEADER}"}
        elif status.startswith(("4", "5")):
            schema, _ = PROBLEM_STATUSES.get(status, ("Problem", ""))
            responses[status] = _problem_response(schema, response.get("description") or "A problem", status)
    for status, (schema, description) in PROBLEM_STATUSES.items():
        responses.setdefault(status, _problem_response(schema, description, status))
    if "requestBody" in operation:
        responses.setdefault("413", _problem_response("Problem", "The body is larger than this route takes", "413"))


UPPER_CAMEL = re.compile(r"[A-Z][A-Za-z0-9]*")


def _upper_camel_schema_names(document: Document) -> Document:
    """Litestar tells two classes of one name apart by their modules (`organisations_schemas_VenueOut`):
    name them in UpperCamelCase instead (`OrganisationsVenueOut`), and follow every $ref."""
    schemas = document.get("components", {}).get("schemas", {})
    renames: dict[str, str] = {}
    for name in schemas:
        if UPPER_CAMEL.fullmatch(name):
            continue
        parts = [part for part in name.split("_") if part]
        new = parts[0][:1].upper() + parts[0][1:] + parts[-1]
        if new in schemas or new in renames.values():
            new = "".join(part[:1].upper() + part[1:] for part in parts)
        renames[name] = new
    if not renames:
        return document
    text = json.dumps(document)
    for old, new in renames.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    renamed: Document = json.loads(text)
    renamed["components"]["schemas"] = {renames.get(k, k): v for k, v in renamed["components"]["schemas"].items()}
    return renamed


def api_document(raw: Document) -> Document:
    """The API's document from the one Litestar built of every route (which it does not change)."""
    document = _upper_camel_schema_names(copy.deepcopy(raw))
    info = document.setdefault("info", {})
    info["version"] = API_VERSION
    info["contact"] = dict(CONTACT)
    document["servers"] = [{"url": API_ROOT, "description": f"Version {API_VERSION.split('.')[0]} of the API"}]
    own, own_schemas = _own_paths()
    paths: dict[str, Any] = dict(own)
    for path, item in document.get("paths", {}).items():
        if path.startswith(API_ROOT + "/"):
            # Only the standard methods (/core/http-methods); HEAD and OPTIONS are answered all the same.
            paths[path[len(API_ROOT) :].rstrip("/") or "/"] = {k: v for k, v in item.items() if k not in UNLISTED}
    document["paths"] = dict(sorted(paths.items()))
    for item in document["paths"].values():
        for method in METHODS:
            if method in item:
                _operation(item[method])
    used = {
        tag
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for tag in op.get("tags", [])
    }
    document["tags"] = [{"name": tag} for tag in sorted(used)]
    merge_components(
        document,
        {
            "schemas": {**_problem_schemas(), **own_schemas},
            "headers": {VERSION_HEADER: _version_header()},
        },
    )
    for step in _steps:
        step(document)
    return document


class ApiDocumentPlugin(JsonRenderPlugin):
    """/schema/openapi.json: the same document as /api/v1/openapi.json."""

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        return self.render_json(request, served_document(request))


def served_document(request: Request) -> Document:
    """The document, made once per app."""
    state = request.app.state
    if "api_document" not in state:
        state["api_document"] = api_document(request.app.openapi_schema.to_schema())
    return state["api_document"]
