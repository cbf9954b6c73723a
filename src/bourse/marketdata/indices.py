"""Index values computed from their constituents' last prices (NIFTY 50, NIFTY BANK, ...).

An index is a capitalisation-weighted ratio against its base: with ``shares`` the free-float
share count of each constituent and ``base_price`` its price at the base date,

    value = base_value * sum(shares * price) / sum(shares * base_price)

computed in integers and rounded half to even to the paisa, then to the index's tick (5 paise).
Indices are not traded: they are published like any quote with segment INDICES in the token.
"""

import msgspec

from bourse.domain.money import div_round_half_even
from bourse.domain.types import InstrumentToken, Paise

INDEX_TICK: Paise = 5


class IndexConstituent(msgspec.Struct, frozen=True, kw_only=True):
    token: InstrumentToken
    shares: int
    """Free-float shares (any consistent unit: only ratios matter)."""
    base_price: Paise


class IndexDefinition(msgspec.Struct, frozen=True, kw_only=True):
    token: InstrumentToken
    """Segment INDICES (9) in the low byte."""
    tradingsymbol: str
    name: str
    base_value: Paise
    constituents: tuple[IndexConstituent, ...]

    def base_capitalisation(self) -> int:
        return sum(c.shares * c.base_price for c in self.constituents)


def index_value(definition: IndexDefinition, last_prices: dict[InstrumentToken, Paise]) -> Paise:
    """The index at ``last_prices``; a constituent without a price counts at its base price."""
    capitalisation = sum(
        c.shares * last_prices.get(c.token, c.base_price) for c in definition.constituents
    )
    raw = div_round_half_even(
        definition.base_value * capitalisation, definition.base_capitalisation()
    )
    return div_round_half_even(raw, INDEX_TICK) * INDEX_TICK
