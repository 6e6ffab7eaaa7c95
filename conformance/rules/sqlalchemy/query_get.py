"""CNF507 query-get."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from conformance.diagnostics import FixSafety
from conformance.index import ASYNC_SESSION, SYNC_SESSION
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import (
    _REPOSITORY,
    ASYNC_SESSION_CLASSES_OPTION,
    _query_get,
    _report,
    session_condition,
)


class QueryGet(FileRule):
    """## What it checks
    `session.query(M).get(pk)` on a typed session receiver (see CNF506).

    ## Why
    `Query.get()` is legacy in 2.0 and does not exist on an `AsyncSession` at all; `Session.get()`
    looks the identity map up first and is the one spelling for both kinds of session.

    ## Example
    ```python
    user = self.session.query(User).get(user_id)
    ```

    ## Use instead
    ```python
    user = await self.session.get(User, user_id)
    ```

    ## Fix
    Safe: on an `AsyncSession`, `await session.get(M, pk)` when the call stands alone in an
    `async def` (an assignment, a `return`, an argument, an expression statement); on a `Session`,
    `session.get(M, pk)`. Other positions are reported without a fix.
    """

    code = "CNF507"
    name = "query-get"
    options = (ASYNC_SESSION_CLASSES_OPTION,)
    summary = "session.query(M).get(pk)"
    fix_hint = "use session.get(M, pk)"
    catalog = "SA007"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession

            async def load(session: AsyncSession, cache, pk: int):
                cache.query(User).get(pk)
                return await session.get(User, pk)
            """,
            path=_REPOSITORY,
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession

            class UserRepository:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session

                async def get(self, user_id: int):
                    user = self.session.query(User).get(user_id)
                    return user
            """,
            Expect(
                8,
                16,
                "self.session.query(User).get(user_id) does not exist on an AsyncSession: use "
                "await self.session.get(User, user_id)",
            ),
            path=_REPOSITORY,
            fixed="""
            from sqlalchemy.ext.asyncio import AsyncSession

            class UserRepository:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session

                async def get(self, user_id: int):
                    user = await self.session.get(User, user_id)
                    return user
            """,
        ),
        Example.code(
            """
            import sqlalchemy.orm as orm

            def get(db: orm.Session, pk):
                return db.query(User).get(pk)
            """,
            Expect(
                4,
                12,
                "db.query(User).get(pk) is the legacy Query API: use db.get(User, pk)",
            ),
            path="scripts/report.py",
            fixed="""
            import sqlalchemy.orm as orm

            def get(db: orm.Session, pk):
                return db.get(User, pk)
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        found = _query_get(node)
        if found is None:
            return
        inner, query = found
        receiver = query.value
        model = inner.args[0].value
        key = node.args[0].value
        call = cst.Call(
            func=cst.Attribute(value=receiver, attr=cst.Name("get")),
            args=[
                cst.Arg(value=model, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                cst.Arg(value=key),
            ],
        )
        shown = f"{ctx.code_for(receiver)}.get({ctx.code_for(model)}, {ctx.code_for(key)})"
        original = ctx.code_for(node)
        async_condition = session_condition(ctx, receiver, ASYNC_SESSION)
        if async_condition is not None:
            replacement: Optional[cst.BaseExpression] = None
            function = ctx.function
            parent = ctx.ancestors[-1] if ctx.ancestors else None
            standalone = isinstance(
                parent, (cst.Assign, cst.AnnAssign, cst.Return, cst.Expr, cst.Arg)
            )
            if function is not None and function.asynchronous is not None and standalone:
                replacement = cst.Await(expression=call)
            _report(
                self,
                node,
                f"{original} does not exist on an AsyncSession: use await {shown}",
                async_condition,
                replacement=replacement,
            )
        sync_condition = session_condition(ctx, receiver, SYNC_SESSION)
        if sync_condition is not None:
            _report(
                self,
                node,
                f"{original} is the legacy Query API: use {shown}",
                sync_condition,
                replacement=call,
            )
