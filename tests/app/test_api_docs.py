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


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_every_operation_documents_its_errors_with_the_one_error_schema(client, db):
    schema = client.get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            responses = operation["responses"]
            assert "401" in responses, where
            if "{" in path:
                assert {"404", "422"} <= set(responses), where
            for status, response in responses.items():
                if status.startswith("4") or status.startswith("5"):
                    body = response["content"]["application/json"]["schema"]
                    assert body == {"$ref": "#/components/schemas/Error"}, (where, status)


def test_the_schema_speaks_json_schema_not_pydantic(client, db):
    """Bounds as minimum/maximum (pydantic writes ge/le when a validator hides them), ids bounded."""
    schema = client.get("/api/openapi.json").json()
    for node in _walk(schema):
        assert not {"ge", "le", "gt", "lt"} & set(node), node
    ids = [p["schema"] for op in schema["paths"]["/api/runs/{run_id}"].values() for p in op["parameters"]]
    assert all(s["minimum"] == 1 and s["maximum"] == 2**63 - 1 for s in ids)


def test_json_numbers_are_numbers(alice_api, image_draft, audience):
    from tests.app.test_runs_api import payload

    for bad in ({"population": "300"}, {"seed": True}, {"reruns": 1.5}, {"at_hours": [False]}):
        response = alice_api.post(
            "/runs", payload(image_draft, audience, **bad), content_type="application/json"
        )
        assert response.status_code == 422, (bad, response.content)
    whole = alice_api.post(
        "/runs", payload(image_draft, audience, population=300.0), content_type="application/json"
    )
    assert whole.status_code == 201, whole.content
