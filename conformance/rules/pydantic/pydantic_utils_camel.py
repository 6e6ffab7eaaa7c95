"""CNF476 pydantic-utils-camel."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._templates import _ImportedName


class UtilsCamel(_ImportedName):
    """## What it checks
    `pydantic.utils.to_camel` and `pydantic.utils.to_lower_camel`.

    ## Why
    They moved to `pydantic.alias_generators` under different names: v1 `to_camel` (`"foo_bar"`
    -> `"FooBar"`) is v2 `to_pascal`; v1 `to_lower_camel` (`"fooBar"`) is v2 `to_camel`. Taking
    the same-looking name changes every alias.

    ## Example
    ```python
    from pydantic.utils import to_camel
    ```

    ## Use instead
    ```python
    from pydantic.alias_generators import to_pascal
    ```

    ## Fix
    None yet.
    """

    code = "CNF476"
    name = "pydantic-utils-camel"
    summary = "pydantic.utils camel-case helpers"
    fix_hint = "to_camel -> alias_generators.to_pascal; to_lower_camel -> alias_generators.to_camel"
    catalog = "PV076"
    names = frozenset({"pydantic.utils.to_camel", "pydantic.utils.to_lower_camel"})
    VALID = (Example.code("from pydantic.alias_generators import to_camel, to_pascal\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic.utils import to_camel, to_lower_camel
            """,
            Expect(
                1,
                28,
                "pydantic.utils.to_camel is pydantic.alias_generators.to_pascal in Pydantic v2 (alias_generators.to_camel is a different function)",
            ),
            Expect(
                1,
                38,
                "pydantic.utils.to_lower_camel is pydantic.alias_generators.to_camel in Pydantic v2",
            ),
        ),
    )

    def message(self, qualname: str) -> str:
        if qualname.endswith("to_lower_camel"):
            return (
                "pydantic.utils.to_lower_camel is pydantic.alias_generators.to_camel in Pydantic v2"
            )
        return (
            "pydantic.utils.to_camel is pydantic.alias_generators.to_pascal in Pydantic v2 "
            "(alias_generators.to_camel is a different function)"
        )
