"""CNF413 pydantic-validator-always."""

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
from conformance.rules.pydantic._common import SCHEMAS, _is_name, _kwarg
from conformance.rules.pydantic._templates import _ValidatorKeyword
from conformance.rules.pydantic._validator_fix import (
    ValidatorPlan,
    field_with_validate_default,
    validator_plan,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class ValidatorAlways(_ValidatorKeyword):
    """## What it checks
    `always=True` in `@validator(...)`.

    ## Why
    `@field_validator` has no `always`; v2 validates defaults only with
    `Field(validate_default=True)`, and then also runs the type's own validation on the default.

    ## Example
    ```python
    @validator("created", always=True)
    ```

    ## Use instead
    ```python
    created: datetime = Field(default=None, validate_default=True)
    ```

    ## Fix
    Unsafe, the first half of CNF410's conversion of the validator: the finding moves to each
    named field, which becomes `Field(default, validate_default=True)` (an `Optional` field
    without a default gets the `None` v1 implied; `Field(...)` gets the keyword appended; a
    `None` default on a type that is not optional, which v1 made `Optional`, gets the
    `Optional[...]` written out, else v2 would reject the default it now validates). v1 ran
    an `always` validator on the default after validating it against the type; v2 with
    `validate_default=True` does the same. No fix when the validator is not converted
    mechanically (see CNF410) or a field is declared in a base class of another file. A field
    declared in a base class of the same file (searched in v1's order) is redeclared in the
    validator's class, right above the validator, with the base's annotation and default and
    `validate_default=True`: v2 puts that flag on a field, not on a validator, and a redeclared
    field keeps the position it has in the base, so the values the validators see (`info.data`)
    are the same. Once every field has
    `validate_default=True`, this rule is silent and CNF410 converts the decorator, dropping
    `always` (in the next round of the same `--fix`). The field change alone keeps v1 working:
    v1 only copies the unknown keyword into the field's JSON schema. The runtime tests run the
    whole `--fix` on v1 code and compare it under `pydantic.v1` and v2.
    """

    code = "CNF413"
    name = "pydantic-validator-always"
    summary = "always= in a v1 @validator"
    fix_hint = "set Field(validate_default=True) on the field"
    catalog = "PV013"
    keyword = "always"
    fix = FixSafety.UNSAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class UserIn(BaseModel):
                name: str = Field(default="", validate_default=True)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator


            class UserIn(BaseModel):
                name: str = ""

                @validator("name", always=True)
                def fill(cls, v):
                    return v or "anonymous"
            """,
            Expect(
                5,
                5,
                "name is validated by the always=True validator fill",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel, Field, validator


            class UserIn(BaseModel):
                name: str = Field("", validate_default=True)

                @validator("name", always=True)
                def fill(cls, v):
                    return v or "anonymous"
            """,
            unsafe=True,
            note="the field part of the conversion (CNF410 converts the decorator)",
        ),
        Example.code(
            """
            from pydantic import BaseModel, validator


            class Base(BaseModel):
                name: str = ""
                age: int = 0


            class UserIn(Base):
                nick: str = ""

                # fills the name
                @validator("name", "nick", always=True)
                def fill(cls, v):
                    return v or "anonymous"
            """,
            Expect(
                10,
                5,
                "nick is validated by the always=True validator fill",
            ),
            Expect(
                14,
                5,
                "name, declared in the base class Base, is validated by the always=True validator fill of UserIn",
            ),
            path=SCHEMAS,
            unsafe=True,
            fixed="""
            from pydantic import BaseModel, Field, validator


            class Base(BaseModel):
                name: str = ""
                age: int = 0


            class UserIn(Base):
                nick: str = Field("", validate_default=True)

                # fills the name
                name: str = Field("", validate_default=True)

                @validator("name", "nick", always=True)
                def fill(cls, v):
                    return v or "anonymous"
            """,
            note="a field of a base class in the same file: redeclared in the subclass",
        ),
        Example.code(
            """
            from pydantic import validator

            from cpv3.core.schemas import Base


            class UserIn(Base):
                @validator("name", always=True)
                def fill(cls, v):
                    return v or "anonymous"
            """,
            Expect(
                7,
                24,
                "always=True has no @field_validator equivalent",
            ),
            path=SCHEMAS,
            extra={
                "cpv3/core/schemas.py": (
                    'from pydantic import BaseModel\n\n\nclass Base(BaseModel):\n    name: str = ""\n'
                )
            },
            note="a field of a base class in another file: no fix",
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        arg = _kwarg(call, "always") if call is not None else None
        if arg is None or _is_name(arg.value, "False"):
            return
        plan = validator_plan(self.ctx, node, call)
        if plan is None:
            super().check(node, decorator, call)
            return
        # With no field pending, CNF410 converts the validator and drops always=True.
        if plan.inherited:
            self._redeclare(node, plan)
        for field, statement in plan.pending:
            replacement, imports = field_with_validate_default(self.ctx, statement)
            self.report(
                statement,
                f"{field} is validated by the always=True validator {node.name.value}",
                replacement=replacement,
                imports=imports,
            )

    def _redeclare(self, node: cst.FunctionDef, plan: ValidatorPlan) -> None:
        """One finding at the validator for the inherited fields: their redeclarations, with
        ``validate_default=True``, go right above it (the validator's leading comments and
        blank lines move above them)."""
        lines: List[cst.BaseStatement] = []
        all_imports: List[Tuple[str, Optional[str]]] = []
        for _, _, statement in plan.inherited:
            redeclared, imports = field_with_validate_default(self.ctx, statement)
            assert redeclared is not None
            all_imports.extend(imports)
            lines.append(
                cst.SimpleStatementLine(
                    body=[redeclared.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)]
                )
            )
        lines[0] = lines[0].with_changes(leading_lines=node.leading_lines)
        function = node.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        # the fix engine takes a FlattenSentinel where a statement was (typed as a node)
        replacement: Any = cst.FlattenSentinel([*lines, function])
        owner = self.ctx.class_def
        owner_name = owner.name.value if owner is not None else "the class"
        for field, base, _ in plan.inherited:
            self.report(
                node,
                f"{field}, declared in the base class {base}, is validated by the always=True "
                f"validator {node.name.value} of {owner_name}",
                fix_hint="redeclare it here with Field(validate_default=True): v2 sets that on a "
                "field, never on a validator, and a redeclared field keeps its place",
                replacement=replacement,
                imports=tuple(all_imports),
            )

    def message(self, value: cst.BaseExpression) -> Optional[str]:
        if _is_name(value, "False"):
            return None
        return "always=True has no @field_validator equivalent"
