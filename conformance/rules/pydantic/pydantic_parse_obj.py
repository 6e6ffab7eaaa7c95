"""CNF433 pydantic-parse-obj."""

from __future__ import annotations

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _MODEL_FILE, SCHEMAS
from conformance.rules.pydantic._templates import _ModelMethod


class ParseObjMethod(_ModelMethod):
    """## What it checks
    `M.parse_obj(x)` on a Pydantic model class (imported, defined, `cls` in a classmethod).

    ## Why
    Deprecated in v2.

    ## Example
    ```python
    user = UserOut.parse_obj(row)
    ```

    ## Use instead
    ```python
    user = UserOut.model_validate(row)
    ```

    ## Fix
    Safe.
    """

    code = "CNF433"
    name = "pydantic-parse-obj"
    summary = "Pydantic v1 parse_obj()"
    fix_hint = "use .model_validate()"
    catalog = "PV033"
    fix = FixSafety.SAFE
    method = "parse_obj"
    new = "model_validate"
    positional = 1
    VALID = (
        Example.code(
            """
            from myapp.legacy import Parser


            value = Parser.parse_obj({})
            """,
            note="not a model",
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users import schemas as s


            def load(row):
                return s.UserOut.parse_obj(row)
            """,
            Expect(
                5,
                12,
                ".parse_obj() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_validate()",
            ),
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
            fixed="""
            from cpv3.modules.users import schemas as s


            def load(row):
                return s.UserOut.model_validate(row)
            """,
        ),
    )
