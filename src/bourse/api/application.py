"""Assemble the Starlette application from route modules' operations."""

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from bourse.api.errors import EXCEPTION_HANDLERS
from bourse.api.gateway import Gateway
from bourse.api.operations import Operation

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
    routes: list[BaseRoute] = [
        Route(op.path, op.endpoint, methods=[op.method], name=f"{op.method} {op.path}")
        for op in operations
    ]
    routes.extend(extra_routes)
    app = Starlette(
        routes=routes,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.operations = operations
    return app
