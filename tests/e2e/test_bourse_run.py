"""`bourse run` as a user starts it: a subprocess on a fresh data directory."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bourse.sim.master import nifty_50_symbols

STARTUP_SECONDS = 60
LIVELY_SECONDS = 10
"""Issue 6: within 10 s every NIFTY 50 instrument has traded and has both sides of depth."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def bourse_run(data_dir: Path, **variables: str) -> Iterator[tuple[str, str]]:
    port = free_port()
    env = {
        **os.environ,
        "BOURSE_MODE": "development",
        "BOURSE_DATA_DIR": str(data_dir),
        "BOURSE_PORT": str(port),
        **variables,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bourse.cli", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = []
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            banner.append(line)
            if line.startswith("Demo user:"):
                break
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(f"{base}/api/v1/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base, "".join(banner)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_bourse_run_serves_and_prints_demo_credentials(tmp_path: Path) -> None:
    with bourse_run(tmp_path / "var") as (base, banner):
        health = httpx.get(f"{base}/api/v1/health").json()

    assert "demo@bourse.local" in banner and "password: bourse-demo-2026" in banner
    assert health["status"] == "success"
    assert health["data"]["durable_seq"] > 0


def test_restarting_on_the_same_data_seeds_nothing_twice(tmp_path: Path) -> None:
    with bourse_run(tmp_path / "var", BOURSE_SIM="off") as (base, _):
        first = httpx.get(f"{base}/api/v1/health").json()["data"]["durable_seq"]
    with bourse_run(tmp_path / "var", BOURSE_SIM="off") as (base, banner):
        second = httpx.get(f"{base}/api/v1/health").json()["data"]["durable_seq"]

    assert second == first
    assert "trading account 1" in banner
    assert "simulator off" in banner


def _demo_token(base: str) -> str:
    answer = httpx.post(
        f"{base}/api/v1/auth/login",
        json={"email": "demo@bourse.local", "password": "bourse-demo-2026"},
    )
    return str(answer.json()["data"]["access_token"])


def _quiet_nifty_50(base: str, token: str) -> list[str]:
    """NIFTY 50 instruments without volume or without both sides of depth."""
    answer = httpx.get(
        f"{base}/api/v1/quote",
        params=[("i", f"NSE:{symbol}") for symbol in nifty_50_symbols()],
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    ).json()["data"]
    assert len(answer) == 50
    return [
        name
        for name, quote in answer.items()
        if not (quote["volume"] > 0 and quote["depth"]["buy"] and quote["depth"]["sell"])
    ]


def test_bourse_run_market_is_alive_within_ten_seconds(tmp_path: Path) -> None:
    started = time.monotonic()  # the deadline counts from the process start
    with bourse_run(tmp_path / "var") as (base, banner):
        token = _demo_token(base)
        quiet = _quiet_nifty_50(base, token)
        while quiet and time.monotonic() - started < LIVELY_SECONDS:
            time.sleep(0.25)
            quiet = _quiet_nifty_50(base, token)
        funds = httpx.get(
            f"{base}/api/v1/funds", headers={"Authorization": f"Bearer {token}"}
        ).json()["data"]
        indices = httpx.get(
            f"{base}/api/v1/quote/ltp",
            params=[("i", "NSE:NIFTY 50"), ("i", "NSE:NIFTY BANK")],
            headers={"Authorization": f"Bearer {token}"},
        ).json()["data"]

    assert quiet == []
    assert {name: quote["last_price"] > 0 for name, quote in indices.items()} == {
        "NSE:NIFTY 50": True,
        "NSE:NIFTY BANK": True,
    }
    assert "simulator at" in banner
    assert funds["available"] == 1_000_000


def test_restarting_with_the_simulator_resumes_the_market(tmp_path: Path) -> None:
    with bourse_run(tmp_path / "var") as (base, _):
        time.sleep(1)
    with bourse_run(tmp_path / "var") as (base, _):
        token = _demo_token(base)
        started = time.monotonic()
        quiet = _quiet_nifty_50(base, token)
        while quiet and time.monotonic() - started < LIVELY_SECONDS:
            time.sleep(0.25)
            quiet = _quiet_nifty_50(base, token)

    assert quiet == []


def readme_walkthrough() -> str:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    start = readme.index("```sh\n") + len("```sh\n")
    return readme[start : readme.index("```", start)]


def test_readme_curl_walkthrough_works_as_written(tmp_path: Path) -> None:
    with bourse_run(tmp_path / "var") as (base, _):
        script = readme_walkthrough().replace("http://127.0.0.1:8000", base)
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert result.returncode == 0, result.stderr
    answers = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(answers) == 6
    assert all('"status":"success"' in answer for answer in answers), answers
    assert '"tradingsymbol":"INFY"' in answers[-1]  # the market order traded


def test_bourse_sim_trades_on_a_remote_bourse_over_the_api(tmp_path: Path) -> None:
    generous = {
        "BOURSE_SIM": "off",
        "BOURSE_RATE_LIMIT_USER_PER_SECOND": "100000",
        "BOURSE_RATE_LIMIT_USER_BURST": "100000",
        "BOURSE_RATE_LIMIT_IP_PER_SECOND": "100000",
        "BOURSE_RATE_LIMIT_IP_BURST": "100000",
    }
    with bourse_run(tmp_path / "var", **generous) as (base, _):
        result = subprocess.run(
            [sys.executable, "-m", "bourse.cli", "sim", "--url", base, "--seconds", "4",
             "--rate", "10", "--instruments", "3"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        token = _demo_token(base)
        quote = httpx.get(
            f"{base}/api/v1/quote",
            params={"i": "NSE:RELIANCE"},
            headers={"Authorization": f"Bearer {token}"},
        ).json()["data"]["NSE:RELIANCE"]

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["accepted"] > 0 and report["rejected"] == 0, report
    assert quote["volume"] > 0 and quote["depth"]["buy"] and quote["depth"]["sell"]
