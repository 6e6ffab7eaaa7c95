"""CNF406 pydantic-extra-enum."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import _EXTRA_MEMBERS, SCHEMAS

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class ExtraEnum(FileRule):
    """## What it checks
    `Extra.forbid`, `Extra.allow`, `Extra.ignore` (`pydantic.Extra`, `pydantic.config.Extra`).

    ## Why
    The `Extra` enum is deprecated in v2; `extra` takes the strings `"forbid"`, `"allow"`,
    `"ignore"`.

    ## Example
    ```python
    model_config = ConfigDict(extra=Extra.forbid)
    ```

    ## Use instead
    ```python
    model_config = ConfigDict(extra="forbid")
    ```

    ## Fix
    Safe: the member becomes its string.
    """

    code = "CNF406"
    name = "pydantic-extra-enum"
    summary = "deprecated Extra enum"
    fix_hint = 'use the string: extra="forbid"'
    catalog = "PV006"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from enum import Enum


            class Extra(Enum):
                forbid = 1


            value = Extra.forbid
            """,
            path=SCHEMAS,
            note="a project enum of the same name",
        ),
    )
    INVALID = (
        Example.code(
            """
            import pydantic as pd
            from pydantic import BaseModel, ConfigDict, Extra


            class UserIn(BaseModel):
                model_config = ConfigDict(extra=Extra.forbid)


            class UserOut(BaseModel):
                model_config = ConfigDict(extra=pd.Extra.ignore)
            """,
            Expect(6, 37, 'Extra.forbid is deprecated in Pydantic v2: use the string "forbid"'),
            Expect(10, 37, 'Extra.ignore is deprecated in Pydantic v2: use the string "ignore"'),
            path=SCHEMAS,
            fixed="""
            import pydantic as pd
            from pydantic import BaseModel, ConfigDict, Extra


            class UserIn(BaseModel):
                model_config = ConfigDict(extra="forbid")


            class UserOut(BaseModel):
                model_config = ConfigDict(extra="ignore")
            """,
        ),
    )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self.ctx.qualname(node) not in _EXTRA_MEMBERS:
            return
        member = node.attr.value
        self.report(
            node,
            f'Extra.{member} is deprecated in Pydantic v2: use the string "{member}"',
            replacement=cst.SimpleString(f'"{member}"'),
        )
