"""CNF452 pydantic-field-min-max-items."""

from __future__ import annotations

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _FieldKeyword


class FieldItemsLength(_FieldKeyword):
    """## What it checks
    `Field(min_items=...)` / `Field(max_items=...)`.

    ## Why
    Deprecated in v2 (a warning on import); the v2 names are `min_length` / `max_length`.

    ## Example
    ```python
    tags: list[str] = Field(min_items=1, max_items=10)
    ```

    ## Use instead
    ```python
    tags: list[str] = Field(min_length=1, max_length=10)
    ```

    ## Fix
    Safe: the keyword is renamed.
    """

    code = "CNF452"
    name = "pydantic-field-min-max-items"
    summary = "Field(min_items/max_items) deprecated in v2"
    fix_hint = "use min_length / max_length"
    catalog = "PV052"
    fix = FixSafety.SAFE
    keywords = {
        "min_items": (
            "Field(min_items=...) is deprecated in Pydantic v2: use min_length=",
            "min_length",
        ),
        "max_items": (
            "Field(max_items=...) is deprecated in Pydantic v2: use max_length=",
            "max_length",
        ),
    }
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Order(BaseModel):
                items: list = Field(min_length=1, max_length=100)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field as F


            class Order(BaseModel):
                items: list = F(min_items=1, max_items=100)
            """,
            Expect(5, 21, "Field(min_items=...) is deprecated in Pydantic v2: use min_length="),
            Expect(5, 34, "Field(max_items=...) is deprecated in Pydantic v2: use max_length="),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel, Field as F


            class Order(BaseModel):
                items: list = F(min_length=1, max_length=100)
            """,
        ),
    )
