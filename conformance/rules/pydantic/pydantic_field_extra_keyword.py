"""CNF457 pydantic-field-extra-keyword."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import _FIELD, _FIELD_OWNED, _FIELD_V2_KEYWORDS, SCHEMAS

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class FieldExtraKeyword(FileRule):
    """## What it checks
    `Field(example=...)` or any keyword `Field` does not know in v2 (v1's `include=`, typos,
    custom metadata), other than those with their own rule.

    ## Why
    v2 moves unknown keywords into `json_schema_extra` with a deprecation warning: they no longer
    do what v1 did, and `example=` produces a different schema than `examples=[...]`.

    ## Example
    ```python
    name: str = Field(example="Ada", include=True)
    ```

    ## Use instead
    ```python
    name: str = Field(examples=["Ada"])
    ```
    Custom metadata goes in `json_schema_extra={...}`.

    ## Fix
    Unsafe for `example=` (becomes `examples=[...]`, the schema output changes); none otherwise.

    ## Options
    None.
    """

    code = "CNF457"
    name = "pydantic-field-extra-keyword"
    summary = "unknown or v1-only Field() keyword"
    fix_hint = "use examples=[...] or json_schema_extra={...}"
    catalog = "PV057"
    fix = FixSafety.UNSAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class UserIn(BaseModel):
                name: str = Field(examples=["Ada"], json_schema_extra={"x-order": 1})
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class UserIn(BaseModel):
                name: str = Field(example="Ada", include=True)
            """,
            Expect(
                5,
                23,
                "Field(example=...) is not a Pydantic v2 keyword (it lands in json_schema_extra with a deprecation warning): use examples=[...]",
            ),
            Expect(
                5,
                38,
                "Field(include=...) is not a Pydantic v2 keyword (it lands in json_schema_extra with a deprecation warning): use json_schema_extra={...} or remove it",
            ),
            path=SCHEMAS,
            unsafe=True,
            fixed="""
            from pydantic import BaseModel, Field


            class UserIn(BaseModel):
                name: str = Field(examples=["Ada"], include=True)
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.call_name(node) not in _FIELD:
            return
        for arg in node.args:
            if arg.keyword is None:
                continue
            key = arg.keyword.value
            if key in _FIELD_V2_KEYWORDS or key in _FIELD_OWNED:
                continue
            what = "examples=[...]" if key == "example" else "json_schema_extra={...} or remove it"
            replacement = None
            if key == "example":
                replacement = arg.with_changes(
                    keyword=cst.Name("examples"),
                    value=cst.List([cst.Element(arg.value)]),
                )
            self.report(
                arg,
                f"Field({key}=...) is not a Pydantic v2 keyword (it lands in json_schema_extra with "
                f"a deprecation warning): use {what}",
                replacement=replacement,
            )
