"""CNF510 session-await-mismatch."""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from conformance.index import ASYNC_SESSION
from conformance.names import ASYNC_SESSION_PLAIN_METHODS
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import (
    _DB,
    _REPOSITORY,
    _SERVICE,
    ASYNC_SESSION_CLASSES_OPTION,
    _awaitable_call,
    _PendingCoroutine,
    _report,
    _unawaited_use,
    session_condition,
)


class AwaitMismatch(FileRule):
    """## What it checks
    On a receiver typed as an `AsyncSession` (see CNF506): a call of one of its coroutine methods
    (`execute`, `scalars`, `scalar`, `get`, `get_one`, `commit`, `rollback`, `flush`, `refresh`,
    `delete`, `merge`, `close`, `stream`, `stream_scalars`, `run_sync`, `connection`) whose result
    is used without `await`; and the inverse, `await` on one of its plain methods (`add`,
    `add_all`, `expunge`, `expunge_all`, `expire`, `expire_all`, `is_modified`).

    A coroutine is used without `await` when it is an expression statement, the receiver of an
    attribute or subscript, an operand, a condition, iterated, passed to a builtin such as `list()`,
    returned from an `async def`, or assigned to a name that is then used that way or never used.
    Coroutines passed to other functions (`asyncio.gather`, `create_task`, your own helpers),
    collected in lists, returned from a plain `def` or a lambda (the caller awaits them), or
    assigned and later awaited are not reported.

    ## Why
    An unawaited `commit()` commits nothing and only warns "coroutine was never awaited" at garbage
    collection; `list(session.scalars(...))` fails with a `TypeError`. Awaiting `add()` raises
    `TypeError: object NoneType can't be used in 'await' expression` after the object was added.

    ## Example
    ```python
    async def deactivate(self, user: User) -> None:
        user.is_active = False
        self.session.commit()
        await self.session.add(AuditLog(user_id=user.id))
    ```

    ## Use instead
    ```python
        await self.session.commit()
        self.session.add(AuditLog(user_id=user.id))
    ```

    ## Fix
    None: adding `await` to a plain `def` needs it to become `async def` and its callers to await.
    """

    code = "CNF510"
    name = "session-await-mismatch"
    options = (ASYNC_SESSION_CLASSES_OPTION,)
    summary = "AsyncSession coroutine not awaited, or a plain method awaited"
    fix_hint = "await the coroutine methods of AsyncSession; call add()/add_all()/expunge() plainly"
    catalog = "SA010"
    VALID = (
        Example.code(
            """
            import asyncio

            from sqlalchemy.ext.asyncio import AsyncSession

            class UserRepository:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session

                async def save(self, user, other_session: AsyncSession):
                    self.session.add(user)
                    await (self.session.flush())
                    pending = self.session.refresh(user)
                    await pending
                    await asyncio.gather(self.session.commit(), other_session.commit())
                    return list(await self.session.scalars(select(User)))

                def fetch(self, user_id: int):
                    return self.session.get(User, user_id)

                async def log(self, cache):
                    cache.commit()
                    await cache.add(1)
            """,
            path=_REPOSITORY,
            note="awaited, gathered, returned from a plain def; untyped receivers",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession as AS

            class UserRepository:
                def __init__(self, session: AS) -> None:
                    self.session = session

                async def deactivate(self, user) -> None:
                    user.is_active = False
                    self.session.commit()
                    await self.session.add(user)

                async def emails(self):
                    result = self.session.execute(select(User.email))
                    return list(self.session.scalars(select(User)))
            """,
            Expect(
                9,
                9,
                "self.session.commit() is a coroutine of AsyncSession and is not awaited: write "
                "await self.session.commit(...)",
            ),
            Expect(
                10,
                9,
                "self.session.add() is a plain method of AsyncSession (it returns None): call it "
                "without await",
            ),
            Expect(
                13,
                18,
                "self.session.execute() is a coroutine of AsyncSession and is not awaited: write "
                "await self.session.execute(...)",
            ),
            Expect(
                14,
                21,
                "self.session.scalars() is a coroutine of AsyncSession and is not awaited: write "
                "await self.session.scalars(...)",
            ),
            path=_REPOSITORY,
        ),
        Example.code(
            """
            from cpv3.core.postgres import AsyncSession


            async def count_users(session: AsyncSession) -> int:
                return session.scalar(select(func.count(User.id)))
            """,
            Expect(
                5,
                12,
                "session.scalar() is a coroutine of AsyncSession and is not awaited: write "
                "await session.scalar(...)",
            ),
            path=_REPOSITORY,
            extra={
                "cpv3/core/postgres.py": """
                    from typing import NewType

                    from sqlalchemy.ext.asyncio import AsyncSession as _AsyncSession

                    AsyncReadSession = NewType("AsyncReadSession", _AsyncSession)
                    AsyncSession = NewType("AsyncSession", AsyncReadSession)
                    """,
            },
            note="a NewType of a NewType of AsyncSession is an AsyncSession",
        ),
        Example.code(
            """
            from cpv3.core.db import SessionDep, SessionFactory

            async def rename(session: SessionDep, user_id: int, name: str):
                user = session.get(User, user_id)
                user.name = name

            async def purge():
                async with SessionFactory() as session:
                    if session.scalar(select(User.id)):
                        await session.commit()
            """,
            Expect(
                4,
                12,
                "session.get() is a coroutine of AsyncSession and is not awaited: write "
                "await session.get(...)",
            ),
            Expect(
                9,
                12,
                "session.scalar() is a coroutine of AsyncSession and is not awaited: write "
                "await session.scalar(...)",
            ),
            path=_SERVICE,
            extra=_DB,
            note="the session type comes from another file",
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._pending: List[_PendingCoroutine] = []

    def _message(self, shown: str) -> str:
        return (
            f"{shown}() is a coroutine of AsyncSession and is not awaited: write await {shown}(...)"
        )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        parent = ctx.ancestors[-1] if ctx.ancestors else None
        if isinstance(parent, cst.Await):
            return
        verdict = _unawaited_use(ctx, node)
        if verdict is None:
            return
        found = _awaitable_call(ctx, node)
        if found is None:
            return
        shown, condition = found
        if verdict == "report":
            _report(self, node, self._message(shown), condition)
        elif ctx.function is not None:
            self._pending.append(
                _PendingCoroutine(verdict, id(ctx.function), node, self._message(shown), condition)
            )

    def visit_Name(self, node: cst.Name) -> None:
        if not self._pending:
            return
        ctx = self.ctx
        parent = ctx.ancestors[-1] if ctx.ancestors else None
        if isinstance(parent, cst.AssignTarget):
            return  # a rebinding, not a use
        for pending in self._pending:
            if pending.name != node.value or pending.used:
                continue
            bug = (isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is node) or (
                isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node
            )
            if bug:
                _report(self, pending.node, pending.message, pending.condition)
            pending.used = True

    def function_end(self, node: cst.FunctionDef) -> None:
        keep: List[_PendingCoroutine] = []
        for pending in self._pending:
            if pending.function != id(node):
                keep.append(pending)
            elif not pending.used:
                _report(self, pending.node, pending.message, pending.condition)
        self._pending = keep

    def visit_Await(self, node: cst.Await) -> None:
        call = node.expression
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return
        if call.func.attr.value not in ASYNC_SESSION_PLAIN_METHODS:
            return
        condition = session_condition(self.ctx, call.func.value, ASYNC_SESSION)
        if condition is None:
            return
        _report(
            self,
            node,
            f"{self.ctx.code_for(call.func)}() is a plain method of AsyncSession (it returns "
            "None): call it without await",
            condition,
        )
