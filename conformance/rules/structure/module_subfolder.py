"""CNF103 module-subfolder."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from conformance.diagnostics import Location, Violation
from conformance.roles import is_role_package
from conformance.rules.base import Example, Expect, ProjectRule
from conformance.rules.structure._common import _role_package_example, _tree

if TYPE_CHECKING:
    from conformance.project import Project


class ModuleSubfolder(ProjectRule):
    """## What it checks
    A folder inside a module package (`users/api/`, `users/tests/`). `__pycache__`, hidden and
    gitignored folders are not counted, nor are role packages: a role pattern ending in `/`
    (`schemas = ["schemas.py", "schemas/"]`) lets a package of that name play the role.

    ## Why
    Sub-packages are modules within the module: they escape the role-per-file convention and the
    layering rules that rely on it. Tests belong outside `cpv3/modules`.

    ## Example
    ```
    cpv3/modules/users/api/v2.py
    ```

    ## Use instead
    Flatten the code into the module's files; put tests under `tests/`.

    ## Options
    `exclude` (gitignore syntax) hides a folder from the checker entirely. Nothing inside a
    reported sub-folder is reported (it is judged once flattened). With `nested-modules = true`,
    a sub-folder that the `modules` globs match is a module of its own, not a sub-folder.
    """

    code = "CNF103"
    name = "module-subfolder"
    summary = "module package contains a sub-folder"
    fix_hint = "flatten it into the module's files; tests live outside the modules folder"
    catalog = "STR003"
    VALID = (
        Example(files=_tree()),
        _role_package_example("a role package (schemas/) is no stray sub-folder"),
    )
    INVALID = (
        Example(
            files=_tree({"cpv3/modules/users/api/v2.py": "x = 1\n"}),
            expect=(
                Expect(
                    None,
                    None,
                    "sub-folder api/ in module 'users'",
                    path="cpv3/modules/users/api",
                ),
            ),
        ),
    )

    def check(self, project: Project) -> Iterable[Violation]:
        config = project.config
        for package in project.layout.packages:
            for name in package.subdirs:
                if is_role_package(config, name):
                    continue  # ``schemas/`` configured to play a role: a file split in several
                yield self.make_violation(
                    f"{package.path}/{name}",
                    Location(),
                    f"sub-folder {name}/ in module '{package.name}'",
                    fix_hint="flatten it into the module's files",
                    fingerprint_text=name,
                )
