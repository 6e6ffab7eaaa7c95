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
from conformance.rules.fastapi._examples import (
    _documented,
    _every_route_hidden,
    _mounted_in_a_loop,
)


class RouterWithoutTags(_RouterCalls):
    """## What it checks
    `APIRouter(...)` without `tags=`. Aggregating routers (that include others in the same file)
    are exempt, and so are routers hidden from the schema (`include_in_schema=False`, on the
    router or at its `include_router`), routers of test files, routers whose `include_router`
    call anywhere in the project gives `tags=` (or that are included, along an include chain, by
    a router that has tags or is included with them: FastAPI gives those tags to every route it
    takes in), routers every route of which gives its own `tags=`, and every router of a project whose application has no schema
    (`FastAPI(openapi_url=None)`). A router the project never mounts by a name the checker can
    follow, in a project that mounts some router it cannot follow
    (`app.include_router(plugin.router, ...)` in a loop), is not reported: it may be that one.

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
    VALID = (
        _documented(),
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", include_in_schema=False)
            """,
            note="a router hidden from the schema",
        ),
        _every_route_hidden(),
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users")
            """,
            path="tests/test_routing.py",
            note="a router of a test file",
        ),
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users")
            """,
            extra={
                "cpv3/main.py": (
                    "from fastapi import FastAPI\n\n"
                    "from cpv3.modules.users import router as users\n\n"
                    "app = FastAPI()\n"
                    'app.include_router(users.router, tags=["users"])\n'
                ),
            },
            note="the project gives tags at its include_router call",
        ),
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users")
            """,
            extra={
                "cpv3/main.py": (
                    "from fastapi import FastAPI\n\n"
                    "from cpv3.modules.users.router import router as users_router\n\n"
                    "app = FastAPI(openapi_url=None)\n"
                    "app.include_router(users_router)\n"
                ),
            },
            note="an application without an OpenAPI schema has no docs to group",
        ),
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter()
            """,
            path="cpv3/modules/users/router.py",
            extra={
                "cpv3/api.py": (
                    "from fastapi import APIRouter, FastAPI\n\n"
                    "from cpv3.modules.users.router import router as users_router\n\n"
                    'accounts = APIRouter(tags=["accounts"])\n'
                    'accounts.include_router(users_router, prefix="/users")\n'
                    "app = FastAPI()\n"
                    'app.include_router(accounts, prefix="/accounts")\n'
                ),
            },
            note="the router that includes it has tags: FastAPI gives them to its routes",
        ),
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users")


            @router.get("/", tags=["users"])
            async def list_users() -> list:
                return []
            """,
            note="every route gives its own tags",
        ),
        _mounted_in_a_loop("APIRouter()"),
    )
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
        if bound in self.tagged_routes and bound not in self.untagged_routes:
            return  # every route gives its own tags: the operations are grouped
        example = _kebab(self.ctx.feature) if self.ctx.feature else "items"
        self.report(
            call,
            f'APIRouter() without tags: add `tags=["{example}"]` so the module\'s operations are '
            "grouped in the API docs",
            when=self.unless_mounted_with(bound, "tags", docs=True),
        )
