"""Reconciliation: the SQL ledger against the core's state, to the paisa and the share.

The core is rebuilt from the journal (read-only) up to exactly the event the ledger has
committed (its checkpoint always falls between commands: batches hold whole commands), and
every balance the two can both state is compared:

* each user account, bucket by bucket (chart of accounts ↔ the core's cash, unsettled proceeds,
  blocks, pending payouts, holdings, T1 shares and MIS positions);
* the broker's clearing cash, the fees collected (income plus every payable) and the bank
  account (minus money paid in, plus money paid out);
* the ledger with itself: ``ledger_balances`` equals the sum of the postings, and every asset
  sums to zero.

Each run is recorded in ``ledger_reconciliations``; while the newest run found differences,
withdrawals are frozen (``withdrawals_frozen``).
"""

import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from bourse.core.engine import TradingCore
from bourse.domain.enums import Product
from bourse.journal.file_log import LOG_FILE_NAME, FileCommandLog
from bourse.journal.recovery import TRADING_CORE, JournalPaths, apply_record, load_config
from bourse.ledger import chart
from bourse.ledger.chart import BANK, CHARGE_ACCOUNTS, CLEARING, INR
from bourse.ledger.projection import LEDGER_PROJECTION
from bourse.ledger.sql import read_balances, sum_postings
from bourse.projection.checkpoints import read_checkpoints
from bourse.store.tables import ledger_reconciliations

Key = tuple[str, str]


@dataclass(frozen=True)
class Difference:
    what: str
    ledger: int
    core: int


@dataclass
class ReconciliationReport:
    event_seq: int
    compared: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "event_seq": self.event_seq,
            "compared": self.compared,
            "differences": [
                {"what": d.what, "ledger": d.ledger, "core": d.core} for d in self.differences
            ],
        }


def core_at_event(journal: Path, event_seq: int) -> TradingCore:
    """The core rebuilt from ``journal`` until it has emitted exactly ``event_seq`` events."""
    if not JournalPaths(journal).config.exists() or not (journal / LOG_FILE_NAME).exists():
        if event_seq:
            raise ValueError(f"the ledger is at event {event_seq} but {journal} has no journal")
        return TradingCore()
    core = TradingCore(load_config(journal, TRADING_CORE))
    with FileCommandLog.open(journal, read_only=True) as log:
        for offset, record in log.scan_from(1):
            if core.event_seq >= event_seq:
                break
            apply_record(core, offset, record, log.path)
    if core.event_seq != event_seq:
        raise ValueError(
            f"the ledger is at event {event_seq} but the journal replays to event "
            f"{core.event_seq} at a command boundary"
        )
    return core


def user_balances(core: TradingCore) -> dict[Key, int]:
    """What the ledger must hold in each user account, from the core's state."""
    expected: dict[Key, int] = {}

    def put(account: str, asset: str, amount: int) -> None:
        if amount:
            expected[(account, asset)] = amount

    for a, account in core.accounts.items():
        put(chart.cash_available(a), INR, account.cash_available - account.cash_unsettled)
        put(chart.cash_unsettled(a), INR, account.cash_unsettled)
        put(chart.cash_blocked(a), INR, account.cash_blocked)
        put(chart.cash_payout(a), INR, sum(account.payouts.values()))
        for token, holding in account.holdings.items():
            asset = chart.security(token)
            put(chart.securities_available(a), asset, holding.available - holding.unsettled)
            put(chart.securities_unsettled(a), asset, holding.unsettled)
            put(chart.securities_blocked(a), asset, holding.blocked)
        for (token, product), position in account.positions.items():
            if product is Product.MIS:
                put(chart.intraday(a), chart.security(token), position.net_quantity)
    return expected


def compare(
    balances: dict[Key, int], postings: dict[Key, int], core: TradingCore
) -> list[Difference]:
    differences: list[Difference] = []

    def check(what: str, ledger: int, expected: int) -> None:
        if ledger != expected:
            differences.append(Difference(what, ledger, expected))

    expected = user_balances(core)
    users = {key for key in balances if key[0].startswith("user:")} | set(expected)
    for key in sorted(users):
        check(f"{key[0]} {key[1]}", balances.get(key, 0), expected.get(key, 0))
    totals = core.totals
    check(f"{CLEARING} {INR}", balances.get((CLEARING, INR), 0), totals.clearing)
    fees = sum(balances.get((name, INR), 0) for name in CHARGE_ACCOUNTS)
    check(f"charges {INR}", fees, totals.fees)
    check(f"{BANK} {INR}", balances.get((BANK, INR), 0), totals.withdrawals - totals.deposits)
    for key in sorted(set(balances) | set(postings)):
        check(f"balance vs postings {key[0]} {key[1]}", balances.get(key, 0), postings.get(key, 0))
    per_asset: dict[str, int] = {}
    for (_, asset), amount in balances.items():
        per_asset[asset] = per_asset.get(asset, 0) + amount
    for asset, total in sorted(per_asset.items()):
        check(f"sum of {asset}", total, 0)
    return differences


def reconcile(engine: Engine, journal: Path, *, now_ns: int | None = None) -> ReconciliationReport:
    """Compare, record the run, and return its report."""
    with engine.connect() as connection:
        event_seq = read_checkpoints(connection, [LEDGER_PROJECTION])[LEDGER_PROJECTION]
        balances = read_balances(connection)
        postings = sum_postings(connection)
        connection.rollback()
    core = core_at_event(journal, event_seq)
    report = ReconciliationReport(event_seq, compared=len(balances))
    report.differences = compare(balances, postings, core)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(ledger_reconciliations).values(
                at_ns=time.time_ns() if now_ns is None else now_ns,
                event_seq=event_seq,
                differences=len(report.differences),
                report=report.as_json(),
            )
        )
    return report


def withdrawals_frozen(connection: Connection) -> str | None:
    """Why withdrawals are frozen (the newest reconciliation found differences), or None."""
    newest = connection.execute(
        sa.select(ledger_reconciliations.c.differences, ledger_reconciliations.c.event_seq)
        .order_by(ledger_reconciliations.c.id.desc())
        .limit(1)
    ).first()
    if newest is None or newest.differences == 0:
        return None
    return (
        f"withdrawals are frozen: the reconciliation at event {newest.event_seq} found "
        f"{newest.differences} differences between the ledger and the core"
    )
