from pathlib import Path

import pytest

from bourse.cli import main
from bourse.sim.instrument_csv import InstrumentCsvError, parse_instruments_csv
from bourse.sim.master import load_universe, nse_equities

KITE_HEADER = (
    "instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,"
    "lot_size,instrument_type,segment,exchange"
)


def test_kite_dump_rows_become_equities_and_derivatives_are_skipped() -> None:
    text = "\n".join(
        [
            KITE_HEADER,
            "408065,1594,INFY,INFOSYS,1523.6,,0,0.05,1,EQ,NSE,NSE",
            "13238786,51714,NIFTY25DECFUT,,0,2025-12-30,0,0.1,75,FUT,NFO-FUT,NFO",
            "256265,1001,NIFTY 50,,0,,0,0,0,INDEX,INDICES,NSE",
        ]
    )

    listed = parse_instruments_csv(text)

    assert [e.instrument.tradingsymbol for e in listed] == ["INFY"]
    infy = listed[0].instrument
    assert (infy.token, infy.reference_price, infy.tick_size, infy.band_bp) == (
        408065,
        152360,
        5,
        2000,
    )
    assert listed[0].sector == "Unclassified"


def test_bad_rows_are_all_reported_with_line_field_and_value() -> None:
    text = "\n".join(
        [
            KITE_HEADER,
            "408065,1594,INFY,INFOSYS,1523.63,,0,0.05,1,EQ,NSE,NSE",
            "abc,1,TCS,TCS,3412.75,,0,0.05,1,EQ,NSE,NSE",
            "738564,2885,RELIANCE,RIL,1285.40,,0,0.05,1,EQ,NSE,NSE",
            "341249,1333,HDFCBANK,HDFC,1702.10,,0,0.05,0,EQ,NSE,MCX",
        ]
    )

    with pytest.raises(InstrumentCsvError) as raised:
        parse_instruments_csv(text, source="mine.csv")

    message = str(raised.value)
    assert "mine.csv" in message
    assert "line 2: last_price 1523.63 is not a multiple of tick 0.05" in message
    assert "line 3: instrument_token 'abc' is not an integer" in message
    assert "line 4: instrument_token 738564 has segment byte 4" in message
    assert "line 5: exchange 'MCX'" in message and "lot_size 0 must be positive" in message


def test_duplicate_tokens_and_a_missing_column_are_refused() -> None:
    row = "408065,1594,INFY,INFOSYS,1523.6,,0,0.05,1,EQ,NSE,NSE"
    with pytest.raises(InstrumentCsvError, match="408065 appears more than once"):
        parse_instruments_csv("\n".join([KITE_HEADER, row, row]))
    with pytest.raises(InstrumentCsvError, match="header lacks column"):
        parse_instruments_csv("instrument_token,tradingsymbol\n408065,INFY\n")


def test_load_universe_reads_a_users_csv_or_defaults_to_the_master(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        KITE_HEADER + ",isin,sector,circuit_limit_pct\n"
        "408065,1594,INFY,INFOSYS,1523.6,,0,0.05,1,EQ,NSE,NSE,INE009A01021,IT,10\n"
    )

    mine = load_universe(path)

    assert mine[0].instrument.band_bp == 1000 and mine[0].sector == "IT"
    assert len(load_universe(None)) == len(nse_equities())


def test_bourse_run_refuses_a_bad_instruments_csv_before_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(KITE_HEADER + "\nabc,1,INFY,INFOSYS,1523.6,,0,0.05,1,EQ,NSE,NSE\n")
    monkeypatch.setenv("BOURSE_MODE", "development")
    monkeypatch.setenv("BOURSE_DATA_DIR", str(tmp_path / "var"))

    status = main(["run", "--instruments-csv", str(bad)])

    assert status == 2
    assert "line 2: instrument_token 'abc' is not an integer" in capsys.readouterr().err
    assert not (tmp_path / "var").exists()
