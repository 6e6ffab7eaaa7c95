"""CNF411 pydantic-validator-pre."""

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


class ValidatorPre(_ValidatorKeyword):
    """## What it checks
    `pre=True` / `pre=False` in `@validator(...)`.

    ## Why
    `@field_validator` has no `pre`: the v2 spelling is `mode="before"` (and the default,
    `mode="after"`, for `pre=False`).

    ## Example
    ```python
    @validator("name", pre=True)
    ```

    ## Use instead
    ```python
    @field_validator("name", mode="before")
    ```

    ## Fix
    Applied by CNF410's fix, which rewrites the whole decorator.
    """

    code = "CNF411"
    name = "pydantic-validator-pre"
    summary = "pre= in a v1 @validator"
    fix_hint = 'use mode="before" in @field_validator (omit it for pre=False)'
    catalog = "PV011"
    keyword = "pre"
    VALID = (
        Example.code(
            """
            from pydantic import field_validator


            @field_validator("name", mode="before")
            def strip(cls, v):
                return v
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator


            class UserIn(BaseModel):
                name: str

                @validator("name", pre=True)
                def strip(cls, v):
                    return v
            """,
            Expect(7, 24, 'pre=True in @validator: @field_validator takes mode="before"'),
            path=SCHEMAS,
        ),
    )

    def message(self, value: cst.BaseExpression) -> Optional[str]:
        if _is_name(value, "False"):
            return (
                'pre=False in @validator: omit it (mode="after" is the default of @field_validator)'
            )
        return 'pre=True in @validator: @field_validator takes mode="before"'
