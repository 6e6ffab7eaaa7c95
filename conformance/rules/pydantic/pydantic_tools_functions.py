"""CNF473 pydantic-tools-functions."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _TOOLS, _short, _with_prefixes
from conformance.rules.pydantic._templates import _ImportedName


class ToolsFunctions(_ImportedName):
    """## What it checks
    `parse_obj_as`, `schema_of`, `schema_json_of` (deprecated) and `parse_raw_as`,
    `parse_file_as` (removed), from `pydantic` or `pydantic.tools`.

    ## Why
    v2 validates arbitrary types with `TypeAdapter`, built once (at module level) and reused.

    ## Example
    ```python
    users = parse_obj_as(list[UserOut], rows)
    ```

    ## Use instead
    ```python
    USERS = TypeAdapter(list[UserOut])
    users = USERS.validate_python(rows)
    ```

    ## Fix
    None (where the adapter lives is a design choice).
    """

    code = "CNF473"
    name = "pydantic-tools-functions"
    summary = "parse_obj_as / schema_of and friends"
    fix_hint = "use a module-level TypeAdapter(T)"
    catalog = "PV073"
    names = _with_prefixes(("pydantic", "pydantic.tools", "pydantic.deprecated.tools"), _TOOLS)
    VALID = (Example.code("from pydantic import TypeAdapter\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic import parse_obj_as, parse_raw_as
            """,
            Expect(
                1,
                22,
                "parse_obj_as is deprecated in Pydantic v2: use TypeAdapter(T).validate_python(...) (build the adapter once, at module level)",
            ),
            Expect(
                1,
                36,
                "parse_raw_as is gone in Pydantic v2: use TypeAdapter(T).validate_json(...) (build the adapter once, at module level)",
            ),
            path="cpv3/modules/users/service.py",
        ),
    )

    def message(self, qualname: str) -> str:
        name = _short(qualname)
        how = {
            "parse_obj_as": "validate_python(...)",
            "parse_raw_as": "validate_json(...)",
            "parse_file_as": "validate_json(...) on the file's text",
            "schema_of": "json_schema()",
            "schema_json_of": "json_schema() with json.dumps",
        }[name]
        state = "is gone" if name in ("parse_raw_as", "parse_file_as") else "is deprecated"
        return f"{name} {state} in Pydantic v2: use TypeAdapter(T).{how} (build the adapter once, at module level)"
