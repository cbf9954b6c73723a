"""Invariants of the trading core's own state (DESIGN.md §5), checked after every step of the
stateful test. Each reads ``TradingCore`` internals (books, orders, accounts, totals) and asserts
with a message that names the account, order or level at fault."""

from bourse.core.engine import TradingCore
from bourse.domain.enums import OrderStatus, Product
from tests.property.reference_book import ReferenceBook
from tests.property.reference_ledger import ReferenceLedger


def check_book_is_never_crossed_and_levels_add_up(core: TradingCore) -> None:
    for token, book in core.books.items():
        bids, asks = book.bids.levels, book.asks.levels
        if bids and asks:
            assert max(bids) < min(asks), f"crossed book {token}: {max(bids)} >= {min(asks)}"
        assert book.best_bid() == (max(bids) if bids else None), f"best bid of {token}"
        assert book.best_ask() == (min(asks) if asks else None), f"best ask of {token}"
        for side in (book.bids, book.asks):
            for price, level in side.levels.items():
                live = [o for o in level.queue if o.in_book]
                assert len({id(o) for o in live}) == len(live), (
                    f"level {price} of {token} holds an order twice: {[o.order_id for o in live]}"
                )
                assert level.live == len(live) > 0, f"level {price} count of {token}"
                assert level.visible == sum(o.visible_quantity for o in live), (
                    f"level {price} of {token} shows {level.visible}"
                )
                assert all(o.price == price for o in live), f"level {price} of {token}"


def check_orders_never_fill_beyond_their_quantity(core: TradingCore) -> None:
    for order_id, order in core.orders.items():
        assert order.order_id == order_id
        assert 0 <= order.filled_quantity < order.quantity, (
            f"working order {order_id} filled {order.filled_quantity}/{order.quantity}"
        )
        if order.in_book:
            assert order.status is OrderStatus.OPEN
            assert 0 < order.visible_quantity <= order.quantity - order.filled_quantity
        else:
            assert order.status is OrderStatus.TRIGGER_PENDING, (
                f"order {order_id} is working, {order.status}, but neither in the book "
                "nor waiting for its trigger"
            )


def check_books_and_stops_match_the_reference(
    core: TradingCore, reference: ReferenceBook, ledger: ReferenceLedger, tokens: tuple[int, ...]
) -> None:
    assert set(core.orders) == reference.working_ids() == set(ledger.orders)
    for token in tokens:
        book = core.books[token]
        core_side = [(o.price, o.order_id, o.visible_quantity) for o in book.resting_orders()]
        reference_side = reference.book(token, True) + reference.book(token, False)
        assert core_side == reference_side, f"book {token}: {core_side} != {reference_side}"
        pending = [o.order_id for o in core.stops[token].pending()]
        waiting = sorted(
            o.order_id for o in reference.working.values() if o.token == token and o.waiting
        )
        assert pending == waiting, f"stops {token}: {pending} != {waiting}"


def check_cash_and_shares_are_conserved(
    core: TradingCore, tokens: tuple[int, ...], shares_deposited: dict[int, int]
) -> None:
    totals = core.totals
    cash = sum(
        a.cash_available + a.cash_blocked + sum(a.payouts.values()) for a in core.accounts.values()
    )
    assert cash + totals.clearing + totals.fees == totals.deposits - totals.withdrawals, (
        f"cash {cash} + clearing {totals.clearing} + fees {totals.fees} != deposits "
        f"{totals.deposits} - withdrawals {totals.withdrawals}"
    )
    for token in tokens:
        held = sum(
            h.available + h.blocked
            for a in core.accounts.values()
            for t, h in a.holdings.items()
            if t == token
        )
        intraday = sum(
            p.net_quantity
            for a in core.accounts.values()
            for (t, product), p in a.positions.items()
            if t == token and product is Product.MIS
        )
        deposited = shares_deposited.get(token, 0)
        assert held + intraday == deposited, (
            f"{token}: holdings {held} + MIS positions {intraday} != deposited {deposited}"
        )


def check_no_balance_is_negative_and_positions_are_covered(core: TradingCore) -> None:
    for account in core.accounts.values():
        assert account.cash_available >= 0, f"account {account.account_id} overdrawn"
        assert account.cash_blocked >= 0, f"account {account.account_id} blocked < 0"
        for token, h in account.holdings.items():
            assert h.available >= 0 and h.blocked >= 0, (
                f"account {account.account_id} holds {h.available}/{h.blocked} of {token}"
            )
        for (token, product), p in account.positions.items():
            if product is not Product.MIS or p.net_quantity == 0:
                continue
            state = core.instruments[token]
            loss_to_limit = (
                p.cost - p.net_quantity * state.lower_circuit
                if p.net_quantity > 0
                else -p.net_quantity * state.upper_circuit - p.cost
            )
            assert p.margin >= loss_to_limit, (
                f"account {account.account_id} MIS position {p.net_quantity} of {token} "
                f"at cost {p.cost} holds margin {p.margin}, but can lose {loss_to_limit} "
                "before the circuit stops the price"
            )
    for order in core.orders.values():
        assert order.blocked_cash >= 0 and order.blocked_quantity >= 0, order.order_id


def check_blocks_equal_the_sum_over_open_orders(core: TradingCore) -> None:
    for account_id, account in core.accounts.items():
        mine = [o for o in core.orders.values() if o.account == account_id]
        margins = sum(
            p.margin for (_, product), p in account.positions.items() if product is Product.MIS
        )
        assert account.cash_blocked == sum(o.blocked_cash for o in mine) + margins, (
            f"account {account_id} blocks {account.cash_blocked}"
        )
        for token, holding in account.holdings.items():
            selling = sum(o.blocked_quantity for o in mine if o.token == token)
            assert holding.blocked == selling, (
                f"account {account_id} blocks {holding.blocked} of {token}, orders {selling}"
            )
        assert account.open_orders == len(mine), f"account {account_id} open order count"


def check_ledger_matches_the_reference_ledger(core: TradingCore, ledger: ReferenceLedger) -> None:
    assert (core.totals.fees, core.totals.clearing) == (ledger.fees, ledger.clearing)
    for account_id, account in core.accounts.items():
        expected = ledger.accounts[account_id]
        assert (account.cash_available, account.cash_blocked) == (
            expected.cash_available,
            expected.cash_blocked,
        ), f"account {account_id}: core {account.cash_available}/{account.cash_blocked}"
        assert account.cash_unsettled == expected.cash_unsettled, (
            f"account {account_id}: unsettled cash {account.cash_unsettled}"
        )
        for token, h in account.holdings.items():
            assert h.unsettled == expected.unsettled_shares.get(token, 0), (
                f"account {account_id}: unsettled shares of {token}: {h.unsettled}"
            )
        tokens = set(account.holdings) | set(expected.holdings)
        for token in tokens:
            h = account.holdings.get(token)
            core_holding = [0, 0] if h is None else [h.available, h.blocked]
            assert core_holding == expected.holdings.get(token, [0, 0]), (
                f"account {account_id} holding of {token}: {core_holding}"
            )
        for (token, product), p in account.positions.items():
            if product is Product.MIS:
                mp = ledger.positions.get((account_id, token))
                assert mp is not None
                assert (p.net_quantity, p.cost, p.margin) == (mp.net, mp.cost, mp.margin), (
                    f"account {account_id} MIS position in {token}"
                )
    for order_id, order in core.orders.items():
        expected_order = ledger.orders[order_id]
        assert (order.filled_quantity, order.blocked_cash, order.blocked_quantity) == (
            expected_order.filled,
            expected_order.blocked_cash,
            expected_order.blocked_quantity,
        ), f"order {order_id}"
