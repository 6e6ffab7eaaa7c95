"""CNF412 pydantic-validator-each-item."""

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


class ValidatorEachItem(_ValidatorKeyword):
    """## What it checks
    `each_item=True` in `@validator(...)`.

    ## Why
    v2 has no per-item validators: `@field_validator` sees the whole value. Moving the decorator
    without the keyword silently validates the list instead of its items.

    ## Example
    ```python
    @validator("tags", each_item=True)
    def lower(cls, v):
        return v.lower()
    ```

    ## Use instead
    ```python
    tags: list[Annotated[str, AfterValidator(str.lower)]]
    ```
    """

    code = "CNF412"
    name = "pydantic-validator-each-item"
    summary = "each_item= in a v1 @validator"
    fix_hint = "validate the item type: list[Annotated[T, AfterValidator(f)]]"
    catalog = "PV012"
    keyword = "each_item"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator


            class UserIn(BaseModel):
                tags: list

                @validator("tags", each_item=False)
                def lower(cls, v):
                    return v
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            import pydantic


            class UserIn(pydantic.BaseModel):
                tags: list

                @pydantic.validator("tags", each_item=True)
                def lower(cls, v):
                    return v.lower()
            """,
            Expect(
                7,
                33,
                "each_item=True has no @field_validator equivalent",
            ),
            path=SCHEMAS,
        ),
    )

    def message(self, value: cst.BaseExpression) -> Optional[str]:
        if _is_name(value, "False"):
            return None
        return "each_item=True has no @field_validator equivalent"
