"""The OpenAPI document: every route is described, and the document is valid OpenAPI 3.1."""

from __future__ import annotations

import json

from chalice.test import Client

import app
from chalicelib.api.openapi import OPERATIONS, build_document


def test_every_route_is_documented_and_every_description_has_a_route():
    views = {entry.view_name for methods in app.app.routes.values() for entry in methods.values()}
    assert views == set(OPERATIONS)


def test_the_document_is_valid_openapi_3_1():
    from openapi_spec_validator import validate

    validate(build_document(app.app.routes))


def test_the_claim_routes_carry_their_request_and_response_models():
    document = build_document(app.app.routes)
    create = document["paths"]["/v1/claims"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CreateClaimBody"
    }
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/ClaimView")
    assert "401" in create["responses"] and "400" in create["responses"]
    amount = document["components"]["schemas"]["InvoicePart"]["properties"]["amount_ttc"]
    assert "1234.56" in amount["description"]
    assert document["paths"]["/v1/imports"]["post"]["requestBody"]["content"].keys() == {"text/csv"}


def test_openapi_json_is_served_without_signing_in():
    with Client(app.app, stage_name="local") as client:  # the default stage "dev" would switch CLAIMS_STAGE
        response = client.http.get("/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.body)
    assert document["openapi"] == "3.1.0" and "/v1/claims/{claim_id}/precheck" in document["paths"]
