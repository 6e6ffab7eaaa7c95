"""CNF333 malformed-router-prefix."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import ROUTER_CLASSES, _keyword, _string_value
from conformance.rules.fastapi._examples import _documented
from conformance.rules.fastapi._routes import _when, receiver_verdict


class BadPrefix(FileRule):
    """## What it checks
    A literal `prefix` of `APIRouter(...)` or `include_router(...)` that does not start with `/` or
    ends with `/`.

    ## Why
    FastAPI asserts both at start-up ("A path prefix must start with '/'", "must not end with
    '/'"): the application does not start.

    ## Example
    ```python
    router = APIRouter(prefix="users/")
    ```

    ## Use instead
    ```python
    router = APIRouter(prefix="/users")
    ```

    ## Fix
    Safe: adds the leading `/`, drops trailing ones (`"/"` becomes `""`).
    """

    code = "CNF333"
    name = "malformed-router-prefix"
    summary = "router prefix not starting with / or ending with /"
    fix_hint = 'write the prefix as "/name": leading slash, no trailing slash'
    catalog = "API003"
    fix = FixSafety.SAFE
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter, FastAPI

            router = APIRouter(prefix="users/", tags=["users"])
            app = FastAPI()
            app.include_router(router, prefix='/v1/')
            """,
            Expect(
                3,
                27,
                "prefix \"users/\" must start with '/' and not end with '/' (FastAPI refuses it "
                'at start-up): write "/users"',
            ),
            Expect(
                5,
                35,
                "prefix '/v1/' must start with '/' and not end with '/' (FastAPI refuses it "
                "at start-up): write '/v1'",
            ),
            fixed="""
            from fastapi import APIRouter, FastAPI

            router = APIRouter(prefix="/users", tags=["users"])
            app = FastAPI()
            app.include_router(router, prefix='/v1')
            """,
            path="cpv3/main.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        func = node.func
        is_router = ctx.call_name(node) in ROUTER_CLASSES
        if not is_router:
            if not isinstance(func, cst.Attribute) or func.attr.value != "include_router":
                return
            verdict = receiver_verdict(ctx, func.value)
            if verdict is False:
                return
        else:
            verdict = True
        arg = _keyword(node, "prefix")
        value = _string_value(arg.value) if arg is not None else None
        if arg is None or value is None or value == "":
            return
        if value.startswith("/") and not value.endswith("/"):
            return
        assert isinstance(arg.value, cst.SimpleString)
        fixed = "/" + value.strip("/") if value.strip("/") else ""
        literal = arg.value
        quote = literal.quote
        replacement = None
        if "\\" not in literal.value and quote not in fixed:
            replacement = literal.with_changes(value=f"{literal.prefix}{quote}{fixed}{quote}")
        shown = f"{literal.prefix}{quote}{fixed}{quote}"
        self.report(
            literal,
            f"prefix {literal.value} must start with '/' and not end with '/' (FastAPI refuses it "
            f"at start-up): write {shown}",
            replacement=replacement,
            when=_when(verdict),
        )
