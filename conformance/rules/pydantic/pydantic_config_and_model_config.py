"""CNF402 pydantic-config-and-model-config."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    SCHEMAS,
    _assigned_name,
    _inner_classes,
    _model,
    _small_statements,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class ConfigAndModelConfig(FileRule):
    """## What it checks
    A model class that has both a nested `class Config` and a `model_config` attribute.

    ## Why
    Pydantic v2 refuses the class at creation (`config-both`): "Config" and "model_config" cannot
    be used together. It is a half-finished migration.

    ## Example
    ```python
    class UserOut(BaseModel):
        model_config = ConfigDict(frozen=True)

        class Config:
            orm_mode = True
    ```

    ## Use instead
    ```python
    class UserOut(BaseModel):
        model_config = ConfigDict(frozen=True, from_attributes=True)
    ```

    ## Fix
    None: merge the keys by hand.
    """

    code = "CNF402"
    name = "pydantic-config-and-model-config"
    summary = "class Config and model_config on one model"
    fix_hint = "move the keys of class Config into model_config and delete class Config"
    catalog = "PV002"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                model_config = ConfigDict(frozen=True)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                model_config = ConfigDict(frozen=True)

                class Config:
                    orm_mode = True
            """,
            Expect(
                7,
                5,
                "UserOut has both class Config and model_config, which Pydantic v2 rejects at class creation",
            ),
            path=SCHEMAS,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        configs = _inner_classes(node, "Config")
        if not configs or not any(
            _assigned_name(s) == "model_config" for s in _small_statements(node)
        ):
            return
        qualname = self.ctx.definition_qualname(node.name.value)
        self.report(
            configs[0],
            f"{node.name.value} has both class Config and model_config, which Pydantic v2 rejects "
            "at class creation",
            fix_hint="move the keys into model_config and delete class Config",
            when=_model(qualname),
        )
