"""CNF302 dependency-called."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import DEPENDS, _marker
from conformance.rules.fastapi._conditions import CallsToNonCallable
from conformance.rules.fastapi._examples import _documented


class DependencyCalled(FileRule):
    """## What it checks
    `Depends(f())` where `f` provably returns something FastAPI cannot call: an `async def`
    (a coroutine), a generator (a `yield` provider), a `def` annotated to return a plain value,
    or a project class without `__call__` (`Depends(UserService(...))`).

    ## Why
    `Depends` takes the callable; FastAPI calls it per request. Calling it at import time passes
    the result instead, and the route fails on its first request.

    ## Example
    ```python
    async def list_users(db: Annotated[AsyncSession, Depends(get_session())]): ...
    ```

    ## Use instead
    ```python
    async def list_users(db: Annotated[AsyncSession, Depends(get_session)]): ...
    ```

    ## Fix
    Unsafe: drops the call parentheses, only when the call has no arguments.

    ## Options
    None. Factories returning a callable (a nested function, an instance of a class with
    `__call__`, an unannotated return) are valid dependencies and never reported.
    """

    code = "CNF302"
    name = "dependency-called"
    summary = "dependency called instead of passed to Depends"
    fix_hint = "pass the callable itself: `Depends(get_session)`"
    catalog = "DI002"
    fix = FixSafety.UNSAFE
    VALID = (
        _documented(),
        Example.code(
            """
            from typing import Annotated, Callable

            from fastapi import Depends


            def require_role(role: str) -> Callable[[], None]:
                def check() -> None:
                    return None

                return check


            class Checker:
                def __call__(self) -> bool:
                    return True


            def handler(
                a: Annotated[None, Depends(require_role("admin"))],
                b: Annotated[bool, Depends(Checker())],
            ) -> None:
                return None
            """,
            path="cpv3/core/security.py",
            note="factories returning a callable and callable instances are valid",
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import Depends as D

            from cpv3.core.db import get_session


            def handler(db: Annotated[object, D(get_session())]) -> None:
                return None
            """,
            Expect(
                8,
                37,
                "Depends() receives the result of get_session(), which FastAPI cannot call: "
                "pass the function itself, `Depends(get_session)`",
            ),
            fixed="""
            from typing import Annotated

            from fastapi import Depends as D

            from cpv3.core.db import get_session


            def handler(db: Annotated[object, D(get_session)]) -> None:
                return None
            """,
            unsafe=True,
            extra={"cpv3/core/db.py": "async def get_session():\n    yield None\n"},
            path="cpv3/core/security.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.call_name(node) not in DEPENDS or not node.args:
            return
        inner = node.args[0].value
        if node.args[0].keyword is not None or not isinstance(inner, cst.Call):
            return
        if not isinstance(inner.func, (cst.Name, cst.Attribute)):
            return
        callee = ctx.qualname(inner.func)
        if callee is None or not ctx.is_project_name(callee) or _marker(ctx, inner):
            return
        short = ctx.code_for(inner.func)
        replacement = inner.func if not inner.args else None
        self.report(
            inner,
            f"Depends() receives the result of {short}(), which FastAPI cannot call: "
            f"pass the function itself, `Depends({short})`",
            when=CallsToNonCallable(callee),
            replacement=replacement,
        )
