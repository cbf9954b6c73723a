"""uvicorn with ``CoalescingHttpToolsProtocol`` (as ``bourse serve`` runs it), over raw sockets:
heads and bodies still arrive whole and in order, on kept-alive connections, for streamed
bodies, HEAD, 204 and ``Expect: 100-continue``."""

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from tests.integration.api.conftest import START_TIMEOUT_SECONDS, free_port

from bourse.cli_platform import UVICORN_OPTIONS


async def echo(request: Request) -> Response:
    return JSONResponse({"echo": (await request.body()).decode()})


async def nothing(request: Request) -> Response:
    return Response(status_code=204)


async def slow_stream(request: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"first,"
        await asyncio.sleep(0.05)  # later turns of the loop
        yield b"second"

    return StreamingResponse(chunks(), media_type="text/plain")


APP = Starlette(
    routes=[
        Route("/echo", echo, methods=["GET", "POST"]),
        Route("/nothing", nothing),
        Route("/stream", slow_stream),
    ]
)


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    port = free_port()
    config = uvicorn.Config(
        APP, host="127.0.0.1", port=port, log_level="warning", http=UVICORN_OPTIONS["http"]
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    yield port
    server.should_exit = True
    thread.join(START_TIMEOUT_SECONDS)


def read_response(sock: socket.socket, buffer: bytearray) -> tuple[bytes, bytes]:
    """One whole response (head, body) off ``sock``; what follows stays in ``buffer``."""
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    fields = dict(line.split(b": ", 1) for line in head.lower().split(b"\r\n")[1:] if b": " in line)
    if b"content-length" in fields:
        length = int(fields[b"content-length"])
        while len(rest) < length:
            more = sock.recv(65536)
            assert more, "connection closed mid-body"
            rest += more
        body, rest = rest[:length], rest[length:]
    elif fields.get(b"transfer-encoding") == b"chunked":
        while not rest.endswith(b"0\r\n\r\n"):
            rest += sock.recv(65536)
        body, rest = _dechunk(rest), b""
    else:
        body = b""
    buffer[:] = rest
    return head, body


def _dechunk(data: bytes) -> bytes:
    body = b""
    while True:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return body
        body, data = body + data[:size], data[size + 2 :]


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def test_kept_alive_answers_arrive_whole_and_in_order(port: int) -> None:
    with connect(port) as sock:
        buffer = bytearray()
        for n in range(20):
            body = f"request {n}".encode()
            sock.sendall(
                b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            head, answer = read_response(sock, buffer)
            assert head.startswith(b"HTTP/1.1 200 OK")
            assert answer == f'{{"echo":"request {n}"}}'.encode()
        assert buffer == b""


def read_head(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    return data


def test_head_and_no_content_have_no_body(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(b"HEAD /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        head = read_head(sock)
        assert head.startswith(b"HTTP/1.1 200 OK")
        assert head.endswith(b"\r\n\r\n")
        sock.sendall(b"GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n")
        head = read_head(sock)
        assert head.startswith(b"HTTP/1.1 204 No Content")
        assert head.endswith(b"\r\n\r\n")


def test_a_streamed_body_arrives_over_several_turns(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(b"GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
        head, body = read_response(sock, bytearray())
        assert head.startswith(b"HTTP/1.1 200 OK")
        assert body == b"first,second"


def test_expect_100_continue_is_answered_before_the_body_is_sent(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(
            b"POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
        )
        interim = sock.recv(65536)
        assert interim.startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(b"hello")
        head, body = read_response(sock, bytearray(interim.partition(b"\r\n\r\n")[2]))
        assert head.startswith(b"HTTP/1.1 200 OK")
        assert body == b'{"echo":"hello"}'
