"""CNF419 pydantic-after-validator-classmethod."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import (
    _CLASSMETHOD,
    _MODEL_VALIDATOR,
    SCHEMAS,
    _has_decorator,
    _mode,
)
from conformance.rules.pydantic._templates import _DecoratorRule

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class AfterValidatorClassmethod(_DecoratorRule):
    """## What it checks
    `@model_validator(mode="after")` on a classmethod.

    ## Why
    An after validator receives the built instance; as a classmethod it is deprecated and gets the
    instance as its second argument, which reads wrongly and will stop working.

    ## Example
    ```python
    @model_validator(mode="after")
    @classmethod
    def ordered(cls, model):
        ...
    ```

    ## Use instead
    ```python
    @model_validator(mode="after")
    def ordered(self):
        ...
        return self
    ```
    """

    code = "CNF419"
    name = "pydantic-after-validator-classmethod"
    summary = 'model_validator(mode="after") on a classmethod'
    fix_hint = "make it an instance method taking self and returning self"
    catalog = "PV019"
    decorators = _MODEL_VALIDATOR
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, model_validator


            class Period(BaseModel):
                @model_validator(mode="before")
                @classmethod
                def fill(cls, data):
                    return data
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, model_validator


            class Period(BaseModel):
                @model_validator(mode="after")
                @classmethod
                def ordered(cls, model):
                    return model
            """,
            Expect(
                5,
                5,
                '@model_validator(mode="after") on a classmethod is deprecated',
            ),
            path=SCHEMAS,
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        if _mode(call) == "after" and _has_decorator(self.ctx, node, _CLASSMETHOD):
            self.report(
                decorator,
                '@model_validator(mode="after") on a classmethod is deprecated',
                fix_hint="make it an instance method taking self and returning self",
            )
