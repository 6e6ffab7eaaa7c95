"""CNF105 stray-modules-root-file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Set

from conformance.diagnostics import Location, Violation
from conformance.names import ROUTER_CLASSES
from conformance.rules.base import Example, Expect, ProjectRule
from conformance.rules.structure._common import _CreatesRouter, _tree

if TYPE_CHECKING:
    from conformance.facts import FileFacts
    from conformance.index import ProjectIndex
    from conformance.project import Project

#: a module's router, for the examples
_ROUTER = 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/x", tags=["x"])\n'


class StrayModulesRootFile(ProjectRule):
    """## What it checks
    A Python file directly in the folder that holds the module packages (`cpv3/modules/helpers.py`),
    other than its `__init__.py`. Not reported: files of the application package when the modules
    sit directly in it (a folder with `main.py`, `app.py`, `asgi.py`, `wsgi.py` or `__main__.py`:
    `app/config.py` beside `app/users/`), files in a module package or its sub-folders, and the
    files of a shared package that holds a module or two among as many files of its own, or more
    (`core/security.py` beside `core/authentication/`), and router wiring: a file that binds
    nothing but imports and `APIRouter`s (no function, no class, no other value), which creates
    a router and includes the routers of the modules below it (`api = APIRouter()`,
    `api.include_router(orders.router)`), like the application's own wiring: it holds nothing
    the modules could share.

    ## Why
    Shared helpers next to the modules belong to no module and to every module: they become the
    back door through which modules reach into each other.

    ## Example
    ```
    cpv3/modules/helpers.py
    ```

    ## Use instead
    Move shared code to a package outside `modules/` (`cpv3/core/`), or into the module that owns it.

    A folder is a modules folder when every sub-folder with Python files in it is a module
    package: an application package that holds its features beside `database/` or `common/`
    (`src/app/users/` next to `src/app/main.py`) is not one, and its own files are not stray.

    ## Options
    `modules` decides which folder holds the packages.
    """

    code = "CNF105"
    name = "stray-modules-root-file"
    summary = "Python file directly in the modules folder"
    fix_hint = "move shared code to a package outside the modules folder (e.g. cpv3/core/)"
    catalog = "STR005"
    VALID = (
        Example(files=_tree({"cpv3/modules/__init__.py": ""})),
        Example(
            files={
                "app/__init__.py": "",
                "app/main.py": "app = None\n",
                "app/config.py": "DEBUG = False\n",
                "app/users/__init__.py": "",
                "app/users/router.py": "",
                "app/orders/__init__.py": "",
                "app/orders/router.py": "",
            },
            config='modules = ["app/*"]\nrequired-files = ["__init__.py", "router.py"]\n',
            note="the modules sit in the application package, beside main.py",
        ),
        Example(
            files=_tree(
                {
                    "cpv3/core/__init__.py": "",
                    "cpv3/core/security.py": "",
                    "cpv3/core/database.py": "",
                    "cpv3/core/auth/__init__.py": "",
                    "cpv3/core/auth/router.py": "",
                }
            ),
            config='modules = ["cpv3/modules/*", "cpv3/core/auth"]\n'
            'required-files = ["__init__.py", "router.py"]\n',
            note="a shared package holding one module among files of its own",
        ),
        Example(
            files={
                "cpv3/__init__.py": "",
                "cpv3/main.py": "app = None\n",
                "cpv3/billing/__init__.py": "",
                "cpv3/billing/routes.py": (
                    "from fastapi import APIRouter\n\n"
                    "from cpv3.billing.invoices.routes import router as invoices_router\n"
                    "from cpv3.billing.payments import routes as payments_routes\n\n"
                    "router = APIRouter()\n"
                    'router.include_router(invoices_router, prefix="/invoices")\n'
                    'router.include_router(payments_routes.router, prefix="/payments")\n'
                ),
                "cpv3/billing/invoices/__init__.py": "",
                "cpv3/billing/invoices/routes.py": _ROUTER,
                "cpv3/billing/payments/__init__.py": "",
                "cpv3/billing/payments/routes.py": _ROUTER,
            },
            config='modules = ["cpv3/billing/*"]\nrequired-files = ["__init__.py", "routes.py"]\n'
            '[roles]\nrouter = ["routes.py"]\n',
            note="a file that only creates a router and includes the modules' routers is wiring",
        ),
    )
    INVALID = (
        Example(
            files=_tree(
                {
                    "cpv3/modules/helpers.py": "x = 1\n",
                    "cpv3/modules/orders/__init__.py": "",
                    "cpv3/modules/orders/router.py": "",
                }
            ),
            expect=(
                Expect(
                    None,
                    None,
                    "helpers.py sits directly in cpv3/modules, outside every module",
                    path="cpv3/modules/helpers.py",
                ),
            ),
        ),
        Example(
            files=_tree(
                {
                    "cpv3/modules/api.py": (
                        "from fastapi import APIRouter\n\n"
                        "from cpv3.modules.users.router import router as users_router\n\n"
                        'PREFIX = "/api"\n'
                        "api = APIRouter(prefix=PREFIX)\n"
                        "api.include_router(users_router)\n"
                    ),
                    "cpv3/modules/users/router.py": _ROUTER,
                    "cpv3/modules/orders/__init__.py": "",
                    "cpv3/modules/orders/router.py": _ROUTER,
                }
            ),
            expect=(
                Expect(
                    None,
                    None,
                    "api.py sits directly in cpv3/modules, outside every module",
                    path="cpv3/modules/api.py",
                ),
            ),
            note="a file holding a value beside its router offers it to the modules",
        ),
    )

    def check(self, project: Project) -> Iterable[Violation]:
        for path in project.layout.modules_root_files:
            folder, _, name = path.rpartition("/")
            shared = _shared_package(folder)
            yield self.make_violation(
                path,
                Location(),
                f"{name} sits directly in {folder or '.'}, outside every module",
                fix_hint=f"move it to a shared package (e.g. {shared}) or into the module that"
                " owns it",
                fingerprint_text=name,
            )

    def stands(self, violation: Violation, facts: FileFacts, index: ProjectIndex) -> bool:
        return not _router_wiring(facts, index)


def _router_wiring(facts: FileFacts, index: ProjectIndex) -> bool:
    """The file binds nothing but imports and at least one router: whatever else it runs at
    module level (``include_router``, ``mount``) wires routers, it defines nothing to share."""
    if facts.classes or facts.functions:
        return False
    bound: Set[str] = {f.alias for f in facts.imports if f.alias and f.module_level}
    bound.add("__all__")
    routers = False
    for alias in facts.aliases:
        name = alias.qualname.rpartition(".")[2]
        if alias.kind != "call" or alias.target is None or name in bound:
            continue
        target = index.resolve(alias.target)
        if target in ROUTER_CLASSES or _CreatesRouter(target).evaluate(index) is True:
            bound.add(name)
            routers = True
    return routers and all(name in bound for name in facts.names)


def _shared_package(modules_root: str) -> str:
    """A shared package beside the modules folder, named after this project's layout
    (``cpv3/core/`` for ``cpv3/modules``, ``app/core/`` for ``app/features``)."""
    parent = modules_root.rpartition("/")[0]
    return f"{parent}/core/" if parent else "core/"
