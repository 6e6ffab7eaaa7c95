"""CNF115 router-not-included."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.names import ROUTER_CLASSES as _ROUTER_CLASSES
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.structure._common import _INCLUDES_KEY, _NotIncluded


class RouterNotIncluded(FileRule):
    """## What it checks
    A module's router (the module-level `APIRouter` in router.py) that no file of the project
    passes to `include_router(...)`.

    ## Why
    A router that is never included serves nothing: its routes silently 404, and the tests that
    call the service directly do not notice.

    ## Example
    ```python
    # cpv3/main.py
    app = FastAPI()
    app.include_router(users_router)
    # orders.router.router is never included
    ```

    ## Use instead
    ```python
    app.include_router(orders_router)
    ```

    ## Options
    Opt-in: select `CNF115` (or `router-not-included`). When any `include_router` call passes
    something the checker cannot resolve (a loop over a list of routers), the rule stays silent.
    """

    code = "CNF115"
    name = "router-not-included"
    summary = "module router is never passed to include_router"
    fix_hint = "include the router in the application (app.include_router(...))"
    catalog = "STR015"
    default = False
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])
            """,
            extra={
                "cpv3/main.py": (
                    "from fastapi import FastAPI\n"
                    "from cpv3.modules.users.router import router as users_router\n\n"
                    "app = FastAPI()\napp.include_router(users_router)\n"
                )
            },
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])
            """,
            Expect(3, 1, "router of module 'users' is never included: pass it to include_router()"),
            extra={"cpv3/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"},
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "include_router":
            return
        if not node.args:
            return
        self.ctx.add_extra(_INCLUDES_KEY, self.ctx.qualname(node.args[0].value))

    def visit_Module(self, node: cst.Module) -> None:
        ctx = self.ctx
        if not ctx.has_role("router") or ctx.feature is None:
            return
        for statement in node.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                    continue
                target = small.targets[0].target
                if not isinstance(target, cst.Name) or not isinstance(small.value, cst.Call):
                    continue
                if ctx.qualname(small.value.func) in _ROUTER_CLASSES:
                    self.report(
                        statement,
                        f"router of module '{ctx.feature}' is never included: pass it to include_router()",
                        when=_NotIncluded(f"{ctx.module}.{target.value}"),
                    )
                    return
