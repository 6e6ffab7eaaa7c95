"""CNF332 router-without-prefix."""

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
from conformance.rules.structure._common import ROUTER_NAME


class RouterWithoutPrefix(_RouterCalls):
    """## What it checks
    `APIRouter(...)` without `prefix=` (the prefix then only lives at `include_router`, far from the
    routes). Routers that include other routers in the same file (aggregators) are exempt, and so
    are routers hidden from the schema (`include_in_schema=False` on the router, at its
    `include_router` or on every route of it), routers outside module packages, routers of test
    files, and routers whose `include_router` call anywhere
    in the project gives `prefix=` (the project's chosen place for it). A router the project
    never mounts by a name the checker can follow, in a project that mounts some router it
    cannot follow (`app.include_router(plugin.router, ...)` in a loop), is not reported.

    ## Why
    The module convention gives every module router its own prefix, visible next to its routes;
    a prefix added at `include_router` is easy to forget or to set twice.

    ## Example
    ```python
    router = APIRouter()
    ```

    ## Use instead
    ```python
    router = APIRouter(prefix="/users", tags=["users"])
    ```

    ## Options
    `router-prefix` checks the prefix's value too (CNF346). `router-name` names the module's
    own router: the message suggests the module's path as its prefix, and no path for another
    router of the file (it may be mounted anywhere).
    """

    code = "CNF332"
    name = "router-without-prefix"
    summary = "APIRouter() without a prefix"
    fix_hint = 'give the router its prefix: `APIRouter(prefix="/users", tags=["users"])`'
    catalog = "API002"
    VALID = (
        _documented(),
        Example.code(
            """
            from fastapi import APIRouter

            from cpv3.modules.users.router import router as users_router

            api = APIRouter()
            api.include_router(users_router)
            """,
            path="cpv3/api.py",
            note="an aggregating root router needs no prefix",
        ),
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(include_in_schema=False)
            """,
            note="a router hidden from the schema",
        ),
        _every_route_hidden(),
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter()
            """,
            path="tests/test_routing.py",
            note="a router of a test file",
        ),
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter()
            """,
            extra={
                "cpv3/main.py": (
                    "from fastapi import FastAPI\n\n"
                    "from cpv3.modules.users import router as users\n\n"
                    "app = FastAPI()\n"
                    'app.include_router(users.router, prefix="/users", tags=["users"])\n'
                ),
            },
            note="the project gives prefix at its include_router call",
        ),
        _mounted_in_a_loop('APIRouter(tags=["users"])'),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import routing

            router = routing.APIRouter(tags=["users"])
            """,
            Expect(
                3,
                10,
                "APIRouter() without prefix: set it on the router, "
                '`APIRouter(prefix="/users", ...)`, not at include_router',
            ),
        ),
    )

    def check_router(self, bound: Optional[str], call: cst.Call) -> None:
        if _keyword(call, "prefix") is not None:
            return
        # the module's own router serves the module's path; another router of the file may be
        # mounted anywhere (``users_router`` of sessions/ under /users): no path is guessed
        own = bound == self.ctx.option(ROUTER_NAME)
        example = f"/{_kebab(self.ctx.feature)}" if self.ctx.feature and own else "/..."
        self.report(
            call,
            f'APIRouter() without prefix: set it on the router, `APIRouter(prefix="{example}", '
            "...)`, not at include_router",
            when=self.unless_mounted_with(bound, "prefix"),
        )
