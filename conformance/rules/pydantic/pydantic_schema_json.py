"""CNF439 pydantic-schema-json."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS, _short
from conformance.rules.pydantic._templates import _ModelMethod

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class SchemaJsonMethod(_ModelMethod):
    """## What it checks
    `M.schema_json(...)` on a Pydantic model class.

    ## Why
    Deprecated in v2; there is no JSON-string variant any more.

    ## Example
    ```python
    text = UserOut.schema_json(indent=2)
    ```

    ## Use instead
    ```python
    text = json.dumps(UserOut.model_json_schema(), indent=2)
    ```

    ## Fix
    None (it needs an import and splits the keywords between the two calls).
    """

    code = "CNF439"
    name = "pydantic-schema-json"
    summary = "Pydantic v1 schema_json()"
    fix_hint = "use json.dumps(M.model_json_schema(...))"
    catalog = "PV039"
    method = "schema_json"
    VALID = (
        Example.code(
            """
            def describe(thing):
                return thing.schema_json()
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            TEXT = UserOut.schema_json(indent=2)
            """,
            Expect(
                8,
                8,
                ".schema_json() on Pydantic model UserOut is the v1 API (deprecated in v2): use json.dumps(UserOut.model_json_schema())",
            ),
            path=SCHEMAS,
        ),
    )

    def message(self, node: cst.Call, receiver: str) -> str:
        name = _short(receiver)
        return (
            f".schema_json() on Pydantic model {name} is the v1 API (deprecated in v2): use "
            f"json.dumps({name}.model_json_schema())"
        )
