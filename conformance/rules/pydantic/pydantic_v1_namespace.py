"""CNF483 pydantic-v1-namespace."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import SCHEMAS, _is_v1

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class PydanticV1Namespace(FileRule):
    """## What it checks
    `import pydantic.v1`, `from pydantic.v1 import ...`, `from pydantic import v1`: reported once,
    at the import. Code that uses those names is otherwise left alone by this family (classes
    deriving from `pydantic.v1.BaseModel` are v1 models).

    ## Why
    The `pydantic.v1` namespace is a migration crutch: v1 models cannot be nested in v2 models,
    FastAPI only supports them in a compatibility mode, and the namespace goes away.

    ## Example
    ```python
    from pydantic.v1 import BaseModel
    ```

    ## Use instead
    ```python
    from pydantic import BaseModel
    ```
    and migrate the model.
    """

    code = "CNF483"
    name = "pydantic-v1-namespace"
    summary = "pydantic.v1 compatibility namespace used"
    fix_hint = "migrate to the v2 API"
    catalog = "PV083"
    VALID = (Example.code("from pydantic import BaseModel\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic.v1 import BaseModel, validator
            from pydantic import v1
            import pydantic.v1 as p1
            """,
            Expect(
                1,
                1,
                "pydantic.v1 is the v1 compatibility namespace: migrate this code to the Pydantic v2 API",
            ),
            Expect(
                2,
                1,
                "pydantic.v1 is the v1 compatibility namespace: migrate this code to the Pydantic v2 API",
            ),
            Expect(
                3,
                1,
                "pydantic.v1 is the v1 compatibility namespace: migrate this code to the Pydantic v2 API",
            ),
            path=SCHEMAS,
        ),
    )

    def _check(self, node: cst.CSTNode) -> None:
        if any(_is_v1(fact.target) or _is_v1(fact.module) for fact in self.ctx.import_facts(node)):
            self.report(
                node,
                "pydantic.v1 is the v1 compatibility namespace: migrate this code to the Pydantic v2 API",
            )

    def visit_Import(self, node: cst.Import) -> None:
        self._check(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._check(node)
