"""CNF491 pydantic-con-function-v1-keyword."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Mapping,
    Optional,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import _CON_LISTS, _CONSTR, _short

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class ConFunctionV1Keywords(FileRule):
    """## What it checks
    v1 keywords in `con*` calls, which are `TypeError`s in v2: `conlist/conset/confrozenset(
    min_items=, max_items=, unique_items=)`, `constr(regex=, curtail_length=)`.

    ## Why
    The module fails at import.

    ## Example
    ```python
    Tags = conlist(str, min_items=1)
    Code = constr(regex=r"^[A-Z]+$")
    ```

    ## Use instead
    ```python
    Tags = conlist(str, min_length=1)
    Code = constr(pattern=r"^[A-Z]+$")
    ```

    ## Fix
    Safe for the renames (`min_items` -> `min_length`, `max_items` -> `max_length`, `regex` ->
    `pattern`); none for `unique_items` and `curtail_length`.
    """

    code = "CNF491"
    name = "pydantic-con-function-v1-keyword"
    summary = "v1 keyword in a con* function"
    fix_hint = "min_length / max_length / pattern"
    catalog = "PV091"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from pydantic import conlist, constr

            Tags = conlist(str, min_length=1)
            Code = constr(pattern=r"^[A-Z]+$")
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            import pydantic as pd

            Tags = pd.conlist(str, min_items=1, unique_items=True)
            Code = pd.constr(regex=r"^[A-Z]+$")
            """,
            Expect(3, 24, "conlist(min_items=...) fails in Pydantic v2: use min_length="),
            Expect(
                3,
                37,
                "conlist(unique_items=...) fails in Pydantic v2: use a set type or a uniqueness validator",
            ),
            Expect(4, 18, "constr(regex=...) fails in Pydantic v2: use pattern="),
            fixed="""
            import pydantic as pd

            Tags = pd.conlist(str, min_length=1, unique_items=True)
            Code = pd.constr(pattern=r"^[A-Z]+$")
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.call_name(node)
        if name in _CON_LISTS:
            table: Mapping[str, Optional[str]] = {
                "min_items": "min_length",
                "max_items": "max_length",
                "unique_items": None,
            }
        elif name in _CONSTR:
            table = {"regex": "pattern", "curtail_length": None}
        else:
            return
        function = _short(name or "")
        for arg in node.args:
            if arg.keyword is None or arg.keyword.value not in table:
                continue
            key = arg.keyword.value
            new = table[key]
            if new is not None:
                self.report(
                    arg,
                    f"{function}({key}=...) fails in Pydantic v2: use {new}=",
                    replacement=arg.with_changes(keyword=cst.Name(new)),
                )
            else:
                advice = (
                    "use a set type or a uniqueness validator"
                    if key == "unique_items"
                    else "truncate in a validator"
                )
                self.report(arg, f"{function}({key}=...) fails in Pydantic v2: {advice}")
