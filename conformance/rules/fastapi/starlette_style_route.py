"""CNF331 starlette-style-route."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._examples import _documented
from conformance.rules.fastapi._routes import _when, receiver_verdict


class StarletteRoute(FileRule):
    """## What it checks
    Starlette-style routing on a FastAPI router or app: `@router.route(...)`, `@app.route(...)`,
    `app.add_route(...)`.

    ## Why
    These bypass FastAPI's request parsing, validation, dependency injection and OpenAPI schema:
    the endpoint gets a raw `Request` and is missing from the docs.

    ## Example
    ```python
    @router.route("/health")
    async def health(request): ...
    ```

    ## Use instead
    ```python
    @router.get("/health")
    async def health() -> dict: ...
    ```
    """

    code = "CNF331"
    name = "starlette-style-route"
    summary = "Starlette-style route on a FastAPI router"
    fix_hint = "use the method decorators: `@router.get(...)`, `@router.post(...)`"
    catalog = "API001"
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from fastapi import FastAPI

            app = FastAPI()


            @app.route("/health")
            async def health(request):
                return {}


            app.add_route("/ping", health)
            """,
            Expect(
                6,
                2,
                "app.route() registers a Starlette route without FastAPI's validation, injection "
                "or OpenAPI: use app.get()/app.post()/...",
            ),
            Expect(
                11,
                1,
                "app.add_route() registers a Starlette route without FastAPI's validation, "
                "injection or OpenAPI: use app.get()/app.post()/...",
            ),
            path="cpv3/main.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in ("route", "add_route"):
            return
        verdict = receiver_verdict(self.ctx, func.value)
        if verdict is False:
            return
        receiver = self.ctx.code_for(func.value)
        self.report(
            node,
            f"{receiver}.{func.attr.value}() registers a Starlette route without FastAPI's "
            f"validation, injection or OpenAPI: use {receiver}.get()/{receiver}.post()/...",
            when=_when(verdict),
        )
