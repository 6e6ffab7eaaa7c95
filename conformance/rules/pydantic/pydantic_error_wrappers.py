"""CNF475 pydantic-error-wrappers."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._templates import _ImportedName


class ErrorWrappersImport(_ImportedName):
    """## What it checks
    `pydantic.error_wrappers.ValidationError` and `ErrorWrapper`.

    ## Why
    `pydantic.error_wrappers` is gone in v2; `ValidationError` is `pydantic.ValidationError`
    (from pydantic-core) and `ErrorWrapper` has no equivalent.

    ## Example
    ```python
    from pydantic.error_wrappers import ValidationError
    ```

    ## Use instead
    ```python
    from pydantic import ValidationError
    ```

    ## Fix
    None yet (import rewrites are left to the fix engine's import helper).

    ## Options
    None.
    """

    code = "CNF475"
    name = "pydantic-error-wrappers"
    summary = "pydantic.error_wrappers import"
    fix_hint = "from pydantic import ValidationError"
    catalog = "PV075"
    names = frozenset(
        {"pydantic.error_wrappers.ValidationError", "pydantic.error_wrappers.ErrorWrapper"}
    )
    VALID = (Example.code("from pydantic import ValidationError\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic.error_wrappers import ErrorWrapper, ValidationError
            """,
            Expect(
                1,
                37,
                "ErrorWrapper is gone in Pydantic v2: raise PydanticCustomError or ValueError in validators",
            ),
            Expect(
                1,
                51,
                "pydantic.error_wrappers is gone in Pydantic v2",
            ),
        ),
    )

    def message(self, qualname: str) -> str:
        if qualname.endswith("ErrorWrapper"):
            return "ErrorWrapper is gone in Pydantic v2: raise PydanticCustomError or ValueError in validators"
        return "pydantic.error_wrappers is gone in Pydantic v2"
