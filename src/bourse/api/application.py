"""Assemble the Starlette application from route modules' operations.

Request bodies are limited to ``MAX_BODY_BYTES`` by ``BodyLimitMiddleware`` (not Starlette's
``max_body_size``, whose plain-text 413 escapes the error envelope on some paths).
"""

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bourse.api.body_limit import BodyLimitMiddleware
from bourse.api.errors import EXCEPTION_HANDLERS
from bourse.api.gateway import Gateway
from bourse.api.operations import Endpoint, Operation

MAX_BODY_BYTES = 64 * 1024

OperationSource = Callable[[Gateway], list[Operation]]


def create_api(
    gateway: Gateway,
    sources: Sequence[OperationSource],
    *,
    extra_routes: Sequence[BaseRoute] = (),
    lifespan: Callable[[Starlette], AbstractAsyncContextManager[None]] | None = None,
) -> Starlette:
    operations = [operation for source in sources for operation in source(gateway)]
    routes = path_routes(operations)
    routes.extend(extra_routes)
    app = Starlette(
        routes=routes,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
        middleware=[Middleware(BodyLimitMiddleware, max_body_size=MAX_BODY_BYTES)],
    )
    app.state.operations = operations
    return app


def path_routes(operations: Sequence[Operation]) -> list[BaseRoute]:
    """One route per path, dispatching on the method: a 405 then lists in ``Allow`` every
    method the path has (one route per operation would name only its own)."""
    by_path: dict[str, dict[str, Endpoint]] = {}
    for op in operations:
        endpoints = by_path.setdefault(op.path, {})
        if op.method in endpoints:
            raise ValueError(f"two operations are declared for {op.method} {op.path}")
        endpoints[op.method] = op.endpoint
    return [
        Route(path, _by_method(endpoints), methods=list(endpoints), name=path)
        for path, endpoints in by_path.items()
    ]


def _by_method(endpoints: dict[str, Endpoint]) -> Endpoint:
    if len(endpoints) == 1:
        return next(iter(endpoints.values()))

    async def dispatch(request: Request) -> Response:
        # The route lets through only its methods, and HEAD where GET is one of them.
        method = "GET" if request.method == "HEAD" else request.method
        return await endpoints[method](request)

    return dispatch
