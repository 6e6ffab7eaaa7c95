"""CNF415 pydantic-validator-v1-signature."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    List,
    Optional,
    Tuple,
)

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import (
    _STATICMETHOD,
    _VALIDATOR,
    SCHEMAS,
    _has_decorator,
    _positional_params,
)
from conformance.rules.pydantic._templates import _DecoratorRule

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class ValidatorV1Signature(_DecoratorRule):
    """## What it checks
    A `@validator` function whose parameters v2 cannot call: `field` or `config` parameters, or any
    parameter without a default besides the value, `values` and `**kwargs`.

    ## Why
    Even through the deprecated `@validator` shim, v2 fails at class creation
    (`validator-field-config-info`, `validator-v1-signature`): the whole model cannot be imported.

    ## Example
    ```python
    @validator("name")
    def check(cls, v, values, field, config):
        ...
    ```

    ## Use instead
    ```python
    @field_validator("name")
    @classmethod
    def check(cls, v, info: ValidationInfo):
        ...  # info.data, info.field_name, info.config
    ```
    """

    code = "CNF415"
    name = "pydantic-validator-v1-signature"
    summary = "validator signature that fails in Pydantic v2"
    fix_hint = "take info: ValidationInfo (info.field_name, info.config, info.data)"
    catalog = "PV015"
    decorators = _VALIDATOR
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator


            class UserIn(BaseModel):
                name: str

                @validator("name")
                def check(cls, v, values, **kwargs):
                    return v
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator


            class UserIn(BaseModel):
                name: str

                @validator("name")
                def check(cls, v, values, field, extra):
                    return v
            """,
            Expect(
                8,
                31,
                "validator parameter 'field' is not available in Pydantic v2 (class creation fails)",
            ),
            Expect(
                8,
                38,
                "validator parameter 'extra' is not a supported validator signature in Pydantic v2 (class creation fails)",
            ),
            path=SCHEMAS,
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        if _has_decorator(self.ctx, node, _STATICMETHOD):
            return
        params = node.params
        ordered = _positional_params(node)[1:]  # without cls
        everything: List[Tuple[cst.Param, bool]] = [(p, True) for p in ordered]
        if isinstance(params.star_arg, cst.Param):
            everything.append((params.star_arg, False))
        everything.extend((p, True) for p in params.kwonly_params)
        for number, (param, keywordable) in enumerate(everything):
            name = param.name.value
            if keywordable and name in ("field", "config"):
                use = "info.field_name" if name == "field" else "info.config"
                self.report(
                    param,
                    f"validator parameter '{name}' is not available in Pydantic v2 (class creation "
                    f"fails)",
                    fix_hint=f"use @field_validator with info: ValidationInfo ({use})",
                )
            elif keywordable and name == "values":
                continue
            elif number == 0 and param in ordered:
                continue
            elif param.default is None:
                self.report(
                    param,
                    f"validator parameter '{name}' is not a supported validator signature in "
                    "Pydantic v2 (class creation fails)",
                    fix_hint="use @field_validator with (cls, v, info: ValidationInfo)",
                )
