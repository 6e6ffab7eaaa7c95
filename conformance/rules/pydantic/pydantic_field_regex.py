"""CNF450 pydantic-field-regex."""

from __future__ import annotations

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _FieldKeyword


class FieldRegex(_FieldKeyword):
    """## What it checks
    `Field(regex=...)`.

    ## Why
    v2 raises at the `Field()` call (`removed-kwargs`): the module cannot be imported.

    ## Example
    ```python
    code: str = Field(regex=r"^[A-Z]{3}$")
    ```

    ## Use instead
    ```python
    code: str = Field(pattern=r"^[A-Z]{3}$")
    ```

    ## Fix
    Safe: the keyword is renamed.
    """

    code = "CNF450"
    name = "pydantic-field-regex"
    summary = "Field(regex=...) removed in v2"
    fix_hint = "use pattern="
    catalog = "PV050"
    fix = FixSafety.SAFE
    keywords = {"regex": ("Field(regex=...) fails in Pydantic v2: use pattern=", "pattern")}
    VALID = (
        Example.code(
            """
            from dataclasses import field


            x = field(metadata={"regex": 1})
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            import pydantic as pd


            class Currency(pd.BaseModel):
                code: str = pd.Field(regex=r"^[A-Z]{3}$")
            """,
            Expect(5, 26, "Field(regex=...) fails in Pydantic v2: use pattern="),
            path=SCHEMAS,
            fixed="""
            import pydantic as pd


            class Currency(pd.BaseModel):
                code: str = pd.Field(pattern=r"^[A-Z]{3}$")
            """,
        ),
    )
