"""CNF339 blocking-call-in-async."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Dict,
    List,
    Optional,
    Tuple,
)

from conformance.conditions import Condition, IsKind
from conformance.index import (
    SYNC_SESSION,
)
from conformance.names import SYNC_SESSION_BLOCKING_METHODS
from conformance.rules.base import Example, Expect

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import (
    _BLOCKING_CALLS,
    _CLIENT_METHODS,
    _PATH_IO,
    _SYNC_CLIENTS,
    Verdict,
    _inside_lambda,
    _short,
)
from conformance.rules.fastapi._conditions import IsProvider
from conformance.rules.fastapi._examples import _documented
from conformance.rules.fastapi._routes import _combine, _when, route_of
from conformance.rules.fastapi._signature import _Recorder


class BlockingCallInAsync(_Recorder):
    """## What it checks
    A blocking call inside an `async def` route, dependency provider, or a function of a router,
    service or repository file: `time.sleep`, `requests.*`, `httpx.get(...)`/`httpx.Client`,
    `open()`, `input()`, `subprocess.*`, `os.system`, `urllib.request.urlopen`, I/O methods of a
    `pathlib.Path`, methods of a sync SQLAlchemy `Session`.

    ## Why
    An `async def` runs on the event loop: one blocking call stalls every request the worker
    serves until it returns.

    ## Example
    ```python
    @router.get("/")
    async def report():
        time.sleep(1)
    ```

    ## Use instead
    `await asyncio.sleep(1)`, `httpx.AsyncClient`, an async driver, a plain `def` route (run in a
    thread pool) or `await run_in_threadpool(...)`.

    ## Options
    None. Calls inside a nested `def` or a `lambda` (handed to a thread pool) are not reported.
    """

    code = "CNF339"
    name = "blocking-call-in-async"
    summary = "blocking call inside an async route, provider, service or repository"
    fix_hint = "use the async equivalent, or a def route / run_in_threadpool"
    catalog = "API009"
    VALID = (
        _documented(),
        Example.code(
            """
            import asyncio
            import time

            from fastapi.concurrency import run_in_threadpool


            class ReportService:
                async def build(self) -> None:
                    await asyncio.sleep(1)
                    await run_in_threadpool(time.sleep, 1)
                    await asyncio.get_running_loop().run_in_executor(None, lambda: open("x"))

                def build_sync(self) -> None:
                    time.sleep(1)
            """,
            path="cpv3/modules/users/service.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            import time as t
            from pathlib import Path

            import requests
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            async def report() -> str:
                t.sleep(1)
                requests.get("https://example.com")
                return Path("x").read_text()
            """,
            Expect(
                12,
                5,
                "blocking call time.sleep() in async def report stalls the event loop: use an "
                "async equivalent, a def route or run_in_threadpool",
            ),
            Expect(
                13,
                5,
                "blocking call requests.get() in async def report stalls the event loop: use an "
                "async equivalent, a def route or run_in_threadpool",
            ),
            Expect(
                14,
                12,
                "blocking call Path.read_text() in async def report stalls the event loop: use an "
                "async equivalent, a def route or run_in_threadpool",
            ),
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.scopes: Dict[int, Verdict] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        ctx = self.ctx
        if node.asynchronous is None:
            self.scopes[id(node)] = False
            return
        if any(ctx.has_role(role) for role in ("router", "service", "repository")):
            self.scopes[id(node)] = True
            return
        route = route_of(ctx, node)
        verdicts: List[Verdict] = []
        if route is not None:
            verdicts.append(route.verdict)
        if not ctx.in_function and ctx.class_def is None:
            verdicts.append(IsProvider(ctx.definition_qualname(node.name.value)))
        self.scopes[id(node)] = _combine(verdicts)

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        ctx = self.ctx
        function = ctx.function
        if function is None or _inside_lambda(ctx):
            return
        scope = self.scopes.get(id(function), False)
        if scope is False:
            return
        shown = self._blocking(node)
        if shown is None:
            return
        call_text, condition = shown
        self.report(
            node,
            f"blocking call {call_text}() in async def {function.name.value} stalls the event "
            "loop: use an async equivalent, a def route or run_in_threadpool",
            when=_when(scope, condition) if condition is not None else _when(scope),
        )

    def _blocking(self, node: cst.Call) -> Optional[Tuple[str, Optional[Condition]]]:
        ctx = self.ctx
        callee = ctx.call_name(node)
        if callee in _BLOCKING_CALLS:
            assert callee is not None
            return callee.replace("builtins.", ""), None
        func = node.func
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        typed = ctx.instance_type(func.value)
        if typed is None:
            return None
        if typed in _SYNC_CLIENTS and method in _CLIENT_METHODS:
            return f"{_short(typed)}.{method}", None
        if typed in ("pathlib.Path", "pathlib.PosixPath") and method in _PATH_IO:
            return f"Path.{method}", None
        if method in SYNC_SESSION_BLOCKING_METHODS:
            if typed in ("sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session"):
                return f"Session.{method}", None
            if ctx.is_project_name(typed):
                return f"Session.{method}", IsKind(typed, SYNC_SESSION)
        return None
