"""The order lifecycle as an explicit table of allowed status transitions."""

from bourse.domain.enums import OrderStatus

OPEN = OrderStatus.OPEN
COMPLETE = OrderStatus.COMPLETE
CANCELLED = OrderStatus.CANCELLED
REJECTED = OrderStatus.REJECTED
TRIGGER_PENDING = OrderStatus.TRIGGER_PENDING
AMO_REQ_RECEIVED = OrderStatus.AMO_REQ_RECEIVED

INITIAL_STATUSES: frozenset[OrderStatus] = frozenset(
    {OPEN, TRIGGER_PENDING, REJECTED, AMO_REQ_RECEIVED, COMPLETE, CANCELLED}
)
"""Statuses an order may have when first reported (an IOC can complete or die at once)."""

ALLOWED_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    # OPEN -> OPEN is a partial fill or a modification.
    OPEN: frozenset({OPEN, COMPLETE, CANCELLED}),
    # A stop order is triggered into the book, modified, cancelled, or (SL-M) fills at once.
    TRIGGER_PENDING: frozenset({TRIGGER_PENDING, OPEN, COMPLETE, CANCELLED}),
    AMO_REQ_RECEIVED: frozenset({OPEN, TRIGGER_PENDING, COMPLETE, CANCELLED, REJECTED}),
    COMPLETE: frozenset(),
    CANCELLED: frozenset(),
    REJECTED: frozenset(),
}

FINISHED_STATUSES: frozenset[OrderStatus] = frozenset({COMPLETE, CANCELLED, REJECTED})


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    """Whether an order in ``current`` may move to ``target``."""
    return target in ALLOWED_TRANSITIONS[current]


def is_finished(status: OrderStatus) -> bool:
    """A finished order can no longer be modified, cancelled or filled."""
    return status in FINISHED_STATUSES
