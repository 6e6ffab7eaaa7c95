"""CNF334 router-without-tags."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.rules.base import Example, Expect

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import _kebab, _keyword, _RouterCalls
from conformance.rules.fastapi._examples import _documented


class RouterWithoutTags(_RouterCalls):
    """## What it checks
    `APIRouter(...)` without `tags=`. Aggregating routers (that include others in the same file)
    are exempt.

    ## Why
    Tags group a module's operations in the OpenAPI docs; the module convention asks every module
    router for a prefix and tags, set next to its routes.

    ## Example
    ```python
    router = APIRouter(prefix="/users")
    ```

    ## Use instead
    ```python
    router = APIRouter(prefix="/users", tags=["users"])
    ```

    ## Options
    `router-tags` checks the tags' values too (CNF346).
    """

    code = "CNF334"
    name = "router-without-tags"
    summary = "APIRouter() without tags"
    fix_hint = 'add tags: `APIRouter(prefix="/users", tags=["users"])`'
    catalog = "API004"
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            import fastapi

            router = fastapi.APIRouter(prefix="/users")
            """,
            Expect(
                3,
                10,
                'APIRouter() without tags: add `tags=["users"]` so the module\'s operations are '
                "grouped in the API docs",
            ),
        ),
    )

    def check_router(self, bound: Optional[str], call: cst.Call) -> None:
        if _keyword(call, "tags") is not None:
            return
        example = _kebab(self.ctx.feature) if self.ctx.feature else "items"
        self.report(
            call,
            f'APIRouter() without tags: add `tags=["{example}"]` so the module\'s operations are '
            "grouped in the API docs",
        )
