"""CNF477 pydantic-pyobject."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _with_prefixes
from conformance.rules.pydantic._templates import _ImportedName


class PyObjectType(_ImportedName):
    """## What it checks
    `PyObject` (`pydantic`, `pydantic.types`).

    ## Why
    Removed in v2 (importing it fails); `ImportString` is the replacement.

    ## Example
    ```python
    from pydantic import PyObject
    ```

    ## Use instead
    ```python
    from pydantic import ImportString
    ```

    ## Fix
    None yet.
    """

    code = "CNF477"
    name = "pydantic-pyobject"
    summary = "PyObject removed in v2"
    fix_hint = "use ImportString"
    catalog = "PV077"
    names = _with_prefixes(("pydantic", "pydantic.types"), ("PyObject",))
    VALID = (Example.code("from pydantic import ImportString\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic.types import PyObject
            """,
            Expect(1, 28, "PyObject is gone in Pydantic v2 (importing it fails): use ImportString"),
        ),
    )

    def message(self, qualname: str) -> str:
        return "PyObject is gone in Pydantic v2 (importing it fails): use ImportString"
