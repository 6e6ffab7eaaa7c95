"""CNF472 pydantic-validate-arguments."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _with_prefixes
from conformance.rules.pydantic._templates import _ImportedName


class ValidateArgumentsImport(_ImportedName):
    """## What it checks
    `validate_arguments` (`pydantic`, `pydantic.decorator`).

    ## Why
    Deprecated in v2; `validate_call` replaces it (no `.raw_function` / `.validate`, different
    config).

    ## Example
    ```python
    from pydantic import validate_arguments
    ```

    ## Use instead
    ```python
    from pydantic import validate_call
    ```

    ## Fix
    None (the decorated function's attributes differ).
    """

    code = "CNF472"
    name = "pydantic-validate-arguments"
    summary = "deprecated validate_arguments"
    fix_hint = "use validate_call"
    catalog = "PV072"
    names = _with_prefixes(
        ("pydantic", "pydantic.decorator", "pydantic.deprecated.decorator"), ("validate_arguments",)
    )
    VALID = (Example.code("from pydantic import validate_call\n"),)
    INVALID = (
        Example.code(
            """
            import pydantic as pd


            @pd.validate_arguments
            def total(a: int, b: int) -> int:
                return a + b
            """,
            Expect(
                4,
                2,
                "validate_arguments is deprecated in Pydantic v2: use validate_call (no .raw_function or .validate)",
            ),
            path="cpv3/modules/users/service.py",
        ),
    )

    def message(self, qualname: str) -> str:
        return "validate_arguments is deprecated in Pydantic v2: use validate_call (no .raw_function or .validate)"
