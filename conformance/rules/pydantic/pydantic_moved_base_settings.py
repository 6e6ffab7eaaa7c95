"""CNF470 pydantic-moved-base-settings."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._templates import _ImportedName


class MovedBaseSettings(_ImportedName):
    """## What it checks
    `BaseSettings` imported from `pydantic` (or `pydantic.env_settings`).

    ## Why
    Settings moved to the separate `pydantic-settings` package; importing `BaseSettings` from
    `pydantic` raises `PydanticImportError` in v2.

    ## Example
    ```python
    from pydantic import BaseSettings
    ```

    ## Use instead
    ```python
    from pydantic_settings import BaseSettings
    ```
    (add `pydantic-settings` to the dependencies).

    ## Fix
    None yet (the import rewrite is left to the fix engine's import helper).

    ## Options
    None.
    """

    code = "CNF470"
    name = "pydantic-moved-base-settings"
    summary = "BaseSettings imported from pydantic"
    fix_hint = "from pydantic_settings import BaseSettings"
    catalog = "PV070"
    names = frozenset({"pydantic.BaseSettings", "pydantic.env_settings.BaseSettings"})
    VALID = (
        Example.code("from pydantic_settings import BaseSettings\n", path="cpv3/core/config.py"),
    )
    INVALID = (
        Example.code(
            """
            import pydantic
            from pydantic import BaseSettings as Base


            class Settings(Base):
                debug: bool = False


            class Other(pydantic.BaseSettings):
                pass
            """,
            Expect(
                2,
                22,
                "BaseSettings moved to pydantic-settings in Pydantic v2 (importing it from pydantic fails): from pydantic_settings import BaseSettings",
            ),
            Expect(
                9,
                13,
                "BaseSettings moved to pydantic-settings in Pydantic v2 (importing it from pydantic fails): from pydantic_settings import BaseSettings",
            ),
            path="cpv3/core/config.py",
        ),
    )

    def message(self, qualname: str) -> str:
        return (
            "BaseSettings moved to pydantic-settings in Pydantic v2 (importing it from pydantic "
            "fails): from pydantic_settings import BaseSettings"
        )
