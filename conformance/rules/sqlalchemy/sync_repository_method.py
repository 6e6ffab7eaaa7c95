"""CNF511 sync-repository-method."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List

from conformance.conditions import AnyOf, Condition
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import (
    _DB,
    _REPOSITORY,
    Certain,
    _awaitable_call,
    _report,
    _unawaited_use,
)


class SyncRepositoryMethod(FileRule):
    """## What it checks
    A function or method in `repository.py` declared with `def` that uses the result of a
    coroutine method of an `AsyncSession` (a typed receiver, see CNF506: `execute`, `scalars`,
    `get`, `flush`, ...) as if it had run: a bare call, `list(session.scalars(...))`, a result
    attribute (the uses CNF510 reports).

    ## Why
    A plain `def` cannot await: the session call produces a coroutine that never runs, and the
    method returns before anything reached the database. Repository methods that use the session
    are `async def`. A plain method that only calls `session.add()`, hands the session on, or
    returns the coroutine for its caller to await is not reported.

    ## Example
    ```python
    class UserRepository:
        def __init__(self, session: AsyncSession) -> None:
            self.session = session

        def save(self, user: User) -> None:
            self.session.add(user)
            self.session.flush()
    ```

    ## Use instead
    ```python
        async def save(self, user: User) -> None:
            self.session.add(user)
            await self.session.flush()
    ```

    ## Options
    `roles.repository`, `async-session-classes`.
    """

    code = "CNF511"
    name = "sync-repository-method"
    summary = "repository method declared def uses an AsyncSession"
    fix_hint = "declare it async def and await the session calls"
    catalog = "SA011"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession

            class UserRepository:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session

                def stage(self, user) -> None:
                    self.session.add(user)

                def fetch(self, user_id: int):
                    return self.session.get(User, user_id)

                async def get(self, user_id: int):
                    return await self.session.get(User, user_id)
            """,
            path=_REPOSITORY,
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.core.db import SessionDep

            class UserRepository:
                def __init__(self, session: SessionDep) -> None:
                    self.session = session

                def save(self, user) -> None:
                    self.session.add(user)
                    self.session.flush()

            def ids(session: SessionDep):
                return list(session.scalars(select(User.id)))
            """,
            Expect(
                7,
                9,
                "repository method save() is declared def but calls AsyncSession coroutines",
            ),
            Expect(
                11,
                5,
                "repository method ids() is declared def but calls AsyncSession coroutines",
            ),
            path=_REPOSITORY,
            extra=_DB,
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._uses: Dict[int, List[Condition]] = {}

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if not ctx.has_role("repository") or ctx.function is None:
            return
        if ctx.function.asynchronous is not None:
            return
        if _unawaited_use(ctx, node) != "report":
            return  # a returned or handed-on coroutine is fine (the caller awaits it)
        found = _awaitable_call(ctx, node)
        if found is not None:
            self._uses.setdefault(id(ctx.function), []).append(found[1])

    def function_end(self, node: cst.FunctionDef) -> None:
        uses = self._uses.pop(id(node), [])
        if not uses or node.asynchronous is not None:
            return
        if node.name.value.startswith("__"):
            return
        unique: List[Condition] = []
        for condition in uses:
            if condition not in unique:
                unique.append(condition)
        condition = unique[0] if len(unique) == 1 else AnyOf(tuple(unique))
        if any(isinstance(c, Certain) for c in unique):
            condition = Certain()
        _report(
            self,
            node.name,
            f"repository method {node.name.value}() is declared def but calls AsyncSession "
            "coroutines",
            condition,
        )
