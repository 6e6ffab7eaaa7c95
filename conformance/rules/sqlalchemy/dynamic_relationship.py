"""CNF515 dynamic-relationship."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import (
    _BASE,
    _MODELS,
    BACKREF,
    DYNAMIC_LOADER,
    RELATIONSHIP,
    _keyword,
    _string_value,
)


class DynamicRelationship(FileRule):
    """## What it checks
    `lazy="dynamic"` passed to `relationship()` or `backref()`, and `dynamic_loader()`.

    ## Why
    The dynamic loader is superseded in 2.0 by the write-only loader, and it does not work with
    asyncio at all: its `AppenderQuery` runs queries implicitly on iteration.

    ## Example
    ```python
    orders = relationship("Order", lazy="dynamic")
    ```

    ## Use instead
    ```python
    orders: WriteOnlyMapped["Order"] = relationship()
    # then: await session.scalars(user.orders.select().where(...))
    ```
    """

    code = "CNF515"
    name = "dynamic-relationship"
    summary = 'relationship(lazy="dynamic")'
    fix_hint = 'use WriteOnlyMapped[...] (lazy="write_only") and query it with .select()'
    catalog = "SA015"
    VALID = (
        Example.code(
            """
            from sqlalchemy.orm import WriteOnlyMapped, relationship

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                orders: WriteOnlyMapped["Order"] = relationship()

            settings = dict(lazy="dynamic")
            """,
            path=_MODELS,
            extra=_BASE,
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy.orm as so

            orders = so.relationship("Order", lazy="dynamic")
            """,
            Expect(
                3,
                40,
                'lazy="dynamic" is superseded and does not work with asyncio',
            ),
            path=_MODELS,
        ),
    )

    _MESSAGE = 'lazy="dynamic" is superseded and does not work with asyncio'

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.call_name(node)
        if name in DYNAMIC_LOADER:
            self.report(node, self._MESSAGE)
            return
        if name not in RELATIONSHIP and name not in BACKREF:
            return
        arg = _keyword(node, "lazy")
        if arg is not None and _string_value(arg.value) == "dynamic":
            self.report(arg.value, self._MESSAGE)
