"""CNF447 pydantic-root-attribute."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
    Tuple,
)

from conformance.conditions import Condition
from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS, _short
from conformance.rules.pydantic._conditions import IsRootModel
from conformance.rules.pydantic._templates import _ModelAttribute

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class RootAttribute(_ModelAttribute):
    """## What it checks
    `x.__root__` where `x` is a root model (a `RootModel` subclass or a v1-style model with a
    `__root__` field) class instance.

    ## Why
    v2 root models keep their value in `.root`; `__root__` does not exist.

    ## Example
    ```python
    ids = payload.__root__
    ```

    ## Use instead
    ```python
    ids = payload.root
    ```

    ## Fix
    Safe.
    """

    code = "CNF447"
    name = "pydantic-root-attribute"
    summary = "__root__ read on a root model"
    fix_hint = "use .root"
    catalog = "PV047"
    fix = FixSafety.SAFE
    attribute = "__root__"
    on_class = False
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            def read(user: UserOut, other):
                return other.__root__
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import List

            from pydantic import RootModel


            class Ids(RootModel[List[int]]):
                pass


            def read(ids: Ids):
                return ids.__root__
            """,
            Expect(11, 12, "__root__ on root model Ids does not exist in Pydantic v2: use .root"),
            path=SCHEMAS,
            fixed="""
            from typing import List

            from pydantic import RootModel


            class Ids(RootModel[List[int]]):
                pass


            def read(ids: Ids):
                return ids.root
            """,
        ),
    )

    def condition(self, receiver: str) -> Condition:
        return IsRootModel(receiver)

    def describe(
        self, node: cst.Attribute, receiver: str, tier: str
    ) -> Tuple[str, Optional[cst.CSTNode]]:
        return (
            f"__root__ on root model {_short(receiver)} does not exist in Pydantic v2: use .root",
            node.with_changes(attr=cst.Name("root")),
        )
