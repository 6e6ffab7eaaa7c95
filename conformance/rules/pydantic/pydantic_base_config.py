"""CNF482 pydantic-base-config."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _with_prefixes
from conformance.rules.pydantic._templates import _ImportedName


class BaseConfigImport(_ImportedName):
    """## What it checks
    `BaseConfig` (`pydantic`, `pydantic.config`).

    ## Why
    Deprecated in v2: configuration is a `ConfigDict`, not a class to subclass.

    ## Example
    ```python
    class Config(BaseConfig):
        orm_mode = True
    ```

    ## Use instead
    ```python
    model_config = ConfigDict(from_attributes=True)
    ```
    """

    code = "CNF482"
    name = "pydantic-base-config"
    summary = "BaseConfig deprecated in v2"
    fix_hint = "use ConfigDict"
    catalog = "PV082"
    names = _with_prefixes(("pydantic", "pydantic.config"), ("BaseConfig",))
    VALID = (Example.code("from pydantic import ConfigDict\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic import BaseConfig
            """,
            Expect(1, 22, "BaseConfig is deprecated in Pydantic v2: use ConfigDict"),
        ),
    )

    def message(self, qualname: str) -> str:
        return "BaseConfig is deprecated in Pydantic v2: use ConfigDict"
