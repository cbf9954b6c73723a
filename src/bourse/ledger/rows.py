"""The ledger's entries as the SQL drivers take them, and the balance changes they make.

On a busy market this runs for every posting (some twenty a trade), so it turns entries into
rows in a single pass and adds up the balance changes on the way. PostgreSQL's COPY takes text;
SQLite's ``executemany`` takes tuples. It stays interpreted: compiled with mypyc it was no
faster (its time goes to formatting and dict updates, which mypyc does the same way).
"""

from collections.abc import Sequence

from bourse.ledger.entries import Entry

BalanceChanges = dict[tuple[str, str], int]
"""The change of every (account, asset) balance, in paise or shares."""

SqlValue = int | str
"""One parameter of a SQLite statement."""


def copy_text(value: str) -> str:
    """A value in COPY's text format (references come from users: escape what COPY reads)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def copy_lines(entries: Sequence[Entry], entry_lines: list[str], changes: BalanceChanges) -> str:
    """The COPY text of ``entries``' postings; their entries' lines go to ``entry_lines`` and
    what they change to ``changes``."""
    posting_lines: list[str] = []
    for seq, ts_ns, kind, reference, postings in entries:
        entry_lines.append(f"{seq}\t{ts_ns}\t{kind}\t{copy_text(reference)}\n")
        for line, (account, asset, amount) in enumerate(postings):
            # Account and asset names are ours (digits, letters, ':' and '_'): no escaping.
            posting_lines.append(f"{seq}\t{line}\t{account}\t{asset}\t{amount}\n")
            key = (account, asset)
            changes[key] = changes.get(key, 0) + amount
    return "".join(posting_lines)


def parameter_rows(
    entries: Sequence[Entry],
    entry_values: list[SqlValue],
    posting_values: list[SqlValue],
    changes: BalanceChanges,
) -> None:
    """Add ``entries``' rows to ``entry_values`` (seq, ts_ns, kind, reference) and
    ``posting_values`` (entry_seq, line, account, asset, amount), one row after the other in a
    flat list, as the multi-row inserts bind them (a tuple per row, flattened per statement,
    cost a third more), and what they change to ``changes``."""
    add_entry = entry_values.extend
    add_posting = posting_values.extend
    for seq, ts_ns, kind, reference, postings in entries:
        add_entry((seq, ts_ns, kind, reference))
        for line, (account, asset, amount) in enumerate(postings):
            add_posting((seq, line, account, asset, amount))
            key = (account, asset)
            changes[key] = changes.get(key, 0) + amount
