"""CNF498 pydantic-duplicate-field."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Dict,
)

from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import SCHEMAS, _model, _small_statements

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class DuplicateField(FileRule):
    """## What it checks
    The same field annotated twice in one model body.

    ## Why
    The second declaration silently replaces the first (type, default and constraints), usually a
    copy-paste leftover.

    ## Example
    ```python
    class UserOut(BaseModel):
        id: int
        id: str
    ```

    ## Use instead
    Keep one declaration.
    """

    code = "CNF498"
    name = "pydantic-duplicate-field"
    summary = "field declared twice in a model"
    fix_hint = "remove the duplicate declaration"
    catalog = "PV106"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int
                name: str
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int
                name: str
                id: str
            """,
            Expect(
                7,
                5,
                "field id is declared twice in UserOut (the first declaration is replaced): remove the duplicate",
            ),
            path=SCHEMAS,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        when = _model(self.ctx.definition_qualname(node.name.value))
        seen: Dict[str, cst.AnnAssign] = {}
        for small in _small_statements(node):
            if not isinstance(small, cst.AnnAssign) or not isinstance(small.target, cst.Name):
                continue
            name = small.target.value
            if name in seen:
                self.report(
                    small,
                    f"field {name} is declared twice in {node.name.value} (the first declaration "
                    "is replaced): remove the duplicate",
                    when=when,
                )
            else:
                seen[name] = small
