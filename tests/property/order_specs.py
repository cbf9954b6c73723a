"""Strategies for the stateful test: order shapes drawn as offsets, resolved into commands
against the market as it stands when the step runs (so prices stay near the last trade)."""

from dataclasses import dataclass

import msgspec
from hypothesis import strategies as st

from bourse.domain import commands as cmd
from bourse.domain.enums import OrderType, Product, Side, Validity, Variety
from bourse.domain.instrument import Segment, make_instrument_token
from tests.property.reference_ledger import Market, ReferenceLedger

TOKENS = tuple(make_instrument_token(i, Segment.NSE) for i in (1, 2, 3))
UNKNOWN_TOKEN = make_instrument_token(99, Segment.NSE)
ACCOUNTS = (1, 2, 3, 4)
UNKNOWN_ACCOUNT = 77
TICK = 5
REFERENCE_PRICE = 100_00
STOPS = (OrderType.SL, OrderType.SL_M)
MARKETS = (OrderType.MARKET, OrderType.SL_M)


@dataclass(frozen=True)
class OrderSpec:
    account: int
    token_index: int
    side: Side
    order_type: OrderType
    product: Product
    quantity: int
    price: int | str
    """Ticks from the best opposite price (the last price when that side is empty), or
    "lower"/"upper" for the circuit limits."""
    trigger_ticks: int
    """How far beyond the last price a stop's trigger lies, in ticks."""
    stop_gap_ticks: int
    """How far beyond its trigger an SL's limit lies, in ticks."""
    validity: Validity
    ttl_minutes: int
    disclosed_percent: int
    """0: show everything; else the share of the quantity shown (at least 10 %)."""


def order_specs(
    order_types: tuple[OrderType, ...] = (
        OrderType.LIMIT,
        OrderType.LIMIT,
        OrderType.MARKET,
        OrderType.SL,
        OrderType.SL_M,
    ),
    validities: tuple[Validity, ...] = (Validity.DAY, Validity.DAY, Validity.IOC, Validity.TTL),
) -> st.SearchStrategy[OrderSpec]:
    return st.builds(
        OrderSpec,
        account=st.sampled_from((1, 2, 3, 1, 2, 3, 4)),
        token_index=st.integers(0, 2),
        side=st.sampled_from(Side),
        order_type=st.sampled_from(order_types),
        product=st.sampled_from((Product.CNC, Product.MIS, Product.NRML)),
        quantity=st.integers(1, 40),
        price=st.sampled_from((*range(-6, 7), "lower", "upper")),
        trigger_ticks=st.integers(1, 6),
        stop_gap_ticks=st.integers(0, 4),
        validity=st.sampled_from(validities),
        ttl_minutes=st.integers(1, 3),
        disclosed_percent=st.sampled_from((0, 0, 0, 10, 25, 50)),
    )


def clip(market: Market, price: int) -> int:
    return min(max(price, market.lower), market.upper)


def resolve_price(market: Market, price: int | str, anchor: int | None = None) -> int:
    if price == "lower":
        return market.lower
    if price == "upper":
        return market.upper
    assert isinstance(price, int)
    return clip(market, (market.last_price if anchor is None else anchor) + price * TICK)


def place_command(
    ledger: ReferenceLedger,
    tokens: tuple[int, ...],
    spec: OrderSpec,
    touch: dict[tuple[int, Side], int] | None = None,
) -> cmd.PlaceOrder:
    """A well-formed order for ``spec`` (the core may still refuse it for funds or limits).
    ``touch`` gives the best opposite price by (instrument, side of the incoming order)."""
    token = tokens[spec.token_index % len(tokens)]
    market = ledger.markets[token]
    is_buy = spec.side is Side.BUY
    price = resolve_price(market, spec.price, (touch or {}).get((token, spec.side)))
    trigger = 0
    if spec.order_type in STOPS:
        away = spec.trigger_ticks * TICK
        trigger = clip(market, market.last_price + away if is_buy else market.last_price - away)
        if spec.order_type is OrderType.SL:
            gap = spec.stop_gap_ticks * TICK
            price = clip(market, trigger + gap if is_buy else trigger - gap)
    if spec.order_type in MARKETS:
        price = 0
    disclosed = 0
    if spec.disclosed_percent and spec.order_type not in MARKETS:
        disclosed = min(spec.quantity, max(-(-spec.quantity * spec.disclosed_percent // 100), 1))
    return cmd.PlaceOrder(
        account=spec.account,
        token=token,
        side=spec.side,
        order_type=spec.order_type,
        product=spec.product,
        quantity=spec.quantity,
        price=price,
        trigger_price=trigger,
        validity=spec.validity,
        validity_ttl=spec.ttl_minutes if spec.validity is Validity.TTL else 0,
        disclosed_quantity=disclosed,
        variety=Variety.ICEBERG if disclosed and spec.quantity % 2 else Variety.REGULAR,
    )


FLAWS = (
    "off_tick",
    "zero_quantity",
    "negative_quantity",
    "above_freeze_quantity",
    "above_band",
    "below_band",
    "stop_trigger_behind_last_price",
    "stop_limit_beyond_trigger",
    "stop_without_trigger",
    "market_with_price",
    "limit_with_trigger",
    "unknown_instrument",
    "unknown_account",
    "insufficient_funds",
    "insufficient_holdings",
    "disclosed_above_quantity",
    "disclosed_below_tenth",
    "disclosed_on_market",
    "ttl_without_minutes",
    "day_with_minutes",
    "unsupported_variety",
    "iceberg_without_disclosed",
)


def flawed_command(
    ledger: ReferenceLedger, tokens: tuple[int, ...], spec: OrderSpec, flaw: str
) -> cmd.PlaceOrder:
    """``spec`` made invalid in exactly one documented way."""
    base = place_command(ledger, tokens, spec)
    market = ledger.markets[base.token]
    last = market.last_price
    is_buy = spec.side is Side.BUY
    replace = msgspec.structs.replace
    limit = replace(
        base,
        order_type=OrderType.LIMIT,
        price=resolve_price(market, spec.price),
        trigger_price=0,
        validity=Validity.DAY,
        validity_ttl=0,
        disclosed_quantity=0,
        variety=Variety.REGULAR,
    )
    trigger = last + TICK if is_buy else last - TICK
    changes: dict[str, cmd.PlaceOrder] = {
        "off_tick": replace(limit, price=limit.price + 2),
        "zero_quantity": replace(limit, quantity=0),
        "negative_quantity": replace(limit, quantity=-spec.quantity),
        "above_freeze_quantity": replace(limit, quantity=market.freeze + 1),
        "above_band": replace(limit, price=market.upper + TICK * spec.trigger_ticks),
        "below_band": replace(limit, price=market.lower - TICK * spec.trigger_ticks),
        "stop_trigger_behind_last_price": replace(
            limit,
            order_type=OrderType.SL_M,
            price=0,
            trigger_price=clip(market, last - TICK * spec.stop_gap_ticks)
            if is_buy
            else clip(market, last + TICK * spec.stop_gap_ticks),
        ),
        "stop_limit_beyond_trigger": replace(
            limit,
            order_type=OrderType.SL,
            trigger_price=trigger,
            price=trigger - TICK if is_buy else trigger + TICK,
        ),
        "stop_without_trigger": replace(limit, order_type=OrderType.SL, trigger_price=0),
        "market_with_price": replace(limit, order_type=OrderType.MARKET),
        "limit_with_trigger": replace(limit, trigger_price=trigger),
        "unknown_instrument": replace(limit, token=UNKNOWN_TOKEN),
        "unknown_account": replace(limit, account=UNKNOWN_ACCOUNT),
        "insufficient_funds": replace(
            limit, side=Side.BUY, product=Product.CNC, quantity=market.freeze
        ),
        "insufficient_holdings": replace(
            limit,
            side=Side.SELL,
            product=Product.CNC,
            quantity=ledger.accounts[spec.account].holdings.get(base.token, [0, 0])[0]
            + spec.quantity,
        ),
        "disclosed_above_quantity": replace(limit, disclosed_quantity=spec.quantity + 1),
        "disclosed_below_tenth": replace(limit, quantity=100 + spec.quantity, disclosed_quantity=9),
        "disclosed_on_market": replace(
            limit, order_type=OrderType.MARKET, price=0, disclosed_quantity=spec.quantity
        ),
        "ttl_without_minutes": replace(limit, validity=Validity.TTL, validity_ttl=0),
        "day_with_minutes": replace(limit, validity_ttl=spec.ttl_minutes),
        "unsupported_variety": replace(limit, variety=Variety.AMO),
        "iceberg_without_disclosed": replace(limit, variety=Variety.ICEBERG),
    }
    return changes[flaw]


@dataclass(frozen=True)
class ModifySpec:
    pick: int
    """Chooses the order: working orders first, sometimes any order ever placed."""
    any_order: bool
    by_owner: bool
    quantity_change: int | None
    price: int | str | None
    trigger_ticks: int | None
    order_type: OrderType | None
    disclosed_percent: int | None


modify_specs = st.builds(
    ModifySpec,
    pick=st.integers(0, 1_000),
    any_order=st.sampled_from((False, False, False, True)),
    by_owner=st.sampled_from((True, True, True, True, True, False)),
    quantity_change=st.one_of(st.none(), st.integers(-12, 12)),
    price=st.one_of(st.none(), st.integers(-8, 8), st.sampled_from(("lower", "upper"))),
    trigger_ticks=st.one_of(st.none(), st.integers(-2, 6)),
    order_type=st.one_of(st.none(), st.sampled_from(OrderType)),
    disclosed_percent=st.one_of(st.none(), st.sampled_from((0, 10, 50, 100))),
)
