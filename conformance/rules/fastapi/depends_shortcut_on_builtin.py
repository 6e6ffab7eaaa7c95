"""CNF316 depends-shortcut-on-builtin."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    List,
)

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import (
    _TYPING_CONSTRUCTS,
    DEPENDS,
    _all_params,
    _annotated_parts,
)
from conformance.rules.fastapi._examples import _documented


class DependsShortcutOnBuiltin(FileRule):
    """## What it checks
    `Depends()` with no argument where the annotation is not a class FastAPI can instantiate as a
    dependency: a builtin (`dict`, `int`), a generic alias (`list[int]`, `Dict[str, int]`) or a
    typing construct (`Optional[X]`, `X | None`, `Any`).

    ## Why
    `Depends()` calls the annotation's type; `dict()` injects an empty dict, `Optional[X]()` fails.

    ## Example
    ```python
    params: Annotated[dict, Depends()]
    ```

    ## Use instead
    ```python
    params: Annotated[dict, Depends(common_parameters)]
    ```

    ## Options
    None. `Depends()` on a project class (the documented shortcut) is never reported.
    """

    code = "CNF316"
    name = "depends-shortcut-on-builtin"
    summary = "Depends() without argument on a builtin, generic or typing annotation"
    fix_hint = "name the dependency: `Depends(provider)`"
    catalog = "DI016"
    VALID = (
        _documented(),
        Example.code(
            """
            from typing import Annotated

            from fastapi import Depends

            from cpv3.modules.users.service import UserService


            def handler(service: Annotated[UserService, Depends()]) -> None:
                return None
            """,
            path="cpv3/core/security.py",
            note="the documented class shortcut",
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import Annotated, Optional

            from fastapi import Depends


            def handler(
                a: Annotated[dict, Depends()],
                b: Annotated[Optional[int], Depends()],
                c: list[int] = Depends(),
            ) -> None:
                return None
            """,
            Expect(
                7,
                24,
                "Depends() without argument calls the annotation `dict`, which is not a "
                "dependency: name the provider, `Depends(provider)`",
            ),
            Expect(
                8,
                33,
                "Depends() without argument calls the annotation `Optional[int]`, which is not a "
                "dependency: name the provider, `Depends(provider)`",
            ),
            Expect(
                9,
                20,
                "Depends() without argument calls the annotation `list[int]`, which is not a "
                "dependency: name the provider, `Depends(provider)`",
            ),
            path="cpv3/core/security.py",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        for param in _all_params(node):
            if param.annotation is None:
                continue
            parts = _annotated_parts(ctx, param.annotation)
            calls: List[cst.Call] = []
            if parts is not None:
                typed: cst.BaseExpression = parts[1][0]
                calls = [e for e in parts[1][1:] if isinstance(e, cst.Call)]
            else:
                typed = param.annotation.annotation
            if isinstance(param.default, cst.Call):
                calls.append(param.default)
            for call in calls:
                if ctx.call_name(call) not in DEPENDS or call.args:
                    continue
                if not self._not_a_dependency(typed):
                    continue
                self.report(
                    call,
                    f"Depends() without argument calls the annotation `{ctx.code_for(typed)}`, "
                    "which is not a dependency: name the provider, `Depends(provider)`",
                )

    def _not_a_dependency(self, typed: cst.BaseExpression) -> bool:
        if isinstance(typed, (cst.Subscript, cst.BinaryOperation)):
            return True
        if isinstance(typed, (cst.Name, cst.Attribute)):
            name = self.ctx.qualname(typed)
            if name is None:
                return False
            return name.startswith("builtins.") or name.startswith(_TYPING_CONSTRUCTS)
        return False
