"""CNF456 pydantic-field-final."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _FieldKeyword


class FieldFinal(_FieldKeyword):
    """## What it checks
    `Field(final=...)`.

    ## Why
    v2 has no `final` keyword (it is stored as JSON schema extra and ignored); finality is a
    `typing.Final` annotation.

    ## Example
    ```python
    version: int = Field(1, final=True)
    ```

    ## Use instead
    ```python
    version: Final[int] = 1
    ```
    """

    code = "CNF456"
    name = "pydantic-field-final"
    summary = "Field(final=...) has no effect in v2"
    fix_hint = "annotate the field with typing.Final[...]"
    catalog = "PV056"
    keywords = {
        "final": (
            "Field(final=...) has no effect in Pydantic v2",
            None,
        )
    }
    VALID = (
        Example.code(
            """
            from typing import Final

            from pydantic import BaseModel


            class Doc(BaseModel):
                version: Final[int] = 1
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Doc(BaseModel):
                version: int = Field(1, final=True)
            """,
            Expect(
                5,
                29,
                "Field(final=...) has no effect in Pydantic v2",
            ),
            path=SCHEMAS,
        ),
    )
