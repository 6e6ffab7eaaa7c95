"""CNF410 pydantic-v1-validator."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _VALIDATOR, SCHEMAS
from conformance.rules.pydantic._templates import _DecoratorRule
from conformance.rules.pydantic._validator_fix import converted_function, validator_plan

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class V1Validator(_DecoratorRule):
    """## What it checks
    `@validator(...)` from Pydantic v1 (`@pydantic.validator`, `from pydantic import validator as
    v`, bare `@validator`). Reported at the decorator, or at the `def` line when the fix rewrites
    the whole function (a validator that reads `values`).

    ## Why
    `@validator` is deprecated in v2 and kept only as a shim; its arguments (`pre`, `each_item`,
    `always`) and signatures (`values`, `field`, `config`) differ from `@field_validator`.

    ## Example
    ```python
    @validator("name", pre=True, allow_reuse=True)
    def strip(cls, v):
        return v.strip()
    ```

    ## Use instead
    ```python
    @field_validator("name", mode="before")
    @classmethod
    def strip(cls, v):
        return v.strip()
    ```

    ## Fix
    Safe when only field names, `pre`, `check_fields` and `allow_reuse` are passed and the
    function takes exactly `(cls, v)`: `pre=True` becomes `mode="before"` (v1's pre-validators
    ran before the type's validation, as v2's before-validators do), `allow_reuse` is dropped and
    `@classmethod` is added. The fix adds `from pydantic import field_validator` when the file does
    not bind it yet.

    Unsafe, and keeping v1's behaviour, in two more cases:
    - the function takes `(cls, v, values)`: the parameter becomes `info: ValidationInfo` and every
      read of `values` becomes `info.data` (in both, the fields validated before this one, without
      those that failed). Not when the body rebinds `values` or already uses a name `info`. An
      override that passes `values, **kwargs` on to `super().<same name>(...)`, a validator of a
      base class in the same file that takes `values` (converted alike), passes `info` instead
      and drops the `**kwargs` (v2 has no `field`/`config` to pass).
    - `always=True`: dropped from the decorator once every named field has
      `validate_default=True` (CNF413's fix adds it, in the round before: `Field(default,
      validate_default=True)`, with the `None` v1 implied for an `Optional` field), so the
      validator still runs when the field is omitted. Until then, no fix: CNF410 alone never drops
      `always`. Only when every named field is declared in the class itself or in a base class of
      the same file (CNF413 redeclares it here first).

    Unsafe because the converted code behaves as v1 did only where the validator does not rely on
    v1-only details (`values` being a plain `dict` you mutate, the error text). The runtime tests
    run a whole `--fix` of such validators and compare the result under v2 with the source under
    `pydantic.v1` on the same inputs. A `**kwargs` the body never uses is dropped (safe:
    v1 passed `field` and `config` through it). No fix for `each_item`, `field`/`config`
    parameters, a `**kwargs` the body uses, `"*"` with `always`.
    """

    code = "CNF410"
    name = "pydantic-v1-validator"
    summary = "Pydantic v1 @validator"
    fix_hint = "use @field_validator(...) with @classmethod"
    catalog = "PV010"
    fix = FixSafety.SAFE
    decorators = _VALIDATOR
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, field_validator


            class UserIn(BaseModel):
                name: str

                @field_validator("name")
                @classmethod
                def strip(cls, v):
                    return v.strip()
            """,
            path=SCHEMAS,
        ),
        Example.code(
            """
            from pydantic.v1 import BaseModel, validator


            class UserIn(BaseModel):
                name: str

                @validator("name")
                def strip(cls, v):
                    return v.strip()
            """,
            path=SCHEMAS,
            note="pydantic.v1 code is left alone",
        ),
        Example.code(
            """
            from myapp.checks import validator


            @validator("name")
            def strip(v):
                return v
            """,
            path=SCHEMAS,
            note="another library's validator",
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator as v


            class UserIn(BaseModel):
                name: str

                @v("name", pre=True, allow_reuse=True)
                def strip(cls, value):
                    return value.strip()
            """,
            Expect(
                7,
                5,
                "@validator is the Pydantic v1 decorator",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel, field_validator, validator as v


            class UserIn(BaseModel):
                name: str

                @field_validator("name", mode="before")
                @classmethod
                def strip(cls, value):
                    return value.strip()
            """,
        ),
        Example.code(
            """
            import pydantic as pd


            class UserIn(pd.BaseModel):
                name: str

                @pd.validator("name")
                def strip(cls, v, values):
                    return v.strip()
            """,
            Expect(
                8,
                5,
                "@validator is the Pydantic v1 decorator",
            ),
            path=SCHEMAS,
            fixed="""
            import pydantic as pd


            class UserIn(pd.BaseModel):
                name: str

                @pd.field_validator("name")
                @classmethod
                def strip(cls, v, info: pd.ValidationInfo):
                    return v.strip()
            """,
            unsafe=True,
            note="a values parameter becomes info: ValidationInfo (unsafe)",
        ),
        Example.code(
            """
            from typing import Optional

            from pydantic import BaseModel, Field, validator


            class Window(BaseModel):
                start: int = 0
                end: Optional[int] = Field(None, validate_default=True)
                label: str = Field("", validate_default=True)

                @validator("end", always=True)
                def default_end(cls, v, values):
                    if v is None:
                        return values.get("start", 0) + 10
                    if "start" in values and v < values["start"]:
                        raise ValueError("end before start")
                    return v

                @validator("label", pre=True, always=True)
                def fill_label(cls, v, values, **kwargs):
                    return v or f"from {values.get('start')}"
            """,
            Expect(
                12,
                5,
                "@validator is the Pydantic v1 decorator",
            ),
            Expect(
                20,
                5,
                "@validator is the Pydantic v1 decorator",
            ),
            path=SCHEMAS,
            fixed="""
            from typing import Optional

            from pydantic import BaseModel, Field, ValidationInfo, field_validator, validator


            class Window(BaseModel):
                start: int = 0
                end: Optional[int] = Field(None, validate_default=True)
                label: str = Field("", validate_default=True)

                @field_validator("end")
                @classmethod
                def default_end(cls, v, info: ValidationInfo):
                    if v is None:
                        return info.data.get("start", 0) + 10
                    if "start" in info.data and v < info.data["start"]:
                        raise ValueError("end before start")
                    return v

                @field_validator("label", mode="before")
                @classmethod
                def fill_label(cls, v, info: ValidationInfo):
                    return v or f"from {info.data.get('start')}"
            """,
            unsafe=True,
            note="always=True once the fields validate their default (CNF413), and values",
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        message = "@validator is the Pydantic v1 decorator"
        plan = validator_plan(self.ctx, node, call)
        if plan is None or call is None or plan.waiting:
            self.report(decorator, message)
            return
        replacement, imports = converted_function(self.ctx, node, decorator, call, plan)
        self.report(
            node if plan.rewrites_function else decorator,
            message,
            replacement=replacement,
            imports=imports,
            fix_safety=FixSafety.UNSAFE if plan.unsafe else FixSafety.SAFE,
        )
