"""CNF113 sql-outside-repository."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.conditions import TypeIs
from conformance.names import SESSION_QUERY_METHODS, SQL_BUILDERS
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.structure._common import (
    _DECLARED_ATTR,
    _SESSION_TYPES,
)


class SqlOutsideRepository(FileRule):
    """## What it checks
    SQL built or executed in a module file other than `repository.py`: `select`, `insert`,
    `update`, `delete`, `text` from SQLAlchemy (matched by qualified name, so a local `delete`
    function is not), and `execute`/`scalars`/`scalar`/`get`/`stream`/`query` on a receiver typed as
    a SQLAlchemy session. In models.py, expressions that define the schema or the mapping are not
    queries: those in the module or class body (`server_default=text("now()")`,
    `column_property(select(...).scalar_subquery())`) and in `@declared_attr` or hybrid
    `@<name>.expression` methods.

    ## Why
    The repository is the one place that knows how data is stored. Queries in services or routers
    spread that knowledge, defeat the repository's tests, and make the next schema change a hunt.
    (Some FastAPI guides put SQL in services; this convention does not, so that the service stays
    testable without a database.)

    ## Example
    ```python
    # cpv3/modules/users/service.py
    from sqlalchemy import select

    async def active(session):
        return await session.scalars(select(User).where(User.active))
    ```

    ## Use instead
    Add `UserRepository.active()` and call it from the service.

    ## Options
    `roles.repository`. In routers and services the more specific layering findings (CNF211,
    CNF212) replace this one.
    """

    code = "CNF113"
    requires_roles = ("repository",)
    name = "sql-outside-repository"
    summary = "SQL built or executed outside repository.py"
    fix_hint = "move the query into the module's repository and call it"
    catalog = "STR013"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from sqlalchemy import select
            from sqlalchemy.ext.asyncio import AsyncSession

            class UserRepository:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session

                async def get(self, user_id: int):
                    return await self.session.get(User, user_id)

                async def all(self):
                    return (await self.session.scalars(select(User))).all()
            """,
            path="cpv3/modules/users/repository.py",
        ),
        Example.code(
            """
            def delete(items, key):
                return [i for i in items if i != key]

            def purge(items):
                return delete(items, 1)
            """,
            path="cpv3/modules/users/service.py",
            note="a local function called delete is not SQL",
        ),
        Example.code(
            """
            from decimal import Decimal

            import sqlalchemy as sa
            from sqlalchemy import ForeignKey, Index, func, select, text
            from sqlalchemy.ext.hybrid import hybrid_property
            from sqlalchemy.orm import Mapped, column_property, mapped_column

            from cpv3.core.db import Base


            class Payment(Base):
                __tablename__ = "payments"

                id: Mapped[int] = mapped_column(primary_key=True)
                account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
                amount: Mapped[Decimal] = mapped_column(server_default=text("0"))


            class Account(Base):
                __tablename__ = "accounts"
                __table_args__ = (
                    Index("ix_open", "id", postgresql_where=sa.text("closed = false")),
                )

                id: Mapped[int] = mapped_column(primary_key=True)
                closed: Mapped[bool] = mapped_column(server_default=sa.false())
                payment_count: Mapped[int] = column_property(
                    select(func.count(Payment.id))
                    .where(Payment.account_id == id)
                    .scalar_subquery()
                )

                @hybrid_property
                def balance(self) -> Decimal:
                    return Decimal(0)

                @balance.inplace.expression
                @classmethod
                def _balance(cls):
                    return select(func.sum(Payment.amount)).where(
                        Payment.account_id == cls.id
                    ).scalar_subquery()
            """,
            path="cpv3/modules/users/models.py",
            extra={
                "cpv3/core/db.py": """
                    from sqlalchemy.orm import DeclarativeBase


                    class Base(DeclarativeBase):
                        pass
                    """,
            },
            note="schema and mapping definitions in models.py are not queries",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa

            def statement():
                return sa.select(1)
            """,
            Expect(
                4,
                12,
                "sa.select() builds SQL in models.py",
            ),
            path="cpv3/modules/users/models.py",
        ),
    )

    def _outside(self) -> bool:
        return (
            self.ctx.feature is not None
            and bool(self.ctx.roles)
            and not self.ctx.has_role("repository")
        )

    def _mapping_definition(self) -> bool:
        """In models.py, SQL expressions that define the schema or the mapping rather than run a
        query: module and class bodies (`server_default=text("now()")`, `Index(...,
        postgresql_where=text(...))`, `column_property(select(...).scalar_subquery())`) and the
        bodies of `@declared_attr` and hybrid `@<attr>.expression` methods."""
        ctx = self.ctx
        if not ctx.has_role("models"):
            return False
        function = ctx.function
        if function is None:
            return True
        for decorator in function.decorators:
            expr = decorator.decorator
            if isinstance(expr, cst.Call):
                expr = expr.func
            if isinstance(expr, cst.Attribute) and expr.attr.value == "expression":
                return True
            name = ctx.qualname(expr) if isinstance(expr, (cst.Name, cst.Attribute)) else None
            if name is not None and name.startswith(_DECLARED_ATTR):
                return True
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if not self._outside():
            return
        ctx = self.ctx
        file_name = ctx.path.rpartition("/")[2]
        name = ctx.call_name(node)
        if name in SQL_BUILDERS:
            if self._mapping_definition():
                return
            self.report(
                node,
                f"{ctx.code_for(node.func)}() builds SQL in {file_name}",
                fix_hint=f"queries belong in the module's {ctx.role_file('repository')}",
            )
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in SESSION_QUERY_METHODS:
            receiver = ctx.instance_type(func.value)
            if receiver is not None:
                self.report(
                    node,
                    f"{ctx.code_for(func)}() runs SQL in {file_name}",
                    fix_hint=f"queries belong in the module's {ctx.role_file('repository')}",
                    when=TypeIs(receiver, _SESSION_TYPES),
                )
