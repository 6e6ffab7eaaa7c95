"""CNF508 legacy-select-form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.diagnostics import FixSafety
from conformance.names import SELECT
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import (
    _REPOSITORY,
    _SELECT_KEYWORDS,
    CASE,
    _unwrapped,
)


class LegacySelectForm(FileRule):
    """## What it checks
    The 1.x call forms of `select()` and `case()`: columns passed as a list (`select([a, b])`),
    clauses passed as keywords (`select(t, whereclause=...)`, `order_by=`, `select_from=`, ...),
    and the list of whens in `case([(cond, value)], else_=...)`. Matched by qualified name, so a
    project function called `select` is not.

    ## Why
    SQLAlchemy 2.0 removed these forms: `select([a, b])` raises `ArgumentError`, the keyword clauses
    raise `TypeError`.

    ## Example
    ```python
    stmt = select([User.id, User.email])
    status = case([(User.active, "on")], else_="off")
    ```

    ## Use instead
    ```python
    stmt = select(User.id, User.email)
    status = case((User.active, "on"), else_="off")
    ```

    ## Fix
    Safe for the list forms (the list is unwrapped into positional arguments); keyword clauses are
    reported only.
    """

    code = "CNF508"
    name = "legacy-select-form"
    summary = "1.x select()/case() call form"
    fix_hint = "pass columns and whens positionally and chain .where()/.order_by()"
    catalog = "SA008"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from sqlalchemy import case, select

            stmt = select(User.id, User.email).where(User.active).order_by(User.id)
            label = case((User.active, "on"), else_="off")
            """,
            path=_REPOSITORY,
        ),
        Example.code(
            """
            def select(columns, whereclause=None):
                return columns

            rows = select([1, 2], whereclause=True)
            """,
            path=_REPOSITORY,
            note="a project function called select",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa

            stmt = sa.select([User.id, User.email])
            """,
            Expect(
                3,
                8,
                "select() takes its columns positionally since SQLAlchemy 2.0: write "
                "select(User.id, User.email), not select([...])",
            ),
            path=_REPOSITORY,
            fixed="""
            import sqlalchemy as sa

            stmt = sa.select(User.id, User.email)
            """,
        ),
        Example.code(
            """
            from sqlalchemy.sql import case as when_, select

            label = when_([(User.active, "on")], else_="off")
            stmt = select(User, whereclause=User.active, order_by=User.id)
            """,
            Expect(
                3,
                9,
                "case() takes its (condition, value) pairs positionally since SQLAlchemy 2.0: "
                "remove the list around them",
            ),
            Expect(
                4,
                8,
                "select() no longer takes whereclause=, order_by=: chain "
                ".where(...), .order_by(...) instead (SQLAlchemy 2.0)",
            ),
            path=_REPOSITORY,
            fixed="""
            from sqlalchemy.sql import case as when_, select

            label = when_((User.active, "on"), else_="off")
            stmt = select(User, whereclause=User.active, order_by=User.id)
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        name = ctx.call_name(node)
        if name not in SELECT and name not in CASE:
            return
        first = node.args[0] if node.args else None
        listed = (
            first.value
            if first is not None
            and first.keyword is None
            and not first.star
            and isinstance(first.value, cst.List)
            else None
        )
        if name in CASE:
            if isinstance(listed, cst.List):
                fixable = all(isinstance(e, cst.Element) for e in listed.elements)
                self.report(
                    node,
                    "case() takes its (condition, value) pairs positionally since SQLAlchemy 2.0: "
                    "remove the list around them",
                    replacement=_unwrapped(node, listed) if fixable and listed.elements else None,
                )
            return
        if isinstance(listed, cst.List):
            positional = [a for a in node.args if a.keyword is None]
            fixable = (
                len(positional) == 1
                and bool(listed.elements)
                and all(isinstance(e, cst.Element) for e in listed.elements)
            )
            columns = ", ".join(ctx.code_for(e.value) for e in listed.elements)
            self.report(
                node,
                "select() takes its columns positionally since SQLAlchemy 2.0: write "
                f"select({columns}), not select([...])",
                replacement=_unwrapped(node, listed) if fixable else None,
            )
            return
        keywords = [
            a.keyword.value
            for a in node.args
            if a.keyword is not None and a.keyword.value in _SELECT_KEYWORDS
        ]
        if keywords:
            methods = ", ".join(f".{'where' if k == 'whereclause' else k}(...)" for k in keywords)
            self.report(
                node,
                f"select() no longer takes {', '.join(k + '=' for k in keywords)}: chain "
                f"{methods} instead (SQLAlchemy 2.0)",
            )
