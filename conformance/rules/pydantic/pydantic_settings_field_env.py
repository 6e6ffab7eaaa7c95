"""CNF459 pydantic-settings-field-env."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    _FIELD,
    SCHEMAS,
    _class_scope,
    _kwarg,
    _settings,
    _string,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class SettingsFieldEnv(FileRule):
    """## What it checks
    `Field(env=...)` on a field of a settings class (`pydantic_settings.BaseSettings`, through
    base classes in any file).

    ## Why
    v2 settings ignore `env=` (it lands in the JSON schema): the variable is silently no longer
    read.

    ## Example
    ```python
    class Settings(BaseSettings):
        url: str = Field(env="DATABASE_URL")
    ```

    ## Use instead
    ```python
        url: str = Field(validation_alias="DATABASE_URL")
    ```
    Note that `env_prefix` does not apply to aliases.

    ## Fix
    Unsafe (string values only): the keyword becomes `validation_alias`, which `env_prefix` does
    not prefix.
    """

    code = "CNF459"
    name = "pydantic-settings-field-env"
    summary = "Field(env=...) on a settings field"
    fix_hint = "use validation_alias= (env_prefix does not apply to it)"
    catalog = "PV059"
    fix = FixSafety.UNSAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Row(BaseModel):
                env: str = Field(default="dev")
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import Field
            from pydantic_settings import BaseSettings


            class Settings(BaseSettings):
                url: str = Field(env="DATABASE_URL")
            """,
            Expect(
                6,
                22,
                "Field(env=...) is ignored by pydantic-settings v2",
            ),
            path="cpv3/core/config.py",
            unsafe=True,
            fixed="""
            from pydantic import Field
            from pydantic_settings import BaseSettings


            class Settings(BaseSettings):
                url: str = Field(validation_alias="DATABASE_URL")
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.call_name(node) not in _FIELD:
            return
        owner = _class_scope(self.ctx)
        arg = _kwarg(node, "env")
        if owner is None or arg is None:
            return
        replacement = None
        if _string(arg.value) is not None:
            replacement = arg.with_changes(keyword=cst.Name("validation_alias"))
        self.report(
            arg,
            "Field(env=...) is ignored by pydantic-settings v2",
            fix_hint="use validation_alias= (env_prefix does not apply to it)",
            when=_settings(owner),
            replacement=replacement,
        )
