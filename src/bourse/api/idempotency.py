"""``Idempotency-Key``: a retried write gets the first attempt's answer, never a second effect.

Keys are scoped to the user. The first request with a key runs; requests with the same key
that arrive while it runs await the same result; later ones get the remembered status and
body (marked ``Idempotent-Replayed: true``). A key reused with a different request (method,
path or raw body) is refused with 409 and changes nothing.

The work runs in its own task, shielded from the request that started it: a client that hangs
up mid-request does not cancel an order half-way, and its retry gets the outcome. Errors are
remembered like successes (a rejected order stays rejected), except 5xx, which may be retried.

Results are kept in memory for ``ttl_ns`` (24 h), at most ``max_entries`` of them (oldest
evicted first), per gateway process: a retry must reach the same process (sticky sessions) until
the keys move to Redis with the distributed mode.
"""

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from bourse.api.errors import ApiError, error_response, input_error

KEY_HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
DAY_NS = 24 * 3600 * 1_000_000_000
_SKIPPED_HEADERS = frozenset({"content-length", "content-type"})

Handler = Callable[[], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    body: bytes
    media_type: str | None
    headers: tuple[tuple[str, str], ...]

    def response(self, *, replayed: bool) -> Response:
        headers = dict(self.headers)
        if replayed:
            headers[REPLAYED_HEADER] = "true"
        return Response(self.body, self.status, headers, self.media_type)


@dataclass(slots=True)
class _Entry:
    fingerprint: bytes
    task: "asyncio.Future[StoredResponse]"
    created_ns: int


def fingerprint(request: Request, body: bytes) -> bytes:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0")
    digest.update(request.url.path.encode())
    digest.update(b"\0")
    digest.update(body)
    return digest.digest()


def _check_key(key: str) -> None:
    if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise input_error(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters"
        )


class IdempotencyCache:
    def __init__(
        self,
        *,
        ttl_ns: int = DAY_NS,
        max_entries: int = 100_000,
        clock: Callable[[], int] = time.monotonic_ns,
    ) -> None:
        self._ttl = ttl_ns
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[tuple[int, str], _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def respond(
        self, request: Request, user_id: int, body: bytes, handler: Handler
    ) -> Response:
        """Run ``handler`` at most once per (user, Idempotency-Key); without the header, run
        it plainly."""
        key = request.headers.get(KEY_HEADER)
        if key is None:
            return await handler()
        _check_key(key)
        now = self._clock()
        self._evict(now)
        scoped = (user_id, key)
        request_print = fingerprint(request, body)
        entry = self._entries.get(scoped)
        if entry is not None:
            if entry.fingerprint != request_print:
                raise ApiError(
                    409,
                    "InputException",
                    "Idempotency-Key was already used with a different request",
                )
            stored = await asyncio.shield(entry.task)
            return stored.response(replayed=True)
        task = asyncio.ensure_future(self._run(request, handler))
        entry = _Entry(request_print, task, now)
        self._entries[scoped] = entry
        task.add_done_callback(lambda done: self._forget_failure(scoped, entry, done))
        stored = await asyncio.shield(task)
        return stored.response(replayed=False)

    async def _run(self, request: Request, handler: Handler) -> StoredResponse:
        try:
            response = await handler()
        except Exception as error:
            response = await error_response(request, error)
        headers = tuple(
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in response.raw_headers
            if name.decode("latin-1").lower() not in _SKIPPED_HEADERS
        )
        return StoredResponse(
            response.status_code, bytes(response.body), response.media_type, headers
        )

    def _forget_failure(
        self, scoped: tuple[int, str], entry: _Entry, done: "asyncio.Future[StoredResponse]"
    ) -> None:
        failed = done.cancelled() or done.exception() is not None or done.result().status >= 500
        if failed and self._entries.get(scoped) is entry:
            del self._entries[scoped]

    def _evict(self, now: int) -> None:
        entries = self._entries
        while entries:
            oldest = next(iter(entries.values()))
            if now - oldest.created_ns < self._ttl and len(entries) < self._max:
                break
            entries.popitem(last=False)
