"""`bourse sim`: the simulator driving a remote Bourse over its public API (a load generator).

Each agent of the simulator becomes a user of the remote platform: it signs up (or logs in)
as ``sim-agent-<n>@bourse.local``, deposits cash with the development-mode
``POST /api/v1/funds/deposit`` and follows its own orders on the WebSocket (``/api/v1/ws``
order updates: fills and finished orders). The universe is whatever ``GET /api/v1/instruments``
lists. Agents hold no shares there, so they trade MIS (intraday, short selling allowed).

Every ``tick`` the simulator steps and its commands become HTTP calls, sent concurrently
(each account at most 40 a second, its excess queued in order):
PlaceOrder as ``POST /api/v1/orders/regular``, CancelOrder as ``DELETE``. Unlike the in-process
drivers, the cancels of a requote are not guaranteed to land before its places, so a market
maker's inventory bound can be overshot by what fills in between. The server's per-user rate
limit (``BOURSE_RATE_LIMIT_USER_PER_SECOND``) must allow the rate asked for; answers 429 are
counted, not retried.
"""

import asyncio
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from decimal import Decimal

import httpx
from websockets.asyncio.client import connect

from bourse.domain import commands as cmd
from bourse.domain.enums import Product
from bourse.domain.instrument import Instrument
from bourse.domain.money import to_paise
from bourse.domain.types import AccountId
from bourse.sim.config import SimConfig
from bourse.sim.market import MarketSimulator

AGENT_PASSWORD = "bourse-sim-agent-2026"
AGENT_DEPOSIT_RUPEES = 50_00_00_000  # Rs 50 crore
FINISHED = ("COMPLETE", "CANCELLED", "REJECTED")
ORDERS_PER_SECOND = 40
"""Below the core's default per-account limit (50 orders a second) for accounts opened by the
API; a market maker's opening ladder therefore takes a few seconds to build."""


@dataclass
class RemoteReport:
    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    rate_limited: int = 0
    failed: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    reasons: set[str] = field(default_factory=set)
    """A few distinct rejection messages, to tell what went wrong."""

    def summary(self, seconds: float) -> dict[str, object]:
        ordered = sorted(self.latencies_ms) or [0.0]
        return {
            "name": "bourse_sim",
            "seconds": round(seconds, 1),
            "requests": self.sent,
            "requests_per_s": round(self.sent / seconds) if seconds else 0,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "rate_limited": self.rate_limited,
            "failed": self.failed,
            "p50_ms": round(ordered[len(ordered) // 2], 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
            "rejection_examples": sorted(self.reasons),
        }


def instrument_from_wire(row: dict[str, object]) -> Instrument:
    close = to_paise(Decimal(str(row["close_price"])), field="close_price")
    upper = to_paise(Decimal(str(row["upper_circuit_limit"])), field="upper_circuit_limit")
    return Instrument(
        token=int(str(row["instrument_token"])),
        exchange=str(row["exchange"]),
        tradingsymbol=str(row["tradingsymbol"]),
        tick_size=to_paise(Decimal(str(row["tick_size"])), field="tick_size"),
        lot_size=int(str(row["lot_size"])),
        freeze_quantity=int(str(row["freeze_quantity"])),
        reference_price=close,
        band_bp=max(1, (upper - close) * 10_000 // close),
    )


class RemoteSimulation:
    def __init__(
        self,
        base_url: str,
        config: SimConfig,
        *,
        tick_seconds: float = 0.1,
        max_instruments: int = 20,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._max_instruments = max_instruments
        self._config = config
        self._tick = tick_seconds
        self.report = RemoteReport()
        self._tokens: dict[AccountId, str] = {}
        self._simulator: MarketSimulator | None = None
        self._filled: dict[int, tuple[int, Decimal]] = {}
        self._queues: defaultdict[AccountId, deque[cmd.Command]] = defaultdict(deque)

    async def run(self, seconds: float) -> dict[str, object]:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(base_url=self._base, timeout=30, limits=limits) as client:
            instruments = await self._instruments(client)
            simulator = MarketSimulator(self._config, instruments)
            simulator.desk.product = Product.MIS
            self._simulator = simulator
            for n, account in enumerate(simulator.accounts):
                self._tokens[account] = await self._agent(client, n)
            listeners = [
                asyncio.create_task(self._follow(account, token))
                for account, token in self._tokens.items()
            ]
            started = time.monotonic()
            last = started
            try:
                while time.monotonic() - started < seconds:
                    now = time.monotonic()
                    for command in simulator.step(min(now - last, 1.0)):
                        self._queues[getattr(command, "account", 0)].append(command)
                    last = now
                    await asyncio.gather(*(self._send(client, c) for c in self._due()))
                    await asyncio.sleep(max(0.0, self._tick - (time.monotonic() - now)))
            finally:
                for task in listeners:
                    task.cancel()
                await asyncio.gather(*listeners, return_exceptions=True)
            return self.report.summary(time.monotonic() - started)

    def _due(self) -> list[cmd.Command]:
        """Each account's next commands within its order rate budget (the core refuses more
        than ``ORDERS_PER_SECOND`` a second from one account); the rest waits, in order."""
        budget = max(1, int(ORDERS_PER_SECOND * self._tick))
        due: list[cmd.Command] = []
        for queue in self._queues.values():
            for _ in range(min(budget, len(queue))):
                due.append(queue.popleft())
        return due

    async def _instruments(self, client: httpx.AsyncClient) -> list[Instrument]:
        token = await self._agent(client, 0)
        answer = await client.get("/api/v1/instruments", headers=_bearer(token))
        answer.raise_for_status()
        rows = answer.json()["data"]
        listed = [instrument_from_wire(row) for row in rows if row.get("tradable", True)]
        listed = listed[: self._max_instruments]
        if not listed:
            raise RuntimeError(f"{self._base} lists no tradable instruments")
        return listed

    async def _agent(self, client: httpx.AsyncClient, n: int) -> str:
        email = f"sim-agent-{n}@bourse.local"
        credentials = {"email": email, "password": AGENT_PASSWORD}
        signed_up = await client.post("/api/v1/auth/signup", json=credentials)
        login = await client.post("/api/v1/auth/login", json=credentials)
        login.raise_for_status()
        token = str(login.json()["data"]["access_token"])
        if signed_up.status_code == 201:
            deposit = await client.post(
                "/api/v1/funds/deposit",
                json={"amount": AGENT_DEPOSIT_RUPEES, "reference": "bourse sim"},
                headers=_bearer(token),
            )
            deposit.raise_for_status()
        return token

    async def _send(self, client: httpx.AsyncClient, command: cmd.Command) -> None:
        simulator = self._simulator
        assert simulator is not None
        report = self.report
        if isinstance(command, cmd.PlaceOrder):
            body: dict[str, object] = {
                "exchange": "NSE",
                "tradingsymbol": simulator.instruments[
                    simulator.desk.index_of[command.token]
                ].tradingsymbol,
                "transaction_type": command.side.value,
                "order_type": command.order_type.value,
                "product": command.product.value,
                "quantity": command.quantity,
                "validity": command.validity.value,
                "tag": command.client_order_id,
            }
            if command.price:
                body["price"] = str(Decimal(command.price) / 100)
            if command.validity_ttl:
                body["validity_ttl"] = command.validity_ttl
            request = client.build_request(
                "POST",
                "/api/v1/orders/regular",
                json=body,
                headers=_bearer(self._tokens[command.account]),
            )
        elif isinstance(command, cmd.CancelOrder):
            request = client.build_request(
                "DELETE",
                f"/api/v1/orders/regular/{command.order_id}",
                headers=_bearer(self._tokens[command.account]),
            )
        else:
            return
        report.sent += 1
        sent = time.perf_counter()
        try:
            answer = await client.send(request)
        except httpx.HTTPError:
            report.failed += 1
            return
        report.latencies_ms.append((time.perf_counter() - sent) * 1000)
        if answer.status_code == 429:
            report.rate_limited += 1
        if not isinstance(command, cmd.PlaceOrder):
            return
        if answer.status_code == 200:
            report.accepted += 1
            simulator.desk.accepted(command.client_order_id, int(answer.json()["data"]["order_id"]))
        else:
            report.rejected += 1
            if len(report.reasons) < 5:
                report.reasons.add(str(answer.json().get("message", answer.status_code))[:120])
            simulator.desk.rejected(command.client_order_id)

    async def _follow(self, account: AccountId, token: str) -> None:
        url = self._base.replace("http", "ws", 1) + f"/api/v1/ws?access_token={token}"
        async with connect(url) as socket:
            async for message in socket:
                update = json.loads(message)
                if update.get("type") == "order":
                    self._order_update(update["data"])

    def _order_update(self, order: dict[str, object]) -> None:
        simulator = self._simulator
        assert simulator is not None
        if not str(order["order_id"]).isdigit():
            return
        order_id = int(str(order["order_id"]))
        filled = int(str(order["filled_quantity"]))
        average = Decimal(str(order["average_price"]))
        before, before_average = self._filled.get(order_id, (0, Decimal(0)))
        if filled > before:
            value = average * filled - before_average * before
            price = to_paise((value / (filled - before)).quantize(Decimal("0.01")), field="price")
            self._filled[order_id] = (filled, average)
            simulator.desk.filled(order_id, filled - before, price)
        if order["status"] in FINISHED:
            self._filled.pop(order_id, None)
            simulator.desk.finished(order_id)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
