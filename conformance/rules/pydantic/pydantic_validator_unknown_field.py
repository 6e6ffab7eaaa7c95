"""CNF421 pydantic-validator-unknown-field."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Dict,
    Set,
    Tuple,
)

from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    _FIELD_VALIDATOR,
    _MODEL_BASES,
    SCHEMAS,
    _class_scope,
    _decorator_target,
    _is_name,
    _kwarg,
    _short,
    _small_statements,
    _string,
)

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst


class FieldValidatorUnknownField(FileRule):
    """## What it checks
    `@field_validator` with no field names (`@field_validator()`, bare `@field_validator`), or
    naming a field that the class and its bases do not define. Only classes whose bases are all
    `pydantic.BaseModel` or classes of the same file are judged: fields of a base in another file
    or library are unknown, so those classes are skipped.

    ## Why
    v2 fails at class creation (`decorator-missing-arguments`, `decorator-missing-field`), often
    after a field was renamed and its validator was not.

    ## Example
    ```python
    class UserIn(BaseModel):
        email: str

        @field_validator("mail")
        @classmethod
        def lower(cls, v): ...
    ```

    ## Use instead
    Name the real field (`"email"`), or pass `check_fields=False` for fields defined by
    subclasses.
    """

    code = "CNF421"
    name = "pydantic-validator-unknown-field"
    summary = "@field_validator names no field or an unknown field"
    fix_hint = "name real fields, or pass check_fields=False"
    catalog = "PV021"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, field_validator


            class Base(BaseModel):
                email: str


            class UserIn(Base):
                name: str

                @field_validator("email", "name")
                @classmethod
                def lower(cls, v):
                    return v.lower()

                @field_validator("extra", check_fields=False)
                @classmethod
                def other(cls, v):
                    return v
            """,
            path=SCHEMAS,
        ),
        Example.code(
            """
            from pydantic import field_validator

            from cpv3.core.schemas import Schema


            class UserIn(Schema):
                @field_validator("email")
                @classmethod
                def lower(cls, v):
                    return v.lower()
            """,
            path=SCHEMAS,
            extra={
                "cpv3/core/schemas.py": "from pydantic import BaseModel\n\n\nclass Schema(BaseModel):\n    email: str\n"
            },
            note="fields of a base in another file are unknown: skipped",
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, field_validator


            class UserIn(BaseModel):
                email: str

                @field_validator("mail")
                @classmethod
                def lower(cls, v):
                    return v.lower()

                @field_validator()
                @classmethod
                def other(cls, v):
                    return v
            """,
            Expect(
                7,
                22,
                "@field_validator names 'mail', which UserIn does not define (class creation fails)",
            ),
            Expect(
                12,
                6,
                "@field_validator names no field (class creation fails): pass the field names",
            ),
            path=SCHEMAS,
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        #: classes of this file: qualname -> (fields, all bases known)
        self.classes: Dict[str, Tuple[Set[str], bool]] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        fields: Set[str] = set()
        for small in _small_statements(node):
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                fields.add(small.target.value)
        known = bool(node.bases) and not node.keywords
        for arg in node.bases:
            value = arg.value
            if isinstance(value, cst.Subscript):
                known = False
                break
            base = ctx.qualname(value)
            if base in _MODEL_BASES:
                continue
            inherited = self.classes.get(base or "")
            if inherited is None or not inherited[1]:
                known = False
                break
            fields |= inherited[0]
        self.classes[ctx.definition_qualname(node.name.value)] = (fields, known)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        owner = _class_scope(ctx)
        for decorator in node.decorators:
            qualname, call = _decorator_target(ctx, decorator)
            if qualname not in _FIELD_VALIDATOR:
                continue
            if call is None or not any(a.keyword is None for a in call.args):
                if call is not None and any(a.star for a in call.args):
                    continue
                self.report(
                    decorator.decorator,
                    "@field_validator names no field (class creation fails): pass the field names",
                )
                continue
            check = _kwarg(call, "check_fields")
            if owner is None or (check is not None and not _is_name(check.value, "True")):
                continue
            fields, known = self.classes.get(owner, (set(), False))
            if not known:
                continue
            for arg in call.args:
                name = _string(arg.value) if arg.keyword is None else None
                if name is not None and name != "*" and name not in fields:
                    self.report(
                        arg.value,
                        f"@field_validator names '{name}', which {_short(owner)} does not define "
                        "(class creation fails)",
                        fix_hint="name a real field or pass check_fields=False",
                    )
