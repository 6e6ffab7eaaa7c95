"""CNF496 pydantic-field-shadows-model-attribute."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    _BASEMODEL_ATTRIBUTES,
    SCHEMAS,
    _model,
    _small_statements,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class FieldShadowsModelAttribute(FileRule):
    """## What it checks
    A field named like a `BaseModel` method or attribute (`json`, `dict`, `copy`, `schema`,
    `validate`, `model_dump`, ...), or an annotated `model_config` without a value.

    ## Why
    `model_config: ...` without a value fails at class creation
    (`model-config-invalid-field-name`); a field shadowing a `BaseModel` method warns and breaks
    the method for every caller (`user.json` is now a string).

    ## Example
    ```python
    class Event(BaseModel):
        json: dict
    ```

    ## Use instead
    ```python
    class Event(BaseModel):
        payload: dict = Field(alias="json")
    ```
    """

    code = "CNF496"
    name = "pydantic-field-shadows-model-attribute"
    summary = "field named like a BaseModel attribute"
    fix_hint = "rename the field and keep the external name with Field(alias=...)"
    catalog = "PV104"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict, Field


            class Event(BaseModel):
                model_config: ConfigDict = ConfigDict(frozen=True)
                payload: dict = Field(alias="json")
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict


            class Event(BaseModel):
                json: dict
                model_config: ConfigDict
            """,
            Expect(
                5,
                5,
                "field json of Event shadows BaseModel.json",
            ),
            Expect(
                6,
                5,
                "model_config cannot be a field (class creation fails in Pydantic v2): assign model_config = ConfigDict(...)",
            ),
            path=SCHEMAS,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        when = _model(self.ctx.definition_qualname(node.name.value))
        for small in _small_statements(node):
            if not isinstance(small, cst.AnnAssign) or not isinstance(small.target, cst.Name):
                continue
            name = small.target.value
            if name == "model_config" and small.value is None:
                self.report(
                    small,
                    "model_config cannot be a field (class creation fails in Pydantic v2): assign "
                    "model_config = ConfigDict(...)",
                    when=when,
                )
            elif name in _BASEMODEL_ATTRIBUTES:
                self.report(
                    small,
                    f"field {name} of {node.name.value} shadows BaseModel.{name}",
                    fix_hint=f'rename it and keep the external name with Field(alias="{name}")',
                    when=when,
                )
