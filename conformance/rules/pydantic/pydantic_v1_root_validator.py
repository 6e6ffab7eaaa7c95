"""CNF416 pydantic-v1-root-validator."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _ROOT_VALIDATOR, SCHEMAS
from conformance.rules.pydantic._templates import _DecoratorRule

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class V1RootValidator(_DecoratorRule):
    """## What it checks
    `@root_validator` / `@root_validator(...)` from Pydantic v1.

    ## Why
    Deprecated in v2. Its replacement, `@model_validator`, splits into `mode="before"` (a
    classmethod receiving the raw input, which need not be a dict) and `mode="after"` (an instance
    method returning `self`): the body changes from `values[...]` to attributes.

    ## Example
    ```python
    @root_validator(pre=True)
    def fill(cls, values):
        ...
    ```

    ## Use instead
    ```python
    @model_validator(mode="before")
    @classmethod
    def fill(cls, data: Any) -> Any:
        ...
    ```

    ## Fix
    None: the body has to change (the catalog's safe case, a `pre=True` body that only reads and
    writes the dict, cannot be proven syntactically because v2 may pass a non-dict).
    """

    code = "CNF416"
    name = "pydantic-v1-root-validator"
    summary = "Pydantic v1 @root_validator"
    fix_hint = (
        '@model_validator(mode="before") on a classmethod, or mode="after" on an instance method'
    )
    catalog = "PV016"
    decorators = _ROOT_VALIDATOR
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, model_validator


            class Period(BaseModel):
                @model_validator(mode="after")
                def ordered(self):
                    return self
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, root_validator as rv


            class Period(BaseModel):
                @rv(pre=True)
                def fill(cls, values):
                    return values
            """,
            Expect(
                5,
                5,
                "@root_validator is the Pydantic v1 decorator",
            ),
            path=SCHEMAS,
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        self.report(
            decorator,
            "@root_validator is the Pydantic v1 decorator",
            fix_hint='use @model_validator(mode="before") on '
            'a classmethod or mode="after" on an instance method returning self',
        )
