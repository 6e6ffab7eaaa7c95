"""CNF437 pydantic-construct."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _ModelMethod

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class ConstructMethod(_ModelMethod):
    """## What it checks
    `M.construct(...)` on a Pydantic model class.

    ## Why
    Deprecated in v2.

    ## Example
    ```python
    user = UserOut.construct(id=1)
    ```

    ## Use instead
    ```python
    user = UserOut.model_construct(id=1)
    ```

    ## Fix
    Safe (model classes only: the arguments are the same).
    """

    code = "CNF437"
    name = "pydantic-construct"
    summary = "Pydantic v1 construct()"
    fix_hint = "use .model_construct()"
    catalog = "PV037"
    fix = FixSafety.SAFE
    method = "construct"
    new = "model_construct"

    def fixable(self, node: cst.Call) -> bool:
        return True

    VALID = (
        Example.code(
            """
            def build(factory):
                return factory.construct(id=1)
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            user = UserOut.construct(id=1)
            """,
            Expect(
                8,
                8,
                ".construct() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_construct()",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            user = UserOut.model_construct(id=1)
            """,
        ),
    )
