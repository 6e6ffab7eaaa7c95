"""CNF410 pydantic-v1-validator."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    List,
    Optional,
    Tuple,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import (
    _CLASSMETHOD,
    _FIELD_VALIDATOR,
    _STATICMETHOD,
    _VALIDATOR,
    SCHEMAS,
    _has_decorator,
    _is_name,
    _keyword_arg,
    _local_name,
    _positional_params,
    _string,
    _with_args,
)
from conformance.rules.pydantic._templates import _DecoratorRule

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class V1Validator(_DecoratorRule):
    """## What it checks
    `@validator(...)` from Pydantic v1 (`@pydantic.validator`, `from pydantic import validator as
    v`, bare `@validator`).

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
    function takes exactly `(cls, v)`: `pre=True` becomes `mode="before"`, `allow_reuse` is dropped
    and `@classmethod` is added. The replacement of the decorator is a `libcst.FlattenSentinel` of
    two decorators. The fix adds `from pydantic import field_validator` when the file does not bind
    it yet. Otherwise (a `values` parameter, `each_item`, `always`) no fix.

    ## Options
    None.
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
                "@validator is the Pydantic v1 decorator: use @field_validator with @classmethod",
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
                7,
                5,
                "@validator is the Pydantic v1 decorator: use @field_validator with @classmethod",
            ),
            path=SCHEMAS,
            note="a values parameter: no fix (info.data)",
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        replacement = self._fix(node, decorator, call)
        imports: Tuple[Tuple[str, Optional[str]], ...] = ()
        if replacement is not None and call is not None and isinstance(call.func, cst.Name):
            if not _local_name(self.ctx, _FIELD_VALIDATOR, ""):
                imports = (("pydantic", "field_validator"),)
        self.report(
            decorator,
            "@validator is the Pydantic v1 decorator: use @field_validator with @classmethod",
            replacement=replacement,
            imports=imports,
        )

    def _fix(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> Any:
        """The new decorator, or a FlattenSentinel of it and ``@classmethod``; None: no fix."""
        ctx = self.ctx
        if call is None or not call.args:
            return None
        params = node.params
        positional = _positional_params(node)
        if (
            len(positional) != 2
            or positional[0].name.value != "cls"
            or params.posonly_params
            or params.kwonly_params
            or isinstance(params.star_arg, cst.Param)
            or params.star_kwarg is not None
            or any(p.default is not None for p in positional)
            or _has_decorator(ctx, node, _STATICMETHOD)
        ):
            return None
        args: List[cst.Arg] = []
        for arg in call.args:
            if arg.star:
                return None
            if arg.keyword is None:
                if _string(arg.value) is None:
                    return None
                args.append(arg)
                continue
            keyword = arg.keyword.value
            if keyword == "pre":
                if _is_name(arg.value, "True"):
                    args.append(_keyword_arg("mode", cst.SimpleString('"before"')))
                elif not _is_name(arg.value, "False"):
                    return None
            elif keyword == "allow_reuse":
                continue
            elif keyword == "check_fields":
                args.append(arg)
            else:
                return None
        func = call.func
        if isinstance(func, cst.Attribute):
            new_func: cst.BaseExpression = func.with_changes(attr=cst.Name("field_validator"))
        else:
            new_func = cst.Name(_local_name(ctx, _FIELD_VALIDATOR, "field_validator"))
        new_decorator = decorator.with_changes(
            decorator=_with_args(call.with_changes(func=new_func), args)
        )
        if _has_decorator(ctx, node, _CLASSMETHOD):
            return new_decorator
        return cst.FlattenSentinel([new_decorator, cst.Decorator(cst.Name("classmethod"))])
