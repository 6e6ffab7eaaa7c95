"""CNF111 routing-outside-router."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.conditions import AnyOf, IsKind, TypeIs
from conformance.index import API_ROUTER, FASTAPI_APP
from conformance.names import APP_CLASSES as _APP_CLASSES
from conformance.names import ROUTER_CLASSES as _ROUTER_CLASSES
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.structure._common import _ROUTE_METHODS, _CreatesRouter


class FastapiOutsideRouter(FileRule):
    """## What it checks
    `APIRouter(...)`, `FastAPI(...)` or a route decorator (`@router.get(...)`) in a module file
    other than `router.py`.

    ## Why
    HTTP routing is the router's job; a service or repository that defines routes mixes the
    transport into the domain and escapes the router rules (dependency injection, prefixes).

    ## Example
    ```python
    # cpv3/modules/users/service.py
    from fastapi import APIRouter

    extra = APIRouter()
    ```

    ## Use instead
    Define routes in `router.py` and call the service from them.

    ## Options
    `roles.router`. The application (`FastAPI()`) lives outside the module packages, e.g. in
    `cpv3/main.py`, which this rule does not check.
    """

    code = "CNF111"
    requires_roles = ("router",)
    name = "routing-outside-router"
    summary = "APIRouter, FastAPI() or a route defined outside router.py"
    fix_hint = "move routing code into the module's router.py"
    catalog = "STR011"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])

            @router.get("/")
            async def list_users() -> list:
                return []
            """,
        ),
        Example.code(
            """
            from cpv3.core.cache import Cache, make_cache

            cache = Cache(ttl=60)
            short = make_cache(5)

            @cache.memoize(ttl=5)
            def slug(value: str) -> str:
                return value.lower()
            """,
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/core/cache.py": """
                    class Cache:
                        def __init__(self, ttl: int) -> None:
                            self.ttl = ttl

                        def get(self, key: str) -> object:
                            return None


                    def make_cache(ttl: int) -> Cache:
                        return Cache(ttl)
                    """,
            },
            note="module-level project objects that are not routers",
        ),
    )
    INVALID = (
        Example.code(
            """
            import fastapi as fa

            extra = fa.APIRouter()

            @extra.get("/ping")
            async def ping() -> str:
                return "pong"
            """,
            Expect(3, 9, "APIRouter() in service.py"),
            Expect(5, 2, "route decorator in service.py"),
            path="cpv3/modules/users/service.py",
        ),
        Example.code(
            """
            from cpv3.core.routing import ApiRouter

            extra = ApiRouter()

            @extra.get("/ping")
            async def ping() -> str:
                return "pong"
            """,
            Expect(3, 9, "APIRouter() in service.py"),
            Expect(5, 2, "route decorator in service.py"),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/core/routing.py": """
                    from fastapi import APIRouter


                    class ApiRouter(APIRouter):
                        pass
                    """,
            },
        ),
    )

    def hint(self) -> str:
        return f"move routing code into the module's {self.ctx.role_file('router')}"

    def _outside(self) -> bool:
        return self.ctx.feature is not None and not self.ctx.has_role("router")

    def visit_Call(self, node: cst.Call) -> None:
        if not self._outside():
            return
        name = self.ctx.call_name(node)
        if name in _ROUTER_CLASSES or name in _APP_CLASSES:
            short = "APIRouter()" if name in _ROUTER_CLASSES else "FastAPI()"
            self.report(
                node,
                f"{short} in {self.ctx.path.rpartition('/')[2]}",
                fix_hint=f"routing belongs in the module's {self.ctx.role_file('router')}",
            )
        elif name is not None and not self.ctx.in_function and self.ctx.is_project_name(name):
            # routers are built at import time: a project APIRouter subclass or factory
            self.report(
                node,
                f"APIRouter() in {self.ctx.path.rpartition('/')[2]}",
                fix_hint=f"routing belongs in the module's {self.ctx.role_file('router')}",
                when=_CreatesRouter(name),
            )

    def visit_Decorator(self, node: cst.Decorator) -> None:
        if not self._outside():
            return
        target = node.decorator.func if isinstance(node.decorator, cst.Call) else node.decorator
        if not isinstance(target, cst.Attribute) or target.attr.value not in _ROUTE_METHODS:
            return
        receiver = self.ctx.instance_type(target.value)
        if receiver is None:
            return
        self.report(
            node.decorator,
            f"route decorator in {self.ctx.path.rpartition('/')[2]}",
            fix_hint=f"routing belongs in the module's {self.ctx.role_file('router')}",
            when=AnyOf(
                (
                    TypeIs(receiver, _ROUTER_CLASSES + _APP_CLASSES),
                    IsKind(receiver, API_ROUTER),
                    IsKind(receiver, FASTAPI_APP),
                )
            ),
        )
