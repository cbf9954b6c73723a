from bourse.marketdata.indices import IndexConstituent, IndexDefinition, index_value

NIFTY = IndexDefinition(
    token=(256265 >> 8 << 8) | 9,
    tradingsymbol="NIFTY 50",
    name="NIFTY 50",
    base_value=1_000_00,
    constituents=(
        IndexConstituent(token=257, shares=3, base_price=100_00),
        IndexConstituent(token=513, shares=1, base_price=200_00),
    ),
)


def test_index_at_base_prices_is_base_value() -> None:
    assert index_value(NIFTY, {}) == 1_000_00


def test_index_moves_with_capitalisation_weight() -> None:
    # capitalisation 3*110 + 1*200 = 530 against 500 at base: +6 %.
    assert index_value(NIFTY, {257: 110_00}) == 1_060_00


def test_index_rounds_to_its_tick() -> None:
    # 1000 * (3*100.01 + 200) / 500 = 1000.06 -> 1000.05 (nearest 5 paise)
    assert index_value(NIFTY, {257: 100_01}) == 1_000_05
