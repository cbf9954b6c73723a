"""What the trading routes work through, added to the ``Gateway`` by the composition root.

Trading accounts are opened lazily: the first order or deposit of a user whose account the
core does not know yet journals ``OpenAccount(account=user.account_id)`` first. The check is a
set lookup in the order-history projection, so it costs the order path nothing once open, and
users created by any means (sign-up route, CLI, seeding) trade without a sign-up hook.
"""

import asyncio
from dataclasses import dataclass, field

from bourse.api.gateway import Gateway
from bourse.api.idempotency import IdempotencyCache
from bourse.core.engine import TradingCore
from bourse.domain.commands import OpenAccount
from bourse.domain.types import AccountId
from bourse.journal.group_commit import JournaledCore
from bourse.readmodel.feed import ReadModels

SERVICE_NAME = "trading"


class AccountOpener:
    def __init__(self, trading: JournaledCore[TradingCore], models: ReadModels) -> None:
        self._trading = trading
        self._models = models
        self._opening: dict[AccountId, asyncio.Future[None]] = {}

    async def ensure(self, account: AccountId) -> None:
        """Return once the core has the account (opening it at most once per process)."""
        if self._models.orders.has_account(account):
            return
        opening = self._opening.get(account)
        if opening is None:
            opening = asyncio.ensure_future(self._open(account))
            self._opening[account] = opening
            opening.add_done_callback(lambda _: self._opening.pop(account, None))
        await asyncio.shield(opening)

    async def _open(self, account: AccountId) -> None:
        # A concurrent opener elsewhere makes this a harmless DUPLICATE_ACCOUNT rejection.
        await self._trading.execute(OpenAccount(account=account))


@dataclass
class TradingServices:
    trading: JournaledCore[TradingCore]
    models: ReadModels
    accounts: AccountOpener
    idempotency: IdempotencyCache = field(default_factory=IdempotencyCache)


def install(gateway: Gateway, models: ReadModels) -> TradingServices:
    services = TradingServices(
        trading=gateway.trading,
        models=models,
        accounts=AccountOpener(gateway.trading, models),
    )
    gateway.services[SERVICE_NAME] = services
    return services


def trading_services(gateway: Gateway) -> TradingServices:
    services = gateway.services.get(SERVICE_NAME)
    if not isinstance(services, TradingServices):
        raise RuntimeError("the trading services are not installed on this gateway")
    return services
