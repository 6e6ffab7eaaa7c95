"""CNF108 init-reexports-internals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.structure._common import _in_package_init


class InitReexportsInternals(FileRule):
    """## What it checks
    A module package's `__init__.py` that imports from the module's repository or models, making
    them reachable as `cpv3.modules.users.UserRepository`. Re-exporting the router
    (`from .router import router`) is the usual way the application mounts a module and is fine.

    ## Why
    A re-export turns an internal into the package's public surface: other modules start importing
    `from cpv3.modules.users import UserRepository`, which bypasses the service and hides the
    dependency from a reader of the import.

    ## Example
    ```python
    # cpv3/modules/users/__init__.py
    from .repository import UserRepository
    ```

    ## Use instead
    Export nothing, or only the service surface:
    ```python
    from .service import UserService
    ```

    ## Options
    `roles` decides which files are the repository and models.
    """

    code = "CNF108"
    name = "init-reexports-internals"
    summary = "module __init__.py re-exports repository or model internals"
    fix_hint = "export only the service surface (or nothing) from __init__.py"
    catalog = "STR008"
    applies_to = "roles"
    VALID = (
        Example.code("from .service import UserService\n", path="cpv3/modules/users/__init__.py"),
        Example.code(
            'from .router import router\n\n__all__ = ["router"]\n',
            path="cpv3/modules/users/__init__.py",
            extra={
                "cpv3/modules/users/router.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n"
            },
            note="the router re-export is how main.py mounts the module",
        ),
    )
    INVALID = (
        Example.code(
            "from .repository import UserRepository\n",
            Expect(
                1,
                1,
                "__init__.py of module 'users' re-exports UserRepository from its repository",
            ),
            path="cpv3/modules/users/__init__.py",
        ),
    )

    _INTERNAL = ("repository", "models")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not _in_package_init(self):
            return
        ctx = self.ctx
        for fact in ctx.import_facts(node):
            roles, feature = ctx.roles_of_module(fact.module)
            if not roles and fact.name:
                roles, feature = ctx.roles_of_module(fact.target)
            # a file that is also the schemas or the service is part of the public surface
            internal = bool(roles) and all(r in self._INTERNAL for r in roles)
            role = roles[0] if roles else None
            if internal and feature == ctx.feature:
                what = fact.name if fact.name and fact.name != "*" else "names"
                self.report(
                    node,
                    f"__init__.py of module '{ctx.feature}' re-exports {what} from its {role}",
                    fix_hint="export only the service surface, or nothing",
                )
                return
