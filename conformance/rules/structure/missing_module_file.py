"""CNF101 missing-module-file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from conformance.diagnostics import Location, Violation
from conformance.roles import is_role_package
from conformance.rules.base import Example, Expect, ProjectRule
from conformance.rules.structure._common import _role_package_example, _tree

if TYPE_CHECKING:
    from conformance.project import Project


class MissingRequiredFile(ProjectRule):
    """## What it checks
    A module package that lacks one of the `required-files` (default: `__init__.py`, `models.py`,
    `schemas.py`, `repository.py`, `service.py`, `router.py`). A missing `__init__.py` is CNF104.
    A required `schemas.py` is there when a role package `schemas/` (a role pattern ending in
    `/`) is: Python imports both as `users.schemas`.

    ## Why
    The convention is only useful if it holds everywhere: a reader, a code generator or an agent
    knows where each kind of code lives in every module. A module without `schemas.py` pushes its
    DTOs somewhere else.

    ## Example
    ```
    cpv3/modules/inventory/
      __init__.py  models.py  repository.py  service.py  router.py
    ```

    ## Use instead
    Add the missing file, even if it starts nearly empty.

    ## Fix
    None: `--fix` never creates files.

    ## Options
    `required-files`, `modules`. The finding points at the package's `__init__.py` (the folder
    when that is missing too): a path that exists, for editors and CI annotations. It has no
    line: suppress it with `per-file-ignores`.
    """

    code = "CNF101"
    name = "missing-module-file"
    summary = "module package lacks a required file"
    fix_hint = "add the file (required-files lists what every module must have)"
    catalog = "STR001"
    VALID = (
        Example(files=_tree()),
        _role_package_example("schemas/ configured as a role package stands for schemas.py"),
    )
    INVALID = (
        Example(
            files=_tree({"cpv3/modules/users/schemas.py": None}),
            expect=(
                Expect(
                    None,
                    None,
                    "module 'users' has no schemas.py (every module has "
                    "__init__.py, models.py, schemas.py, repository.py, service.py, router.py)",
                    path="cpv3/modules/users/__init__.py",
                ),
            ),
        ),
    )

    def check(self, project: Project) -> Iterable[Violation]:
        required = project.config.required_files
        for package in project.layout.packages:
            # The missing file does not exist: point at one that does.
            where = (
                f"{package.path}/__init__.py" if "__init__.py" in package.files else package.path
            )
            for name in required:
                if name == "__init__.py" or name in package.files:
                    continue
                # ``schemas/`` as a role package is the same module as ``schemas.py``
                stem = name[:-3] if name.endswith(".py") else name
                if stem in package.subdirs and is_role_package(project.config, stem):
                    continue
                yield self.make_violation(
                    where,
                    Location(),
                    f"module '{package.name}' has no {name} (every module has "
                    f"{', '.join(required)})",
                    fingerprint_text=name,
                )
