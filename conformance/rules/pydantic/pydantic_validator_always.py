"""CNF413 pydantic-validator-always."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS, _is_name
from conformance.rules.pydantic._templates import _ValidatorKeyword

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class ValidatorAlways(_ValidatorKeyword):
    """## What it checks
    `always=True` in `@validator(...)`.

    ## Why
    `@field_validator` has no `always`; v2 validates defaults only with
    `Field(validate_default=True)`, and then also runs the type's own validation on the default.

    ## Example
    ```python
    @validator("created", always=True)
    ```

    ## Use instead
    ```python
    created: datetime = Field(default=None, validate_default=True)
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF413"
    name = "pydantic-validator-always"
    summary = "always= in a v1 @validator"
    fix_hint = "set Field(validate_default=True) on the field"
    catalog = "PV013"
    keyword = "always"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class UserIn(BaseModel):
                name: str = Field(default="", validate_default=True)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator


            class UserIn(BaseModel):
                name: str = ""

                @validator("name", always=True)
                def fill(cls, v):
                    return v or "anonymous"
            """,
            Expect(
                7,
                24,
                "always=True has no @field_validator equivalent: set Field(validate_default=True) on the field (v2 then also validates the default against its type)",
            ),
            path=SCHEMAS,
        ),
    )

    def message(self, value: cst.BaseExpression) -> Optional[str]:
        if _is_name(value, "False"):
            return None
        return (
            "always=True has no @field_validator equivalent: set Field(validate_default=True) on "
            "the field (v2 then also validates the default against its type)"
        )
