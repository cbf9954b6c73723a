"""Reads of live core state: funds, positions, holdings and order-book depth.

Each ``read_*`` returns a function for ``JournaledCore.read``: it runs in the core thread
between commands and copies what it returns into immutable values (the core moves on as soon
as it returns). Units stay the core's (paise, shares); the API converts at the edge.
"""

from collections.abc import Callable, Iterable

import msgspec

from bourse.core.engine import TradingCore
from bourse.domain.enums import Product
from bourse.domain.instrument import Instrument
from bourse.domain.types import AccountId, InstrumentToken, Paise, Quantity

MAX_DEPTH_LEVELS = 20


class FundsSnapshot(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    opened: bool
    available: Paise
    blocked: Paise
    """Held for working orders."""
    utilised: Paise
    """Margin held against open MIS positions."""
    unsettled: Paise
    """The part of ``available`` that is delivery sale proceeds not yet settled (T+1)."""
    withdrawable: Paise
    """``available`` less ``unsettled`` (never below zero): what a withdrawal may take."""


class PositionSnapshot(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    instrument: Instrument
    product: Product
    net_quantity: Quantity
    cost: Paise
    """Basis of the open quantity (>= 0)."""
    margin: Paise
    realized_pnl: Paise
    buy_quantity: Quantity
    buy_value: Paise
    sell_quantity: Quantity
    sell_value: Paise
    last_price: Paise


class HoldingSnapshot(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    instrument: Instrument
    available: Quantity
    blocked: Quantity
    """Shares held for working sell orders."""
    cost: Paise
    last_price: Paise


Level = tuple[Paise, Quantity, int]


class DepthSnapshot(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    token: InstrumentToken
    bids: list[Level]
    asks: list[Level]
    """(price, visible quantity, orders), best first."""
    total_buy_quantity: Quantity
    total_sell_quantity: Quantity
    last_price: Paise
    lower_circuit: Paise
    upper_circuit: Paise


def read_funds(account_id: AccountId) -> Callable[[TradingCore], FundsSnapshot]:
    def read(core: TradingCore) -> FundsSnapshot:
        account = core.accounts.get(account_id)
        if account is None:
            return FundsSnapshot(
                opened=False, available=0, blocked=0, utilised=0, unsettled=0, withdrawable=0
            )
        utilised = sum(position.margin for position in account.positions.values())
        return FundsSnapshot(
            opened=True,
            available=account.cash_available,
            blocked=account.cash_blocked - utilised,
            utilised=utilised,
            unsettled=account.cash_unsettled,
            withdrawable=account.withdrawable,
        )

    return read


def read_positions(account_id: AccountId) -> Callable[[TradingCore], list[PositionSnapshot]]:
    def read(core: TradingCore) -> list[PositionSnapshot]:
        account = core.accounts.get(account_id)
        if account is None:
            return []
        found: list[PositionSnapshot] = []
        for (token, product), position in account.positions.items():
            state = core.instruments[token]
            found.append(
                PositionSnapshot(
                    instrument=state.instrument,
                    product=product,
                    net_quantity=position.net_quantity,
                    cost=position.cost,
                    margin=position.margin,
                    realized_pnl=position.realized_pnl,
                    buy_quantity=position.buy_quantity,
                    buy_value=position.buy_value,
                    sell_quantity=position.sell_quantity,
                    sell_value=position.sell_value,
                    last_price=state.last_price,
                )
            )
        return found

    return read


def read_holdings(account_id: AccountId) -> Callable[[TradingCore], list[HoldingSnapshot]]:
    def read(core: TradingCore) -> list[HoldingSnapshot]:
        account = core.accounts.get(account_id)
        if account is None:
            return []
        found: list[HoldingSnapshot] = []
        for token, holding in account.holdings.items():
            if holding.available + holding.blocked == 0:
                continue
            state = core.instruments[token]
            found.append(
                HoldingSnapshot(
                    instrument=state.instrument,
                    available=holding.available,
                    blocked=holding.blocked,
                    cost=holding.cost,
                    last_price=state.last_price,
                )
            )
        return found

    return read


def read_depth(
    tokens: Iterable[InstrumentToken], levels: int = 5
) -> Callable[[TradingCore], dict[InstrumentToken, DepthSnapshot]]:
    """Depth of each listed token among ``tokens`` (unknown ones are left out)."""
    wanted = list(tokens)
    levels = max(1, min(levels, MAX_DEPTH_LEVELS))

    def read(core: TradingCore) -> dict[InstrumentToken, DepthSnapshot]:
        found: dict[InstrumentToken, DepthSnapshot] = {}
        for token in wanted:
            state = core.instruments.get(token)
            if state is None:
                continue
            book = core.books[token]
            bids, asks = core.depth(token, levels)
            found[token] = DepthSnapshot(
                token=token,
                bids=bids,
                asks=asks,
                total_buy_quantity=book.bids.total_visible(),
                total_sell_quantity=book.asks.total_visible(),
                last_price=state.last_price,
                lower_circuit=state.lower_circuit,
                upper_circuit=state.upper_circuit,
            )
        return found

    return read
