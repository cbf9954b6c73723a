"""Instrument search: exact and prefix matches first, then fuzzy ones; symbol, name, ISIN."""

from bourse.domain.instrument import Instrument
from bourse.marketdata.search import SearchIndex


def listed(n: int, symbol: str, name: str = "", isin: str = "") -> Instrument:
    return Instrument(
        token=(n << 8) | 1,
        exchange="NSE",
        tradingsymbol=symbol,
        name=name,
        isin=isin,
        reference_price=100_00,
    )


INDEX = SearchIndex(
    [
        listed(1, "INFY", "INFOSYS LIMITED", "INE009A01021"),
        listed(2, "INFIBEAM", "INFIBEAM AVENUES"),
        listed(3, "TCS", "TATA CONSULTANCY SERVICES", "INE467B01029"),
        listed(4, "TATAMOTORS", "TATA MOTORS"),
        listed(5, "HDFCBANK", "HDFC BANK"),
        listed(6, "RELIANCE", "RELIANCE INDUSTRIES"),
    ]
)


def symbols(query: str, limit: int = 20) -> list[str]:
    return [instrument.tradingsymbol for instrument in INDEX.search(query, limit)]


def test_an_exact_symbol_comes_before_longer_prefixes() -> None:
    assert symbols("INF") == ["INFIBEAM", "INFY"]
    assert symbols("infy")[0] == "INFY"


def test_name_words_and_isin_match_by_prefix() -> None:
    assert symbols("tata") == ["TATAMOTORS", "TCS"]
    assert symbols("consult") == ["TCS"]
    assert symbols("INE467") == ["TCS"]
    assert symbols("hdfc bank") == ["HDFCBANK"]


def test_a_misspelt_symbol_or_name_is_found_by_fuzzy_match() -> None:
    assert symbols("RELIANSE")[0] == "RELIANCE"
    assert symbols("infosis")[0] == "INFY"


def test_blank_or_unmatched_queries_find_nothing_and_limit_caps_results() -> None:
    assert symbols("   ") == []
    assert symbols("ZZZQQQ") == []
    assert len(symbols("T", limit=1)) == 1


def test_adding_an_instrument_twice_keeps_one_entry() -> None:
    index = SearchIndex([listed(1, "INFY")])
    index.add(listed(1, "INFY"))
    assert len(index) == 1
    assert [i.tradingsymbol for i in index.search("INFY")] == ["INFY"]
