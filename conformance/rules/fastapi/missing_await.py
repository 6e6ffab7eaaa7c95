"""CNF340 missing-await."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Dict,
    List,
    Optional,
    Tuple,
)

from conformance.conditions import Condition
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import ROUTE_METHODS, Verdict, _inside_lambda, _short
from conformance.rules.fastapi._conditions import IsAsyncCallee
from conformance.rules.fastapi._examples import _documented
from conformance.rules.fastapi._routes import Route, _when, receiver_verdict, route_of

#: decorators that leave an ``async def`` a function returning a coroutine (the function itself,
#: or a sync wrapper that returns the coroutine the function makes)
_KEEPS_COROUTINE = frozenset(
    {
        "builtins.staticmethod",
        "builtins.classmethod",
        "abc.abstractmethod",
        "functools.wraps",
        "functools.cache",
        "functools.lru_cache",
        "typing.final",
        "typing.override",
        "typing_extensions.final",
        "typing_extensions.override",
        "typing_extensions.deprecated",
        "warnings.deprecated",
    }
)


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
    from non-route functions are not reported. A decorated `async def` counts as async only when
    every decorator is known to keep it so: `staticmethod`, `classmethod`, `functools.wraps`,
    `functools.lru_cache` and the like, route decorators, or a project decorator whose wrapper is
    an `async def`; any other decorator may wrap it in a sync function (`asyncio.run` in a CLI
    wrapper).
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
        Example.code(
            """
            import typer

            from cpv3.core.commands import blocking

            app = typer.Typer()


            @app.command()
            @blocking
            async def purge_inactive(days: int) -> None:
                return None


            @blocking
            @typer.unknown_helper
            async def rebuild_index() -> None:
                return None


            def nightly() -> None:
                purge_inactive(30)
                rebuild_index()
            """,
            path="cpv3/modules/users/commands.py",
            extra={
                "cpv3/core/commands.py": """
                    import asyncio
                    import functools


                    def blocking(func):
                        @functools.wraps(func)
                        def runner(*args, **kwargs):
                            return asyncio.run(func(*args, **kwargs))

                        return runner
                    """
            },
            note="a decorator may wrap an async def in a sync function (here one that runs the "
            "coroutine to completion): a decorated async def is only async when every decorator "
            "is known to keep it so",
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
        Example.code(
            """
            import functools

            from cpv3.core.retry import retried


            def traced(func):
                @functools.wraps(func)
                async def wrapper(*args, **kwargs):
                    return await func(*args, **kwargs)

                return wrapper


            class UserService:
                @traced
                async def deactivate(self, user_id: int) -> None:
                    return None

                @staticmethod
                @retried(times=3)
                async def ping() -> None:
                    return None

                async def close(self, user_id: int) -> None:
                    self.deactivate(user_id)
                    UserService.ping()
            """,
            Expect(
                25,
                9,
                "UserService.deactivate is async and this call is not awaited (the coroutine never "
                "runs): `await` it, in an async def",
            ),
            Expect(
                26,
                9,
                "ping is async and this call is not awaited (the coroutine never runs): `await` "
                "it, in an async def",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/core/retry.py": """
                    def retried(times: int):
                        def decorate(func):
                            async def attempt(*args, **kwargs):
                                for _ in range(times - 1):
                                    try:
                                        return await func(*args, **kwargs)
                                    except OSError:
                                        continue
                                return await func(*args, **kwargs)

                            return attempt

                        return decorate
                    """
            },
            note="decorators whose wrapper is an async def (a decorator, a decorator factory in "
            "another file) and staticmethod keep the function async",
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.routes: Dict[int, Optional[Route]] = {}
        # what the file pass records for IsAsyncCallee: the functions of each function (by
        # node id) by name, the names it returns (None: something else), the qualified name of
        # module- and class-level functions, how many calls of a function give a coroutine
        self._inner: Dict[int, Dict[str, cst.FunctionDef]] = {}
        self._returns: Dict[int, List[Optional[str]]] = {}
        self._qualnames: Dict[int, str] = {}
        self._depth: Dict[int, int] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        self.routes[id(node)] = route_of(ctx, node)
        outer = ctx.function
        if outer is not None:
            self._inner.setdefault(id(outer), {})[node.name.value] = node
            return
        qualname = ctx.definition_qualname(node.name.value)
        self._qualnames[id(node)] = qualname
        if node.asynchronous is not None:
            unknown = self._unknown_decorators(node)
            if unknown:
                ctx.add_extra("fastapi.decorated", (qualname, unknown))

    def visit_Return(self, node: cst.Return) -> None:
        function = self.ctx.function
        if function is None or _inside_lambda(self.ctx):
            return
        value = node.value
        name = value.value if isinstance(value, cst.Name) else None
        self._returns.setdefault(id(function), []).append(name)

    def function_end(self, node: cst.FunctionDef) -> None:
        """How many calls of ``node`` give a coroutine: 1 for an ``async def``, one more for a
        sync function that returns only functions it defines, of one depth (a decorator whose
        wrapper is an ``async def``: 2)."""
        depth = 0
        if self._unknown_decorators(node):
            pass
        elif node.asynchronous is not None:
            depth = 0 if self.ctx.is_generator(node) else 1
        else:
            inner = self._inner.pop(id(node), {})
            returned = self._returns.pop(id(node), [])
            depths = {
                self._depth.get(id(inner[name]), 0) if name in inner else 0 for name in returned
            }
            if len(depths) == 1 and 0 not in depths:
                depth = min(depths.pop() + 1, 3)
        if depth:
            self._depth[id(node)] = depth
        qualname = self._qualnames.get(id(node))
        if qualname is not None and depth >= 2:
            self.ctx.add_extra("fastapi.coroutine_makers", (qualname, depth))

    def _unknown_decorators(self, node: cst.FunctionDef) -> Tuple[Tuple[str, bool], ...]:
        """(qualified name or "?", called) of the decorators not known to keep a coroutine
        function one (route decorators return the function itself)."""
        out: List[Tuple[str, bool]] = []
        for decorator in node.decorators:
            expr = decorator.decorator
            called = isinstance(expr, cst.Call)
            func = expr.func if isinstance(expr, cst.Call) else expr
            name = self.ctx.qualname(func) if isinstance(func, (cst.Name, cst.Attribute)) else None
            if name in _KEEPS_COROUTINE:
                continue
            if (
                called
                and isinstance(func, cst.Attribute)
                and func.attr.value in ROUTE_METHODS
                and receiver_verdict(self.ctx, func.value) is True
            ):
                continue
            out.append((name or "?", called))
        return tuple(out)

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
