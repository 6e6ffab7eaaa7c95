"""CNF471 pydantic-generic-model."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _ImportedName


class GenericModelImport(_ImportedName):
    """## What it checks
    `pydantic.generics.GenericModel`.

    ## Why
    v2 removed `GenericModel`: generic models derive from `BaseModel` and `typing.Generic`.

    ## Example
    ```python
    class Page(GenericModel, Generic[T]):
        items: list[T]
    ```

    ## Use instead
    ```python
    class Page(BaseModel, Generic[T]):
        items: list[T]
    ```
    """

    code = "CNF471"
    name = "pydantic-generic-model"
    summary = "pydantic.generics.GenericModel"
    fix_hint = "derive from BaseModel and typing.Generic[T]"
    catalog = "PV071"
    names = frozenset({"pydantic.generics.GenericModel"})
    VALID = (
        Example.code(
            "from typing import Generic\n\nfrom pydantic import BaseModel\n", path=SCHEMAS
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic.generics import GenericModel
            """,
            Expect(
                1,
                31,
                "GenericModel is gone in Pydantic v2",
            ),
            path=SCHEMAS,
        ),
    )

    def message(self, qualname: str) -> str:
        return "GenericModel is gone in Pydantic v2"
