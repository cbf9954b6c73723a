"""A starter instrument master: liquid NSE equities with approximate previous closes.

Tokens follow Kite's layout (instrument id << 8 | segment). Prices are in paise and on the
0.05 tick. The full NIFTY 50 + universe and CSV loading arrive with the simulator issue.
"""

from bourse.domain.instrument import Instrument, Segment, make_instrument_token

# (Kite instrument token, tradingsymbol, name, isin, previous close in paise)
_NSE_STARTERS: tuple[tuple[int, str, str, str, int], ...] = (
    (738561, "RELIANCE", "RELIANCE INDUSTRIES", "INE002A01018", 1_285_40),
    (2953217, "TCS", "TATA CONSULTANCY SERVICES", "INE467B01029", 3_412_75),
    (341249, "HDFCBANK", "HDFC BANK", "INE040A01034", 1_702_10),
    (408065, "INFY", "INFOSYS", "INE009A01021", 1_523_60),
    (1270529, "ICICIBANK", "ICICI BANK", "INE090A01021", 1_268_95),
    (779521, "SBIN", "STATE BANK OF INDIA", "INE062A01020", 812_30),
    (2714625, "BHARTIARTL", "BHARTI AIRTEL", "INE397D01024", 1_645_00),
    (424961, "ITC", "ITC", "INE154A01025", 478_85),
    (2939649, "LT", "LARSEN & TOUBRO", "INE018A01030", 3_598_20),
    (492033, "KOTAKBANK", "KOTAK MAHINDRA BANK", "INE237A01028", 1_812_45),
)


def starter_instruments() -> list[Instrument]:
    return [
        Instrument(
            token=make_instrument_token(kite_token >> 8, Segment.NSE),
            exchange="NSE",
            tradingsymbol=symbol,
            name=name,
            isin=isin,
            tick_size=5,
            lot_size=1,
            freeze_quantity=100_000,
            reference_price=close,
            band_bp=2_000,
        )
        for kite_token, symbol, name, isin, close in _NSE_STARTERS
    ]
