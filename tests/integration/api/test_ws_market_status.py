"""Over a real WebSocket, on SQLite and PostgreSQL: status announcements (halt, resume,
cancel-only), heartbeats, and more instruments than allowed refused with an error."""

import json
from pathlib import Path

from tests.integration.api.test_ws import receive, stream
from tests.integration.api.trading_helpers import INFY, TCS, new_trader, open_venue

from bourse.domain import commands as cmd
from bourse.settings import StreamSettings


def test_halt_resume_and_cancel_only_are_announced(tmp_path: Path, database_url: str) -> None:
    with open_venue(tmp_path / "var", database_url) as served:
        with served.client() as http:
            alice = new_trader(http, cash=None)
        with stream(served, alice) as ws:
            ws.send(json.dumps({"a": "subscribe", "v": [INFY.token]}))
            receive(ws, "ticks")
            served.platform.trading.submit_many(
                [
                    cmd.HaltInstrument(token=INFY.token, reason="news pending"),
                    cmd.HaltInstrument(token=TCS.token, reason="not subscribed"),
                    cmd.ResumeInstrument(token=INFY.token),
                    cmd.SetCancelOnly(enabled=True, reason="maintenance"),
                ]
            ).result(timeout=10)
            seen = [receive(ws, "status")["data"] for _ in range(3)]

    assert [(s["instrument_token"], s["status"]) for s in seen] == [
        (INFY.token, "halted"),
        (INFY.token, "resumed"),
        (0, "cancel_only"),
    ]
    assert seen[0]["message"] == "news pending"
    assert seen[0]["timestamp"]


def test_an_idle_stream_gets_heartbeats(tmp_path: Path, database_url: str) -> None:
    often = StreamSettings(heartbeat_interval_ms=50)
    with open_venue(tmp_path / "var", database_url, stream=often) as served:
        with served.client() as http:
            alice = new_trader(http, cash=None)
        with stream(served, alice) as ws:
            beats = [receive(ws, "heartbeat") for _ in range(2)]

    assert beats == [{"type": "heartbeat"}] * 2


def test_more_instruments_than_allowed_are_refused_with_an_error(
    tmp_path: Path, database_url: str
) -> None:
    few = StreamSettings(max_subscriptions=1)
    with open_venue(tmp_path / "var", database_url, stream=few) as served:
        with served.client() as http:
            alice = new_trader(http, cash=None)
        with stream(served, alice) as ws:
            ws.send(json.dumps({"a": "subscribe", "v": [INFY.token, TCS.token]}))
            too_many = receive(ws, "error")["data"]
            ws.send(json.dumps({"a": "subscribe", "v": [INFY.token]}))
            [tick] = receive(ws, "ticks")["data"]
            ws.send(json.dumps({"a": "mode", "v": ["full", [TCS.token]]}))
            over = receive(ws, "error")["data"]

    assert "at most 1" in too_many
    assert tick["instrument_token"] == INFY.token
    assert "at most 1" in over
