"""The web trading terminal: the built single-page app (``web/dist``) served at ``/``.

* ``/assets/...`` are Vite's content-hashed files: cached for a year, ``immutable``; a
  gzipped copy made by the build (``<file>.gz``) is sent to browsers that accept gzip.
* Any other existing file of the build (icons) is served with a short cache.
* Every other path that does not start with ``/api/`` is the SPA's own route: ``index.html``
  with ``no-cache`` (revalidated on every load, so a new build is picked up at once).
* Paths under ``/api/`` never reach this module (the convertor refuses them), so an unknown API
  path stays a 404 in the error envelope and the API routes keep precedence whatever the order.
* Without a build, a short HTML page says how to make one (503).

The directory is ``BOURSE_WEB_DIR``, by default ``web/dist`` of the source checkout (``make
run`` builds it).
"""

import mimetypes
from pathlib import Path

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from bourse.api.gateway import Gateway
from bourse.api.operations import Operation

DEFAULT_WEB_DIR = Path(__file__).resolve().parents[3] / "web" / "dist"
"""``<checkout>/web/dist`` for a source (editable) install."""

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"
REVALIDATE = "no-cache"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'; object-src 'none'"
)
_SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

MISSING_BUILD_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bourse: terminal not built</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}
code{background:#f2f2f2;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>The web terminal is not built</h1>
<p>The API is running (<a href="/api/v1/docs">API docs</a>), but the trading terminal's files
were not found in <code>web/dist</code>.</p>
<p>Build it with <code>make web</code> (or start Bourse with <code>make run</code>, which builds
it when its sources changed), then reload this page.</p></body></html>
"""


class WebPathConvertor(Convertor[str]):
    """Any path except the API's (``api/...``), which the router leaves to the API routes."""

    regex = r"(?!api(?:/|$)).*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


class WebApp:
    """Serves one build directory; ``index.html`` answers every route of the app."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()

    def file(self, relative: str) -> Path | None:
        """The build's file at ``relative``, or None (missing, a directory, or outside)."""
        if not relative or "\x00" in relative:
            return None
        candidate = (self.directory / relative).resolve()
        if not candidate.is_relative_to(self.directory) or not candidate.is_file():
            return None
        return candidate

    async def serve(self, request: Request) -> Response:
        relative = request.path_params.get("path", "")
        found = self.file(relative)
        if found is not None:
            if relative.startswith("assets/"):
                return self.asset(request, found)
            return FileResponse(found, headers={"Cache-Control": SHORT, **_SECURITY_HEADERS})
        index = self.directory / "index.html"
        if not index.is_file():
            return HTMLResponse(
                MISSING_BUILD_HTML, status_code=503, headers={"Cache-Control": REVALIDATE}
            )
        if relative.startswith("assets/"):
            # A hashed asset of another build: never answer it with the page.
            return HTMLResponse("Not Found", status_code=404, headers={"Cache-Control": REVALIDATE})
        return FileResponse(
            index,
            media_type="text/html",
            headers={"Cache-Control": REVALIDATE, **_SECURITY_HEADERS},
        )

    def asset(self, request: Request, found: Path) -> Response:
        headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding", **_SECURITY_HEADERS}
        compressed = found.with_name(found.name + ".gz")
        accepted = request.headers.get("accept-encoding", "")
        if "gzip" in accepted.lower() and compressed.is_file():
            media_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return FileResponse(
                compressed,
                media_type=media_type,
                headers={**headers, "Content-Encoding": "gzip"},
            )
        return FileResponse(found, headers=headers)


def web_operations(directory: Path) -> list[Operation]:
    register_url_convertor("webpath", WebPathConvertor())
    app = WebApp(directory)

    def page(path: str, summary: str) -> Operation:
        return Operation(
            "GET",
            path,
            app.serve,
            summary=summary,
            tag="web",
            authenticated=False,
            errors=(),
            include_in_schema=False,
        )

    return [
        page("/", "The web trading terminal"),
        page("/{path:webpath}", "The terminal's files, and its own routes (SPA fallback)"),
    ]


def operations(gateway: Gateway) -> list[Operation]:
    return web_operations(gateway.settings.web_dir or DEFAULT_WEB_DIR)
