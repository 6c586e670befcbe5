async def test_health(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_openapi_documents_the_api(client):
    document = (await client.get("/schema/openapi.json")).json()
    paths = set(document["paths"])
    # Relative to the server URL /api/v1 (NL API Design Rules): /health is no API route.
    assert document["servers"] == [{"url": "/api/v1", "description": "Version 1 of the API"}]
    assert {"/programmes", "/catalogue", "/auth/sign-in", "/openapi.json", "/"} <= paths
    assert "/health" not in paths
    assert not any(p.startswith(("/{lang", "/api/")) for p in paths), "pages stay out of the API document"


async def test_static_css_is_served(client):
    response = await client.get("/static/site.css")
    assert response.status_code == 200
    assert "text/css" in response.headers["content-type"]


async def test_unknown_api_route_is_json_404(client):
    response = await client.get("/api/v1/nothing-here", headers={"Accept-Language": "ar"})
    assert response.status_code == 404
    assert "detail" in response.json()
