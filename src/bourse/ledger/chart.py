"""The chart of accounts and the assets they hold.

An account is a path of names joined by ``:``; an asset is ``INR`` (amounts in paise) or an
instrument token in decimal (amounts in shares). Balances are signed: what an internal account
holds is positive, and the two accounts facing the outside world (the payment gateway's bank
account, the depository) go negative by what came in through them, so every entry, and
therefore the whole ledger, sums to zero per asset.

User accounts mirror the core's buckets::

    user:<id>:cash:available     settled cash, free to trade or withdraw
    user:<id>:cash:unsettled     delivery sale proceeds until T+1 (tradable, not withdrawable)
    user:<id>:cash:blocked       held by working orders and MIS positions' margin
    user:<id>:cash:payout        requested withdrawals waiting for the bank
    user:<id>:securities:available / :unsettled (T1) / :blocked      per instrument
    user:<id>:intraday           open MIS position, per instrument (signed shares)

Broker accounts: ``clearing`` (trade settlement, MIS financing), ``income:brokerage``, one
``payable:<tax>`` per tax and fee, ``bank:gateway`` and ``depository``.
"""

from typing import Final

from bourse.domain.types import AccountId, InstrumentToken

INR: Final = "INR"

CLEARING: Final = "clearing"
BANK: Final = "bank:gateway"
DEPOSITORY: Final = "depository"
BROKERAGE_INCOME: Final = "income:brokerage"
STT_PAYABLE: Final = "payable:stt"
EXCHANGE_PAYABLE: Final = "payable:exchange_charge"
SEBI_PAYABLE: Final = "payable:sebi_fee"
GST_PAYABLE: Final = "payable:gst"
STAMP_PAYABLE: Final = "payable:stamp_duty"

CHARGE_ACCOUNTS: Final = (
    BROKERAGE_INCOME,
    STT_PAYABLE,
    EXCHANGE_PAYABLE,
    SEBI_PAYABLE,
    GST_PAYABLE,
    STAMP_PAYABLE,
)
"""In the order of ``ChargeBreakdown``'s fields."""

EXTERNAL_ACCOUNTS: Final = (BANK, DEPOSITORY)


def security(token: InstrumentToken) -> str:
    return str(token)


def cash_available(account: AccountId) -> str:
    return f"user:{account}:cash:available"


def cash_unsettled(account: AccountId) -> str:
    return f"user:{account}:cash:unsettled"


def cash_blocked(account: AccountId) -> str:
    return f"user:{account}:cash:blocked"


def cash_payout(account: AccountId) -> str:
    return f"user:{account}:cash:payout"


def securities_available(account: AccountId) -> str:
    return f"user:{account}:securities:available"


def securities_unsettled(account: AccountId) -> str:
    return f"user:{account}:securities:unsettled"


def securities_blocked(account: AccountId) -> str:
    return f"user:{account}:securities:blocked"


def intraday(account: AccountId) -> str:
    return f"user:{account}:intraday"


def user_prefix(account: AccountId) -> str:
    """Every account of one user starts with this."""
    return f"user:{account}:"


class AccountNames:
    """One user's account names, made once when the bookkeeper first meets the user. A busy
    account posts thousands of times: the same string objects each time (whose hashes Python
    keeps) instead of a new f-string per posting, which the balance changes then hashed anew."""

    __slots__ = (
        "cash_available",
        "cash_blocked",
        "cash_payout",
        "cash_unsettled",
        "intraday",
        "securities_available",
        "securities_blocked",
        "securities_unsettled",
    )

    def __init__(self, account: AccountId) -> None:
        self.cash_available = cash_available(account)
        self.cash_unsettled = cash_unsettled(account)
        self.cash_blocked = cash_blocked(account)
        self.cash_payout = cash_payout(account)
        self.securities_available = securities_available(account)
        self.securities_unsettled = securities_unsettled(account)
        self.securities_blocked = securities_blocked(account)
        self.intraday = intraday(account)
