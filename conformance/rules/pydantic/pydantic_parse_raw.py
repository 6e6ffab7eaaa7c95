"""CNF434 pydantic-parse-raw."""

from __future__ import annotations

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _ModelMethod


class ParseRawMethod(_ModelMethod):
    """## What it checks
    `M.parse_raw(s)` on a Pydantic model class.

    ## Why
    Deprecated in v2; `content_type`, `encoding`, `proto` and `allow_pickle` have no equivalent.

    ## Example
    ```python
    user = UserOut.parse_raw(body)
    ```

    ## Use instead
    ```python
    user = UserOut.model_validate_json(body)
    ```

    ## Fix
    Safe without `content_type`, `encoding`, `proto`, `allow_pickle`.
    """

    code = "CNF434"
    name = "pydantic-parse-raw"
    summary = "Pydantic v1 parse_raw()"
    fix_hint = "use .model_validate_json()"
    catalog = "PV034"
    fix = FixSafety.SAFE
    method = "parse_raw"
    new = "model_validate_json"
    positional = 1
    VALID = (
        Example.code(
            """
            import json


            value = json.JSONDecoder().raw_decode("{}")
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            user = UserOut.parse_raw('{"id": 1}')
            """,
            Expect(
                8,
                8,
                ".parse_raw() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_validate_json()",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            user = UserOut.model_validate_json('{"id": 1}')
            """,
        ),
    )
