"""The OpenAPI document is valid OpenAPI 3.1 and describes every API route the app serves."""

import re

from openapi_spec_validator import validate


def test_openapi_document_is_valid_and_complete(app, api):
    document = api("prosecutor").get("/api/v1/openapi.json").json
    validate(document)
    described = {(path, method) for path, item in document["paths"].items()
                 for method in item if method in ("get", "post", "patch", "delete")}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
        path = re.sub(r"\{\w+_id\}", "{id}", path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in described, f"{method} {path} is not in openapi.json"


def test_openapi_needs_a_signed_in_user(client):
    assert client.get("/api/v1/openapi.json").status_code == 401
