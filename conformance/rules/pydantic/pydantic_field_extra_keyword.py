"""CNF457 pydantic-field-extra-keyword."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    _FIELD,
    _FIELD_OWNED,
    _FIELD_V2_KEYWORDS,
    SCHEMAS,
    _kwarg,
)

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
    Unsafe for `example=` (becomes `examples=[...]`, the schema output changes). Safe for a single
    other unknown keyword in a `Field()` without `json_schema_extra` (`nullable=True` becomes
    `json_schema_extra={"nullable": True}`): that is where v1 and v2 put it anyway, without the
    warning. Not for `include=` (a v1 export option, not a schema extra).
    None when several unknown keywords or a `json_schema_extra` are there already (they would
    have to be merged).
    """

    code = "CNF457"
    name = "pydantic-field-extra-keyword"
    summary = "unknown or v1-only Field() keyword"
    fix_hint = "use examples=[...] or json_schema_extra={...}"
    catalog = "PV057"
    fix = FixSafety.SAFE
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
        Example.code(
            """
            from typing import Optional

            from pydantic import BaseModel, Field


            class UserIn(BaseModel):
                note: Optional[str] = Field(None, nullable=True)
            """,
            Expect(
                7,
                39,
                "Field(nullable=...) is not a Pydantic v2 keyword (it lands in json_schema_extra with a deprecation warning): use json_schema_extra={...} or remove it",
            ),
            path=SCHEMAS,
            fixed="""
            from typing import Optional

            from pydantic import BaseModel, Field


            class UserIn(BaseModel):
                note: Optional[str] = Field(None, json_schema_extra={"nullable": True})
            """,
            note="safe: where v2 puts it anyway",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.call_name(node) not in _FIELD:
            return
        unknown = [
            arg
            for arg in node.args
            if arg.keyword is not None
            and arg.keyword.value not in _FIELD_V2_KEYWORDS
            and arg.keyword.value not in _FIELD_OWNED
        ]
        extras = [
            arg for arg in unknown if arg.keyword is not None and arg.keyword.value != "example"
        ]
        # v1's own `include=` meant something else; the other unknown keywords were schema extras
        # in v1 too
        mergeable = (
            len(extras) == 1
            and extras[0].keyword is not None
            and extras[0].keyword.value != "include"
            and _kwarg(node, "json_schema_extra") is None
        )
        for arg in unknown:
            assert arg.keyword is not None
            key = arg.keyword.value
            what = "examples=[...]" if key == "example" else "json_schema_extra={...} or remove it"
            replacement = None
            fix_safety = FixSafety.UNSAFE
            if key == "example":
                replacement = arg.with_changes(
                    keyword=cst.Name("examples"),
                    value=cst.List([cst.Element(arg.value)]),
                )
            elif mergeable:
                entry = cst.DictElement(cst.SimpleString(f'"{key}"'), arg.value)
                replacement = arg.with_changes(
                    keyword=cst.Name("json_schema_extra"), value=cst.Dict([entry])
                )
                fix_safety = FixSafety.SAFE
            self.report(
                arg,
                f"Field({key}=...) is not a Pydantic v2 keyword (it lands in json_schema_extra with "
                f"a deprecation warning): use {what}",
                replacement=replacement,
                fix_safety=fix_safety,
            )
