"""CNF506 session-query."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.index import ASYNC_SESSION, SYNC_SESSION
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import (
    _DB,
    _REPOSITORY,
    ASYNC_SESSION_CLASSES_OPTION,
    _query_get,
    _report,
    session_condition,
)


class SessionQuery(FileRule):
    """## What it checks
    `session.query(...)` on a receiver typed as an `AsyncSession` (annotated, through an
    `Annotated` alias such as `SessionDep` in any file, bound from an `async_sessionmaker`, or
    `self.session` typed so) or as a synchronous `Session`. Receivers the file cannot type, and
    `query` methods of other classes, are not reported.

    ## Why
    `AsyncSession` has no `query` method at all: the line raises `AttributeError` when it runs. On
    a synchronous `Session` the `Query` API is legacy in 2.0, superseded by `select()`.

    ## Example
    ```python
    async def low_stock(self, threshold: int):
        return self.session.query(StockItem).filter(StockItem.quantity < threshold).all()
    ```

    ## Use instead
    ```python
        stmt = select(StockItem).where(StockItem.quantity < threshold)
        return list(await self.session.scalars(stmt))
    ```

    ## Fix
    None (`session.query(M).get(pk)` has its own fix: CNF507).
    """

    code = "CNF506"
    name = "session-query"
    options = (ASYNC_SESSION_CLASSES_OPTION,)
    summary = "legacy session.query()"
    fix_hint = "build the statement with select() and run it with session.execute()/scalars()"
    catalog = "SA006"
    VALID = (
        Example.code(
            """
            class Index:
                def query(self, text):
                    return [text]

            class Search:
                def __init__(self, index: Index) -> None:
                    self.index = index

                def find(self, session, text):
                    session.query(text)
                    return self.index.query(text)
            """,
            path=_REPOSITORY,
            note="a query method of an unrelated class, and an untyped receiver",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession as AS

            class UserRepository:
                def __init__(self, session: AS) -> None:
                    self.session = session

                async def active(self):
                    return self.session.query(User).filter(User.active).all()
            """,
            Expect(
                8,
                16,
                "self.session.query() does not exist on an AsyncSession (AttributeError)",
            ),
            path=_REPOSITORY,
        ),
        Example.code(
            """
            from cpv3.core.db import SessionDep, SessionFactory

            async def count(session: SessionDep):
                return session.query(User).count()

            async def names():
                async with SessionFactory() as db:
                    return db.query(User.name).all()
            """,
            Expect(
                4,
                12,
                "session.query() does not exist on an AsyncSession (AttributeError)",
            ),
            Expect(
                8,
                16,
                "db.query() does not exist on an AsyncSession (AttributeError)",
            ),
            path=_REPOSITORY,
            extra=_DB,
            note="an Annotated alias and a session factory defined in another file",
        ),
        Example.code(
            """
            from sqlalchemy.orm import Session

            def users(session: Session):
                return session.query(User).all()
            """,
            Expect(
                4,
                12,
                "session.query() is the legacy Query API: use select() with "
                "session.scalars() or execute()",
            ),
            path="scripts/report.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "query":
            return
        parent = ctx.ancestors[-1] if ctx.ancestors else None
        grand = ctx.ancestors[-2] if len(ctx.ancestors) > 1 else None
        if (
            ctx.is_selected("CNF507")
            and isinstance(parent, cst.Attribute)
            and isinstance(grand, cst.Call)
            and _query_get(grand) is not None
        ):
            return  # CNF507 reports it, with a fix
        receiver = ctx.code_for(func.value)
        async_condition = session_condition(ctx, func.value, ASYNC_SESSION)
        if async_condition is not None:
            _report(
                self,
                node,
                f"{receiver}.query() does not exist on an AsyncSession (AttributeError)",
                async_condition,
            )
        sync_condition = session_condition(ctx, func.value, SYNC_SESSION)
        if sync_condition is not None:
            _report(
                self,
                node,
                f"{receiver}.query() is the legacy Query API: use select() with "
                f"{receiver}.scalars() or execute()",
                sync_condition,
            )
