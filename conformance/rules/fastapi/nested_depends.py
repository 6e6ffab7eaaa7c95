"""CNF303 nested-depends."""

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
from conformance.rules.fastapi._common import DEPENDS, _marker, _short
from conformance.rules.fastapi._examples import _documented


class NestedDepends(FileRule):
    """## What it checks
    `Depends(Depends(f))`, `Security(Depends(f))`: a marker wrapped in another.

    ## Why
    The outer marker receives a `Depends` object as its dependency and FastAPI fails to call it.

    ## Example
    ```python
    user: Annotated[User, Depends(Depends(get_user))]
    ```

    ## Use instead
    ```python
    user: Annotated[User, Depends(get_user)]
    ```

    ## Fix
    Safe: keeps the inner marker, when the outer one has no other argument.
    """

    code = "CNF303"
    name = "nested-depends"
    summary = "Depends wrapped in another Depends"
    fix_hint = "keep one marker: `Depends(get_user)`"
    catalog = "DI003"
    fix = FixSafety.SAFE
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            import fastapi as fa


            def get_user() -> dict:
                return {}


            def handler(user: Annotated[dict, fa.Depends(fa.Depends(get_user))]) -> None:
                return None
            """,
            Expect(
                10,
                35,
                "Depends(Depends(...)): the outer marker receives a marker, not a callable: "
                "keep one, `Depends(get_user)`",
            ),
            fixed="""
            from typing import Annotated

            import fastapi as fa


            def get_user() -> dict:
                return {}


            def handler(user: Annotated[dict, fa.Depends(get_user)]) -> None:
                return None
            """,
            path="cpv3/core/security.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        outer = ctx.call_name(node)
        if outer not in DEPENDS or not node.args or node.args[0].keyword is not None:
            return
        inner = node.args[0].value
        inner_name = _marker(ctx, inner)
        if inner_name not in DEPENDS or not isinstance(inner, cst.Call):
            return
        target = (
            ctx.code_for(inner.args[0].value)
            if inner.args and inner.args[0].keyword is None
            else "..."
        )
        self.report(
            node,
            f"{_short(outer)}({_short(inner_name)}(...)): the outer marker receives a marker, not "
            f"a callable: keep one, `{_short(inner_name)}({target})`",
            replacement=inner if len(node.args) == 1 else None,
        )
