"""CNF517 string-loader-path."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.conditions import AnyOf
from conformance.index import ASYNC_SESSION, SYNC_SESSION
from conformance.names import SELECT
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import (
    _LOADERS,
    _REPOSITORY,
    LOAD_CLASS,
    LOADER_OPTIONS,
    _chain_root,
    _report,
    _string_value,
    session_condition,
)


class StringLoaderPath(FileRule):
    """## What it checks
    A relationship or column named by a string in a loader option (`joinedload("items")`,
    `selectinload`, `subqueryload`, `lazyload`, `raiseload`, `noload`, `immediateload`,
    `defaultload`, `contains_eager`, `defer`, `undefer`, `load_only`, also chained:
    `joinedload(Order.items).joinedload("product")`), or in `.join("items")`/`.outerjoin(...)` on a
    `select()` chain or a typed session's `query()`. The wildcard `"*"` stays allowed.

    ## Why
    SQLAlchemy 2.0 removed string attribute names from loader options and joins: they raise
    `ArgumentError` when the statement is built.

    ## Example
    ```python
    stmt = select(Order).options(joinedload("items"))
    ```

    ## Use instead
    ```python
    stmt = select(Order).options(joinedload(Order.items))
    ```
    """

    code = "CNF517"
    name = "string-loader-path"
    summary = "attribute named by a string in a loader option or join"
    fix_hint = "pass the mapped attribute, e.g. joinedload(Order.items)"
    catalog = "SA017"
    VALID = (
        Example.code(
            """
            from sqlalchemy import select
            from sqlalchemy.orm import joinedload, raiseload

            stmt = select(Order).options(joinedload(Order.items), raiseload("*"))
            parts = "a,b".join("items")
            """,
            path=_REPOSITORY,
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy import orm, select

            stmt = (
                select(Order)
                .join("user")
                .options(orm.joinedload(Order.items).joinedload("product"), orm.load_only("id"))
            )
            """,
            Expect(
                5,
                11,
                '.join("user") names the relationship by a string, removed in SQLAlchemy 2.0: '
                "pass the attribute, as in .join(Parent.user)",
            ),
            Expect(
                6,
                53,
                'joinedload("product") names the attribute by a string, removed in SQLAlchemy '
                "2.0: pass the attribute, as in joinedload(Parent.product)",
            ),
            Expect(
                6,
                79,
                'load_only("id") names the attribute by a string, removed in SQLAlchemy '
                "2.0: pass the attribute, as in load_only(Parent.id)",
            ),
            path=_REPOSITORY,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        name = ctx.call_name(node)
        func = node.func
        if name in LOADER_OPTIONS:
            self._strings(node, name.rpartition(".")[2])
            return
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        root = _chain_root(func.value)
        if not isinstance(root, cst.Call):
            return
        root_name = ctx.call_name(root)
        if method in _LOADERS and (root_name in LOADER_OPTIONS or root_name in LOAD_CLASS):
            self._strings(node, method)
            return
        if method not in ("join", "outerjoin") or not node.args:
            return
        first = node.args[0]
        value = _string_value(first.value) if first.keyword is None else None
        if value is None:
            return
        message = (
            f'.{method}("{value}") names the relationship by a string, removed in SQLAlchemy '
            f"2.0: pass the attribute, as in .{method}(Parent.{value})"
        )
        if root_name in SELECT:
            self.report(first.value, message)
            return
        root_func = root.func
        if isinstance(root_func, cst.Attribute) and root_func.attr.value == "query":
            parts = [
                c
                for c in (
                    session_condition(ctx, root_func.value, ASYNC_SESSION),
                    session_condition(ctx, root_func.value, SYNC_SESSION),
                )
                if c is not None
            ]
            if parts:
                _report(
                    self,
                    first.value,
                    message,
                    parts[0] if len(parts) == 1 else AnyOf(tuple(parts)),
                )

    def _strings(self, node: cst.Call, loader: str) -> None:
        for arg in node.args:
            if arg.keyword is not None or arg.star:
                continue
            value = _string_value(arg.value)
            if value is None or value == "*" or value.endswith(".*"):
                continue
            self.report(
                arg.value,
                f'{loader}("{value}") names the attribute by a string, removed in SQLAlchemy '
                f"2.0: pass the attribute, as in {loader}(Parent.{value.rpartition('.')[2]})",
            )
