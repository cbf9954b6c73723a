"""What an account sees of the ledger: its statement, tradebook, P&L and contract notes.

Every function takes the account id from its caller (the API passes the authenticated
principal's), so a query can only ever return that account's rows.
"""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from bourse.domain.types import AccountId
from bourse.ledger import chart
from bourse.ledger.pnl import TradeRow
from bourse.store.tables import (
    USER_CASH_POSTINGS,
    ledger_entries,
    ledger_postings,
    ledger_trades,
)

IST = timedelta(hours=5, minutes=30)
NS_PER_SECOND = 1_000_000_000
CHARGE_COLUMNS = ("brokerage", "stt", "exchange_charge", "sebi_fee", "gst", "stamp_duty")


def trading_day(ts_ns: int) -> date:
    """The exchange's calendar day (IST) of a time."""
    return (datetime.fromtimestamp(ts_ns // NS_PER_SECOND, UTC) + IST).date()


def day_bounds(day: date) -> tuple[int, int]:
    """[start, end) of an IST calendar day in nanoseconds UTC."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) - IST
    first = int(start.timestamp()) * NS_PER_SECOND
    return first, first + 86_400 * NS_PER_SECOND


def cash_buckets(account: AccountId) -> tuple[str, ...]:
    """The account's cash accounts, as the chart names them."""
    return (
        chart.cash_available(account),
        chart.cash_unsettled(account),
        chart.cash_blocked(account),
        chart.cash_payout(account),
    )


def _statement_query() -> sa.Select[Any]:
    newest = [
        sa.select(
            ledger_postings.c.entry_seq,
            ledger_postings.c.line,
            ledger_postings.c.account,
            ledger_postings.c.amount,
        )
        .where(ledger_postings.c.account == sa.bindparam(f"bucket_{n}"), USER_CASH_POSTINGS)
        .order_by(ledger_postings.c.entry_seq.desc(), ledger_postings.c.line.desc())
        .limit(sa.bindparam("limit"))
        .subquery()
        for n in range(len(cash_buckets(0)))
    ]
    postings = sa.union_all(*(sa.select(bucket) for bucket in newest)).subquery()
    return (
        sa.select(
            ledger_entries.c.seq,
            ledger_entries.c.ts_ns,
            ledger_entries.c.kind,
            ledger_entries.c.reference,
            postings.c.account,
            postings.c.amount,
        )
        .join(ledger_entries, ledger_entries.c.seq == postings.c.entry_seq)
        .order_by(postings.c.entry_seq.desc(), postings.c.line.desc())
        .limit(sa.bindparam("limit"))
    )


STATEMENT_QUERY = _statement_query()
"""An account's newest cash postings, newest first, with their entries; its parameters come
from ``statement_parameters``.

Each cash bucket's newest ``limit`` postings come from one backward range of the partial index
``ix_ledger_postings_user_cash`` (the condition ``USER_CASH_POSTINGS`` is repeated word for
word so that both planners see that the index holds every row asked for); they are joined to
their entries and the newest ``limit`` kept. So the query reads at most four times ``limit``
index rows, however many postings the account or the whole ledger has. Built once: building
it costs more than running it."""


def statement_parameters(account: AccountId, limit: int) -> dict[str, Any]:
    buckets = {f"bucket_{n}": name for n, name in enumerate(cash_buckets(account))}
    return buckets | {"limit": limit}


def statement(
    connection: Connection, account: AccountId, limit: int = 1_000
) -> list[dict[str, Any]]:
    """The account's cash postings, newest last: one row per posting to one of its cash
    buckets, with the entry's time, kind and reference."""
    prefix = chart.user_prefix(account) + "cash:"
    rows = connection.execute(STATEMENT_QUERY, statement_parameters(account, limit))
    found = [
        {
            "seq": seq,
            "ts_ns": ts_ns,
            "kind": kind,
            "reference": reference,
            "bucket": name[len(prefix) :],
            "amount": amount,
        }
        for seq, ts_ns, kind, reference, name, amount in rows
    ]
    found.reverse()
    return found


def tradebook(connection: Connection, account: AccountId) -> list[dict[str, Any]]:
    rows = connection.execute(
        sa.select(ledger_trades)
        .where(ledger_trades.c.account == account)
        .order_by(ledger_trades.c.seq, ledger_trades.c.side)
    )
    return [dict(row._mapping) for row in rows]


def trade_rows(trades: list[dict[str, Any]]) -> list[TradeRow]:
    return [
        TradeRow(
            t["ts_ns"],
            t["token"],
            t["side"],
            t["product"],
            t["quantity"],
            t["price"],
            sum(t[c] for c in CHARGE_COLUMNS),
        )
        for t in trades
    ]


def as_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def contract_note_days(trades: list[dict[str, Any]]) -> list[date]:
    return sorted({trading_day(t["ts_ns"]) for t in trades})


def contract_note(trades: list[dict[str, Any]], day: date) -> dict[str, Any]:
    """The day's trades with each charge summed per contract note, and the net obligation
    (negative: the account pays)."""
    start, end = day_bounds(day)
    mine = [t for t in trades if start <= t["ts_ns"] < end]
    charges = {c: sum(t[c] for t in mine) for c in CHARGE_COLUMNS}
    bought = sum(t["quantity"] * t["price"] for t in mine if t["side"] == "BUY")
    sold = sum(t["quantity"] * t["price"] for t in mine if t["side"] == "SELL")
    total_charges = sum(charges.values())
    return {
        "day": day,
        "trades": mine,
        "charges": charges,
        "total_charges": total_charges,
        "bought": bought,
        "sold": sold,
        "net": sold - bought - total_charges,
    }
