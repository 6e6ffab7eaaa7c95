"""CNF494 pydantic-modify-schema."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _CustomTypeHook


class ModifySchemaHook(_CustomTypeHook):
    """## What it checks
    A `__modify_schema__` method (the v1 JSON-schema hook). Files that import `pydantic.v1` are
    left alone.

    ## Why
    v2 never calls it: the JSON schema silently loses the customisation.

    ## Example
    ```python
    @classmethod
    def __modify_schema__(cls, field_schema):
        field_schema.update(format="sku")
    ```

    ## Use instead
    ```python
    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        schema = handler(core_schema)
        schema.update(format="sku")
        return schema
    ```
    """

    code = "CNF494"
    name = "pydantic-modify-schema"
    summary = "v1 __modify_schema__ hook"
    fix_hint = "use __get_pydantic_json_schema__"
    catalog = "PV102"
    hook = "__modify_schema__"
    new = "use __get_pydantic_json_schema__"
    VALID = (
        Example.code(
            """
            class Sku(str):
                @classmethod
                def __get_pydantic_json_schema__(cls, core_schema, handler):
                    return handler(core_schema)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            class Sku(str):
                @classmethod
                def __modify_schema__(cls, field_schema):
                    field_schema.update(format="sku")
            """,
            Expect(
                3,
                9,
                "__modify_schema__ is the Pydantic v1 custom-type hook, never called by v2",
            ),
            path=SCHEMAS,
        ),
    )
