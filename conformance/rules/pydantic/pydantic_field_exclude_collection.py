"""CNF458 pydantic-field-exclude-collection."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import _FIELD, SCHEMAS, _kwarg

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class FieldExcludeCollection(FileRule):
    """## What it checks
    `Field(exclude=...)` given a set or dict (v1's nested exclusion).

    ## Why
    v2's `exclude` is a bool; nested exclusion belongs to the inner model's fields or to
    `model_dump(exclude=...)`.

    ## Example
    ```python
    user: UserOut = Field(exclude={"password"})
    ```

    ## Use instead
    ```python
    password: str = Field(exclude=True)  # on UserOut
    ```
    """

    code = "CNF458"
    name = "pydantic-field-exclude-collection"
    summary = "Field(exclude=<set or dict>)"
    fix_hint = "set exclude=True on the inner field, or pass exclude= to model_dump()"
    catalog = "PV058"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class UserOut(BaseModel):
                password: str = Field(exclude=True)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Order(BaseModel):
                user: dict = Field(exclude={"password"})
            """,
            Expect(
                5,
                24,
                "Field(exclude=...) takes a bool in Pydantic v2, not a set or dict",
            ),
            path=SCHEMAS,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.call_name(node) not in _FIELD:
            return
        arg = _kwarg(node, "exclude")
        if arg is not None and isinstance(
            arg.value, (cst.Set, cst.Dict, cst.SetComp, cst.DictComp)
        ):
            self.report(
                arg,
                "Field(exclude=...) takes a bool in Pydantic v2, not a set or dict",
            )
