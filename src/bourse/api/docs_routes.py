"""The OpenAPI document (``GET /api/v1/openapi.json``) and its docs page (``GET /api/v1/docs``).

The document covers every operation of the application (``app.state.operations``, all route
modules), is built on first request and kept: the operations do not change once the
application is assembled. Both routes are public and left out of the document itself.
"""

from importlib import metadata

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bourse.api.docs_page import CONTENT_SECURITY_POLICY, DOCS_HTML
from bourse.api.envelope import JSON, encode
from bourse.api.gateway import Gateway
from bourse.api.openapi import build_document
from bourse.api.operations import Operation

TITLE = "Bourse API"
DESCRIPTION = (
    "Native REST API of Bourse, in the Kite Connect envelope: "
    '`{"status": "success", "data": ...}` or '
    '`{"status": "error", "error_type": ..., "message": ..., "data": ...}`. '
    "Times are integer nanoseconds since the Unix epoch (UTC) unless a field says otherwise."
)
_DOCUMENT_KEY = "openapi_document"


def api_version() -> str:
    try:
        return metadata.version("bourse")
    except metadata.PackageNotFoundError:
        return "0"


def operations(gateway: Gateway) -> list[Operation]:
    async def openapi_document(request: Request) -> Response:
        state = request.app.state
        document: bytes | None = getattr(state, _DOCUMENT_KEY, None)
        if document is None:
            document = encode(
                build_document(
                    state.operations, title=TITLE, version=api_version(), description=DESCRIPTION
                )
            )
            setattr(state, _DOCUMENT_KEY, document)
        return Response(document, media_type=JSON)

    async def docs(request: Request) -> Response:
        return HTMLResponse(DOCS_HTML, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})

    return [
        Operation(
            "GET",
            "/api/v1/openapi.json",
            openapi_document,
            summary="The OpenAPI 3.1 document of this API",
            tag="docs",
            authenticated=False,
            errors=(),
            include_in_schema=False,
        ),
        Operation(
            "GET",
            "/api/v1/docs",
            docs,
            summary="Interactive API documentation",
            tag="docs",
            authenticated=False,
            errors=(),
            include_in_schema=False,
        ),
    ]
