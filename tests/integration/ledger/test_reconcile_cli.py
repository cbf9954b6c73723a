"""`bourse reconcile` end to end, as a separate process, on SQLite and PostgreSQL."""

import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from tests.integration.ledger.test_ledger_projection import trade_for_a_while

from bourse.store import create_store_engine
from bourse.store.tables import ledger_balances


def bourse(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bourse.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_reconcile_exits_zero_when_the_ledger_agrees_and_one_when_it_does_not(
    database_url: str, tmp_path: Path
) -> None:
    journal = tmp_path / "journal"
    trade_for_a_while(journal, None, seed=9, commands=300)

    clean = bourse("reconcile", "--journal", journal, "--database", database_url, "--catch-up")

    assert clean.returncode == 0, clean.stderr
    report = json.loads(clean.stdout)
    assert report["ok"] is True and report["event_seq"] > 0
    engine = create_store_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.update(ledger_balances)
                .where(ledger_balances.c.account == "bank:gateway")
                .values(balance=ledger_balances.c.balance - 100)
            )
    finally:
        engine.dispose()

    dirty = bourse("reconcile", "--journal", journal, "--database", database_url)

    assert dirty.returncode == 1
    differences = json.loads(dirty.stdout)["differences"]
    assert {
        "what": "bank:gateway INR",
        "ledger": differences[0]["ledger"],
        "core": differences[0]["core"],
    } in differences
    assert any(d["what"] == "sum of INR" for d in differences)


def test_reconcile_without_the_ledgers_journal_exits_two(database_url: str, tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    trade_for_a_while(journal, None, seed=9, commands=50)
    assert (
        bourse(
            "reconcile", "--journal", journal, "--database", database_url, "--catch-up"
        ).returncode
        == 0
    )

    broken = bourse("reconcile", "--journal", tmp_path / "elsewhere", "--database", database_url)

    assert broken.returncode == 2
    assert "has no journal" in broken.stderr
