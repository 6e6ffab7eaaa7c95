"""CNF107 logic-in-module-init."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, List, Tuple

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.structure._common import _in_package_init, _logic_kind


class LogicInInit(FileRule):
    """## What it checks
    A module package's `__init__.py` that holds more than a docstring, imports and `__all__`:
    functions, classes, assignments, calls. One finding per file, on its first such statement,
    counting them all. The `__init__.py` of a role package (`router/` configured as the router)
    is that role's code, and is not checked.

    ## Why
    A package's `__init__.py` runs on every import of any of its submodules: code there runs when
    another module only wanted the schemas, and creates import cycles that are hard to see.

    ## Example
    ```python
    # cpv3/modules/users/__init__.py
    from .service import UserService

    default_service = UserService()
    ```

    ## Use instead
    ```python
    # cpv3/modules/users/__init__.py
    \"\"\"Users: accounts and profiles.\"\"\"
    ```
    """

    code = "CNF107"
    name = "logic-in-module-init"
    summary = "module package __init__.py contains logic"
    fix_hint = (
        "keep __init__.py empty (a docstring is fine) and move the code to the right role file"
    )
    catalog = "STR007"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter

            from .orders import router as orders_router

            router = APIRouter(prefix="/portal", tags=["portal"])
            router.include_router(orders_router)
            """,
            path="cpv3/modules/users/router/__init__.py",
            extra={
                "cpv3/modules/users/router/orders.py": "from fastapi import APIRouter\n\n"
                'router = APIRouter(prefix="/orders", tags=["orders"])\n',
            },
            config='[roles]\nrouter = ["router.py", "router/"]\n',
            note="the __init__.py of a role package is that role's code, not the module's",
        ),
        Example.code(
            '''
            """Users: accounts and profiles."""
            from __future__ import annotations

            __all__ = ["UserService"]
            ''',
            path="cpv3/modules/users/__init__.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            def helper():
                return 1
            """,
            Expect(1, 1, "__init__.py of module 'users' contains a function definition"),
            path="cpv3/modules/users/__init__.py",
        ),
        Example.code(
            """
            from .service import UserService

            default_service = UserService()
            registry = {}
            print("users loaded")

            def helper():
                return 1
            """,
            Expect(
                3,
                1,
                "__init__.py of module 'users' contains 4 statements of code: 2 assignments, "
                "a function definition, a statement",
            ),
            path="cpv3/modules/users/__init__.py",
            note="one finding per file, listing what it holds",
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        if not _in_package_init(self):
            return
        found: List[Tuple[cst.CSTNode, str]] = []
        for index, statement in enumerate(node.body):
            what = _logic_kind(statement, first=index == 0)
            if what is not None:
                found.append((statement, what))
        if not found:
            return
        where = f"__init__.py of module '{self.ctx.feature}'"
        if len(found) == 1:
            self.report(found[0][0], f"{where} contains {found[0][1]}")
            return
        # One file, one finding: the statements are one decision (code in the package init),
        # moved out together.
        counts = Counter(what for _, what in found)
        kinds = ", ".join(
            f"{count} {_plural(what)}" if count > 1 else what
            for what, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        )
        self.report(found[0][0], f"{where} contains {len(found)} statements of code: {kinds}")


def _plural(kind: str) -> str:
    """``an assignment`` -> ``assignments``."""
    return kind.split(" ", 1)[1] + "s"
