"""CNF455 pydantic-field-allow-mutation."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import _FIELD, SCHEMAS, _is_name, _kwarg

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class FieldAllowMutation(FileRule):
    """## What it checks
    `Field(allow_mutation=...)`.

    ## Why
    Deprecated in v2; the v2 keyword is `frozen`, with the inverse meaning.

    ## Example
    ```python
    id: int = Field(allow_mutation=False)
    ```

    ## Use instead
    ```python
    id: int = Field(frozen=True)
    ```

    ## Fix
    Safe for a literal `True`/`False` (inverted).
    """

    code = "CNF455"
    name = "pydantic-field-allow-mutation"
    summary = "Field(allow_mutation=...) deprecated in v2"
    fix_hint = "use frozen= with the inverse value"
    catalog = "PV055"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class UserOut(BaseModel):
                id: int = Field(frozen=True)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class UserOut(BaseModel):
                id: int = Field(allow_mutation=False)
            """,
            Expect(
                5,
                21,
                "Field(allow_mutation=...) is deprecated in Pydantic v2",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel, Field


            class UserOut(BaseModel):
                id: int = Field(frozen=True)
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.call_name(node) not in _FIELD:
            return
        arg = _kwarg(node, "allow_mutation")
        if arg is None:
            return
        replacement = None
        if _is_name(arg.value, "True") or _is_name(arg.value, "False"):
            inverse = "True" if _is_name(arg.value, "False") else "False"
            replacement = arg.with_changes(keyword=cst.Name("frozen"), value=cst.Name(inverse))
        self.report(
            arg,
            "Field(allow_mutation=...) is deprecated in Pydantic v2",
            fix_hint="use frozen= with the inverse value",
            replacement=replacement,
        )
