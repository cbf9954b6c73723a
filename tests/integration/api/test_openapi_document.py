"""The OpenAPI document: served, valid OpenAPI 3.1, complete for every route of the app.

The served document is checked against the application's own operation list (whatever
modules registered them); ``build_document`` is also checked on a synthetic list for the
features no identity route uses (Idempotency-Key, implicit path parameters).
"""

from decimal import Decimal
from typing import Any

import httpx
import msgspec
import schemathesis
from starlette.requests import Request
from starlette.responses import Response
from tests.integration.api.conftest import Served

from bourse.api.openapi import build_document, documented_path, operation_id
from bourse.api.operations import Operation, Parameter


def document(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def resolve(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def refs(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs(value)]
    return []


def test_the_document_is_valid_openapi_3_1(client: httpx.Client) -> None:
    doc = document(client)

    assert doc["openapi"] == "3.1.0"
    schemathesis.openapi.from_dict(doc).validate()
    for ref in refs(doc):
        assert resolve(doc, ref) is not None, ref


def test_every_route_of_the_app_is_documented(served: Served, client: httpx.Client) -> None:
    doc = document(client)
    operations = served.platform.app.state.operations

    expected = {
        (op.method.lower(), documented_path(op.path)) for op in operations if op.include_in_schema
    }
    documented = {(method, path) for path, item in doc["paths"].items() for method in item}

    assert documented == expected
    assert ("post", "/api/v1/auth/signup") in documented
    assert ("get", "/api/v1/health") in documented
    ids = [item["operationId"] for methods in doc["paths"].values() for item in methods.values()]
    assert len(ids) == len(set(ids))


def test_success_bodies_are_wrapped_in_the_envelope(client: httpx.Client) -> None:
    doc = document(client)

    signup = doc["paths"]["/api/v1/auth/signup"]["post"]
    envelope = signup["responses"]["201"]["content"]["application/json"]["schema"]

    assert envelope["required"] == ["status", "data"]
    assert envelope["properties"]["status"] == {"const": "success"}
    user = resolve(doc, envelope["properties"]["data"]["$ref"])
    assert set(user["required"]) >= {"user_id", "email"}
    request = signup["requestBody"]["content"]["application/json"]["schema"]
    assert resolve(doc, request["$ref"])["additionalProperties"] is False


def test_errors_are_documented_in_the_error_envelope(client: httpx.Client) -> None:
    doc = document(client)

    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            statuses = {int(status) for status in op["responses"]}
            if op["security"]:
                assert {401, 429} <= statuses, (method, path)
            if "requestBody" in op:
                assert {400, 413, 422} <= statuses, (method, path)
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}
                if status == "429":
                    assert response["headers"]["Retry-After"]["required"] is True


def test_security_schemes_cover_bearer_and_kite_tokens(client: httpx.Client) -> None:
    doc = document(client)

    schemes = doc["components"]["securitySchemes"]
    sessions = doc["paths"]["/api/v1/auth/sessions"]["get"]
    signup = doc["paths"]["/api/v1/auth/signup"]["post"]

    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["kiteToken"] == {**schemes["kiteToken"], "in": "header", "name": "Authorization"}
    assert sessions["security"] == [{"bearerAuth": []}, {"kiteToken": []}]
    assert signup["security"] == []


def test_the_kite_session_route_takes_a_form_or_json(client: httpx.Client) -> None:
    doc = document(client)

    body = doc["paths"]["/api/v1/session/token"]["post"]["requestBody"]["content"]

    assert set(body) == {"application/json", "application/x-www-form-urlencoded"}


def test_path_parameters_carry_the_identifier_shape(client: httpx.Client) -> None:
    doc = document(client)

    op = doc["paths"]["/api/v1/api-keys/{api_key}"]["delete"]

    (parameter,) = op["parameters"]
    assert parameter["in"] == "path"
    assert parameter["required"] is True
    assert parameter["schema"]["pattern"] == "^[a-z0-9]{16}$"


def test_the_document_and_docs_page_are_not_in_the_document(client: httpx.Client) -> None:
    doc = document(client)

    assert "/api/v1/openapi.json" not in doc["paths"]
    assert "/api/v1/docs" not in doc["paths"]


def test_the_docs_page_is_self_contained(client: httpx.Client) -> None:
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert 'fetch("openapi.json")' in page
    assert "<script src" not in page
    assert "http://" not in page
    assert "https://" not in page
    assert "connect-src 'self'" in response.headers["content-security-policy"]


# -- build_document on a synthetic operation list ---------------------------------------------


class Order(msgspec.Struct, forbid_unknown_fields=True):
    symbol: str
    qty: int
    price: Decimal | None = None


async def endpoint(request: Request) -> Response:
    """Does nothing; documented as this docstring."""
    return Response()


def synthetic() -> list[Operation]:
    return [
        Operation(
            "POST",
            "/api/v1/orders/{variety:str}",
            endpoint,
            summary="Place an order",
            tag="orders",
            body=Order,
            response=Order,
            idempotent_key=True,
            form=True,
            errors=(409,),
        ),
        Operation(
            "GET",
            "/api/v1/orders/{order_id}",
            endpoint,
            summary="One order",
            tag="orders",
            response=Order,
            parameters=(Parameter("order_id", "path", int, description="The order."),),
            errors=(404,),
        ),
        Operation(
            "GET",
            "/api/v1/hidden",
            endpoint,
            summary="Hidden",
            tag="x",
            include_in_schema=False,
        ),
    ]


def test_build_document_adds_idempotency_key_and_implicit_path_parameters() -> None:
    doc = build_document(synthetic(), title="T", version="1")

    place = doc["paths"]["/api/v1/orders/{variety}"]["post"]
    names = {(p["name"], p["in"]): p for p in place["parameters"]}

    assert names[("variety", "path")]["schema"] == {"type": "string"}
    assert names[("Idempotency-Key", "header")]["required"] is False
    assert set(place["requestBody"]["content"]) == {
        "application/json",
        "application/x-www-form-urlencoded",
    }
    assert set(place["responses"]) == {"200", "400", "401", "409", "413", "422", "429"}
    assert place["description"] == "Does nothing; documented as this docstring."
    schemathesis.openapi.from_dict(doc).validate()


def test_build_document_keeps_declared_parameters_and_drops_hidden_routes() -> None:
    doc = build_document(synthetic(), title="T", version="1")

    one = doc["paths"]["/api/v1/orders/{order_id}"]["get"]

    assert one["parameters"] == [
        {
            "name": "order_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer"},
            "description": "The order.",
        }
    ]
    assert "/api/v1/hidden" not in doc["paths"]
    assert operation_id(synthetic()[1]) == "get_orders_order_id"
    assert doc["tags"] == [{"name": "orders"}]


def test_build_document_describes_decimals_as_the_numbers_the_wire_carries() -> None:
    doc = build_document(synthetic(), title="T", version="1")

    price = doc["components"]["schemas"]["Order"]["properties"]["price"]

    assert price["anyOf"][0] == {"type": "number"}
