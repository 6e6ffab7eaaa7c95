"""CNF211 router-uses-session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.names import SQL_BUILDERS
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.layering._common import (
    REPOSITORY,
    ROUTER,
    _file_name,
    _query_home,
    session_receiver,
)
from conformance.rules.layering._examples import _DB, _with


class RouterUsesSession(FileRule):
    """## What it checks
    In `router.py`, a method call on a database session (`db.execute(...)`, `session.get(...)`,
    `session.commit()`; the receiver typed as `AsyncSession`/`Session` by its annotation, including
    aliases such as `SessionDep`), and SQL built with SQLAlchemy's `select`/`insert`/`update`/
    `delete`/`text`. Passing the session to a provider or a service is not a finding.

    ## Why
    A route that queries the session skips the service (business rules, transactions) and the
    repository (the one place that knows the storage): the closed layering at call level, which no
    import graph sees.

    ## Example
    ```python
    @router.get("/export")
    async def export(db: SessionDep):
        return (await db.execute(select(Product))).scalars().all()
    ```

    ## Use instead
    Add `ProductRepository.all()` and `ProductService.export()`; the route calls the service.

    ## Options
    `roles.router`. Replaces CNF113 (sql-outside-repository) on the same call.
    """

    code = "CNF211"
    name = "router-uses-session"
    summary = "router calls a method on a DB session or builds SQL"
    fix_hint = "move the query into the repository and call it through the service"
    catalog = "LAY011"
    applies_to = "roles"
    supersedes = ("CNF113",)
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter, Depends

            from cpv3.core.db import SessionDep

            from .service import UserService

            router = APIRouter()


            def get_user_service(session: SessionDep) -> UserService:
                return UserService(session)


            @router.get("/{user_id}")
            async def get_user(user_id: int, session: SessionDep):
                return await UserService(session).get(user_id)
            """,
            extra={"cpv3/core/db.py": _DB},
            note="the session is only handed to the service",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter
            from sqlalchemy import select

            from cpv3.core.db import SessionDep

            from .models import User

            router = APIRouter()


            @router.get("/export")
            async def export(db: SessionDep):
                result = await db.execute(select(User))
                return result.scalars().all()
            """,
            Expect(
                13,
                20,
                "router.py calls db.execute() on a database session: routers call services",
            ),
            Expect(
                13,
                31,
                "router.py builds SQL with select(): routers call services",
            ),
            extra=_with("cpv3/core/db.py", "cpv3/modules/users/models.py"),
        ),
        Example.code(
            """
            from fastapi import APIRouter

            from cpv3.core.postgres import AsyncSession

            router = APIRouter()


            @router.delete("/{user_id}")
            async def remove(user_id: int, session: AsyncSession) -> None:
                await session.commit()
            """,
            Expect(
                10,
                11,
                "router.py calls session.commit() on a database session: routers call services",
            ),
            extra={
                "cpv3/core/postgres.py": """
                    from typing import NewType

                    from sqlalchemy.ext.asyncio import AsyncSession as _AsyncSession

                    AsyncReadSession = NewType("AsyncReadSession", _AsyncSession)
                    AsyncSession = NewType("AsyncSession", AsyncReadSession)
                    """,
            },
            note="a session type declared with NewType",
        ),
    )

    def hint(self) -> str:
        return _query_home(self.ctx)

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if not ctx.has_role(ROUTER) or ctx.has_role(REPOSITORY):
            return
        name = ctx.call_name(node)
        if name in SQL_BUILDERS:
            self.report(
                node,
                f"{_file_name(ctx)} builds SQL with {ctx.code_for(node.func)}(): routers call services",
            )
            return
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        receiver = ctx.instance_type(func.value)
        if receiver is None:
            return
        self.report(
            node,
            f"{_file_name(ctx)} calls {ctx.code_for(func)}() on a database session: routers call services",
            fix_hint=_query_home(ctx),
            when=session_receiver(receiver),
        )
