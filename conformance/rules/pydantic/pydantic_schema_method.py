"""CNF438 pydantic-schema-method."""

from __future__ import annotations

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _ModelMethod


class SchemaMethod(_ModelMethod):
    """## What it checks
    `M.schema(...)` on a Pydantic model class.

    ## Why
    Deprecated in v2.

    ## Example
    ```python
    schema = UserOut.schema(by_alias=True)
    ```

    ## Use instead
    ```python
    schema = UserOut.model_json_schema(by_alias=True)
    ```

    ## Fix
    Safe with `by_alias` and `ref_template` only.
    """

    code = "CNF438"
    name = "pydantic-schema-method"
    summary = "Pydantic v1 schema()"
    fix_hint = "use .model_json_schema()"
    catalog = "PV038"
    fix = FixSafety.SAFE
    method = "schema"
    new = "model_json_schema"
    carry = frozenset({"by_alias", "ref_template"})
    VALID = (
        Example.code(
            """
            import marshmallow


            def describe(s: marshmallow.Schema):
                return s.schema()
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            SCHEMA = UserOut.schema(by_alias=True)
            """,
            Expect(
                8,
                10,
                ".schema() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_json_schema()",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            SCHEMA = UserOut.model_json_schema(by_alias=True)
            """,
        ),
    )
