"""Stateful property test of the trading core against a naive book and a reference ledger.

Hypothesis drives one real ``TradingCore`` through random sequences of place (every type, product
and validity, valid and deliberately invalid), modify, cancel, deposit, withdraw, holdings
transfers, halt/resume, cancel-only, the passing of time and the close of the session, across
four accounts and two or three instruments. After every command the events are checked against
the reference book (``reference_book.py``) and the reference ledger (``reference_ledger.py``); after
every step the core's own state is checked for the invariants of DESIGN.md §5; at the end the
command list is replayed into a fresh core, and from a snapshot taken on the way, and must give
byte-identical events and the same state hash.
"""

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from bourse.core.config import CoreConfig
from bourse.core.engine import TradingCore
from bourse.domain import commands as cmd
from bourse.domain import events as ev
from bourse.domain.codec import encode_events
from bourse.domain.enums import OrderStatus, OrderType, Side, Validity
from bourse.domain.errors import RejectReason as R
from bourse.domain.instrument import Instrument
from bourse.domain.types import OrderId
from tests.property.core_invariants import (
    check_blocks_equal_the_sum_over_open_orders,
    check_book_is_never_crossed_and_levels_add_up,
    check_books_and_stops_match_the_reference,
    check_cash_and_shares_are_conserved,
    check_ledger_matches_the_reference_ledger,
    check_no_balance_is_negative_and_positions_are_covered,
    check_orders_never_fill_beyond_their_quantity,
)
from tests.property.order_specs import (
    ACCOUNTS,
    FLAWS,
    MARKETS,
    REFERENCE_PRICE,
    STOPS,
    TICK,
    TOKENS,
    UNKNOWN_ACCOUNT,
    UNKNOWN_TOKEN,
    ModifySpec,
    OrderSpec,
    clip,
    flawed_command,
    modify_specs,
    order_specs,
    place_command,
    resolve_price,
)
from tests.property.reference_book import (
    NS_PER_MINUTE,
    LogEntry,
    ReferenceBook,
    RefOrder,
    matching_log,
)
from tests.property.reference_ledger import ReferenceLedger
from tests.property.reference_rules import (
    cancel_problems,
    cash_problems,
    modify_problems,
    payout_problems,
    place_problems,
)

CONFIG = CoreConfig()
START_NS = 1_767_225_600_000_000_000
STEP_NS = 1_000_000
TIGHT_LIMITS = cmd.AccountLimits(
    max_open_orders=4, max_order_value=3_000_000, max_orders_per_second=6
)
"""Account 4 trades under tight limits so the open-order, value and rate checks get exercised."""
REJECTIONS = (ev.OrderRejected, ev.ModifyRejected, ev.CancelRejected, ev.CommandRejected)


def trades_of(log: list[LogEntry]) -> list[LogEntry]:
    """(price, quantity, buy order id, sell order id) of each trade."""
    return [entry[1:5] for entry in log if entry[0] == "trade"]


class CoreMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.core = TradingCore(CONFIG)
        self.reference = ReferenceBook()
        self.ledger = ReferenceLedger(
            leverage=CONFIG.mis_leverage, protection_bp=CONFIG.market_protection_bp
        )
        self.tokens: tuple[int, ...] = ()
        self.ts = START_NS
        self.journal: list[tuple[cmd.Command, int]] = []
        self.events: list[ev.Event] = []
        self.snapshots: list[tuple[int, int, bytes, str]] = []
        """(commands applied, events emitted, snapshot bytes, state hash) at each snapshot."""
        self.state_hash = self.core.state_hash()
        self.levels: dict[tuple[int, Side, int], tuple[int, int]] = {}
        """(instrument, side, price) -> (visible quantity, orders) per the reference book."""
        self.healthy = True
        """False once a check failed: teardown then leaves the failure alone."""

    # --- one command through the core, the reference book and the reference ledger -----------

    def run(self, command: cmd.Command, *, advance_ns: int = STEP_NS) -> list[ev.Event]:
        self.healthy = False
        self.ts += advance_ns
        before = self.state_hash
        events = self.core.apply(command, self.ts)
        self.journal.append((command, self.ts))
        assert [e.seq for e in events] == list(
            range(len(self.events) + 1, len(self.events) + 1 + len(events))
        ), "event numbers must continue the stream without gaps"
        self.events.extend(events)
        self.state_hash = self.core.state_hash()
        if events and all(isinstance(e, REJECTIONS) for e in events):
            assert self.state_hash == before, f"{command} was refused but changed the state"

        # TTL expiry runs first, before the command itself is looked at.
        expired = self.reference.expire(self.ts)
        lead, rest = events[: len(expired)], events[len(expired) :]
        assert matching_log(lead) == expired, (
            f"expiry at {self.ts}: core {matching_log(lead)}, reference {expired}"
        )
        for e in lead:
            self.ledger.on_event(e)

        problems = self.predict(command)
        refusals = [e for e in rest if isinstance(e, REJECTIONS)]
        if problems:
            assert len(rest) == 1 and refusals, (
                f"{command} must be refused for one of {problems}, the core answered {rest}"
            )
            assert refusals[0].reason in problems, (
                f"{command} refused for {refusals[0].reason}, expected one of {problems}"
            )
            expected: list[LogEntry] = []
        else:
            assert not refusals, f"{command} must be accepted, the core answered {refusals}"
            expected = self.reference_step(command, rest)
        actual = matching_log(rest)
        assert trades_of(actual) == trades_of(expected), (
            f"{command}: core trades {trades_of(actual)} != reference {trades_of(expected)}"
        )
        assert actual == expected, f"{command}: core {actual} != reference {expected}"
        for e in rest:
            self.ledger.on_event(e)
        self.check_book_changes(events)
        self.healthy = True
        return events

    def check_book_changes(self, events: list[ev.Event]) -> None:
        """Every price level whose visible quantity or order count changed is reported once,
        with its new totals (touched levels that ended unchanged may be reported too)."""
        levels: dict[tuple[int, Side, int], tuple[int, int]] = {}
        for token in self.tokens:
            for side in (Side.BUY, Side.SELL):
                for price, _, shown in self.reference.book(token, side is Side.BUY):
                    visible, count = levels.get((token, side, price), (0, 0))
                    levels[(token, side, price)] = (visible + shown, count + 1)
        reported = {
            (e.token, e.side, e.price): (e.quantity, e.orders)
            for e in events
            if isinstance(e, ev.BookChanged)
        }
        assert len(reported) == sum(isinstance(e, ev.BookChanged) for e in events)
        for key, totals in reported.items():
            assert totals == levels.get(key, (0, 0)), f"BookChanged {key}: {reported}"
        for key in levels.keys() | self.levels.keys():
            if levels.get(key) != self.levels.get(key):
                assert key in reported, f"level {key} changed without a BookChanged event"
        self.levels = levels

    def predict(self, command: cmd.Command) -> set[R]:
        ledger = self.ledger
        if isinstance(command, cmd.PlaceOrder):
            return place_problems(ledger, command, self.ts)
        if isinstance(command, cmd.ModifyOrder):
            return modify_problems(ledger, command)
        if isinstance(command, cmd.CancelOrder):
            return cancel_problems(ledger, command)
        if isinstance(command, cmd.Deposit | cmd.Withdraw):
            return cash_problems(ledger, command)
        if isinstance(
            command, cmd.RequestWithdrawal | cmd.CompleteWithdrawal | cmd.ReverseWithdrawal
        ):
            return payout_problems(ledger, command)
        if isinstance(command, cmd.HaltInstrument | cmd.ResumeInstrument):
            return set() if command.token in ledger.markets else {R.UNKNOWN_INSTRUMENT}
        if isinstance(command, cmd.DepositHoldings):
            if command.account not in ledger.accounts:
                return {R.UNKNOWN_ACCOUNT}
            if command.token not in ledger.markets:
                return {R.UNKNOWN_INSTRUMENT}
            return {R.BAD_QUANTITY} if command.quantity <= 0 else set()
        return set()

    def reference_step(self, command: cmd.Command, events: list[ev.Event]) -> list[LogEntry]:
        """Feed an accepted command to the reference book; return what it says must follow."""
        if isinstance(command, cmd.PlaceOrder):
            (accepted,) = [e for e in events if isinstance(e, ev.OrderAccepted)]
            expires_at = (
                self.ts + command.validity_ttl * NS_PER_MINUTE if command.validity_ttl else 0
            )
            assert accepted.expires_at_ns == expires_at, accepted
            assert accepted.status is (
                OrderStatus.TRIGGER_PENDING if command.order_type in STOPS else OrderStatus.OPEN
            ), accepted
            return self.reference.place(
                RefOrder(
                    order_id=accepted.order_id,
                    account=command.account,
                    token=command.token,
                    is_buy=command.side is Side.BUY,
                    kind=command.order_type.value,
                    validity=command.validity.value,
                    quantity=command.quantity,
                    limit=accepted.price,
                    trigger=command.trigger_price,
                    disclosed=command.disclosed_quantity,
                    expires_at_ns=expires_at,
                )
            )
        if isinstance(command, cmd.ModifyOrder):
            (modified,) = [e for e in events if isinstance(e, ev.OrderModified)]
            kept, log = self.reference.modify(
                command.order_id,
                kind=modified.order_type.value,
                quantity=modified.quantity,
                limit=modified.price,
                trigger=modified.trigger_price,
                disclosed=modified.disclosed_quantity,
            )
            assert modified.priority_kept == kept, f"{modified}: reference says kept={kept}"
            return log
        if isinstance(command, cmd.CancelOrder):
            return self.reference.cancel(command.order_id)
        if isinstance(command, cmd.CloseSession):
            return self.reference.close_session()
        return []

    # --- setting up the market -----------------------------------------------------------------

    @initialize(
        instruments=st.integers(2, 3),
        cash=st.tuples(
            st.integers(5_000_000, 50_000_000),
            st.integers(5_000_000, 50_000_000),
            st.integers(5_000_000, 50_000_000),
            st.integers(0, 3_000_000),
        ),
        holdings=st.lists(st.integers(0, 300), min_size=12, max_size=12),
        seed_orders=st.lists(
            order_specs(order_types=(OrderType.LIMIT,), validities=(Validity.DAY,)), max_size=8
        ),
    )
    def open_market(
        self,
        instruments: int,
        cash: tuple[int, ...],
        holdings: list[int],
        seed_orders: list[OrderSpec],
    ) -> None:
        self.tokens = TOKENS[:instruments]
        for index, token in enumerate(self.tokens):
            self.run(
                cmd.ListInstrument(
                    instrument=Instrument(
                        token=token,
                        exchange="NSE",
                        tradingsymbol=f"SYM{index}",
                        tick_size=TICK,
                        reference_price=REFERENCE_PRICE,
                        band_bp=2_000,
                    )
                )
            )
        for index, account in enumerate(ACCOUNTS):
            limits = TIGHT_LIMITS if account == 4 else cmd.AccountLimits()
            self.run(cmd.OpenAccount(account=account, limits=limits))
            if cash[index]:
                self.run(cmd.Deposit(account=account, amount=cash[index]))
            for slot, token in enumerate(self.tokens):
                quantity = holdings[index * 3 + slot]
                if quantity:
                    self.run(
                        cmd.DepositHoldings(
                            account=account, token=token, quantity=quantity, average_price=95_00
                        )
                    )
        for spec in seed_orders:
            self.place_order(spec)

    # --- orders --------------------------------------------------------------------------------

    def touch(self) -> dict[tuple[int, Side], int]:
        """Best opposite price per instrument and incoming side, from the reference book."""
        prices: dict[tuple[int, Side], int] = {}
        for token in self.tokens:
            asks, bids = self.reference.book(token, False), self.reference.book(token, True)
            if asks:
                prices[(token, Side.BUY)] = asks[0][0]
            if bids:
                prices[(token, Side.SELL)] = bids[0][0]
        return prices

    @rule(spec=order_specs())
    def place_order(self, spec: OrderSpec) -> None:
        self.run(place_command(self.ledger, self.tokens, spec, self.touch()))

    @rule(spec=order_specs(order_types=(OrderType.LIMIT,), validities=(Validity.DAY,)))
    def place_resting_limit(self, spec: OrderSpec) -> None:
        self.run(place_command(self.ledger, self.tokens, spec, self.touch()))

    @rule(
        spec=order_specs(
            order_types=(OrderType.MARKET, OrderType.LIMIT), validities=(Validity.IOC,)
        )
    )
    def place_marketable(self, spec: OrderSpec) -> None:
        self.run(place_command(self.ledger, self.tokens, spec, self.touch()))

    @rule(spec=order_specs(order_types=(OrderType.SL, OrderType.SL_M)))
    def place_stop(self, spec: OrderSpec) -> None:
        self.run(place_command(self.ledger, self.tokens, spec, self.touch()))

    @rule(spec=order_specs(), flaw=st.sampled_from(FLAWS))
    def place_invalid_order(self, spec: OrderSpec, flaw: str) -> None:
        command = flawed_command(self.ledger, self.tokens, spec, flaw)
        assert place_problems(self.ledger, command, self.ts + STEP_NS), (
            f"the {flaw} order {command} is not invalid: the generator is broken"
        )
        self.run(command)

    def pick_order(self, pick: int, any_order: bool) -> OrderId:
        working = sorted(self.ledger.orders)
        if working and not any_order:
            return working[pick % len(working)]
        # Any id ever issued, or the next one, which does not exist yet.
        return 1 + pick % self.ledger.next_order_id

    def requester(self, order_id: OrderId, pick: int, by_owner: bool) -> int:
        order = self.ledger.orders.get(order_id)
        owner = order.account if order is not None else ACCOUNTS[pick % len(ACCOUNTS)]
        return owner if by_owner else ACCOUNTS[(ACCOUNTS.index(owner) + 1) % len(ACCOUNTS)]

    @rule(spec=modify_specs)
    def modify_order(self, spec: ModifySpec) -> None:
        order_id = self.pick_order(spec.pick, spec.any_order)
        account = self.requester(order_id, spec.pick, spec.by_owner)
        order = self.ledger.orders.get(order_id)
        if order is None:
            self.run(cmd.ModifyOrder(account=account, order_id=order_id, quantity=10))
            return
        market = self.ledger.markets[order.token]
        new_type = spec.order_type or order.order_type
        quantity = None if spec.quantity_change is None else order.quantity + spec.quantity_change
        price = None if spec.price is None else resolve_price(market, spec.price)
        if price is not None and new_type in MARKETS and isinstance(spec.price, int):
            price = 0
        trigger = None
        if spec.trigger_ticks is not None and new_type in STOPS:
            away = spec.trigger_ticks * TICK
            trigger = clip(market, market.last_price + (away if order.is_buy else -away))
        disclosed = None
        if spec.disclosed_percent is not None:
            base = order.quantity if quantity is None else max(quantity, 1)
            disclosed = -(-base * spec.disclosed_percent // 100)
        self.run(
            cmd.ModifyOrder(
                account=account,
                order_id=order_id,
                quantity=quantity,
                price=price,
                trigger_price=trigger,
                order_type=spec.order_type,
                disclosed_quantity=disclosed,
            )
        )

    @rule(
        pick=st.integers(0, 1_000),
        any_order=st.sampled_from((False, False, False, True)),
        by_owner=st.sampled_from((True, True, True, True, True, False)),
    )
    def cancel_order(self, pick: int, any_order: bool, by_owner: bool) -> None:
        order_id = self.pick_order(pick, any_order)
        self.run(
            cmd.CancelOrder(account=self.requester(order_id, pick, by_owner), order_id=order_id)
        )

    # --- funds and holdings --------------------------------------------------------------------

    @rule(
        account=st.sampled_from((*ACCOUNTS, UNKNOWN_ACCOUNT)),
        withdraw=st.booleans(),
        amount=st.integers(-100, 2_000_000),
        how_much=st.sampled_from(("amount",) * 6 + ("all", "above")),
    )
    def move_cash(self, account: int, withdraw: bool, amount: int, how_much: str) -> None:
        """Deposit or withdraw ``amount``, everything available, or one paisa more than that."""
        available = self.ledger.accounts[account].cash_available if account in ACCOUNTS else 0
        if how_much == "all":
            amount = available
        elif how_much == "above":
            amount = available + 1
        kind = cmd.Withdraw if withdraw else cmd.Deposit
        self.run(kind(account=account, amount=amount))

    @rule(
        account=st.sampled_from((*ACCOUNTS, UNKNOWN_ACCOUNT)),
        step=st.sampled_from(("request", "request", "complete", "reverse")),
        reference=st.sampled_from(("w1", "w2", "w3")),
        how_much=st.sampled_from(("some", "withdrawable", "above", "available")),
    )
    def pay_out(self, account: int, step: str, reference: str, how_much: str) -> None:
        """A withdrawal through the payment gateway: request (some, all, or more than the
        withdrawable cash, or everything available incl. unsettled proceeds), then the
        payout's success or failure."""
        if step == "complete":
            self.run(cmd.CompleteWithdrawal(account=account, reference=reference))
            return
        if step == "reverse":
            self.run(cmd.ReverseWithdrawal(account=account, reference=reference, reason="bank"))
            return
        state = self.ledger.accounts.get(account)
        withdrawable = state.withdrawable if state is not None else 0
        amount = {
            "some": withdrawable // 3 + 1,
            "withdrawable": withdrawable,
            "above": withdrawable + 1,
            "available": state.cash_available if state is not None else 1,
        }[how_much]
        self.run(cmd.RequestWithdrawal(account=account, amount=amount, reference=reference))

    @rule()
    def settle(self) -> None:
        """T+1 settlement: unsettled proceeds and T1 shares become settled."""
        self.run(cmd.SettleTrades())

    @rule(
        account=st.sampled_from((*ACCOUNTS, UNKNOWN_ACCOUNT)),
        token_index=st.integers(0, 3),
        quantity=st.integers(-1, 100),
    )
    def deposit_holdings(self, account: int, token_index: int, quantity: int) -> None:
        token = self.tokens[token_index] if token_index < len(self.tokens) else UNKNOWN_TOKEN
        self.run(cmd.DepositHoldings(account=account, token=token, quantity=quantity))

    # --- market state and time -----------------------------------------------------------------

    @rule(
        switch=st.sampled_from(("halt", "resume", "resume", "cancel_only")),
        token_index=st.integers(0, 3),
        spec=order_specs(),
        modify=modify_specs,
        pick=st.integers(0, 1_000),
    )
    def switch_market_state(
        self, switch: str, token_index: int, spec: OrderSpec, modify: ModifySpec, pick: int
    ) -> None:
        """Halt or resume an instrument (or an unknown one); or run a cancel-only window, in
        which orders and changes are refused and cancellations still work."""
        token = self.tokens[token_index] if token_index < len(self.tokens) else UNKNOWN_TOKEN
        if switch == "halt":
            self.run(cmd.HaltInstrument(token=token, reason="volatility"))
        elif switch == "resume":
            self.run(cmd.ResumeInstrument(token=token))
        else:
            self.run(cmd.SetCancelOnly(enabled=True, reason="drill"))
            self.place_order(spec)
            self.modify_order(modify)
            self.cancel_order(pick, any_order=False, by_owner=True)
            self.run(cmd.SetCancelOnly(enabled=False))

    @rule(
        minutes=st.integers(0, 4),
        extra_ns=st.sampled_from((0, 0, 1, NS_PER_MINUTE // 2)),
        close=st.sampled_from((False, False, False, True)),
    )
    def let_time_pass(self, minutes: int, extra_ns: int, close: bool) -> None:
        """A quiet tick later (TTL orders expire), or the close of the session."""
        command = cmd.CloseSession() if close else cmd.ClockTick()
        self.run(command, advance_ns=minutes * NS_PER_MINUTE + extra_ns)

    @precondition(lambda self: len(self.snapshots) < 2 and bool(self.journal))
    @rule()
    def take_snapshot(self) -> None:
        data = self.core.snapshot()
        restored = TradingCore.restore(data)
        assert restored.state_hash() == self.core.state_hash(), "a restored snapshot differs"
        self.snapshots.append((len(self.journal), len(self.events), data, self.core.state_hash()))

    # --- invariants of the core's own state ----------------------------------------------------

    @invariant()
    def book_is_never_crossed_and_levels_add_up(self) -> None:
        check_book_is_never_crossed_and_levels_add_up(self.core)

    @invariant()
    def orders_never_fill_beyond_their_quantity(self) -> None:
        check_orders_never_fill_beyond_their_quantity(self.core)

    @invariant()
    def books_and_stops_match_the_reference(self) -> None:
        check_books_and_stops_match_the_reference(
            self.core, self.reference, self.ledger, self.tokens
        )

    @invariant()
    def cash_and_shares_are_conserved(self) -> None:
        check_cash_and_shares_are_conserved(self.core, self.tokens, self.ledger.shares_deposited)

    @invariant()
    def no_balance_is_negative_and_positions_are_covered(self) -> None:
        check_no_balance_is_negative_and_positions_are_covered(self.core)

    @invariant()
    def blocks_equal_the_sum_over_open_orders(self) -> None:
        check_blocks_equal_the_sum_over_open_orders(self.core)

    @invariant()
    def ledger_matches_the_reference_ledger(self) -> None:
        check_ledger_matches_the_reference_ledger(self.core, self.ledger)

    # --- determinism ---------------------------------------------------------------------------

    def teardown(self) -> None:
        if not self.healthy or not self.journal:
            return
        fresh = TradingCore(CONFIG)
        replayed: list[ev.Event] = []
        for command, ts in self.journal:
            replayed.extend(fresh.apply(command, ts))
        assert encode_events(replayed) == encode_events(self.events), "replay gave other events"
        assert fresh.state_hash() == self.core.state_hash(), "replay gave another state"
        for commands_done, events_done, data, hash_then in self.snapshots:
            restored = TradingCore.restore(data)
            assert restored.state_hash() == hash_then
            tail: list[ev.Event] = []
            for command, ts in self.journal[commands_done:]:
                tail.extend(restored.apply(command, ts))
            assert encode_events(tail) == encode_events(self.events[events_done:]), (
                f"replay from the snapshot after command {commands_done} gave other events"
            )
            assert restored.state_hash() == self.core.state_hash()
            assert restored.snapshot() == self.core.snapshot()


ROUND = 1_000
"""Hypothesis keeps the result of every example of a run in memory (about half a megabyte per
50-step example here), so long profiles run in rounds of this many examples."""


@pytest.mark.timeout(max(600, settings.default.max_examples // 2))
def test_random_command_sequences_keep_every_invariant() -> None:
    total = settings.default.max_examples
    for done in range(0, total, ROUND):
        run_state_machine_as_test(
            CoreMachine, settings=settings(max_examples=min(ROUND, total - done))
        )
