"""The order book and its matching alone: no accounts, risk, charges, stops or events.

It runs the very matching code the trading core runs (``OrderBook.match``) and only counts what
it decides, so benchmarks can measure the book on its own and tests can drive matching
directly. Market orders have no protection cap here: they take whatever the book offers.
"""

from bourse.core.book import FillHandler, Level, OrderBook
from bourse.core.state import WorkingOrder
from bourse.core.vocabulary import BUY, CNC, DAY, LIMIT, MARKET, REGULAR, SELL
from bourse.domain.types import AccountId, OrderId, Paise, Quantity

_NO_LIMIT_BUY = 1 << 60


class BareBook(FillHandler):
    def __init__(self, token: int = 1) -> None:
        self.book = OrderBook(token, track_changes=False)
        self.orders: dict[OrderId, WorkingOrder] = {}
        self.trades = 0
        self.traded_quantity = 0

    def _order(
        self, order_id: OrderId, account: AccountId, is_buy: bool, price: Paise, quantity: Quantity
    ) -> WorkingOrder:
        return WorkingOrder(
            order_id=order_id,
            account=account,
            token=self.book.token,
            side=BUY if is_buy else SELL,
            order_type=LIMIT,
            product=CNC,
            validity=DAY,
            variety=REGULAR,
            quantity=quantity,
            price=price,
            trigger_price=0,
            disclosed_quantity=0,
            expires_at_ns=0,
            client_order_id="",
            tag="",
        )

    def limit(
        self,
        order_id: OrderId,
        account: AccountId,
        is_buy: bool,
        price: Paise,
        quantity: Quantity,
        disclosed_quantity: Quantity = 0,
    ) -> Quantity:
        """Match, then rest the remainder. Returns the quantity filled at once."""
        order = self._order(order_id, account, is_buy, price, quantity)
        order.disclosed_quantity = disclosed_quantity
        self.book.match(order, self)
        if order.filled_quantity < quantity:
            order.visible_quantity = order.next_peak()
            self.book.side_of(is_buy).add(order)
            self.orders[order_id] = order
        return order.filled_quantity

    def market(
        self, order_id: OrderId, account: AccountId, is_buy: bool, quantity: Quantity
    ) -> Quantity:
        """Match against whatever rests; the remainder is dropped. Returns the quantity filled."""
        order = self._order(order_id, account, is_buy, _NO_LIMIT_BUY if is_buy else 0, quantity)
        order.order_type = MARKET
        self.book.match(order, self)
        return order.filled_quantity

    def cancel(self, order_id: OrderId) -> bool:
        order = self.orders.pop(order_id, None)
        if order is None:
            return False
        self.book.side_of(order.is_buy).remove(order)
        return True

    # FillHandler

    def fill(
        self, aggressor: WorkingOrder, resting: WorkingOrder, quantity: Quantity, level: Level
    ) -> None:
        aggressor.filled_quantity += quantity
        resting.filled_quantity += quantity
        self.trades += 1
        self.traded_quantity += quantity

    def resting_filled(self, resting: WorkingOrder) -> None:
        del self.orders[resting.order_id]

    def self_trade(self, resting: WorkingOrder) -> None:
        self.cancel(resting.order_id)
