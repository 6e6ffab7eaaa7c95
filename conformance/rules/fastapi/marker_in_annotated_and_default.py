"""CNF314 marker-in-annotated-and-default."""

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
from conformance.rules.fastapi._common import (
    _all_params,
    _annotated_parts,
    _marker,
    _param_order_after,
    _short,
)
from conformance.rules.fastapi._examples import _documented


class MarkerTwice(FileRule):
    """## What it checks
    A parameter with a FastAPI marker both inside `Annotated[...]` and as its default:
    `user: Annotated[User, Depends(get_user)] = Depends(get_user)`.

    ## Why
    FastAPI refuses it at start-up ("Cannot specify `Depends` in `Annotated` and default value
    together").

    ## Example
    ```python
    user: Annotated[User, Depends(get_user)] = Depends(get_user)
    ```

    ## Use instead
    ```python
    user: Annotated[User, Depends(get_user)]
    ```

    ## Fix
    Safe when the two markers are written the same and the parameter may become required (no
    defaulted positional parameter before it, or keyword-only); otherwise none.
    """

    code = "CNF314"
    name = "marker-in-annotated-and-default"
    summary = "FastAPI marker both inside Annotated and as the default"
    fix_hint = "keep only the Annotated marker"
    catalog = "DI014"
    fix = FixSafety.SAFE
    supersedes = ("CNF301", "CNF317")
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import Depends


            def get_user() -> dict:
                return {}


            def handler(user: Annotated[dict, Depends(get_user)] = Depends(get_user)) -> dict:
                return user
            """,
            Expect(
                10,
                13,
                "parameter 'user' has Depends() both inside Annotated and as its default (FastAPI refuses this at start-up)",
            ),
            fixed="""
            from typing import Annotated

            from fastapi import Depends


            def get_user() -> dict:
                return {}


            def handler(user: Annotated[dict, Depends(get_user)]) -> dict:
                return user
            """,
            path="cpv3/core/security.py",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        for param in _all_params(node):
            default = _marker(ctx, param.default)
            parts = _annotated_parts(ctx, param.annotation)
            if default is None or parts is None or not isinstance(param.default, cst.Call):
                continue
            inside = [e for e in parts[1][1:] if _marker(ctx, e)]
            if not inside:
                continue
            same = any(ctx.code_for(e) == ctx.code_for(param.default) for e in inside)
            replacement = None
            if same and _param_order_after(node, param, False):
                replacement = param.with_changes(default=None, equal=cst.MaybeSentinel.DEFAULT)
            self.report(
                param,
                f"parameter '{param.name.value}' has {_short(default)}() both inside Annotated and "
                "as its default (FastAPI refuses this at start-up)",
                fix_hint="keep only the Annotated one",
                replacement=replacement,
            )
