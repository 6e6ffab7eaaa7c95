"""CNF216 star-import-across-layers."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.layering._common import _ImportRule


class StarImportAcrossLayers(_ImportRule):
    """## What it checks
    `from <module> import *` where the module has a role or belongs to a module package, and it is
    another role or another module than the importing file's.

    ## Why
    A star import hides which names cross the boundary, from readers and from this checker: the
    layering rules cannot see what it brings in.

    ## Example
    ```python
    from ..orders.schemas import *
    ```

    ## Use instead
    ```python
    from ..orders.schemas import OrderOut
    ```
    """

    code = "CNF216"
    name = "star-import-across-layers"
    summary = "star import across roles or modules"
    fix_hint = "import the names explicitly"
    catalog = "LAY016"
    VALID = (
        Example.code(
            "from sqlalchemy.orm import *\n",
            path="cpv3/modules/users/models.py",
            note="a library star import is not a layering concern",
        ),
    )
    INVALID = (
        Example.code(
            """
            from ..orders.schemas import *
            """,
            Expect(
                1,
                1,
                "service.py star-imports orders.schemas: a star import across roles or modules hides which names cross the boundary",
            ),
            path="cpv3/modules/users/service.py",
        ),
    )
