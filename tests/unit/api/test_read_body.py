"""``read_body``: the whole body from ``receive``, the same ``request.body()`` gives after it."""

import asyncio

import pytest
from starlette.requests import ClientDisconnect, Request
from starlette.types import Message

from bourse.api.bodies import read_body


def request_of(*messages: Message) -> Request:
    pending = list(messages)

    async def receive() -> Message:
        return pending.pop(0)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""}
    return Request(scope, receive)


def test_a_body_in_several_messages_is_read_whole_and_kept_for_request_body() -> None:
    request = request_of(
        {"type": "http.request", "body": b'{"a":', "more_body": True},
        {"type": "http.request", "body": b"1}", "more_body": False},
    )

    async def read() -> tuple[bytes, bytes, bytes]:
        return await read_body(request), await read_body(request), await request.body()

    assert asyncio.run(read()) == (b'{"a":1}', b'{"a":1}', b'{"a":1}')


def test_a_client_that_hangs_up_mid_body_is_a_disconnect() -> None:
    request = request_of(
        {"type": "http.request", "body": b"{", "more_body": True}, {"type": "http.disconnect"}
    )

    with pytest.raises(ClientDisconnect):
        asyncio.run(read_body(request))
