"""CNF461 pydantic-optional-without-default."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    List,
    Tuple,
    Union,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    _FIELD,
    _ROOT_VALIDATOR,
    _V1_ONLY_IMPORTS,
    _VALIDATOR,
    SCHEMAS,
    _assigned_name,
    _decorator_target,
    _file_shows_pydantic_v1,
    _implies_none_default,
    _inner_classes,
    _kwarg,
    _model,
    _small_statements,
)

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst


_V1_DECORATORS = _VALIDATOR | _ROOT_VALIDATOR


class OptionalWithoutDefault(FileRule):
    """## What it checks
    A model field annotated `Optional[X]`, `Union[X, None]`, `X | None` (also inside
    `Annotated[...]`) or `Any` that has no default: no value at all, or a `Field(...)` call with
    neither a positional default, `default=` nor `default_factory=`. Only in files that still show
    Pydantic v1 code (a nested `class Config`, `@validator`/`@root_validator`, or an import of a
    v1-only name such as `validator`, `root_validator`, `BaseSettings` from `pydantic` or
    `pydantic.error_wrappers`, or a model deriving from `pydantic.BaseSettings`), and never in a class that sets `model_config` (it was written for
    v2, where a required nullable field is a deliberate choice). `Field(...)` and
    `Field(default=...)` (the field is required in v1 too), `ClassVar[...]` and `_private` names
    are left alone.

    ## Why
    Pydantic v1 gave such a field the default `None`; v2 makes it required (it may be `None`, but
    it must be passed). The model still imports under v2, and every request or row that omits the
    field starts failing validation at run time.

    ## Example
    ```python
    class UserOut(BaseModel):
        nickname: Optional[str]
        note: Optional[str] = Field(description="free text")

        class Config:
            orm_mode = True
    ```

    ## Use instead
    ```python
    class UserOut(BaseModel):
        nickname: Optional[str] = None
        note: Optional[str] = Field(None, description="free text")
    ```

    ## Fix
    Safe: the fix writes the default v1 implied (`= None`, or `None` as the first argument of
    `Field()`), so the model behaves as it did under v1: the field may be omitted and is `None`
    then, and v2 does not validate the default, as v1 did not.
    """

    code = "CNF461"
    name = "pydantic-optional-without-default"
    summary = "Optional field without a default (required in v2)"
    fix_hint = "add `= None` (v1's implied default)"
    catalog = "PV061"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from typing import Optional

            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                model_config = ConfigDict(from_attributes=True)

                nickname: Optional[str]
            """,
            path=SCHEMAS,
            note="a class with model_config was written for v2: required and nullable on purpose",
        ),
        Example.code(
            """
            from typing import ClassVar, Optional

            from pydantic import BaseModel, Field, validator


            class UserOut(BaseModel):
                name: Optional[str] = Field(...)
                email: Optional[str] = Field(default=...)
                tags: Optional[list] = Field(default_factory=list)
                note: Optional[str] = Field("", max_length=10)
                LIMIT: ClassVar[Optional[int]]
                _cache: Optional[dict]

                @validator("name")
                def strip(cls, v):
                    return v
            """,
            path=SCHEMAS,
            note="explicitly required, defaulted, ClassVar and private names",
        ),
        Example.code(
            """
            from typing import Optional

            from pydantic import BaseModel


            class UserOut(BaseModel):
                nickname: Optional[str]
            """,
            path=SCHEMAS,
            note="no v1 code in the file: may be a deliberate v2 required nullable field",
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import Annotated, Any, Optional, Union

            from pydantic import BaseModel, Field


            class UserOut(BaseModel):
                nickname: Optional[str]
                city: Union[str, None]
                zip: "Optional[str]"
                extra: Any
                age: Annotated[Optional[int], Field(ge=0)]
                note: Optional[str] = Field(description="free text")

                class Config:
                    orm_mode = True
            """,
            Expect(
                7,
                5,
                "nickname is Optional without a default: Pydantic v1 gave it None, v2 makes it required; add `= None`",
            ),
            Expect(
                8,
                5,
                "city is Optional without a default: Pydantic v1 gave it None, v2 makes it required; add `= None`",
            ),
            Expect(
                9,
                5,
                "zip is Optional without a default: Pydantic v1 gave it None, v2 makes it required; add `= None`",
            ),
            Expect(
                10,
                5,
                "extra is Optional without a default: Pydantic v1 gave it None, v2 makes it required; add `= None`",
            ),
            Expect(
                11,
                5,
                "age is Optional without a default: Pydantic v1 gave it None, v2 makes it required; add `= None`",
            ),
            Expect(
                12,
                27,
                "note is Optional without a default: Pydantic v1 gave it None, v2 makes it required; pass None as the default of Field()",
            ),
            path=SCHEMAS,
            fixed="""
            from typing import Annotated, Any, Optional, Union

            from pydantic import BaseModel, Field


            class UserOut(BaseModel):
                nickname: Optional[str] = None
                city: Union[str, None] = None
                zip: "Optional[str]" = None
                extra: Any = None
                age: Annotated[Optional[int], Field(ge=0)] = None
                note: Optional[str] = Field(None, description="free text")

                class Config:
                    orm_mode = True
            """,
        ),
        Example.code(
            """
            import pydantic as pd


            class Settings(pd.BaseSettings):
                sentry_dsn: str | None
            """,
            Expect(
                5,
                5,
                "sentry_dsn is Optional without a default: Pydantic v1 gave it None, v2 makes it required; add `= None`",
            ),
            path=SCHEMAS,
            fixed="""
            import pydantic as pd


            class Settings(pd.BaseSettings):
                sentry_dsn: str | None = None
            """,
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._found: List[Tuple[cst.CSTNode, str, cst.CSTNode, str, str]] = []
        self._shows_v1 = False

    def visit_Decorator(self, node: cst.Decorator) -> None:
        if _decorator_target(self.ctx, node)[0] in _V1_DECORATORS:
            self._shows_v1 = True

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        if _inner_classes(node, "Config") or any(
            ctx.qualname(base.value) in _V1_ONLY_IMPORTS for base in node.bases
        ):
            self._shows_v1 = True
        smalls = _small_statements(node)
        if any(_assigned_name(small) == "model_config" for small in smalls):
            return
        qualname = ctx.definition_qualname(node.name.value)
        for small in smalls:
            if not isinstance(small, cst.AnnAssign) or not isinstance(small.target, cst.Name):
                continue
            name = small.target.value
            if name.startswith("_") or not _implies_none_default(ctx, small.annotation.annotation):
                continue
            value = small.value
            if value is None:
                fixed: cst.CSTNode = small.with_changes(
                    value=cst.Name("None"),
                    equal=cst.AssignEqual(
                        whitespace_before=cst.SimpleWhitespace(" "),
                        whitespace_after=cst.SimpleWhitespace(" "),
                    ),
                )
                self._found.append((small, qualname, fixed, name, "add `= None`"))
            elif isinstance(value, cst.Call) and ctx.call_name(value) in _FIELD:
                if _field_has_default(value):
                    continue
                comma: Union[cst.Comma, cst.MaybeSentinel] = (
                    cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                    if value.args
                    else cst.MaybeSentinel.DEFAULT
                )
                first = cst.Arg(value=cst.Name("None"), comma=comma)
                fixed = value.with_changes(args=[first, *value.args])
                self._found.append(
                    (value, qualname, fixed, name, "pass None as the default of Field()")
                )

    def finish(self) -> None:
        if not self._found or not (self._shows_v1 or _file_shows_pydantic_v1(self.ctx)):
            return
        for node, qualname, fixed, name, advice in self._found:
            self.report(
                node,
                f"{name} is Optional without a default: Pydantic v1 gave it None, v2 makes it "
                f"required; {advice}",
                when=_model(qualname),
                replacement=fixed,
            )


def _field_has_default(call: cst.Call) -> bool:
    """``Field(x, ...)``, ``Field(default=...)`` or ``Field(default_factory=...)``: the field has a
    default, or is required on purpose (``...``)."""
    if any(arg.keyword is None and not arg.star for arg in call.args):
        return True
    return _kwarg(call, "default") is not None or _kwarg(call, "default_factory") is not None
