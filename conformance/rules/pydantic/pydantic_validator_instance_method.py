"""CNF418 pydantic-validator-instance-method."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import (
    _CLASSMETHOD,
    _FIELD_VALIDATOR,
    _MODEL_VALIDATOR,
    _STATICMETHOD,
    SCHEMAS,
    _decorator_target,
    _has_decorator,
    _mode,
    _positional_params,
)
from conformance.rules.pydantic._templates import _DecoratorRule

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class ValidatorOnInstanceMethod(_DecoratorRule):
    """## What it checks
    `@field_validator` or `@model_validator(mode="before"/"wrap")` on a method whose first
    parameter is `self` (and that is not a classmethod).

    ## Why
    v2 refuses it at class creation (`validator-instance-method`): these validators run before an
    instance exists.

    ## Example
    ```python
    @field_validator("name")
    def strip(self, v):
        ...
    ```

    ## Use instead
    ```python
    @field_validator("name")
    @classmethod
    def strip(cls, v):
        ...
    ```
    """

    code = "CNF418"
    name = "pydantic-validator-instance-method"
    summary = "field or before-model validator on an instance method"
    fix_hint = "make it a @classmethod taking cls"
    catalog = "PV018"
    decorators = _FIELD_VALIDATOR | _MODEL_VALIDATOR
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
            from pydantic import BaseModel, field_validator


            class UserIn(BaseModel):
                name: str

                @field_validator("name")
                def strip(self, v):
                    return v.strip()
            """,
            Expect(
                8,
                15,
                "@field_validator on an instance method fails at class creation in Pydantic v2",
            ),
            path=SCHEMAS,
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        qualname, _ = _decorator_target(self.ctx, decorator)
        if qualname in _MODEL_VALIDATOR and _mode(call) not in ("before", "wrap"):
            return
        if _has_decorator(self.ctx, node, _CLASSMETHOD) or _has_decorator(
            self.ctx, node, _STATICMETHOD
        ):
            return
        positional = _positional_params(node)
        if not positional or positional[0].name.value != "self":
            return
        which = (
            "@field_validator"
            if qualname in _FIELD_VALIDATOR
            else f'@model_validator(mode="{_mode(call)}")'
        )
        self.report(
            positional[0],
            f"{which} on an instance method fails at class creation in Pydantic v2",
            fix_hint="make it a @classmethod taking cls",
        )
