def test_openapi_docs_are_served_without_a_cdn(client, db):
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "cdn.jsdelivr" not in docs.content.decode() and "swagger-ui-bundle.js" in docs.content.decode()
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/drafts",
        "/api/audiences",
        "/api/runs",
        "/api/runs/{run_id}/results",
        "/api/runs/compare",
    ):
        assert path in paths, path
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
