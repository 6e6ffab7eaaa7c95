"""CNF454 pydantic-field-const."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _FieldKeyword


class FieldConst(_FieldKeyword):
    """## What it checks
    `Field(const=...)`.

    ## Why
    v2 raises at the `Field()` call (`removed-kwargs`).

    ## Example
    ```python
    kind: str = Field("user", const=True)
    ```

    ## Use instead
    ```python
    kind: Literal["user"] = "user"
    ```

    ## Fix
    None (the annotation changes).
    """

    code = "CNF454"
    name = "pydantic-field-const"
    summary = "Field(const=...) removed in v2"
    fix_hint = "annotate the field with Literal[<value>]"
    catalog = "PV054"
    keywords = {
        "const": (
            "Field(const=...) fails in Pydantic v2",
            None,
        )
    }
    VALID = (
        Example.code(
            """
            from typing import Literal

            from pydantic import BaseModel


            class Event(BaseModel):
                kind: Literal["user"] = "user"
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Event(BaseModel):
                kind: str = Field("user", const=True)
            """,
            Expect(
                5,
                31,
                "Field(const=...) fails in Pydantic v2",
            ),
            path=SCHEMAS,
        ),
    )
