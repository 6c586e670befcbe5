"""The served OpenAPI document follows the NL API Design Rules, and is found where they say."""

from __future__ import annotations

from groepsaanbod.api_design.openapi import METHODS, PROBLEM_STATUSES, extend_document, merge_components
from groepsaanbod.api_design.versions import API_VERSION, CONTACT


async def test_the_document_is_published_under_the_api_root_for_any_origin(client):
    served = await client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.headers["access-control-allow-origin"] == "*"
    assert served.headers["api-version"] == API_VERSION
    schema = await client.get("/schema/openapi.json")
    assert schema.json() == served.json(), "one document, in two places"
    document = served.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == API_VERSION
    assert document["info"]["contact"] == CONTACT
    assert document["servers"][0]["url"] == "/api/v1"
    assert "get" in document["paths"]["/openapi.json"]


async def test_the_landing_resource_links_to_the_document(client):
    root = await client.get("/api/v1")
    assert root.status_code == 200
    assert root.json()["version"] == API_VERSION
    assert (await client.get(root.json()["links"]["openapi"]["href"])).status_code == 200
    assert (await client.get("/api/v1/")).status_code in (200, 404)  # no trailing slashes in the document


async def test_every_operation_documents_its_problems_and_every_success_its_version(client):
    document = (await client.get("/api/v1/openapi.json")).json()
    operations = [
        (path, method, item[method]) for path, item in document["paths"].items() for method in METHODS if method in item
    ]
    assert len(operations) > 50
    for path, method, operation in operations:
        responses = operation["responses"]
        assert set(PROBLEM_STATUSES) <= set(responses), (path, method)
        for status, response in responses.items():
            if status[0] in "23":
                assert "API-Version" in response["headers"], (path, method, status)
            else:
                assert list(response["content"]) == ["application/problem+json"], (path, method, status)
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                assert "_" not in parameter["name"], (path, method, parameter["name"])
    problem = document["components"]["schemas"]["Problem"]
    assert {"status", "title", "detail"} <= set(problem["required"])
    assert "errors" in document["components"]["schemas"]["InvalidInput"]["required"]


def test_other_parts_can_add_to_the_document():
    """The hook the service tokens use for their security schemes."""
    from groepsaanbod.api_design import openapi

    document = {"components": {"schemas": {"A": {}}}}
    merge_components(
        document, {"schemas": {"B": {}}, "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}}
    )
    assert set(document["components"]["schemas"]) == {"A", "B"}
    assert "token" in document["components"]["securitySchemes"]
    seen = []
    step = extend_document(lambda d: seen.append(d["info"]["version"]))
    try:
        openapi.api_document({"info": {}, "paths": {}})
    finally:
        openapi._steps.remove(step)
    assert seen == [API_VERSION]
