"""CNF503 column-in-orm-class."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import (
    _BASE,
    _MODELS,
    COLUMN,
    MAPPED_COLUMN,
    Imports,
    _assigned_calls,
    _class_body,
    _expression,
    _mapped_annotation,
    _orm_condition,
    _spelling,
)


class ColumnInOrmClass(FileRule):
    """## What it checks
    `Column(...)` assigned in the body of an ORM class (a subclass of the project's declarative
    base, found across files).

    ## Why
    SQLAlchemy 2.0 declares ORM attributes as `name: Mapped[T] = mapped_column(...)`: the `Mapped`
    annotation gives type checkers the attribute type and the nullability, `mapped_column` accepts
    the ORM-only options (`init=`, `deferred=`, ...). A `Column` in a class of `Mapped` attributes is
    a leftover that types as `Column[T]` on instances.

    ## Example
    ```python
    class StockItem(Base):
        __tablename__ = "stock_items"
        id: Mapped[int] = mapped_column(primary_key=True)
        warehouse = Column(String(64), nullable=False)
    ```

    ## Use instead
    ```python
        warehouse: Mapped[str] = mapped_column(String(64))
    ```

    Core `Table("t", metadata, Column(...))` columns are not in a class body and are fine.

    ## Fix
    Safe, inside a class that already declares `Mapped[...]` attributes, for an attribute without
    annotation or annotated `Mapped[...]`: `Column` becomes `mapped_column` (imported from
    `sqlalchemy.orm` when the file does not have it yet). Adding the `Mapped[...]` annotation is
    left to you. Classes of plain `Column`s (no `Mapped` yet) are reported without a fix: migrate
    them a class at a time.

    ## Options
    None.
    """

    code = "CNF503"
    name = "column-in-orm-class"
    summary = "legacy Column() in an ORM class"
    fix_hint = "declare the attribute as name: Mapped[T] = mapped_column(...)"
    catalog = "SA003"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from sqlalchemy import Column, Integer, MetaData, Table

            metadata = MetaData()
            audit = Table("audit", metadata, Column("id", Integer, primary_key=True))
            """,
            path=_MODELS,
            note="Core Table columns",
        ),
        Example.code(
            """
            from sqlalchemy import Column, Integer

            class Point:
                x = Column(Integer)
            """,
            path=_MODELS,
            note="not an ORM class",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa
            from sqlalchemy.orm import Mapped, mapped_column

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                email = sa.Column(sa.String(320), nullable=False)
            """,
            Expect(
                9,
                13,
                "legacy Column() in ORM class User: declare "
                "email: Mapped[...] = mapped_column(...)",
            ),
            path=_MODELS,
            extra=_BASE,
            fixed="""
            import sqlalchemy as sa
            from sqlalchemy.orm import Mapped, mapped_column

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                email = mapped_column(sa.String(320), nullable=False)
            """,
        ),
        Example.code(
            """
            from sqlalchemy import Column, String
            from sqlalchemy.orm import Mapped

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = Column(primary_key=True)
                name: Mapped[str]
            """,
            Expect(
                8,
                23,
                "legacy Column() in ORM class User: declare id: Mapped[...] = mapped_column(...)",
            ),
            path=_MODELS,
            extra=_BASE,
            fixed="""
            from sqlalchemy import Column, String
            from sqlalchemy.orm import Mapped, mapped_column

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                name: Mapped[str]
            """,
            note="the fix imports mapped_column",
        ),
        Example.code(
            """
            from sqlalchemy import Column as C, Integer
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Tag(Base):
                __tablename__ = "tags"
                id = C(Integer, primary_key=True)
            """,
            Expect(
                8,
                10,
                "legacy Column() in ORM class Tag: declare id: Mapped[...] = mapped_column(...)",
            ),
            path=_MODELS,
            note="no Mapped attributes and no mapped_column import: reported without a fix",
        ),
    )

    def _check(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        found = _assigned_calls(ctx, node)
        if found is None:
            return
        attr, annotation, call = found
        if ctx.call_name(call) not in COLUMN:
            return
        cls = ctx.class_def
        assert cls is not None
        replacement: Optional[cst.BaseExpression] = None
        mapped_class = any(
            isinstance(small, cst.AnnAssign)
            and _mapped_annotation(ctx, small.annotation.annotation)
            for small in _class_body(cls)
        )
        imports: Imports = ()
        if mapped_class and (annotation is None or _mapped_annotation(ctx, annotation)):
            spelled = _spelling(ctx, MAPPED_COLUMN, "sqlalchemy.orm", "mapped_column")
            if spelled is not None:
                replacement = _expression(spelled[0])
                imports = spelled[1]
        self.report(
            call.func,
            f"legacy Column() in ORM class {cls.name.value}: declare "
            f"{attr}: Mapped[...] = mapped_column(...)",
            when=_orm_condition(ctx),
            replacement=replacement,
            imports=imports,
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        self._check(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._check(node)
