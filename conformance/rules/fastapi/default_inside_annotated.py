"""CNF313 default-inside-annotated."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import (
    PARAM_MARKERS,
    _all_params,
    _annotated_parts,
    _marker,
    _marker_default,
    _param_order_after,
    _short,
    _spaced_equal,
    _without_arg,
)
from conformance.rules.fastapi._examples import _documented


class DefaultInsideAnnotated(FileRule):
    """## What it checks
    `Annotated[T, Query(default)]`, `Annotated[T, Body(default=...)]`: a parameter marker inside
    `Annotated` that carries the default.

    ## Why
    FastAPI refuses it at start-up ("default value cannot be set in `Annotated`"): the default
    belongs after `=`, where Python and type checkers see it too.

    ## Example
    ```python
    q: Annotated[str, Query("", max_length=50)]
    ```

    ## Use instead
    ```python
    q: Annotated[str, Query(max_length=50)] = ""
    ```

    ## Fix
    Safe when the parameter has no default yet and the parameter order stays valid (no required
    positional parameter follows it), otherwise none.
    """

    code = "CNF313"
    name = "default-inside-annotated"
    summary = "parameter default set inside Annotated"
    fix_hint = 'move the default after `=`: `q: Annotated[str, Query()] = ""`'
    catalog = "DI013"
    fix = FixSafety.SAFE
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import APIRouter, Query

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            def search(q: Annotated[str, Query("", max_length=5)]):
                return []
            """,
            Expect(
                9,
                12,
                "Query() inside Annotated sets the default of 'q' (FastAPI refuses this at "
                'start-up): write `q: Annotated[..., Query(...)] = ""`',
            ),
            fixed="""
            from typing import Annotated

            from fastapi import APIRouter, Query

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            def search(q: Annotated[str, Query(max_length=5)] = ""):
                return []
            """,
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        for param in _all_params(node):
            parts = _annotated_parts(ctx, param.annotation)
            if parts is None:
                continue
            subscript, elements = parts
            for position, element in enumerate(elements[1:], start=1):
                if not isinstance(element, cst.Call) or _marker(ctx, element) not in PARAM_MARKERS:
                    continue
                default_arg, literal = _marker_default(element)
                if default_arg is None or literal is None:
                    continue
                name = param.name.value
                replacement: Optional[cst.Param] = None
                if (
                    param.default is None
                    and param.annotation is not None
                    and _param_order_after(node, param, True)
                ):
                    new_elements = list(subscript.slice)
                    new_elements[position] = new_elements[position].with_changes(
                        slice=cst.Index(_without_arg(element, default_arg))
                    )
                    new_annotation = param.annotation.with_changes(
                        annotation=subscript.with_changes(slice=new_elements)
                    )
                    replacement = param.with_changes(
                        annotation=new_annotation, default=literal, equal=_spaced_equal()
                    )
                marker = _short(ctx.call_name(element) or "")
                self.report(
                    param,
                    f"{marker}() inside Annotated sets the default of '{name}' (FastAPI refuses "
                    f"this at start-up): write `{name}: Annotated[..., {marker}(...)] = "
                    f"{ctx.code_for(literal)}`",
                    replacement=replacement,
                )
