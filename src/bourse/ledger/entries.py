"""Ledger values: a posting moves an amount of one asset into (or, negative, out of) an
account; an entry is the postings of one event and sums to zero per asset."""

from typing import NamedTuple

from bourse.domain.types import AccountId, InstrumentToken, OrderId, Paise, Quantity, TradeId
from bourse.ledger.errors import UnbalancedEntryError

Posting = tuple[str, str, int]
"""(account, asset, amount). A plain tuple: the bookkeeper makes some twenty per trade, and a
NamedTuple's Python-level ``__new__`` was 11% of the projector's CPU (py-spy)."""


class Entry(NamedTuple):
    """The postings one event caused; ``seq`` is that event's number in the core's stream."""

    seq: int
    ts_ns: int
    kind: str
    reference: str
    postings: list[Posting]


class TradeLeg(NamedTuple):
    """One account's side of a fill (or of a square-off), with its charges by component, as a
    contract note lists it. ``order_id`` and ``trade_id`` are 0 for a square-off."""

    seq: int
    ts_ns: int
    trade_id: TradeId
    order_id: OrderId
    account: AccountId
    token: InstrumentToken
    side: str
    product: str
    quantity: Quantity
    price: Paise
    brokerage: Paise
    stt: Paise
    exchange_charge: Paise
    sebi_fee: Paise
    gst: Paise
    stamp_duty: Paise


def new_entry(seq: int, ts_ns: int, kind: str, reference: str, postings: list[Posting]) -> Entry:
    """``Entry(...)`` without the NamedTuple's ``__new__``, a Python function even when called
    from compiled code: a third of the time (three entries a trade)."""
    return tuple.__new__(Entry, (seq, ts_ns, kind, reference, postings))


def new_trade_leg(values: tuple[int | str, ...]) -> TradeLeg:
    """``TradeLeg(*values)`` without the NamedTuple's ``__new__`` (see ``new_entry``)."""
    assert len(values) == len(TradeLeg._fields)
    return tuple.__new__(TradeLeg, values)


def check_balanced(entry: Entry) -> None:
    """Raise ``UnbalancedEntryError`` unless ``entry`` sums to zero per asset."""
    postings = entry.postings
    first = postings[0][1] if postings else ""
    total = 0
    for _, asset, amount in postings:
        if asset != first:
            break  # several assets: the general check below
        total += amount
    else:
        if total:
            raise UnbalancedEntryError(
                f"entry for event {entry.seq} ({entry.kind}) is off by {{{first!r}: {total}}}"
            )
        return
    sums: dict[str, int] = {}
    for _, asset, amount in entry.postings:
        sums[asset] = sums.get(asset, 0) + amount
    off = {asset: total for asset, total in sums.items() if total}
    if off:
        raise UnbalancedEntryError(f"entry for event {entry.seq} ({entry.kind}) is off by {off}")
