"""CNF213 dynamic-import-of-forbidden-layer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Tuple

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.layering._common import (
    _DYNAMIC_IMPORTS,
    _display,
    _file_name,
    _roles_verdict,
)


class DynamicImportOfForbiddenLayer(FileRule):
    """## What it checks
    `importlib.import_module("<literal>")` or `__import__("<literal>")` (also through `from
    importlib import import_module as imp`) whose target is a layer the importing file may not
    use: the same policy as CNF201, CNF202, CNF204 and CNF205. Computed names
    (`f"cpv3.modules.{name}.service"`) are not reported.

    ## Why
    A dynamic import is an import that static graphs miss; it is how a layer rule gets dodged.

    ## Example
    ```python
    repo_module = importlib.import_module("cpv3.modules.orders.repository")
    ```

    ## Use instead
    A static import through the allowed layer (the orders service).

    ## Options
    `layers`, `roles`.
    """

    code = "CNF213"
    name = "dynamic-import-of-forbidden-layer"
    summary = "literal dynamic import of a layer the file may not use"
    fix_hint = "import statically, through the allowed layer"
    catalog = "LAY013"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            import importlib


            def load(name: str):
                return importlib.import_module(f"cpv3.modules.{name}.service")


            def users():
                return importlib.import_module("cpv3.modules.users.service")
            """,
            path="cpv3/modules/orders/service.py",
            note="computed names are not reported; another module's service is public",
        ),
    )
    INVALID = (
        Example.code(
            """
            from importlib import import_module as load


            def orders_repository():
                return load("cpv3.modules.orders.repository")
            """,
            Expect(
                5,
                12,
                "router.py imports orders.repository dynamically (load(...)): routers call services",
            ),
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if not node.args or ctx.call_name(node) not in _DYNAMIC_IMPORTS:
            return
        first = node.args[0].value
        if not isinstance(first, cst.SimpleString):
            return
        target = first.evaluated_value
        if not isinstance(target, str) or not target or target.startswith("."):
            return
        if not ctx.is_project_name(target) or target == ctx.module:
            return
        roles, feature = ctx.roles_of_module(target)
        verdict = _roles_verdict(ctx.roles, ctx.feature, roles, feature, ctx.layers, True)
        if verdict is None:
            return
        message = (
            f"{_file_name(ctx)} imports {_display(target, feature)} dynamically "
            f"({ctx.code_for(node.func)}(...)): {verdict.reason}"
        )
        tags: Tuple[str, ...] = ()
        if ctx.in_function:
            tags = ("deferred",)
        self.report(node, message, tags=tags)
