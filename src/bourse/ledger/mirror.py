"""What the bookkeeper must remember between events to post them: a thin mirror of the core.

The core's events say what it decided but not every amount that moved; a fill, for instance,
does not say how much MIS margin it locked or which charges it paid. The mirror keeps just
enough — working orders' blocks and charges paid by component, MIS positions, which part of an
account's cash and shares is unsettled — to derive those amounts exactly as the core did, with
the core's own pure rules (``bourse.core.risk``, ``bourse.core.settlement``).

It lives in memory and is rebuilt at startup from the events the ledger already committed (the
projection runner hands them to ``LedgerProjection.warm``).
"""

from bourse.core.state import Position
from bourse.domain.enums import Product, Side
from bourse.domain.types import AccountId, InstrumentToken, OrderId, Paise, Quantity
from bourse.ledger.chart import AccountNames, security

COMPONENTS = 6
"""Charge components, in ``ChargeBreakdown`` order."""


class MirrorOrder:
    __slots__ = (
        "account",
        "blocked_cash",
        "blocked_quantity",
        "filled_value",
        "is_buy",
        "owner",
        "paid",
        "product",
        "side",
        "token",
    )

    def __init__(
        self,
        account: AccountId,
        owner: "MirrorAccount",
        token: InstrumentToken,
        side: Side,
        product: Product,
        blocked_cash: Paise,
        blocked_quantity: Quantity,
    ) -> None:
        self.account = account
        self.owner = owner  # a direct reference: fills need no lookup
        self.token = token
        self.side = side
        self.is_buy = side is Side.BUY
        self.product = product
        self.blocked_cash = blocked_cash
        self.blocked_quantity = blocked_quantity
        self.filled_value = 0
        self.paid = [0] * COMPONENTS


class MirrorHolding:
    __slots__ = ("available", "unsettled")

    def __init__(self) -> None:
        self.available = 0  # as the core counts it: T1 shares included
        self.unsettled = 0


class MirrorAccount:
    __slots__ = ("cash_available", "cash_unsettled", "holdings", "names", "positions")

    def __init__(self, account: AccountId) -> None:
        self.names = AccountNames(account)
        self.cash_available = 0  # as the core counts it: unsettled proceeds included
        self.cash_unsettled = 0
        self.holdings: dict[InstrumentToken, MirrorHolding] = {}
        self.positions: dict[InstrumentToken, Position] = {}

    def holding(self, token: InstrumentToken) -> MirrorHolding:
        holding = self.holdings.get(token)
        if holding is None:
            holding = self.holdings[token] = MirrorHolding()
        return holding

    def position(self, token: InstrumentToken) -> Position:
        position = self.positions.get(token)
        if position is None:
            position = self.positions[token] = Position()
        return position

    def spend_cash(self, cash: Paise) -> Paise:
        """Take ``cash`` out of available, settled first; return how much was unsettled."""
        settled = self.cash_available - self.cash_unsettled
        from_unsettled = cash - settled if cash > settled else 0
        self.cash_unsettled -= from_unsettled
        self.cash_available -= cash
        return from_unsettled

    def spend_shares(self, token: InstrumentToken, shares: Quantity) -> Quantity:
        """Take ``shares`` out of available, settled first; return how many were T1."""
        holding = self.holding(token)
        settled = holding.available - holding.unsettled
        from_unsettled = shares - settled if shares > settled else 0
        holding.unsettled -= from_unsettled
        holding.available -= shares
        return from_unsettled


class Band:
    """An instrument's circuit limits and MIS leverage (fixed at listing)."""

    __slots__ = ("leverage", "lower", "upper")

    def __init__(self, lower: Paise, upper: Paise, leverage: int) -> None:
        self.lower = lower
        self.upper = upper
        self.leverage = leverage


class Mirror:
    def __init__(self) -> None:
        self.last_seq = 0
        self.accounts: dict[AccountId, MirrorAccount] = {}
        self.orders: dict[OrderId, MirrorOrder] = {}
        self.bands: dict[InstrumentToken, Band] = {}
        self.assets: dict[InstrumentToken, str] = {}
        """Each instrument's asset name, made once (as ``MirrorAccount.names``)."""

    def account(self, account: AccountId) -> MirrorAccount:
        found = self.accounts.get(account)
        if found is None:
            found = self.accounts[account] = MirrorAccount(account)
        return found

    def asset(self, token: InstrumentToken) -> str:
        found = self.assets.get(token)
        if found is None:
            found = self.assets[token] = security(token)
        return found
