"""CNF487 pydantic-field-mutable-default."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import _FIELD, SCHEMAS, _imports_pydantic_v1, _kwarg

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class FieldMutableDefault(FileRule):
    """## What it checks
    `Field([])`, `Field({})`, `Field(default=[])` and `Field(default={})`: an empty list or dict
    as the default of a Pydantic field.

    ## Why
    Pydantic (v1 and v2) copies such a default for every instance, so this is no bug; but v2's
    documented form for a mutable default is `default_factory=list` / `dict`, which says so
    without relying on the copy. Opt-in: it is the v2 idiom, not a v1 break.

    ## Example
    ```python
    tags: List[str] = Field([], description="tags")
    ```

    ## Use instead
    ```python
    tags: List[str] = Field(default_factory=list, description="tags")
    ```

    ## Fix
    Unsafe: the default becomes `default_factory=list` (`dict`). Every instance gets the same
    empty value as before, validation is unchanged, but the JSON schema (OpenAPI) of the field
    no longer shows `"default": []` (v2 does not call factories to write schemas). Not in files
    that import from `pydantic.v1`.
    """

    code = "CNF487"
    name = "pydantic-field-mutable-default"
    summary = "Field([]) / Field({}) instead of default_factory"
    fix_hint = "use Field(default_factory=list) / Field(default_factory=dict)"
    catalog = "-"  # not in the catalog: issue-driven (the v2 idiom for mutable defaults)
    default = False
    fix = FixSafety.UNSAFE
    VALID = (
        Example.code(
            """
            from typing import List

            from pydantic import BaseModel, Field


            class Order(BaseModel):
                items: List[int] = Field(default_factory=list)
                codes: List[int] = Field([1])
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import Dict, List

            from pydantic import BaseModel, Field


            class Order(BaseModel):
                items: List[int] = Field([], description="items")
                meta: Dict[str, str] = Field(default={})
            """,
            Expect(
                7,
                30,
                "Field([]): an empty list as the default value",
            ),
            Expect(
                8,
                34,
                "Field({}): an empty dict as the default value",
            ),
            path=SCHEMAS,
            unsafe=True,
            fixed="""
            from typing import Dict, List

            from pydantic import BaseModel, Field


            class Order(BaseModel):
                items: List[int] = Field(default_factory=list, description="items")
                meta: Dict[str, str] = Field(default_factory=dict)
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.call_name(node) not in _FIELD or _imports_pydantic_v1(self.ctx):
            return
        if _kwarg(node, "default_factory") is not None:
            return
        default = _kwarg(node, "default")
        if default is None and node.args and node.args[0].keyword is None:
            default = node.args[0]
        if default is None or default.star:
            return
        value = default.value
        if isinstance(value, cst.List) and not value.elements:
            factory, shown = "list", "[]"
        elif isinstance(value, cst.Dict) and not value.elements:
            factory, shown = "dict", "{}"
        else:
            return
        self.report(
            default,
            f"Field({shown}): an empty {factory} as the default value",
            fix_hint=f"use default_factory={factory}, the v2 form for a mutable default",
            replacement=default.with_changes(
                keyword=cst.Name("default_factory"),
                equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""),
                    whitespace_after=cst.SimpleWhitespace(""),
                ),
                value=cst.Name(factory),
            ),
        )
