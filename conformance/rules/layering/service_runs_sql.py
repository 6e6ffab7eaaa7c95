"""CNF212 service-runs-sql."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.names import SESSION_QUERY_METHODS, SESSION_UNIT_OF_WORK_METHODS, SQL_BUILDERS
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.layering._common import (
    REPOSITORY,
    SERVICE,
    SERVICE_SESSION_METHODS,
    _file_name,
    session_receiver,
)
from conformance.rules.layering._examples import _USERS_REPOSITORY


class ServiceRunsSql(FileRule):
    """## What it checks
    In `service.py`, SQL built with SQLAlchemy (`select`, `insert`, `update`, `delete`, `text`, by
    qualified name) or run on a session (`execute`, `scalars`, `scalar`, `get`, `add`, `add_all`,
    `delete`, `merge`, `flush`, `refresh`, `query`, `stream`, ...; the receiver typed as a session).
    Transaction control (`commit`, `rollback`, `begin`, `begin_nested`, `close`) is the service's
    job and allowed.

    ## Why
    The service owns the unit of work, the repository owns the queries; a service that queries
    itself cannot be tested with a fake repository, and the query escapes the repository's tests.

    ## Example
    ```python
    async def balance(self, order_id: int):
        return await self.session.scalar(select(func.sum(Payment.amount)))
    ```

    ## Use instead
    Add `PaymentRepository.captured_total(order_id)` and call it.

    ## Options
    `service-session-methods` (default `["commit", "rollback", "begin", "begin_nested", "close"]`):
    the session methods a service may call. Replaces CNF113 (sql-outside-repository) on the same
    call.
    """

    code = "CNF212"
    requires_roles = ("service", "repository")
    name = "service-runs-sql"
    summary = "service builds or executes SQL instead of calling its repository"
    fix_hint = "move the query into the repository and call it"
    catalog = "LAY012"
    applies_to = "roles"
    supersedes = ("CNF113",)
    VALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.modules.orders.service import OrderService

            from .repository import UserRepository


            class UserService:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session
                    self.repository = UserRepository(session)
                    self.orders = OrderService(session)

                async def close_account(self, user_id: int) -> None:
                    async with self.session.begin_nested():
                        await self.orders.cancel_all(user_id)
                    await self.session.commit()


            def delete(items, key):
                return [i for i in items if i != key]
            """,
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/modules/users/repository.py": _USERS_REPOSITORY,
                "cpv3/modules/orders/service.py": "class OrderService:\n    pass\n",
            },
            note="transactions, another module's service and a local `delete` are fine",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa
            from sqlalchemy.ext.asyncio import AsyncSession


            class UserService:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session

                async def count(self) -> int:
                    result = await self.session.execute(sa.text("select count(*) from users"))
                    await self.session.commit()
                    return result.scalar_one()
            """,
            Expect(
                10,
                24,
                "service.py runs SQL with self.session.execute(): services call their repository",
            ),
            Expect(
                10,
                45,
                "service.py builds SQL with sa.text(): services call their repository",
            ),
            path="cpv3/modules/users/service.py",
        ),
        Example.code(
            """
            from cpv3.core.db import ReadSession, WriteSession


            class UserService:
                def __init__(self, session: WriteSession, reader: ReadSession) -> None:
                    self.session = session
                    self.reader = reader

                async def rename(self, user: object) -> None:
                    self.session.add(user)
                    await self.reader.get(object, 1)
            """,
            Expect(
                10,
                9,
                "service.py runs SQL with self.session.add(): services call their repository",
            ),
            Expect(
                11,
                15,
                "service.py runs SQL with self.reader.get(): services call their repository",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/core/db.py": """
                    from typing import NewType

                    from sqlalchemy.ext.asyncio import AsyncSession


                    class ReadOnlySession(AsyncSession):
                        pass


                    ReadSession = ReadOnlySession
                    WriteSession = NewType("WriteSession", ReadOnlySession)
                    """,
            },
            note="a NewType of a session subclass, and an alias of the subclass",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if not ctx.has_role(SERVICE) or ctx.has_role(REPOSITORY):
            return
        name = ctx.call_name(node)
        if name in SQL_BUILDERS:
            self.report(
                node,
                f"{_file_name(ctx)} builds SQL with {ctx.code_for(node.func)}(): services call their "
                "repository",
                fix_hint="move the query into the repository and call it",
            )
            return
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method not in SESSION_QUERY_METHODS and method not in SESSION_UNIT_OF_WORK_METHODS:
            return
        if method in ctx.option(SERVICE_SESSION_METHODS):
            return
        receiver = ctx.instance_type(func.value)
        if receiver is None:
            return
        self.report(
            node,
            f"{_file_name(ctx)} runs SQL with {ctx.code_for(func)}(): services call their repository",
            when=session_receiver(receiver),
        )
