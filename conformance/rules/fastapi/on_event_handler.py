"""CNF342 on-event-handler."""

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


class OnEvent(FileRule):
    """## What it checks
    `@app.on_event("startup")`/`("shutdown")` and `app.add_event_handler(...)` on a FastAPI app or
    APIRouter.

    ## Why
    Deprecated in FastAPI in favour of a `lifespan` context manager, which keeps start-up and
    shutdown together and shares state between them.

    ## Example
    ```python
    @app.on_event("startup")
    async def connect() -> None: ...
    ```

    ## Use instead
    ```python
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await connect()
        yield
        await disconnect()

    app = FastAPI(lifespan=lifespan)
    ```
    """

    code = "CNF342"
    name = "on-event-handler"
    summary = "deprecated on_event start-up/shutdown handler"
    fix_hint = "use a lifespan context manager: `FastAPI(lifespan=lifespan)`"
    catalog = "API012"
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from fastapi import FastAPI as App

            app = App()


            @app.on_event("startup")
            async def connect() -> None:
                return None
            """,
            Expect(
                6,
                2,
                "app.on_event() is deprecated",
            ),
            path="cpv3/main.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in (
            "on_event",
            "add_event_handler",
        ):
            return
        verdict = receiver_verdict(self.ctx, func.value)
        if verdict is False:
            return
        self.report(
            node,
            f"{self.ctx.code_for(func.value)}.{func.attr.value}() is deprecated",
            fix_hint="move start-up and "
            "shutdown code into a lifespan context manager, `FastAPI(lifespan=lifespan)`",
            when=_when(verdict),
        )
