"""CNF504 unmapped-orm-annotation."""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from conformance.conditions import AllOf, Condition, Not, TypeIs
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import (
    _ALLOW_UNMAPPED_KEY,
    _BASE,
    _MODELS,
    MAPPED,
    MAPPED_CONSTRUCTS,
    HasMarkedBase,
    _assigned_calls,
    _in_class_body,
    _orm_condition,
)


class UnmappedAnnotation(FileRule):
    """## What it checks
    An attribute of an ORM class bound to `relationship()`, `mapped_column()`,
    `column_property()`, `composite()`, `deferred()` or `synonym()` whose annotation is not
    `Mapped[...]` (or `WriteOnlyMapped`/`DynamicMapped`), unless the class or one of its bases sets
    `__allow_unmapped__ = True`.

    ## Why
    SQLAlchemy 2.0 reads the annotations of declarative classes: a plain `List["Order"]` on a
    relationship raises `ArgumentError` when the class is mapped (at import time, or at the first
    query in a lazily configured registry).

    ## Example
    ```python
    class User(Base):
        orders: List["Order"] = relationship(back_populates="user")
    ```

    ## Use instead
    ```python
        orders: Mapped[List["Order"]] = relationship(back_populates="user")
    ```
    or `__allow_unmapped__ = True` on the base while migrating.
    """

    code = "CNF504"
    name = "unmapped-orm-annotation"
    summary = "ORM attribute annotated without Mapped[...]"
    fix_hint = "wrap the annotation in Mapped[...]"
    catalog = "SA004"
    VALID = (
        Example.code(
            """
            from typing import List

            from sqlalchemy.orm import Mapped, relationship

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                orders: Mapped[List["Order"]] = relationship(back_populates="user")
                tags: "Mapped[List[Tag]]" = relationship()
            """,
            path=_MODELS,
            extra=_BASE,
        ),
        Example.code(
            """
            from typing import List

            from sqlalchemy.orm import relationship

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                orders: List["Order"] = relationship(back_populates="user")
            """,
            path=_MODELS,
            extra={
                "cpv3/core/db.py": "from sqlalchemy.orm import DeclarativeBase\n\n\n"
                "class Base(DeclarativeBase):\n    __allow_unmapped__ = True\n"
            },
            note="the base in another file allows unmapped annotations",
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import List

            from sqlalchemy import orm

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                id: int = orm.mapped_column(primary_key=True)
                orders: List["Order"] = orm.relationship(back_populates="user")
            """,
            Expect(
                9,
                9,
                "ORM attribute id of User is annotated int without Mapped[...]: annotate it "
                "Mapped[int] (SQLAlchemy 2.0 rejects the plain annotation)",
            ),
            Expect(
                10,
                13,
                'ORM attribute orders of User is annotated List["Order"] without Mapped[...]: '
                'annotate it Mapped[List["Order"]] (SQLAlchemy 2.0 rejects the plain annotation)',
            ),
            path=_MODELS,
            extra=_BASE,
        ),
    )

    def visit_Assign(self, node: cst.Assign) -> None:
        if not _in_class_body(self.ctx):
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name) and target.target.value == "__allow_unmapped__":
                if isinstance(node.value, cst.Name) and node.value.value == "True":
                    self.ctx.add_extra(_ALLOW_UNMAPPED_KEY, self.ctx.scope_qualname)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        ctx = self.ctx
        found = _assigned_calls(ctx, node)
        if found is None:
            return
        attr, annotation, call = found
        if annotation is None or ctx.call_name(call) not in MAPPED_CONSTRUCTS:
            return
        typed = ctx.annotation_type(annotation)
        if (
            typed is None
            or typed in MAPPED
            or typed.startswith(("typing.ClassVar", "typing_extensions.ClassVar"))
        ):
            return
        cls = ctx.scope_qualname
        parts: List[Condition] = [
            _orm_condition(ctx),
            Not(HasMarkedBase(cls, _ALLOW_UNMAPPED_KEY)),
        ]
        if ctx.is_project_name(typed):
            parts.append(Not(TypeIs(typed, tuple(sorted(MAPPED)))))
        shown = ctx.code_for(annotation)
        assert ctx.class_def is not None
        self.report(
            annotation,
            f"ORM attribute {attr} of {ctx.class_def.name.value} is annotated {shown} without "
            f"Mapped[...]: annotate it Mapped[{shown}] (SQLAlchemy 2.0 rejects the plain "
            "annotation)",
            when=AllOf(tuple(parts)),
        )
