"""CNF340 missing-await."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Dict,
    Optional,
)

from conformance.conditions import Condition
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import Verdict, _inside_lambda, _short
from conformance.rules.fastapi._conditions import IsAsyncCallee
from conformance.rules.fastapi._examples import _documented
from conformance.rules.fastapi._routes import Route, _when, route_of


class MissingAwait(FileRule):
    """## What it checks
    A call of an `async def` of the project (a service or repository method through a typed
    receiver such as `self.repository` or an injected `service: ServiceDep`, or a function) whose
    coroutine is dropped: the call is a statement on its own, the test of an `if`/`while`, or
    what a route returns.

    ## Why
    Without `await` the coroutine never runs (a commit that does not happen), a condition is
    always true, a route answers with a coroutine object; Python only warns at garbage collection.

    ## Example
    ```python
    async def deactivate(self, user_id: int) -> None:
        self.session.commit()
    ```

    ## Use instead
    ```python
        await self.session.commit()
    ```

    ## Options
    None. Coroutines stored, passed as arguments (`asyncio.gather`, `create_task`) or returned
    from non-route functions are not reported.
    """

    code = "CNF340"
    name = "missing-await"
    summary = "async function called without await"
    fix_hint = "await the call (and make the caller async if it is not)"
    catalog = "API010"
    VALID = (
        _documented(),
        Example.code(
            """
            import asyncio


            class UserService:
                async def get(self, user_id: int) -> dict:
                    return {}

                def get_later(self, user_id: int):
                    return self.get(user_id)

                async def many(self) -> list:
                    first = self.get(1)
                    return await asyncio.gather(first, self.get(2))
            """,
            path="cpv3/modules/users/service.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import APIRouter, Depends

            from .service import UserService, get_user_service

            router = APIRouter(prefix="/users", tags=["users"])


            @router.delete("/{user_id}")
            def delete_user(
                user_id: int, service: Annotated[UserService, Depends(get_user_service)]
            ) -> None:
                service.delete(user_id)


            @router.get("/{user_id}")
            async def get_user(user_id: int, service: Annotated[UserService, Depends(get_user_service)]):
                if service.exists(user_id):
                    return service.get(user_id)
            """,
            Expect(
                14,
                5,
                "UserService.delete is async and this call is not awaited (the coroutine never "
                "runs): `await` it, in an async def",
            ),
            Expect(
                19,
                8,
                "UserService.exists is async and this call is not awaited (the coroutine never "
                "runs): `await` it, in an async def",
            ),
            Expect(
                20,
                16,
                "UserService.get is async and this call is not awaited (the coroutine never "
                "runs): `await` it, in an async def",
            ),
            extra={
                "cpv3/modules/users/service.py": (
                    "class BaseService:\n    async def exists(self, user_id: int) -> bool:\n"
                    "        return True\n\n\n"
                    "class UserService(BaseService):\n    async def get(self, user_id: int) -> dict:\n"
                    "        return {}\n\n"
                    "    async def delete(self, user_id: int) -> None:\n        return None\n\n\n"
                    "def get_user_service() -> UserService:\n    return UserService()\n"
                )
            },
        ),
        Example.code(
            """
            from fastapi import APIRouter

            from cpv3.core.deps import AuditDep
            from .service import UserServiceDep as Users

            router = APIRouter(prefix="/users", tags=["users"])


            @router.delete("/{user_id}")
            async def delete_user(user_id: int, service: Users, audit: AuditDep) -> None:
                audit.record("delete", user_id)
                service.delete(user_id)
            """,
            Expect(
                12,
                5,
                "UserServiceDep.delete is async and this call is not awaited (the coroutine never "
                "runs): `await` it, in an async def",
            ),
            extra={
                "cpv3/modules/users/service.py": """
                    from typing import Annotated

                    from fastapi import Depends


                    class UserService:
                        async def delete(self, user_id: int) -> None:
                            return None


                    def get_user_service() -> UserService:
                        return UserService()


                    UserServiceDep = Annotated[UserService, Depends(get_user_service)]
                    """,
                "cpv3/core/deps.py": """
                    from typing import Annotated

                    from fastapi import Depends


                    class Audit:
                        def record(self, action: str, key: int) -> None:
                            return None


                    AuditDep = Annotated[Audit, Depends(Audit)]
                    """,
            },
            note="services injected through an Annotated alias in another file (sync methods are fine)",
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.routes: Dict[int, Optional[Route]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.routes[id(node)] = route_of(self.ctx, node)

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        function = ctx.function
        if function is None or _inside_lambda(ctx) or len(ctx.ancestors) < 2:
            return
        parent = ctx.ancestors[-1]
        when: Verdict = True
        if isinstance(parent, cst.Expr):
            pass
        elif isinstance(parent, (cst.If, cst.While)) and parent.test is node:
            pass
        elif isinstance(parent, cst.Return):
            route = self.routes.get(id(function))
            if route is None:
                return
            when = route.verdict
        else:
            return
        func = node.func
        condition: Optional[Condition] = None
        shown = ""
        if isinstance(func, cst.Attribute):
            typed = ctx.instance_type(func.value)
            if typed is not None and ctx.is_project_name(typed):
                condition = IsAsyncCallee(func.attr.value, typed)
                shown = f"{_short(typed)}.{func.attr.value}"
        if condition is None and isinstance(func, (cst.Name, cst.Attribute)):
            callee = ctx.qualname(func)
            if callee is not None and ctx.is_project_name(callee):
                condition = IsAsyncCallee(callee)
                shown = _short(callee)
        if condition is None:
            return
        self.report(
            node,
            f"{shown} is async and this call is not awaited (the coroutine never runs): "
            "`await` it, in an async def",
            when=_when(when, condition),
        )
