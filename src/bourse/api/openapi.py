"""The OpenAPI 3.1 document, built from the same ``Operation`` list the router serves.

Body, response and parameter schemas come from the msgspec types through
``msgspec.json.schema_components`` (one ``components/schemas`` entry per Struct). Each
response's ``data`` is wrapped in the success envelope; each error status in the error
envelope. Besides the statuses an operation declares in ``errors``, the document lists the
ones the gateway machinery itself produces, so that it is complete by construction:

* a JSON body: 400 (not JSON), 413 (too large), 422 (wrong shape);
* authentication: 401 (missing, invalid, expired or revoked credentials), 429 (per-user limit).

Authenticated operations accept either security scheme: ``bearerAuth`` (``Authorization:
Bearer <access token>``) or ``kiteToken`` (``Authorization: token <api_key>:<access token>``).
"""

import inspect
import re
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import msgspec

from bourse.api.idempotency import MAX_KEY_LENGTH
from bourse.api.operations import Operation, Parameter

OPENAPI_VERSION = "3.1.0"
REF_TEMPLATE = "#/components/schemas/{name}"
ERROR_TYPES = [
    "InputException",
    "TokenException",
    "PermissionException",
    "DataException",
    "OrderException",
    "GeneralException",
]
# Printable ASCII; no white space at either end (HTTP strips it from header values).
IDEMPOTENCY_KEY_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_KEY_LENGTH,
    "pattern": "^[\\x21-\\x7e]([\\x20-\\x7e]*[\\x21-\\x7e])?$",
}
SECURITY_SCHEMES: dict[str, Any] = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from POST /api/v1/auth/login or /auth/refresh.",
    },
    "kiteToken": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "Kite Connect style: `token <api_key>:<access_token>`, the access "
        "token from POST /api/v1/session/token.",
    },
}
_BODY_STATUSES = (400, 413, 422)
_AUTH_STATUSES = (401, 429)
_PATH_TEMPLATE = re.compile(r"{([^}:]+)(?::[^}]*)?}")


def build_document(
    operations: Sequence[Operation], *, title: str, version: str, description: str = ""
) -> dict[str, Any]:
    documented = [op for op in operations if op.include_in_schema]
    types = _SchemaTypes()
    for op in documented:
        types.add(op.body)
        types.add(op.response)
        for parameter in op.parameters:
            types.add(parameter.schema)
    resolved, component_schemas = types.resolve()

    paths: dict[str, dict[str, Any]] = {}
    for op in documented:
        paths.setdefault(documented_path(op.path), {})[op.method.lower()] = _operation(op, resolved)
    component_schemas["Error"] = _error_envelope()
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": version, "description": description},
        "tags": [{"name": tag} for tag in dict.fromkeys(op.tag for op in documented)],
        "paths": paths,
        "components": {
            "schemas": component_schemas,
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


def documented_path(path: str) -> str:
    """The route's path as OpenAPI writes it: Starlette convertors dropped
    (``/orders/{variety:variety}`` -> ``/orders/{variety}``)."""
    return _PATH_TEMPLATE.sub(lambda match: "{" + match.group(1) + "}", path)


def operation_id(op: Operation) -> str:
    """``POST /api/v1/auth/signup`` -> ``post_auth_signup``: unique as (method, path) is."""
    path = documented_path(op.path).removeprefix("/api/v1")
    words = [word for word in re.split(r"[^A-Za-z0-9]+", path) if word]
    return "_".join([op.method.lower(), *words])


class _SchemaTypes:
    """msgspec types collected once, resolved together so components are shared."""

    def __init__(self) -> None:
        self._types: list[Any] = []

    def add(self, schema_type: object) -> None:
        if schema_type is not None and not any(schema_type is t for t in self._types):
            self._types.append(schema_type)

    def resolve(self) -> tuple["_Resolved", dict[str, Any]]:
        raw, components = msgspec.json.schema_components(self._types, ref_template=REF_TEMPLATE)
        schemas = [_decimals_as_numbers(schema) for schema in raw]
        resolved = _Resolved(list(zip(self._types, schemas, strict=True)))
        return resolved, {name: _decimals_as_numbers(c) for name, c in components.items()}


def _decimals_as_numbers(node: Any) -> Any:
    """msgspec describes ``Decimal`` as a string of format "decimal"; on our wire it is a JSON
    number (the envelope encodes it so, and msgspec decodes numbers into it exactly). Bounds
    belong to the field: ``Meta(extra_json_schema={"minimum": 0, "multipleOf": 0.01})``."""
    if isinstance(node, list):
        return [_decimals_as_numbers(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _decimals_as_numbers(value) for key, value in node.items()}
    if converted.get("format") == "decimal" and converted.get("type") == "string":
        del converted["format"]
        converted["type"] = "number"
    return converted


class _Resolved:
    def __init__(self, pairs: list[tuple[Any, dict[str, Any]]]) -> None:
        self._pairs = pairs

    def __getitem__(self, schema_type: object) -> dict[str, Any]:
        if schema_type is None:
            return {"type": "null"}
        return next(schema for t, schema in self._pairs if t is schema_type)


def _operation(op: Operation, schemas: _Resolved) -> dict[str, Any]:
    document: dict[str, Any] = {
        "operationId": operation_id(op),
        "summary": op.summary,
        "tags": [op.tag],
    }
    description = inspect.getdoc(op.endpoint)
    if description:
        document["description"] = description
    parameters = _parameters(op, schemas)
    if parameters:
        document["parameters"] = parameters
    if op.body is not None:
        media_types = ["application/json"]
        if op.form:
            media_types.append("application/x-www-form-urlencoded")
        document["requestBody"] = {
            "required": True,
            "content": {media: {"schema": schemas[op.body]} for media in media_types},
        }
    document["responses"] = _responses(op, schemas)
    document["security"] = [{"bearerAuth": []}, {"kiteToken": []}] if op.authenticated else []
    return document


def _parameters(op: Operation, schemas: _Resolved) -> list[dict[str, Any]]:
    declared = {(p.location, p.name) for p in op.parameters}
    implicit = [
        Parameter(name, "path", str)
        for name in _PATH_TEMPLATE.findall(op.path)
        if ("path", name) not in declared
    ]
    parameters = []
    for parameter in [*op.parameters, *implicit]:
        entry: dict[str, Any] = {
            "name": parameter.name,
            "in": parameter.location,
            # OpenAPI: path parameters are always required.
            "required": parameter.required or parameter.location == "path",
            "schema": {"type": "string"} if parameter in implicit else schemas[parameter.schema],
        }
        if parameter.description:
            entry["description"] = parameter.description
        parameters.append(entry)
    if op.idempotent_key:
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "A retry with the same key returns the first response; the same "
                "key with another body is refused (409).",
                "schema": IDEMPOTENCY_KEY_SCHEMA,
            }
        )
    return parameters


def _responses(op: Operation, schemas: _Resolved) -> dict[str, Any]:
    data = schemas[op.response]
    responses: dict[str, Any] = {
        str(op.status): {
            "description": HTTPStatus(op.status).phrase,
            "content": {"application/json": {"schema": _success_envelope(data)}},
        }
    }
    statuses = set(op.errors)
    if op.body is not None:
        statuses.update(_BODY_STATUSES)
    if op.authenticated:
        statuses.update(_AUTH_STATUSES)
    for status in sorted(statuses):
        responses[str(status)] = _error_response(status)
    return responses


def _success_envelope(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"status": {"const": "success"}, "data": data},
        "required": ["status", "data"],
    }


def _error_envelope() -> dict[str, Any]:
    return {
        "title": "Error",
        "description": "The error envelope. `data.code`, when present, is a stable "
        "machine-readable code (e.g. TOTP_REQUIRED).",
        "type": "object",
        "properties": {
            "status": {"const": "error"},
            "error_type": {"enum": ERROR_TYPES},
            "message": {"type": "string"},
            "data": {},
        },
        "required": ["status", "error_type", "message"],
    }


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": HTTPStatus(status).phrase,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if status == 429:
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before retrying.",
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
            }
        }
    return response
