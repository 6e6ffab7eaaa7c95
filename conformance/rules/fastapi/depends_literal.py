"""CNF304 depends-literal."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import _LITERALS, DEPENDS, _short
from conformance.rules.fastapi._examples import _documented


class DependsLiteral(FileRule):
    """## What it checks
    `Depends("get_user")`, `Depends(42)`, `Depends(None)`, `Depends([...])`: a literal where a
    callable belongs.

    ## Why
    FastAPI cannot call a literal; the route fails at start-up or on its first request. A string
    is not looked up by name.

    ## Example
    ```python
    user: Annotated[User, Depends("get_current_user")]
    ```

    ## Use instead
    ```python
    user: Annotated[User, Depends(get_current_user)]
    ```
    """

    code = "CNF304"
    name = "depends-literal"
    summary = "Depends given a literal instead of a callable"
    fix_hint = "pass the provider function or class itself"
    catalog = "DI004"
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import Security


            def handler(user: Annotated[dict, Security("get_current_user")]) -> None:
                return None
            """,
            Expect(
                6,
                44,
                'Security() receives the literal "get_current_user", which FastAPI cannot call: '
                "pass the provider itself",
            ),
            path="cpv3/core/security.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.call_name(node)
        if name not in DEPENDS or not node.args or node.args[0].keyword is not None:
            return
        value = node.args[0].value
        literal = type(value).__name__ in _LITERALS or (
            isinstance(value, cst.Name)
            and value.value in ("None", "True", "False")
            and self.ctx.lookup(value.value) is None
        )
        if literal:
            self.report(
                value,
                f"{_short(name)}() receives the literal {self.ctx.code_for(value)}, which FastAPI "
                "cannot call: pass the provider itself",
            )
