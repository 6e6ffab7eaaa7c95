"""CNF460 pydantic-item-constraint-on-container."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    _CONTAINERS,
    _FIELD,
    _ITEM_CONSTRAINTS,
    SCHEMAS,
    _class_scope,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class ItemConstraintOnContainer(FileRule):
    """## What it checks
    A string or number constraint (`pattern`, `gt`, `ge`, `lt`, `le`, `multiple_of`,
    `max_digits`, `decimal_places`) in the `Field(...)` of a container field
    (`list[str]`, `List[int]`, `set[...]`, `dict[...]`, `Sequence[...]`).

    ## Why
    v1 pushed such constraints down to the items; v2 applies them to the container itself, where
    they fail at schema build or at validation.

    ## Example
    ```python
    tags: list[str] = Field(pattern=r"^[a-z]+$")
    ```

    ## Use instead
    ```python
    tags: list[Annotated[str, Field(pattern=r"^[a-z]+$")]]
    ```
    """

    code = "CNF460"
    name = "pydantic-item-constraint-on-container"
    summary = "item constraint on a container field"
    fix_hint = "constrain the item type: list[Annotated[T, Field(...)]]"
    catalog = "PV060"
    VALID = (
        Example.code(
            """
            from typing import Annotated, List

            from pydantic import BaseModel, Field


            class Post(BaseModel):
                tags: List[Annotated[str, Field(pattern=r"^[a-z]+$")]] = Field(min_length=1)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import Annotated, List, Optional

            from pydantic import BaseModel, Field


            class Post(BaseModel):
                tags: Optional[List[str]] = Field(None, pattern=r"^[a-z]+$")
                scores: Annotated[list[int], Field(ge=0)] = []
            """,
            Expect(
                7,
                45,
                "pattern= on the container field tags applies to the container in Pydantic v2, not its items",
            ),
            Expect(
                8,
                40,
                "ge= on the container field scores applies to the container in Pydantic v2, not its items",
            ),
            path=SCHEMAS,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.call_name(node) not in _FIELD or _class_scope(ctx) is None:
            return
        ancestors = ctx.ancestors
        field: Optional[str] = None
        annotation: Optional[cst.BaseExpression] = None
        statement = ancestors[-1] if ancestors else None
        if (
            isinstance(statement, cst.AnnAssign)
            and statement.value is node
            and isinstance(statement.target, cst.Name)
        ):
            field, annotation = statement.target.value, statement.annotation.annotation
        elif len(ancestors) >= 3 and isinstance(ancestors[-3], cst.Subscript):
            subscript = ancestors[-3]
            if ctx.qualname(subscript.value) in ("typing.Annotated", "typing_extensions.Annotated"):
                first = subscript.slice[0].slice
                if isinstance(first, cst.Index):
                    annotation = first.value
                for outer in reversed(ancestors[:-3]):
                    if isinstance(outer, cst.AnnAssign) and isinstance(outer.target, cst.Name):
                        if outer.annotation.annotation is subscript:
                            field = outer.target.value
                        break
        if field is None or annotation is None:
            return
        if ctx.annotation_type(annotation) not in _CONTAINERS:
            return
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in _ITEM_CONSTRAINTS:
                key = arg.keyword.value
                self.report(
                    arg,
                    f"{key}= on the container field {field} applies to the container in Pydantic "
                    f"v2, not its items",
                    fix_hint=f"constrain the item type (list[Annotated[T, Field({key}=...)]])",
                )
