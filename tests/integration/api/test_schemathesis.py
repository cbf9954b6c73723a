"""Schemathesis against the served OpenAPI document: every operation, from every module.

The document is read from the running server, so operations registered by any route module
are covered. For each one Schemathesis runs its examples, coverage and fuzzing phases with
valid (positive) and invalid (negative) data, at least ``EXAMPLES`` fuzzed cases, and applies
all its checks: no 5xx, documented status codes, content types and headers, responses that
match their schemas, invalid data rejected, valid data accepted, authentication enforced.

Runs on SQLite only (the identity and security suites cover PostgreSQL): a platform with
cheap password hashing and no login throttling, since Schemathesis logs in and fails logins
by the thousand. Authenticated operations get a Bearer token of a signed-up user; operations
that end the caller's session get a fresh session each time, so the next case is not
refused for having been logged out by the previous one.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.schemas import OpenApiSchema
from tests.integration.api.identity_helpers import (
    FAST_HASHING,
    GENEROUS,
    PASSWORD,
    log_in,
    new_email,
    running_platform,
    sign_up,
)

pytestmark = pytest.mark.slow

EXAMPLES = 100
# Schemathesis' default statuses for "valid data is accepted", and 400: see
# ``refusals_of_valid_data_name_their_rule``.
ACCEPTED = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
FRAMING = {"content-length", "transfer-encoding"}
SESSION_ENDING = {
    ("POST", "/api/v1/auth/logout"),
    ("DELETE", "/api/v1/session/token"),
    ("DELETE", "/api/v1/auth/sessions/{session_id}"),
}


class Credentials:
    """One user of the platform under test and its access tokens."""

    def __init__(self, base_url: str) -> None:
        self._client = httpx.Client(base_url=base_url, timeout=30)
        self.email = new_email("schemathesis")
        sign_up(self._client, self.email)
        self._access_token = self._fresh_token()

    def _fresh_token(self) -> str:
        return str(log_in(self._client, self.email, PASSWORD)["access_token"])

    def headers_for(self, case: schemathesis.Case) -> dict[str, str]:
        if not case.operation.definition.raw.get("security"):
            return {}
        if (case.method.upper(), case.path) in SESSION_ENDING:
            return {"Authorization": f"Bearer {self._fresh_token()}"}
        return {"Authorization": f"Bearer {self._access_token}"}

    def close(self) -> None:
        self._client.close()


@pytest.fixture
def platform_url(tmp_path: Path, sqlite_database_url: str) -> Iterator[str]:
    with running_platform(
        tmp_path / "var",
        sqlite_database_url,
        password_hashing=FAST_HASHING,
        rate_limits=GENEROUS,
    ) as served:
        yield served.base_url


@pytest.fixture
def credentials(platform_url: str) -> Iterator[Credentials]:
    credentials = Credentials(platform_url)
    yield credentials
    credentials.close()


@pytest.fixture
def api_schema(platform_url: str) -> OpenApiSchema:
    config = schemathesis.Config.from_dict(
        {
            "cache": {"enabled": False},
            "generation": {"max-examples": EXAMPLES, "database": "none"},
            "request-timeout": 30,
            "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
        }
    )
    schema = schemathesis.openapi.from_url(f"{platform_url}/api/v1/openapi.json", config=config)
    schema.hook("map_headers")(without_framing_headers)
    return schema


def without_framing_headers(
    context: schemathesis.HookContext, headers: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Drop generated ``Content-Length`` / ``Transfer-Encoding`` headers.

    Schemathesis adds arbitrary extra headers to cases; a malformed framing header is refused
    by the HTTP server (uvicorn answers a plain-text 400 and closes the connection) before
    any application code runs, so no API document can describe that answer.
    """
    if not headers:
        return headers
    return {name: value for name, value in headers.items() if name.lower() not in FRAMING}


@schemathesis.check
def refusals_of_valid_data_name_their_rule(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """A schema-valid request may be refused with a 400 only by a named business rule.

    Some refusals no schema can state: a TOTP code that is not the current one, an order the
    account cannot pay for. Bourse answers them with a 400 whose envelope names the rule
    (``data.code`` from identity, ``data.reason`` from the trading core). Any other 400 (or
    422) to valid data means the document promises more than the route accepts.
    """
    if case.meta is None or case.meta.generation.mode != schemathesis.GenerationMode.POSITIVE:
        return None
    if response.status_code != 400:
        return None
    body = response.json()
    data = body.get("data") if isinstance(body, dict) else None
    if isinstance(data, dict) and (data.get("code") or data.get("reason")):
        return None
    raise AssertionError(
        f"a schema-valid request was refused with 400 naming no rule: {response.text[:500]}"
    )


@pytest.fixture(autouse=True)
def legacy_node_id(request: pytest.FixtureRequest) -> None:
    """Schemathesis 4.32.5's ``from_fixture`` reads and writes ``node._nodeid`` (to name each
    operation's subtest), an attribute pytest 9.2 no longer has; give it one."""
    request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_conforms_to_the_document(
    case: schemathesis.Case, credentials: Credentials
) -> None:
    headers = credentials.headers_for(case)
    response = case.call(headers=headers)
    if refused_by_http_server(response):
        return
    case.validate_response(response, headers=headers)


def refused_by_http_server(response: schemathesis.Response) -> bool:
    """uvicorn refuses a request it cannot parse (a request line of tens of kilobytes, say)
    with a plain-text 400 before any application code runs; no API document can describe it.
    Such a request never reached Bourse, so there is nothing of Bourse's to check."""
    if response.status_code != 400 or response.text != "Invalid HTTP request received.":
        return False
    server = {name.lower(): value for name, value in response.headers.items()}.get("server")
    return server in ("uvicorn", ["uvicorn"])
