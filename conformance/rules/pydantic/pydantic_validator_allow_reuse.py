"""CNF414 pydantic-validator-allow-reuse."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _ROOT_VALIDATOR, _VALIDATOR, SCHEMAS
from conformance.rules.pydantic._templates import _ValidatorKeyword

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class ValidatorAllowReuse(_ValidatorKeyword):
    """## What it checks
    `allow_reuse=...` in `@validator(...)` (and `@root_validator(...)`).

    ## Why
    v2 validators can always be reused; the keyword is a v1 leftover that `@field_validator` does
    not accept.

    ## Example
    ```python
    @validator("name", allow_reuse=True)
    ```

    ## Use instead
    ```python
    @field_validator("name")
    ```

    ## Fix
    Applied by CNF410's fix, which drops the keyword.
    """

    code = "CNF414"
    name = "pydantic-validator-allow-reuse"
    summary = "allow_reuse= in a v1 validator"
    fix_hint = "delete it (v2 validators can always be reused)"
    catalog = "PV014"
    keyword = "allow_reuse"
    decorators = _VALIDATOR | _ROOT_VALIDATOR
    VALID = (
        Example.code(
            """
            from pydantic import field_validator


            @field_validator("name")
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

                @validator("name", allow_reuse=True)
                def strip(cls, v):
                    return v
            """,
            Expect(7, 24, "allow_reuse is not needed in Pydantic v2: delete it"),
            path=SCHEMAS,
        ),
    )

    def message(self, value: cst.BaseExpression) -> Optional[str]:
        return "allow_reuse is not needed in Pydantic v2: delete it"
