"""The web terminal's static files: cache headers, SPA fallback, no escape from the build."""

import asyncio
import gzip
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from bourse.api.application import path_routes
from bourse.api.web_routes import IMMUTABLE, REVALIDATE, SHORT, web_operations
from bourse.settings import Settings

INDEX = "<!doctype html><title>Bourse</title><div id=root></div>"


def build(directory: Path) -> None:
    (directory / "assets").mkdir(parents=True)
    (directory / "index.html").write_text(INDEX)
    (directory / "assets" / "index-abc123.js").write_text("console.log(1)")
    (directory / "favicon.svg").write_text("<svg/>")


class Web:
    """GETs against the web routes alone, in process."""

    def __init__(self, directory: Path) -> None:
        self.app = Starlette(routes=path_routes(web_operations(directory)))

    def get(self, path: str, **headers: str) -> httpx.Response:
        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://web") as client:
                response = await client.get(path, headers=headers)
                await response.aread()
                return response

        return asyncio.run(fetch())


@pytest.fixture
def web(tmp_path: Path) -> Web:
    build(tmp_path / "dist")
    (tmp_path / "secret.txt").write_text("not for the web")
    return Web(tmp_path / "dist")


def test_root_serves_the_index_revalidated_every_load(web: Web) -> None:
    response = web.get("/")

    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == REVALIDATE
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_app_route_falls_back_to_the_index(web: Web) -> None:
    response = web.get("/orders/17")

    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")


def test_hashed_asset_is_cached_immutable(web: Web) -> None:
    response = web.get("/assets/index-abc123.js")

    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert "javascript" in response.headers["content-type"]


def test_gzipped_copy_goes_to_browsers_that_accept_it(web: Web, tmp_path: Path) -> None:
    script = tmp_path / "dist" / "assets" / "index-abc123.js"
    script.with_name(script.name + ".gz").write_bytes(gzip.compress(b"console.log(1)"))

    compressed = web.get("/assets/index-abc123.js", **{"Accept-Encoding": "gzip, br"})
    plain = web.get("/assets/index-abc123.js", **{"Accept-Encoding": "identity"})

    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.text == "console.log(1)"  # httpx decodes it
    assert "javascript" in compressed.headers["content-type"]
    assert compressed.headers["vary"] == "Accept-Encoding"
    assert "content-encoding" not in plain.headers
    assert plain.text == "console.log(1)"


def test_other_build_file_gets_a_short_cache(web: Web) -> None:
    response = web.get("/favicon.svg")

    assert response.headers["cache-control"] == SHORT


def test_missing_asset_is_a_404_not_the_page(web: Web) -> None:
    response = web.get("/assets/index-old.js")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path", ["/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt", "/%2e%2e/secret.txt"]
)
def test_path_outside_the_build_is_never_served(web: Web, path: str) -> None:
    response = web.get(path)

    assert "not for the web" not in response.text


def test_api_paths_are_left_to_the_api(web: Web) -> None:
    assert web.get("/api/v1/anything").status_code == 404
    assert web.get("/api").status_code == 404


def test_missing_build_answers_a_page_that_says_how_to_build(tmp_path: Path) -> None:
    response = Web(tmp_path / "nothing").get("/positions")

    assert response.status_code == 503
    assert "make web" in response.text


def test_build_directory_comes_from_bourse_web_dir(tmp_path: Path) -> None:
    configured = Settings.from_env({"BOURSE_WEB_DIR": str(tmp_path)})
    default = Settings.from_env({})

    assert configured.web_dir == tmp_path
    assert default.web_dir is None
