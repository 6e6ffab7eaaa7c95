"""CNF492 pydantic-root-field."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    BASE_FILE,
    SCHEMAS,
    _is_name,
    _model,
    _small_statements,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class RootField(FileRule):
    """## What it checks
    A `__root__: T` field in a model.

    ## Why
    v2 has no custom root fields: the class fails to build. Root models derive from
    `RootModel[T]` and keep their value in `.root`.

    ## Example
    ```python
    class Ids(BaseModel):
        __root__: list[int]
    ```

    ## Use instead
    ```python
    class Ids(RootModel[list[int]]):
        pass
    ```
    and `.root` at the use sites (CNF447).
    """

    code = "CNF492"
    name = "pydantic-root-field"
    summary = "__root__ field in a model"
    fix_hint = "derive from RootModel[T] and use .root"
    catalog = "PV100"
    VALID = (
        Example.code(
            """
            from typing import List

            from pydantic import RootModel


            class Ids(RootModel[List[int]]):
                pass
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import List

            from cpv3.core.schemas import Schema


            class Ids(Schema):
                __root__: List[int]
            """,
            Expect(
                7,
                5,
                "__root__ field in Ids is not supported in Pydantic v2",
            ),
            path=SCHEMAS,
            extra=BASE_FILE,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for small in _small_statements(node):
            if isinstance(small, cst.AnnAssign) and _is_name(small.target, "__root__"):
                self.report(
                    small,
                    f"__root__ field in {node.name.value} is not supported in Pydantic v2",
                    when=_model(self.ctx.definition_qualname(node.name.value)),
                )
