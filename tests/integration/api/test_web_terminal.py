"""The platform serves the web terminal at / while every API route keeps precedence."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.integration.api.conftest import make_settings, serve

from bourse.app import create_platform

INDEX = "<!doctype html><title>Bourse terminal</title>"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[httpx.Client]:
    web_dir = tmp_path / "dist"
    web_dir.mkdir()
    (web_dir / "index.html").write_text(INDEX)
    settings = make_settings(
        tmp_path / "var", f"sqlite:///{tmp_path / 'bourse.db'}", web_dir=web_dir
    )
    platform = create_platform(settings)
    server, thread, base_url = serve(platform)
    try:
        with httpx.Client(base_url=base_url, timeout=10) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(30)
        platform.close()


def test_root_and_app_routes_serve_the_terminal(terminal: httpx.Client) -> None:
    assert terminal.get("/").text == INDEX
    assert terminal.get("/holdings").text == INDEX


def test_api_routes_keep_precedence_over_the_terminal(terminal: httpx.Client) -> None:
    health = terminal.get("/api/v1/health")
    unknown = terminal.get("/api/v1/nothing-here")
    unknown_post = terminal.post("/api/v1/nothing-here")

    assert health.json()["status"] == "success"
    assert unknown.status_code == 404 and unknown.json()["error_type"] == "DataException"
    assert unknown_post.status_code == 404
    assert terminal.get("/api/v1/openapi.json").json()["openapi"].startswith("3.1")
