"""CNF514 relationship-implicit-lazy-load."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.conditions import AllOf, Not
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import (
    _BASE,
    _EAGER_KEY,
    _MODELS,
    _REPOSITORY,
    ASYNC_ATTRS,
    EAGER_LOADERS,
    LOADER_OPTIONS,
    RELATIONSHIP,
    HasMarkedBase,
    NotEagerLoaded,
    _assigned_calls,
    _has_star_kwargs,
    _keyword,
    _orm_condition,
)


class RelationshipWithoutLoading(FileRule):
    """## What it checks
    A `relationship()` in an ORM class with no `lazy=` strategy, when the class does not inherit
    `AsyncAttrs` and no `selectinload`/`joinedload`/`subqueryload`/`immediateload` anywhere in the
    project names an attribute of that name.

    ## Why
    The default strategy (`lazy="select"`) loads on attribute access: on an `AsyncSession` that is
    implicit I/O and fails with `MissingGreenlet`. A strategy on the relationship (`"selectin"`,
    `"raise"`), eager loading at the query, or `AsyncAttrs.awaitable_attrs` makes the loading
    explicit.

    ## Example
    ```python
    orders: Mapped[List["Order"]] = relationship(back_populates="user")
    ```

    ## Use instead
    ```python
    orders: Mapped[List["Order"]] = relationship(back_populates="user", lazy="raise")
    ```
    and `select(User).options(selectinload(User.orders))` where the orders are needed.

    ## Options
    None. Opt-in (heuristic: eager loading is matched by attribute name): select `CNF514`.
    """

    code = "CNF514"
    name = "relationship-implicit-lazy-load"
    summary = "relationship() that loads lazily on an AsyncSession"
    fix_hint = 'set lazy="raise" or "selectin", or load it with selectinload() at the query'
    catalog = "SA014"
    default = False
    VALID = (
        Example.code(
            """
            from typing import List

            from sqlalchemy.orm import Mapped, relationship

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                orders: Mapped[List["Order"]] = relationship(back_populates="user", lazy="raise")
                tags: Mapped[List["Tag"]] = relationship()
            """,
            path=_MODELS,
            extra={
                **_BASE,
                _REPOSITORY: "from sqlalchemy import select\nfrom sqlalchemy.orm import "
                "selectinload\n\nstmt = select(User).options(selectinload(User.tags))\n",
            },
            note="tags are eager-loaded in another file",
        ),
        Example.code(
            """
            from typing import List

            from sqlalchemy.ext.asyncio import AsyncAttrs
            from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

            class Base(AsyncAttrs, DeclarativeBase):
                pass

            class User(Base):
                __tablename__ = "users"
                orders: Mapped[List["Order"]] = relationship()
            """,
            path=_MODELS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import List

            from sqlalchemy.orm import Mapped, relationship

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                orders: Mapped[List["Order"]] = relationship(back_populates="user")
            """,
            Expect(
                9,
                37,
                "relationship orders of User loads lazily on first access (MissingGreenlet on an AsyncSession)",
            ),
            path=_MODELS,
            extra=_BASE,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        func = node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        name = ctx.call_name(node)
        short = name.rpartition(".")[2] if name in LOADER_OPTIONS else method
        if short in EAGER_LOADERS and node.args:
            target = node.args[0].value
            if isinstance(target, cst.Attribute):
                ctx.add_extra(_EAGER_KEY, target.attr.value)

    def _check(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        found = _assigned_calls(ctx, node)
        if found is None:
            return
        attr, _, call = found
        if ctx.call_name(call) not in RELATIONSHIP:
            return
        if _keyword(call, "lazy") is not None or _has_star_kwargs(call):
            return
        assert ctx.class_def is not None
        cls = ctx.scope_qualname
        self.report(
            call,
            f"relationship {attr} of {ctx.class_def.name.value} loads lazily on first access "
            "(MissingGreenlet on an AsyncSession)",
            fix_hint='set lazy="raise" or "selectin", or load it with selectinload()',
            when=AllOf(
                (
                    _orm_condition(ctx),
                    Not(HasMarkedBase(cls, "sqlalchemy.async-attrs", tuple(sorted(ASYNC_ATTRS)))),
                    NotEagerLoaded(attr),
                )
            ),
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        self._check(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._check(node)
