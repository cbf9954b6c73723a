"""Statements from the ledger: cash statement, tradebook, P&L (FIFO, with the tax view) and
contract notes, each only ever of the caller's own account (the id comes from the token).

The ledger follows the core a moment behind (it is a projection); ``as_of_event`` says which
event a report includes.
"""

import asyncio
import datetime
from decimal import Decimal
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bourse.api.envelope import success
from bourse.api.errors import input_error, not_found
from bourse.api.gateway import Gateway
from bourse.api.operations import Operation
from bourse.api.wire_values import rupees
from bourse.core.engine import TradingCore
from bourse.ledger import statements
from bourse.ledger.contract_note_html import render_contract_note
from bourse.ledger.pnl import profit_and_loss
from bourse.ledger.service import LedgerReader

STATEMENTS_SERVICE = "ledger_reader"
TRADEBOOK_COLUMNS = (
    "seq", "ts_ns", "trade_id", "order_id", "token", "side", "product", "quantity", "price",
    *statements.CHARGE_COLUMNS,
)  # fmt: skip
STATEMENT_COLUMNS = ("seq", "ts_ns", "kind", "reference", "bucket", "amount")


class StatementLine(msgspec.Struct, frozen=True, kw_only=True):
    seq: int
    ts_ns: int
    kind: str
    reference: str
    bucket: str
    """available, unsettled, blocked or payout."""
    amount: Decimal


class TradeLine(msgspec.Struct, frozen=True, kw_only=True):
    trade_id: int
    order_id: int
    ts_ns: int
    instrument_token: int
    side: str
    product: str
    quantity: int
    price: Decimal
    charges: Decimal


class InstrumentPnl(msgspec.Struct, frozen=True, kw_only=True):
    instrument_token: int
    realized: Decimal
    unrealized: Decimal
    open_quantity: int
    charges: Decimal
    intraday: Decimal
    short_term: Decimal
    long_term: Decimal
    unmatched_quantity: int


class PnlReport(msgspec.Struct, frozen=True, kw_only=True):
    realized: Decimal
    unrealized: Decimal
    charges: Decimal
    instruments: list[InstrumentPnl]


def _market(core: TradingCore) -> tuple[dict[int, int], dict[int, str]]:
    prices = {token: state.last_price for token, state in core.instruments.items()}
    symbols = {token: s.instrument.tradingsymbol for token, s in core.instruments.items()}
    return prices, symbols


class StatementDesk:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        reader = gateway.services.get(STATEMENTS_SERVICE)
        if not isinstance(reader, LedgerReader):
            raise RuntimeError("the composition root registers no LedgerReader")
        self.reader = reader

    def _query(self, query: Any, *args: Any) -> Any:
        with self.reader.engine.connect() as connection:
            return query(connection, *args)

    async def statement(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        rows = await asyncio.to_thread(self._query, statements.statement, principal.account_id)
        return success([StatementLine(**{**row, "amount": rupees(row["amount"])}) for row in rows])

    async def statement_csv(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        rows = await asyncio.to_thread(self._query, statements.statement, principal.account_id)
        return _csv(statements.as_csv(rows, STATEMENT_COLUMNS), "statement.csv")

    async def tradebook(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        rows = await asyncio.to_thread(self._query, statements.tradebook, principal.account_id)
        return success([_trade_line(row) for row in rows])

    async def tradebook_csv(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        rows = await asyncio.to_thread(self._query, statements.tradebook, principal.account_id)
        return _csv(statements.as_csv(rows, TRADEBOOK_COLUMNS), "tradebook.csv")

    async def pnl(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        rows = await asyncio.to_thread(self._query, statements.tradebook, principal.account_id)
        prices, _ = await self.gateway.trading.read(_market)
        report = profit_and_loss(statements.trade_rows(rows), prices)
        return success(
            PnlReport(
                realized=rupees(report.realized),
                unrealized=rupees(report.unrealized),
                charges=rupees(report.charges),
                instruments=[
                    InstrumentPnl(
                        instrument_token=i.token,
                        realized=rupees(i.realized),
                        unrealized=rupees(i.unrealized),
                        open_quantity=i.open_quantity,
                        charges=rupees(i.charges),
                        intraday=rupees(i.intraday),
                        short_term=rupees(i.short_term),
                        long_term=rupees(i.long_term),
                        unmatched_quantity=i.unmatched_quantity,
                    )
                    for _, i in sorted(report.instruments.items())
                ],
            )
        )

    async def contract_notes(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        rows = await asyncio.to_thread(self._query, statements.tradebook, principal.account_id)
        return success([day.isoformat() for day in statements.contract_note_days(rows)])

    async def contract_note(self, request: Request) -> Response:
        principal = await self.gateway.caller(request)
        raw = request.path_params["day"]
        try:
            day = datetime.date.fromisoformat(raw)
        except ValueError:
            raise input_error(f"day {raw[:20]!r} is not a date like 2026-01-31") from None
        rows = await asyncio.to_thread(self._query, statements.tradebook, principal.account_id)
        note = statements.contract_note(rows, day)
        if not note["trades"]:
            raise not_found(f"contract note for {day.isoformat()}")
        _, symbols = await self.gateway.trading.read(_market)
        return HTMLResponse(render_contract_note(note, principal.account_id, symbols))


def _trade_line(row: dict[str, Any]) -> TradeLine:
    return TradeLine(
        trade_id=row["trade_id"],
        order_id=row["order_id"],
        ts_ns=row["ts_ns"],
        instrument_token=row["token"],
        side=row["side"],
        product=row["product"],
        quantity=row["quantity"],
        price=rupees(row["price"]),
        charges=rupees(sum(row[c] for c in statements.CHARGE_COLUMNS)),
    )


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def operations(gateway: Gateway) -> list[Operation]:
    if STATEMENTS_SERVICE not in gateway.services:
        return []
    desk = StatementDesk(gateway)
    reads = (401, 429)
    return [
        Operation(
            "GET",
            "/api/v1/reports/statement",
            desk.statement,
            tag="reports",
            summary="The caller's cash ledger statement (as a file: statement.csv)",
            response=list[StatementLine],
            errors=reads,
        ),
        Operation(
            "GET",
            "/api/v1/reports/statement.csv",
            desk.statement_csv,
            tag="reports",
            summary="The caller's cash ledger statement as CSV",
            errors=reads,
            include_in_schema=False,
        ),
        Operation(
            "GET",
            "/api/v1/reports/tradebook",
            desk.tradebook,
            tag="reports",
            summary="The caller's trades with their charges (as a file: tradebook.csv)",
            response=list[TradeLine],
            errors=reads,
        ),
        Operation(
            "GET",
            "/api/v1/reports/tradebook.csv",
            desk.tradebook_csv,
            tag="reports",
            summary="The caller's trades with their charges as CSV",
            errors=reads,
            include_in_schema=False,
        ),
        Operation(
            "GET",
            "/api/v1/reports/pnl",
            desk.pnl,
            tag="reports",
            summary="Realized (FIFO) and unrealized P&L, with intraday / short / long term",
            response=PnlReport,
            errors=(401, 429),
        ),
        Operation(
            "GET",
            "/api/v1/reports/contract-notes",
            desk.contract_notes,
            tag="reports",
            summary="The trading days (IST) with a contract note for the caller",
            response=list[str],
            errors=(401, 429),
        ),
        Operation(
            "GET",
            "/api/v1/reports/contract-notes/{day}",
            desk.contract_note,
            tag="reports",
            summary="One day's contract note, as a printable HTML page",
            errors=(400, 401, 404, 429),
            include_in_schema=False,
        ),
    ]
