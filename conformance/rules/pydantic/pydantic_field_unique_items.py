"""CNF453 pydantic-field-unique-items."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _FieldKeyword


class FieldUniqueItems(_FieldKeyword):
    """## What it checks
    `Field(unique_items=...)`.

    ## Why
    v2 raises at the `Field()` call (`removed-kwargs`).

    ## Example
    ```python
    tags: list[str] = Field(unique_items=True)
    ```

    ## Use instead
    ```python
    tags: set[str]
    ```
    or an `AfterValidator` that rejects duplicates while keeping the order.
    """

    code = "CNF453"
    name = "pydantic-field-unique-items"
    summary = "Field(unique_items=...) removed in v2"
    fix_hint = "use set[T] / frozenset[T] or a uniqueness validator"
    catalog = "PV053"
    keywords = {
        "unique_items": (
            "Field(unique_items=...) fails in Pydantic v2",
            None,
        )
    }
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class Post(BaseModel):
                tags: set
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Post(BaseModel):
                tags: list = Field(unique_items=True)
            """,
            Expect(
                5,
                24,
                "Field(unique_items=...) fails in Pydantic v2",
            ),
            path=SCHEMAS,
        ),
    )
