from bourse.domain.instrument import Segment, split_instrument_token
from bourse.marketdata.indices import index_value
from bourse.sim.instruments import starter_instruments
from bourse.sim.master import (
    INDEX_TOKENS,
    NIFTY_50,
    NIFTY_BANK,
    index_definitions,
    nifty_50_symbols,
    nse_equities,
)


def test_shipped_master_has_nifty_50_and_about_50_more_sound_equities() -> None:
    equities = nse_equities()

    assert len(nifty_50_symbols()) == 50
    assert len(equities) >= 100
    assert all(e.instrument.validation_error() is None for e in equities)
    assert all(e.instrument.tick_size == 5 and e.instrument.lot_size == 1 for e in equities)
    assert all(len(e.instrument.isin) == 12 and e.sector for e in equities)
    assert len({e.instrument.token for e in equities}) == len(equities)


def test_starter_instruments_keep_their_kite_tokens() -> None:
    tokens = {i.tradingsymbol: i.token for i in starter_instruments()}

    assert tokens["INFY"] == 408065
    assert tokens["RELIANCE"] == 738561
    assert len(tokens) == 10


def test_index_definitions_open_at_their_previous_close() -> None:
    definitions = {d.tradingsymbol: d for d in index_definitions()}

    nifty, bank = definitions[NIFTY_50], definitions[NIFTY_BANK]
    assert len(nifty.constituents) == 50 and len(bank.constituents) == 12
    assert nifty.token == INDEX_TOKENS[NIFTY_50] == 256265
    assert split_instrument_token(bank.token)[1] is Segment.INDICES
    assert index_value(nifty, {}) == nifty.base_value
    assert index_value(bank, {}) == bank.base_value


def test_index_rises_when_its_heaviest_constituent_rises() -> None:
    nifty = next(d for d in index_definitions() if d.tradingsymbol == NIFTY_50)
    heaviest = max(nifty.constituents, key=lambda c: c.shares * c.base_price)

    moved = index_value(nifty, {heaviest.token: heaviest.base_price * 11 // 10})

    assert moved > nifty.base_value


def test_index_definitions_skip_unlisted_constituents() -> None:
    listed = starter_instruments()

    definitions = {d.tradingsymbol: d for d in index_definitions(listed)}

    assert len(definitions[NIFTY_50].constituents) == 10
    assert {c.token for c in definitions[NIFTY_BANK].constituents} <= {i.token for i in listed}
