async def test_health(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_openapi_documents_the_api(client):
    document = (await client.get("/schema/openapi.json")).json()
    paths = set(document["paths"])
    assert {"/health", "/api/v1/programmes", "/api/v1/catalogue", "/api/v1/auth/sign-in"} <= paths
    assert not any(p.startswith("/{lang") for p in paths), "pages stay out of the API document"


async def test_static_css_is_served(client):
    response = await client.get("/static/site.css")
    assert response.status_code == 200
    assert "text/css" in response.headers["content-type"]


async def test_unknown_api_route_is_json_404(client):
    response = await client.get("/api/v1/nothing-here", headers={"Accept-Language": "ar"})
    assert response.status_code == 404
    assert "detail" in response.json()
