"""CNF481 pydantic-extra-types."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _short, _with_prefixes
from conformance.rules.pydantic._templates import _ImportedName


class ExtraTypesImport(_ImportedName):
    """## What it checks
    `Color` (`pydantic.color`), `PaymentCardNumber`, `PaymentCardBrand` (`pydantic`,
    `pydantic.types`, `pydantic.payment`).

    ## Why
    Deprecated in v2: they moved to the `pydantic-extra-types` package.

    ## Example
    ```python
    from pydantic.color import Color
    ```

    ## Use instead
    ```python
    from pydantic_extra_types.color import Color
    ```

    ## Fix
    None yet.
    """

    code = "CNF481"
    name = "pydantic-extra-types"
    summary = "type moved to pydantic-extra-types"
    fix_hint = "import it from pydantic_extra_types"
    catalog = "PV081"
    names = frozenset({"pydantic.color.Color", "pydantic.Color"}) | _with_prefixes(
        ("pydantic", "pydantic.types", "pydantic.payment"),
        ("PaymentCardNumber", "PaymentCardBrand"),
    )
    VALID = (Example.code("from pydantic_extra_types.color import Color\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic.color import Color
            """,
            Expect(
                1,
                28,
                "Color is deprecated in Pydantic v2",
            ),
        ),
    )

    def message(self, qualname: str) -> str:
        name = _short(qualname)
        return f"{name} is deprecated in Pydantic v2"
