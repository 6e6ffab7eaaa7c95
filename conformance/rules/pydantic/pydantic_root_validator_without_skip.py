"""CNF417 pydantic-root-validator-without-skip."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _ROOT_VALIDATOR, SCHEMAS, _is_name, _kwarg
from conformance.rules.pydantic._templates import _DecoratorRule

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class RootValidatorWithoutSkip(_DecoratorRule):
    """## What it checks
    `@root_validator` with neither `pre=True` nor `skip_on_failure=True` (bare `@root_validator`
    included).

    ## Why
    Pydantic v2 raises at class creation (`root-validator-pre-skip`): the module defining the
    model cannot be imported.

    ## Example
    ```python
    @root_validator
    def ordered(cls, values):
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

    code = "CNF417"
    name = "pydantic-root-validator-without-skip"
    summary = "@root_validator without pre=True or skip_on_failure=True"
    fix_hint = 'use @model_validator(mode="after") (or pass skip_on_failure=True)'
    catalog = "PV017"
    decorators = _ROOT_VALIDATOR
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, root_validator


            class Period(BaseModel):
                @root_validator(skip_on_failure=True)
                def ordered(cls, values):
                    return values
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            import pydantic


            class Period(pydantic.BaseModel):
                @pydantic.root_validator
                def ordered(cls, values):
                    return values
            """,
            Expect(
                5,
                5,
                "@root_validator without pre=True or skip_on_failure=True fails at class creation in Pydantic v2",
            ),
            path=SCHEMAS,
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        if call is not None:
            if any(arg.star for arg in call.args):
                return
            pre = _kwarg(call, "pre")
            skip = _kwarg(call, "skip_on_failure")
            if (pre is not None and not _is_name(pre.value, "False")) or (
                skip is not None and not _is_name(skip.value, "False")
            ):
                return
        self.report(
            decorator,
            "@root_validator without pre=True or skip_on_failure=True fails at class creation in "
            "Pydantic v2",
            fix_hint='use @model_validator(mode="after")',
        )
