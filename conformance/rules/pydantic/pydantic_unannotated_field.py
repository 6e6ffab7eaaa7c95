"""CNF495 pydantic-unannotated-field."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    _FIELD,
    BASE_FILE,
    SCHEMAS,
    _is_plain_value,
    _literal_type,
    _model,
    _small_statements,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class UnannotatedField(FileRule):
    """## What it checks
    A non-annotated attribute with a plain value (`is_active = True`, `tags = []`, `x = Field()`)
    in a model body. `_private` names, `model_config`, methods and other values (calls that may
    return descriptors) are skipped.

    ## Why
    v1 inferred a field; v2 refuses the class at creation (`model-field-missing-annotation`).

    ## Example
    ```python
    class UserOut(BaseModel):
        is_active = True
    ```

    ## Use instead
    ```python
    class UserOut(BaseModel):
        is_active: bool = True
    ```
    (`ClassVar[bool]` if it is not a field).

    ## Fix
    Safe for `bool`, `int`, `float` and `str` literals (when the builtin is not shadowed); none
    otherwise.
    """

    code = "CNF495"
    name = "pydantic-unannotated-field"
    summary = "non-annotated attribute in a model"
    fix_hint = "annotate it (ClassVar[...] if it is not a field)"
    catalog = "PV103"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from typing import ClassVar

            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                model_config = ConfigDict(frozen=True)
                _cache = {}
                LIMIT: ClassVar[int] = 10
                is_active: bool = True
            """,
            path=SCHEMAS,
        ),
        Example.code(
            """
            class Plain:
                is_active = True
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.core.schemas import Schema


            class UserOut(Schema):
                is_active = True
                tags = []
            """,
            Expect(
                5,
                5,
                "is_active has no annotation: Pydantic v2 refuses the model at class creation; annotate it (is_active: bool = ...) or use ClassVar",
            ),
            Expect(
                6,
                5,
                "tags has no annotation: Pydantic v2 refuses the model at class creation; annotate it or use ClassVar",
            ),
            path=SCHEMAS,
            extra=BASE_FILE,
            fixed="""
            from cpv3.core.schemas import Schema


            class UserOut(Schema):
                is_active: bool = True
                tags = []
            """,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        when = _model(ctx.definition_qualname(node.name.value))
        for small in _small_statements(node):
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                continue
            target = small.targets[0].target
            if (
                not isinstance(target, cst.Name)
                or target.value.startswith("_")
                or target.value == "model_config"
            ):
                continue
            value = small.value
            is_field = isinstance(value, cst.Call) and ctx.call_name(value) in _FIELD
            if not is_field and not _is_plain_value(value):
                continue
            typed = _literal_type(value)
            replacement = None
            if typed is not None and ctx.lookup(typed) is None:
                replacement = cst.AnnAssign(
                    target=target, annotation=cst.Annotation(cst.Name(typed)), value=value
                )
            hint = f" ({target.value}: {typed} = ...)" if typed else ""
            self.report(
                small,
                f"{target.value} has no annotation: Pydantic v2 refuses the model at class "
                f"creation; annotate it{hint} or use ClassVar",
                when=when,
                replacement=replacement,
            )
