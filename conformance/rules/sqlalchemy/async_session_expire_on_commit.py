"""CNF513 async-session-expire-on-commit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from conformance.diagnostics import FixSafety
from conformance.names import ASYNC_SESSION_CLASSES
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import ASYNC_SESSIONMAKERS, _has_star_kwargs, _keyword


class ExpireOnCommit(FileRule):
    """## What it checks
    `async_sessionmaker(...)` or `AsyncSession(...)` called without `expire_on_commit=`.

    ## Why
    By default a commit expires every loaded object; the next attribute read reloads it, which on
    an `AsyncSession` is implicit I/O outside an `await` and fails with `MissingGreenlet` (typically
    when a route returns the object it just committed).

    ## Example
    ```python
    SessionFactory = async_sessionmaker(engine)
    ```

    ## Use instead
    ```python
    SessionFactory = async_sessionmaker(engine, expire_on_commit=False)
    ```

    ## Fix
    Unsafe (one-line calls): adds `expire_on_commit=False`, which changes expiry behaviour for code
    that relies on reloading after a commit.

    ## Options
    None. Opt-in: select `CNF513`.
    """

    code = "CNF513"
    name = "async-session-expire-on-commit"
    summary = "AsyncSession factory without expire_on_commit=False"
    fix_hint = "pass expire_on_commit=False"
    catalog = "SA013"
    default = False
    fix = FixSafety.UNSAFE
    VALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import async_sessionmaker

            Factory = async_sessionmaker(engine, expire_on_commit=False)
            Other = async_sessionmaker(**options)
            """,
            path="cpv3/core/db.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import async_sessionmaker as maker

            Factory = maker(engine)
            """,
            Expect(
                3,
                11,
                "maker() leaves expire_on_commit on: attributes read after commit() reload "
                "implicitly (MissingGreenlet on an AsyncSession): pass expire_on_commit=False",
            ),
            path="cpv3/core/db.py",
            fixed="""
            from sqlalchemy.ext.asyncio import async_sessionmaker as maker

            Factory = maker(engine, expire_on_commit=False)
            """,
            unsafe=True,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        name = ctx.call_name(node)
        if name not in ASYNC_SESSIONMAKERS and name not in ASYNC_SESSION_CLASSES:
            return
        if name is not None and name.endswith("async_scoped_session"):
            return
        if _keyword(node, "expire_on_commit") is not None or _has_star_kwargs(node):
            return
        replacement: Optional[cst.Call] = None
        if "\n" not in ctx.code_for(node):
            new_arg = cst.Arg(
                keyword=cst.Name("expire_on_commit"),
                value=cst.Name("False"),
                equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""),
                    whitespace_after=cst.SimpleWhitespace(""),
                ),
            )
            args = list(node.args)
            if args:
                last = args[-1]
                if isinstance(last.comma, cst.Comma):
                    args.append(new_arg)
                else:
                    args[-1] = last.with_changes(
                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                    )
                    args.append(new_arg)
            else:
                args.append(new_arg)
            replacement = node.with_changes(args=args)
        self.report(
            node,
            f"{ctx.code_for(node.func)}() leaves expire_on_commit on: attributes read after "
            "commit() reload implicitly (MissingGreenlet on an AsyncSession): pass "
            "expire_on_commit=False",
            replacement=replacement,
        )
