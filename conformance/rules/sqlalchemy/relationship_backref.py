"""CNF505 relationship-backref."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import _MODELS, RELATIONSHIP, _keyword


class RelationshipBackref(FileRule):
    """## What it checks
    `relationship(..., backref=...)`.

    ## Why
    `backref` creates the reverse attribute on the other class implicitly, at mapper configuration
    time: it is invisible to readers and type checkers (`Mapped[...]` cannot annotate it) and the
    SQLAlchemy docs call it legacy.

    ## Example
    ```python
    class User(Base):
        orders: Mapped[List["Order"]] = relationship(backref="user")
    ```

    ## Use instead
    Declare both sides and link them:
    ```python
    class User(Base):
        orders: Mapped[List["Order"]] = relationship(back_populates="user")

    class Order(Base):
        user: Mapped["User"] = relationship(back_populates="orders")
    ```

    ## Options
    None. Opt-in: select `CNF505`.
    """

    code = "CNF505"
    name = "relationship-backref"
    summary = "relationship() with the legacy backref="
    fix_hint = "declare the reverse relationship() on the other class and use back_populates"
    catalog = "SA005"
    default = False
    VALID = (
        Example.code(
            """
            from sqlalchemy.orm import relationship as rel

            def backref_demo(backref):
                return dict(backref=backref)

            orders = rel(back_populates="user")
            """,
            path=_MODELS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.orm import backref, relationship as rel

            orders = rel("Order", backref=backref("user", lazy="raise"))
            """,
            Expect(
                3,
                23,
                "relationship() uses backref=, an implicit reverse attribute",
            ),
            path=_MODELS,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.call_name(node) not in RELATIONSHIP:
            return
        arg = _keyword(node, "backref")
        if arg is not None:
            self.report(
                arg,
                "relationship() uses backref=, an implicit reverse attribute",
                fix_hint="declare the "
                "reverse relationship() on the other class and link both with back_populates",
            )
