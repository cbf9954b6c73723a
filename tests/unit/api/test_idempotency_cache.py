"""The idempotency cache: one run per (user, key), one answer for every copy."""

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from starlette.requests import Request
from starlette.responses import Response

from bourse.api.errors import ApiError
from bourse.api.idempotency import IdempotencyCache


def request(key: str | None, path: str = "/api/v1/orders/regular") -> Request:
    headers = [] if key is None else [(b"idempotency-key", key.encode())]
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": headers,
        "query_string": b"",
    }
    return Request(scope)


class Counter:
    def __init__(self, status: int = 200) -> None:
        self.calls = 0
        self.status = status

    def handler(self) -> Callable[[], Awaitable[Response]]:
        async def run() -> Response:
            self.calls += 1
            await asyncio.sleep(0.01)
            return Response(f"answer {self.calls}".encode(), self.status)

        return run


def test_concurrent_copies_run_once_and_share_the_answer() -> None:
    cache = IdempotencyCache()
    counter = Counter()

    async def scenario() -> list[Response]:
        return await asyncio.gather(
            *(cache.respond(request("k"), 1, b"{}", counter.handler()) for _ in range(5))
        )

    responses = asyncio.run(scenario())

    assert counter.calls == 1
    assert {bytes(r.body) for r in responses} == {b"answer 1"}
    assert sum("idempotent-replayed" in r.headers for r in responses) == 4


def test_another_body_with_the_same_key_is_a_conflict() -> None:
    cache = IdempotencyCache()
    counter = Counter()

    async def scenario() -> None:
        await cache.respond(request("k"), 1, b"{}", counter.handler())
        await cache.respond(request("k"), 1, b"{ }", counter.handler())

    with pytest.raises(ApiError) as conflict:
        asyncio.run(scenario())
    assert conflict.value.status == 409
    assert counter.calls == 1


def test_without_a_key_every_request_runs() -> None:
    cache = IdempotencyCache()
    counter = Counter()

    async def scenario() -> None:
        for _ in range(3):
            await cache.respond(request(None), 1, b"{}", counter.handler())

    asyncio.run(scenario())
    assert counter.calls == 3
    assert len(cache) == 0


def test_a_server_error_is_not_remembered() -> None:
    cache = IdempotencyCache()
    counter = Counter(status=503)

    async def scenario() -> None:
        for _ in range(2):
            await cache.respond(request("k"), 1, b"{}", counter.handler())

    asyncio.run(scenario())
    assert counter.calls == 2


def test_an_api_error_is_remembered_as_its_response() -> None:
    cache = IdempotencyCache()
    calls = 0

    async def failing() -> Response:
        nonlocal calls
        calls += 1
        raise ApiError(400, "OrderException", "no", {"reason": "OFF_TICK"})

    async def scenario() -> list[Response]:
        return [await cache.respond(request("k"), 1, b"{}", failing) for _ in range(2)]

    first, second = asyncio.run(scenario())
    assert calls == 1
    assert first.status_code == second.status_code == 400
    assert first.body == second.body


def test_keys_expire_and_the_cache_stays_bounded() -> None:
    now = [0]
    cache = IdempotencyCache(ttl_ns=100, max_entries=3, clock=lambda: now[0])
    counter = Counter()

    async def send(key: str) -> None:
        await cache.respond(request(key), 1, b"{}", counter.handler())

    async def scenario() -> None:
        for key in "abcd":
            await send(key)
        assert len(cache) == 3  # "a" evicted to stay within 3
        await send("a")
        now[0] = 1_000
        await send("b")

    asyncio.run(scenario())
    assert counter.calls == 6
    assert len(cache) == 1
