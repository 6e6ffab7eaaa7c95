"""CNF343 deprecated-param-keyword."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import PARAM_MARKERS, _keyword, _short
from conformance.rules.fastapi._examples import _documented


class DeprecatedParamKeyword(FileRule):
    """## What it checks
    `regex=` and `example=` in `Query/Path/Body/Header/Cookie/Form/File(...)`.

    ## Why
    Both are deprecated by FastAPI: `regex` became `pattern` (Pydantic v2), `example` became
    `examples=[...]` (or `openapi_examples=`).

    ## Example
    ```python
    q: Annotated[str, Query(regex="^[a-z]+$", example="abc")]
    ```

    ## Use instead
    ```python
    q: Annotated[str, Query(pattern="^[a-z]+$", examples=["abc"])]
    ```

    ## Fix
    `regex` -> `pattern`: safe. `example=x` -> `examples=[x]`: unsafe (the OpenAPI output changes).
    """

    code = "CNF343"
    name = "deprecated-param-keyword"
    summary = "deprecated regex= or example= in a FastAPI parameter marker"
    fix_hint = "use pattern= instead of regex=, examples=[...] instead of example="
    catalog = "API013"
    fix = FixSafety.SAFE
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import Query


            def search(q: Annotated[str, Query(regex="^[a-z]+$")] = "") -> list:
                return []
            """,
            Expect(
                6,
                36,
                "regex= is deprecated in Query(): write pattern=",
            ),
            fixed="""
            from typing import Annotated

            from fastapi import Query


            def search(q: Annotated[str, Query(pattern="^[a-z]+$")] = "") -> list:
                return []
            """,
            path="cpv3/core/search.py",
        ),
        Example.code(
            """
            from typing import Annotated

            from fastapi import Body


            def create(name: Annotated[str, Body(example="Ada")]) -> None:
                return None
            """,
            Expect(
                6,
                38,
                "example= is deprecated in Body(): write examples=[...] (or openapi_examples=)",
            ),
            fixed="""
            from typing import Annotated

            from fastapi import Body


            def create(name: Annotated[str, Body(examples=["Ada"])]) -> None:
                return None
            """,
            unsafe=True,
            path="cpv3/core/search.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        marker = self.ctx.call_name(node)
        if marker not in PARAM_MARKERS:
            return
        short = _short(marker)
        for arg in node.args:
            if arg.keyword is None:
                continue
            if arg.keyword.value == "regex" and _keyword(node, "pattern") is None:
                self.report(
                    arg,
                    f"regex= is deprecated in {short}(): write pattern=",
                    replacement=arg.with_changes(keyword=cst.Name("pattern")),
                )
            elif arg.keyword.value == "example" and _keyword(node, "examples") is None:
                self.report(
                    arg,
                    f"example= is deprecated in {short}(): write examples=[...] (or "
                    "openapi_examples=)",
                    replacement=arg.with_changes(
                        keyword=cst.Name("examples"), value=cst.List([cst.Element(arg.value)])
                    ),
                    fix_safety=FixSafety.UNSAFE,
                )
