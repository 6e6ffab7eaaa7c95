"""CNF516 shared-session-concurrency."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List

from conformance.index import ASYNC_SESSION
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import (
    _DB,
    _SERVICE,
    ASYNC_SESSION_CLASSES_OPTION,
    GATHER,
    _report,
    _task_operands,
    session_condition,
)


class SharedSessionConcurrency(FileRule):
    """## What it checks
    `asyncio.gather(...)` whose awaitables use the same `AsyncSession` (a typed receiver, see
    CNF506): passed to two or more of the calls (`gather(repo.a(session), repo.b(session))`), the
    receiver of two or more (`gather(session.execute(a), session.execute(b))`), or used by a
    comprehension (`gather(*[load(session, i) for i in ids])`).

    ## Why
    An `AsyncSession` is not safe for concurrent use: concurrent tasks interleave on its one
    connection and fail with "This session is provisioning a new connection; concurrent operations
    are not permitted" or worse, corrupt its state.

    ## Example
    ```python
    users, orders = await asyncio.gather(users_repo.count(session), orders_repo.count(session))
    ```

    ## Use instead
    Await them one after another, or give each task its own session from the
    `async_sessionmaker`.
    """

    code = "CNF516"
    name = "shared-session-concurrency"
    options = (ASYNC_SESSION_CLASSES_OPTION,)
    summary = "one AsyncSession shared by concurrent tasks"
    fix_hint = "await the calls in sequence, or give each task its own session"
    catalog = "SA016"
    VALID = (
        Example.code(
            """
            import asyncio

            from cpv3.core.db import SessionFactory

            async def load(ids):
                async def one(i):
                    async with SessionFactory() as session:
                        return await session.get(User, i)

                return await asyncio.gather(*[one(i) for i in ids])

            async def both(client):
                return await asyncio.gather(client.get("a"), client.get("b"))
            """,
            path=_SERVICE,
            extra=_DB,
        ),
    )
    INVALID = (
        Example.code(
            """
            import asyncio as aio

            from sqlalchemy.ext.asyncio import AsyncSession

            async def dashboard(session: AsyncSession, users, orders, ids):
                await aio.gather(users.count(session), orders.count(session))
                await aio.gather(*(users.get(session, i) for i in ids))
            """,
            Expect(
                6,
                11,
                "aio.gather() runs 2 tasks on the same AsyncSession session, which is not safe "
                "for concurrent use",
            ),
            Expect(
                7,
                11,
                "aio.gather() runs many tasks on the same AsyncSession session, which is not "
                "safe for concurrent use",
            ),
            path=_SERVICE,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.call_name(node) not in GATHER:
            return
        users: Dict[str, List[cst.BaseExpression]] = {}
        many: Dict[str, bool] = {}
        for arg in node.args:
            if arg.keyword is not None:
                continue
            value = arg.value
            if arg.star == "*" and isinstance(value, (cst.ListComp, cst.GeneratorExp)):
                if isinstance(value.elt, cst.Call):
                    for expr in _task_operands(value.elt):
                        key = ctx.code_for(expr)
                        users.setdefault(key, []).extend([expr, expr])
                        many[key] = True
                continue
            if arg.star or not isinstance(value, cst.Call):
                continue
            seen = set()
            for expr in _task_operands(value):
                key = ctx.code_for(expr)
                if key not in seen:
                    seen.add(key)
                    users.setdefault(key, []).append(expr)
        for key, exprs in users.items():
            if len(exprs) < 2:
                continue
            condition = session_condition(ctx, exprs[0], ASYNC_SESSION)
            if condition is None:
                continue
            count = "many" if many.get(key) else str(len(exprs))
            _report(
                self,
                node,
                f"{ctx.code_for(node.func)}() runs {count} tasks on the same AsyncSession "
                f"{key}, which is not safe for concurrent use",
                condition,
            )
