"""CNF107 logic-in-module-init."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.structure._common import _in_package_init, _logic_kind


class LogicInInit(FileRule):
    """## What it checks
    A module package's `__init__.py` that holds more than a docstring, imports and `__all__`:
    functions, classes, assignments, calls.

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

    ## Fix
    None.

    ## Options
    None.
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
            Expect(
                1,
                1,
                "__init__.py of module 'users' contains a function definition: keep it empty "
                "and move the code into the role file that owns it",
            ),
            path="cpv3/modules/users/__init__.py",
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        if not _in_package_init(self):
            return
        for index, statement in enumerate(node.body):
            what = _logic_kind(statement, first=index == 0)
            if what is not None:
                self.report(
                    statement,
                    f"__init__.py of module '{self.ctx.feature}' contains {what}: keep it empty "
                    "and move the code into the role file that owns it",
                )
