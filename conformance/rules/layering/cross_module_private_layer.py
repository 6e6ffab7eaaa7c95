"""CNF205 cross-module-private-layer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Set, Tuple

from conformance.rules.base import Example, Expect
from conformance.rules.layering._common import (
    ROUTER,
    _alias_nodes,
    _file_name,
    _Finding,
    _import_findings,
    _ImportRule,
    _target_role,
)

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst

#: the application's wiring files: importing every module's router to mount it is their job
_APP_FILES = frozenset({"main.py", "app.py", "api.py", "asgi.py"})

#: calls that mount a router: an argument of these is wiring, not a use of the other module
_MOUNTS = frozenset({"include_router", "mount"})

_ROUTER = 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/x", tags=["x"])\n'


class CrossModulePrivateLayer(_ImportRule):
    """## What it checks
    A file of one module importing another module's router, or a repository importing another
    module's service.

    Not reported: the application's wiring (`main.py`, `app.py`, `api.py`, `asgi.py`, and any
    file without a role whose only use of the router is `include_router(...)`), and a module's
    router mounting the routers of modules nested in it (`nested-modules`).

    ## Why
    A module's router is its HTTP surface, registered once by the application; importing it from
    another module couples the two modules' HTTP layers. A repository that calls a service inverts
    the layering across modules and usually closes an import cycle.

    ## Example
    ```python
    # cpv3/modules/orders/repository.py
    from cpv3.modules.users.service import UserService
    ```

    ## Use instead
    Let the orders service call the users service and pass the result down to its repository.

    ## Options
    `roles`. Off without a service role (`service = []`): the way round goes through a service
    the layout does not have, and routers that include other modules' routers are how such a
    layout composes its API.
    """

    code = "CNF205"
    name = "cross-module-private-layer"
    summary = "module imports another module's router, or a repository imports another service"
    fix_hint = "go through the other module's service, from your own service"
    catalog = "LAY005"
    requires_roles = ("service",)
    VALID = (
        Example.code(
            "from cpv3.modules.users.schemas import UserOut\n",
            path="cpv3/modules/orders/router.py",
            extra={"cpv3/modules/users/schemas.py": "class UserOut:\n    pass\n"},
        ),
        Example.code(
            """
            from fastapi import FastAPI

            from app.orders.router import router as orders_router
            from app.users.router import router as users_router

            app = FastAPI()
            app.include_router(orders_router)
            app.include_router(users_router, prefix="/users")
            """,
            path="app/main.py",
            extra={
                "app/orders/router.py": _ROUTER,
                "app/users/router.py": _ROUTER,
            },
            config='modules = ["app/*"]\n',
            note="main.py in a package that the modules glob matches is still the application",
        ),
        Example.code(
            """
            from fastapi import APIRouter

            from app.orders import router as orders
            from app.users.router import router as users_router

            api_router = APIRouter()
            api_router.include_router(orders.router)
            api_router.include_router(router=users_router)
            """,
            path="app/wiring/routes.py",
            extra={
                "app/orders/router.py": _ROUTER,
                "app/users/router.py": _ROUTER,
            },
            config='modules = ["app/*"]\n',
            note="a file without a role that only mounts the routers",
        ),
        Example.code(
            """
            from fastapi import APIRouter

            from app.projects.events.router import router as events_router

            router = APIRouter(prefix="/projects")
            router.include_router(events_router)
            """,
            path="app/projects/router.py",
            extra={"app/projects/events/router.py": _ROUTER},
            config='modules = ["app/*", "app/projects/*"]\nnested-modules = true\n',
            note="a module mounting the router of a module nested in it",
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.router import router as users_router
            """,
            Expect(
                1,
                39,
                "service.py imports router from users.router: another module's router is "
                "private; call the users service instead",
            ),
            path="cpv3/modules/orders/service.py",
        ),
        Example.code(
            """
            from cpv3.modules.users import service
            """,
            Expect(
                1,
                32,
                "repository.py imports users.service: a repository must not call services; let "
                "the orders service call the users service",
            ),
            path="cpv3/modules/orders/repository.py",
            extra={"cpv3/modules/users/service.py": "class UserService:\n    pass\n"},
            note="a submodule imported by name from its package",
        ),
        Example.code(
            """
            from fastapi import APIRouter

            from app.orders.router import router as orders_router

            api_router = APIRouter()
            api_router.include_router(orders_router)
            api_router.routes.extend(orders_router.routes)
            """,
            Expect(
                3,
                31,
                "routes.py imports router from orders.router: another module's router is "
                "private; call the orders service instead",
            ),
            path="app/wiring/routes.py",
            extra={"app/orders/router.py": _ROUTER},
            config='modules = ["app/*"]\n',
            note="a file using another module's router beyond mounting it",
        ),
        Example.code(
            """
            from fastapi import APIRouter

            from app.orders.router import router as orders_router

            router = APIRouter(prefix="/users")
            router.include_router(orders_router)
            """,
            Expect(
                3,
                31,
                "router.py imports router from orders.router: another module's router is "
                "private; call the orders service instead",
            ),
            path="app/users/router.py",
            extra={"app/orders/router.py": _ROUTER},
            config='modules = ["app/*"]\n',
            note="a module's router mounting a module that is not nested in it",
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # router imports of a file without a role: (local name, finding); a use of the name other
        # than mounting it confirms the finding
        self._pending: List[Tuple[str, _Finding]] = []
        self._names: Set[str] = set()
        self._used: Set[str] = set()

    def _emit(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        facts = ctx.import_facts(node)
        at_fact: Dict[int, Optional[str]] = {}
        for fact, at in zip(facts, _alias_nodes(node, len(facts))):
            roles, feature, _, _ = _target_role(ctx, fact)
            if ROUTER not in roles:
                continue
            if _file_name(ctx) in _APP_FILES and ctx.role is None:
                at_fact[id(at)] = None  # the application mounts every router
            elif feature and ctx.feature and feature.startswith(ctx.feature + "."):
                at_fact[id(at)] = None  # a nested module's router, mounted by its parent
            elif ctx.role is None and fact.alias and not ctx.in_function:
                at_fact[id(at)] = fact.alias  # wiring if only mounted
        for finding in _import_findings(ctx, node):
            if finding.code != self.code:
                continue
            key = id(finding.node)
            if key not in at_fact:
                self.report(finding.node, finding.message, when=finding.when, tags=finding.tags)
                continue
            alias = at_fact[key]
            if alias is not None:
                self._pending.append((alias, finding))
                self._names.add(alias)

    def visit_Name(self, node: cst.Name) -> None:
        if node.value not in self._names or self._mounted(node):
            return
        self._used.add(node.value)

    def _mounted(self, node: cst.Name) -> bool:
        """``node`` (or ``node.router``) is the router argument of ``x.include_router(...)``."""
        ancestors = self.ctx.ancestors
        at = len(ancestors) - 1
        while at >= 0 and isinstance(ancestors[at], cst.Attribute):
            at -= 1  # orders.router: the module imported, its router mounted
        if at < 1 or not isinstance(ancestors[at], cst.Arg):
            return False
        call = ancestors[at - 1]
        return (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value in _MOUNTS
        )

    def finish(self) -> None:
        for alias, finding in self._pending:
            if alias in self._used:
                self.report(finding.node, finding.message, when=finding.when, tags=finding.tags)
