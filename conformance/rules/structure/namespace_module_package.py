"""CNF104 namespace-module-package."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from conformance.diagnostics import Location, Violation
from conformance.rules.base import Example, Expect, ProjectRule
from conformance.rules.structure._common import _tree

if TYPE_CHECKING:
    from conformance.project import Project


class NamespaceModulePackage(ProjectRule):
    """## What it checks
    A module folder without `__init__.py`, which Python treats as a namespace package.

    ## Why
    Namespace packages resolve differently (two folders of the same name merge silently), relative
    imports from them surprise, and import-graph tools treat them apart. Every feature module is a
    regular package.

    ## Example
    ```
    cpv3/modules/users/   (no __init__.py)
    ```

    ## Use instead
    Add an empty `__init__.py`.

    ## Fix
    None: `--fix` never creates files.

    ## Options
    None. The finding points at the module's folder (the missing `__init__.py` does not exist);
    it has no line: suppress it with `per-file-ignores`.
    """

    code = "CNF104"
    name = "namespace-module-package"
    summary = "module folder has no __init__.py"
    fix_hint = "add an empty __init__.py"
    catalog = "STR004"
    VALID = (Example(files=_tree()),)
    INVALID = (
        Example(
            files=_tree({"cpv3/modules/users/__init__.py": None}),
            expect=(
                Expect(
                    None,
                    None,
                    "module 'users' has no __init__.py, so Python treats it as a namespace package",
                    path="cpv3/modules/users",
                ),
            ),
        ),
    )

    def check(self, project: Project) -> Iterable[Violation]:
        for package in project.layout.packages:
            if "__init__.py" not in package.files:
                # The file is missing: the finding points at the folder, which exists.
                yield self.make_violation(
                    package.path,
                    Location(),
                    f"module '{package.name}' has no __init__.py, so Python treats it as a "
                    "namespace package",
                    fix_hint="add an empty __init__.py",
                    fingerprint_text="__init__.py",
                )
