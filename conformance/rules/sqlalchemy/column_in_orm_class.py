"""CNF503 column-in-orm-class."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, List, Optional

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext

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
    left to you. A class of plain `Column`s (no `Mapped` yet) is one style decision: it gets one
    finding, on the class, listing its `Column` attributes, without a fix: migrate it a class at a
    time.
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
                "email in ORM class User is a legacy Column() among Mapped[...] attributes",
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
                "id in ORM class User is a legacy Column() among Mapped[...] attributes",
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
            Expect(6, 7, "ORM class Tag declares 1 legacy Column attribute (id)"),
            path=_MODELS,
            note="no Mapped attributes and no mapped_column import: reported without a fix",
        ),
        Example.code(
            """
            from sqlalchemy import Column, Integer, String

            from cpv3.core.db import Base

            class Account(Base):
                __tablename__ = "accounts"
                id = Column(Integer, primary_key=True)
                email = Column(String(320), nullable=False)
                name = Column(String(64))

            class Team(Base):
                __tablename__ = "teams"
                id = Column(Integer, primary_key=True)
            """,
            Expect(5, 7, "ORM class Account declares 3 legacy Column attributes (id, email, name)"),
            Expect(11, 7, "ORM class Team declares 1 legacy Column attribute (id)"),
            path=_MODELS,
            extra=_BASE,
            note="the classic Column style throughout: one finding per class, not per attribute",
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        #: the Column attributes of each class being walked, by the class node's id
        self._columns: Dict[int, List[_Column]] = {}

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
        self._columns.setdefault(id(cls), []).append(_Column(attr, annotation, call))

    def class_end(self, node: cst.ClassDef) -> None:
        columns = self._columns.pop(id(node), None)
        if not columns:
            return
        ctx = self.ctx
        mapped_class = any(
            isinstance(small, cst.AnnAssign)
            and _mapped_annotation(ctx, small.annotation.annotation)
            for small in _class_body(node)
        )
        if not mapped_class:
            # One style decision, one finding: a class written in the classic style throughout
            # is migrated as a whole, not attribute by attribute.
            names = ", ".join(column.attr for column in columns)
            count = len(columns)
            self.report(
                node.name,
                f"ORM class {node.name.value} declares {count} legacy Column attribute"
                f"{'' if count == 1 else 's'} ({names})",
                fix_hint=_CLASS_HINT,
                when=_orm_condition(ctx),
            )
            return
        for column in columns:
            replacement: Optional[cst.BaseExpression] = None
            imports: Imports = ()
            if column.annotation is None or _mapped_annotation(ctx, column.annotation):
                spelled = _spelling(ctx, MAPPED_COLUMN, "sqlalchemy.orm", "mapped_column")
                if spelled is not None:
                    replacement = _expression(spelled[0])
                    imports = spelled[1]
            self.report(
                column.call.func,
                f"{column.attr} in ORM class {node.name.value} is a legacy Column() among "
                "Mapped[...] attributes",
                fix_hint=f"declare it as `{column.attr}: Mapped[T] = mapped_column(...)`",
                when=_orm_condition(ctx),
                replacement=replacement,
                imports=imports,
            )

    def visit_Assign(self, node: cst.Assign) -> None:
        self._check(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._check(node)


@dataclass(frozen=True)
class _Column:
    attr: str
    annotation: Optional[cst.BaseExpression]
    call: cst.Call


_CLASS_HINT = (
    "migrate the class at once: annotate each attribute Mapped[T] and assign mapped_column(...)"
)
