"""Assemble the Starlette application from route modules' operations.

Starlette keeps the router, the lifespan and ``Request``; in front of the router there is one
layer, ``edge.Edge`` (body limit of ``MAX_BODY_BYTES`` and every error in the envelope), instead
of Starlette's middleware stack, and each path's endpoint runs as a lean ``EndpointApp``.
"""

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from bourse.api.edge import Edge, EndpointApp
from bourse.api.gateway import Gateway
from bourse.api.operations import Endpoint, Operation

MAX_BODY_BYTES = 64 * 1024

OperationSource = Callable[[Gateway], list[Operation]]


class BourseApi(Starlette):
    """Starlette with ``Edge`` as its whole middleware stack."""

    def build_middleware_stack(self) -> ASGIApp:
        return Edge(self.router, MAX_BODY_BYTES)


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
    app = BourseApi(routes=routes, lifespan=lifespan)
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
        Route(path, EndpointApp(_by_method(endpoints)), methods=list(endpoints), name=path)
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
