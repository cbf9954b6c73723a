"""The WebSocket ``/api/v1/ws``: the caller's order updates and ticks of subscribed instruments.

Authentication is the REST one: an ``Authorization`` header, or ``?access_token=`` for
browsers (which cannot set headers on a WebSocket). A refused handshake gets an HTTP response
in the error envelope (401/429). The connection is closed with 1008 when the token expires.

Client messages follow Kite's ticker, in JSON::

    {"a": "subscribe",   "v": [408065, 884737]}     mode "quote" for new subscriptions
    {"a": "unsubscribe", "v": [408065]}
    {"a": "mode",        "v": ["full", [408065]]}   ltp | quote | full (subscribes too)

Server messages: ``{"type": "order", "data": {...}}`` (an order of the caller, in the REST
order shape, on every status change and fill), ``{"type": "ticks", "data": [...]}`` and
``{"type": "error", "data": "..."}``.
"""

import asyncio
import time

import msgspec
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from bourse.api.envelope import encode, failure
from bourse.api.errors import ApiError, from_identity
from bourse.api.gateway import Gateway
from bourse.api.stream_connection import CLOSE_POLICY, StreamConnection
from bourse.api.stream_hub import DEFAULT_MODE, MODES, StreamHub
from bourse.api.ws_frames import DIRECT_FRAMES
from bourse.identity.errors import IdentityError
from bourse.identity.models import Principal

PATH = "/api/v1/ws"
MAX_CLIENT_MESSAGE_BYTES = 64 * 1024
NS_PER_SECOND = 1_000_000_000

Tokens = list[int]


class ClientMessage(msgspec.Struct, forbid_unknown_fields=True):
    a: str
    v: list[int | str | list[int]] | None = None


class StreamError(msgspec.Struct, frozen=True):
    data: str
    type: str = "error"


_client_decoder = msgspec.json.Decoder(ClientMessage)


class StreamEndpoint:
    def __init__(self, gateway: Gateway, hub: StreamHub, *, max_order_backlog: int) -> None:
        self.gateway = gateway
        self.hub = hub
        self.max_order_backlog = max_order_backlog

    async def handle(self, websocket: WebSocket) -> None:
        principal = await self._authenticate(websocket)
        if principal is None:
            return
        await websocket.accept()
        connection = StreamConnection(
            websocket,
            principal.account_id,
            frames=websocket.scope["extensions"].get(DIRECT_FRAMES),
            max_order_backlog=self.max_order_backlog,
        )
        self.hub.register(connection)
        loop = asyncio.get_running_loop()
        left_ns = principal.expires_at_ns - time.time_ns()
        expiry = loop.call_later(
            max(0.0, left_ns / NS_PER_SECOND), connection.close, CLOSE_POLICY, "token expired"
        )
        sender = asyncio.create_task(connection.run_sender())
        receiver = asyncio.create_task(self._receive(websocket, connection))
        try:
            await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            expiry.cancel()
            self.hub.unregister(connection)
            receiver.cancel()
            connection.close(1000, "")
            await asyncio.gather(sender, receiver, return_exceptions=True)

    async def _authenticate(self, websocket: WebSocket) -> Principal | None:
        try:
            return await self.gateway.caller(websocket)
        except IdentityError as error:
            refusal = from_identity(error)
        except ApiError as error:
            refusal = error
        response = failure(
            refusal.status, refusal.error_type, refusal.message, refusal.data, refusal.headers
        )
        if "websocket.http.response" in websocket.scope.get("extensions", {}):
            await websocket.send_denial_response(response)
        else:
            await websocket.close(CLOSE_POLICY, refusal.message)
        return None

    async def _receive(self, websocket: WebSocket, connection: StreamConnection) -> None:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            raw: bytes = text.encode() if text is not None else message.get("bytes") or b""
            for problem in self._handle(connection, raw):
                connection.reply(encode(StreamError(problem)))

    def _handle(self, connection: StreamConnection, raw: bytes) -> list[str]:
        if len(raw) > MAX_CLIENT_MESSAGE_BYTES:
            return [f"message larger than {MAX_CLIENT_MESSAGE_BYTES} bytes"]
        try:
            message = _client_decoder.decode(raw)
        except msgspec.DecodeError as error:
            return [f"bad message: {error}"]
        values = message.v or []
        if len(values) > self.hub.max_subscriptions:
            return [
                f"{len(values)} values in one message; at most {self.hub.max_subscriptions} "
                "instruments per connection"
            ]
        if message.a in ("subscribe", "unsubscribe"):
            if not all(type(value) is int for value in values):
                return [f'"{message.a}" takes a list of instrument tokens']
            tokens: Tokens = values  # type: ignore[assignment]
            if message.a == "unsubscribe":
                self.hub.unsubscribe(connection, tokens)
                return []
            new = [token for token in tokens if token not in connection.modes]
            return self.hub.subscribe(connection, new, DEFAULT_MODE)
        if message.a == "mode":
            if (
                len(values) != 2
                or values[0] not in MODES
                or not isinstance(values[1], list)
                or not all(type(value) is int for value in values[1])
            ):
                if values and values[0] not in MODES:
                    return [f"mode {values[0]!r} is not one of {', '.join(MODES)}"]
                return [f'"mode" takes [mode, [tokens]] with mode one of {", ".join(MODES)}']
            if len(values[1]) > self.hub.max_subscriptions:
                return [
                    f"{len(values[1])} instruments in one message; at most "
                    f"{self.hub.max_subscriptions} per connection"
                ]
            return self.hub.subscribe(connection, values[1], str(values[0]))
        return [f"unknown action {message.a!r}: subscribe, unsubscribe or mode"]


def stream_route(
    gateway: Gateway, hub: StreamHub, *, max_order_backlog: int = 1000
) -> WebSocketRoute:
    endpoint = StreamEndpoint(gateway, hub, max_order_backlog=max_order_backlog)
    return WebSocketRoute(PATH, endpoint.handle, name="stream")
