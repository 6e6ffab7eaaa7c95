"""CNF435 pydantic-parse-file."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS, _short
from conformance.rules.pydantic._templates import _ModelMethod

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class ParseFileMethod(_ModelMethod):
    """## What it checks
    `M.parse_file(path)` on a Pydantic model class.

    ## Why
    Deprecated in v2 and removed in v3; there is no file-reading validator.

    ## Example
    ```python
    config = AppConfig.parse_file("config.json")
    ```

    ## Use instead
    ```python
    config = AppConfig.model_validate_json(Path("config.json").read_text())
    ```
    """

    code = "CNF435"
    name = "pydantic-parse-file"
    summary = "Pydantic v1 parse_file()"
    fix_hint = "read the file, then call .model_validate_json()"
    catalog = "PV035"
    method = "parse_file"
    VALID = (
        Example.code(
            """
            def load(loader):
                return loader.parse_file("x.json")
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class AppConfig(BaseModel):
                debug: bool = False

                @classmethod
                def load(cls):
                    return cls.parse_file("config.json")
            """,
            Expect(
                9,
                16,
                ".parse_file() on Pydantic model AppConfig is the v1 API (deprecated in v2): read the file and call .model_validate_json()",
            ),
            path=SCHEMAS,
        ),
    )

    def message(self, node: cst.Call, receiver: str) -> str:
        return (
            f".parse_file() on Pydantic model {_short(receiver)} is the v1 API (deprecated in v2): "
            "read the file and call .model_validate_json()"
        )
