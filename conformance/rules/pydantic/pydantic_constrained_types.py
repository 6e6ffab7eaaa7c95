"""CNF479 pydantic-constrained-types."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _CONSTRAINED, SCHEMAS, _short, _with_prefixes
from conformance.rules.pydantic._templates import _ImportedName


class ConstrainedTypes(_ImportedName):
    """## What it checks
    `ConstrainedStr`, `ConstrainedInt`, `ConstrainedFloat`, `ConstrainedDecimal`,
    `ConstrainedBytes`, `ConstrainedList`, `ConstrainedSet`, `ConstrainedFrozenSet`,
    `ConstrainedDate` (`pydantic`, `pydantic.types`).

    ## Why
    Removed in v2: importing them fails.

    ## Example
    ```python
    class Sku(ConstrainedStr):
        max_length = 12
    ```

    ## Use instead
    ```python
    Sku = Annotated[str, StringConstraints(max_length=12)]
    ```
    """

    code = "CNF479"
    name = "pydantic-constrained-types"
    summary = "Constrained* classes removed in v2"
    fix_hint = "use Annotated[T, Field(...)] or Annotated[str, StringConstraints(...)]"
    catalog = "PV079"
    names = _with_prefixes(("pydantic", "pydantic.types"), _CONSTRAINED)
    VALID = (Example.code("from pydantic import StringConstraints\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic import ConstrainedStr


            class Sku(ConstrainedStr):
                max_length = 12
            """,
            Expect(
                1,
                22,
                "ConstrainedStr is gone in Pydantic v2 (importing it fails)",
            ),
            path=SCHEMAS,
        ),
    )

    def message(self, qualname: str) -> str:
        return f"{_short(qualname)} is gone in Pydantic v2 (importing it fails)"
