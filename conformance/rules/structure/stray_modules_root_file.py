"""CNF105 stray-modules-root-file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from conformance.diagnostics import Location, Violation
from conformance.rules.base import Example, Expect, ProjectRule
from conformance.rules.structure._common import _tree

if TYPE_CHECKING:
    from conformance.project import Project


class StrayModulesRootFile(ProjectRule):
    """## What it checks
    A Python file directly in the folder that holds the module packages (`cpv3/modules/helpers.py`),
    other than its `__init__.py`. Not reported: files of the application package when the modules
    sit directly in it (a folder with `main.py`, `app.py`, `asgi.py`, `wsgi.py` or `__main__.py`:
    `app/config.py` beside `app/users/`), files in a module package or its sub-folders, and the
    files of a shared package that holds a module or two among as many files of its own, or more
    (`core/security.py` beside `core/authentication/`).

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


def _shared_package(modules_root: str) -> str:
    """A shared package beside the modules folder, named after this project's layout
    (``cpv3/core/`` for ``cpv3/modules``, ``app/core/`` for ``app/features``)."""
    parent = modules_root.rpartition("/")[0]
    return f"{parent}/core/" if parent else "core/"
