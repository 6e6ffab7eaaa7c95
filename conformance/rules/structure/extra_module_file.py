"""CNF102 extra-module-file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Iterable, Tuple

from conformance.diagnostics import Location, Violation
from conformance.roles import glob_match
from conformance.rules.base import Example, Expect, ProjectRule
from conformance.rules.structure._common import _tree

if TYPE_CHECKING:
    from conformance.project import Project


class ExtraModuleFile(ProjectRule):
    """## What it checks
    A file in a module package that is not one of the `required-files` and not listed in
    `allowed-extra-files` (`utils.py`, `crud.py`, `dependencies.py`, `constants.py`, ...).

    ## Why
    Extra files are where the layering quietly breaks: a `utils.py` imported by both the router and
    the repository, a `deps.py` that builds repositories for routers. Folding the code into the six
    files keeps every dependency visible to the layering rules.

    ## Example
    ```
    cpv3/modules/users/utils.py
    ```

    ## Use instead
    Move helpers into the file of the layer that uses them (`service.py` for domain logic,
    `repository.py` for queries), or into a shared package outside `cpv3/modules`.

    ## Options
    `allowed-extra-files` (globs, e.g. `["py.typed", "README.md"]`), `required-files`.
    """

    code = "CNF102"
    name = "extra-module-file"
    summary = "module package holds a file the convention does not have"
    fix_hint = (
        "move its code into the file of the layer that uses it, or list it in allowed-extra-files"
    )
    catalog = "STR002"
    VALID = (
        Example(
            files=_tree({"cpv3/modules/users/py.typed": ""}),
            config='allowed-extra-files = ["py.typed"]',
        ),
    )
    INVALID = (
        Example(
            files=_tree({"cpv3/modules/users/utils.py": "def helper():\n    return 1\n"}),
            expect=(
                Expect(
                    None,
                    None,
                    "extra file utils.py in module 'users'",
                    path="cpv3/modules/users/utils.py",
                ),
            ),
        ),
    )

    def check(self, project: Project) -> Iterable[Violation]:
        config = project.config
        for package in project.layout.packages:
            for name in package.files:
                if name in config.required_files or name.endswith((".pyc", ".pyo")):
                    continue
                if any(glob_match(pattern, name) for pattern in config.allowed_extra_files):
                    continue
                if project.roles.for_path(f"{package.path}/{name}")[0] is not None:
                    continue  # a role's file (routes.py next to router.py): never "extra"
                where = _code_files(config.role_map()) if name.endswith(".py") else ""
                where = where or "the module's files"
                yield self.make_violation(
                    f"{package.path}/{name}",
                    Location(),
                    f"extra file {name} in module '{package.name}'",
                    fix_hint=f"move its code into {where}, or list it in allowed-extra-files",
                    fingerprint_text=name,
                )


def _code_files(roles: Dict[str, Tuple[str, ...]]) -> str:
    """The configured file names logic moves into (``service.py or repository.py`` in cpv3;
    ``services.py`` in a layout without a repository layer)."""
    names = [
        patterns[0]
        for role in ("service", "repository")
        for patterns in [roles.get(role, ())]
        if patterns and "/" not in patterns[0]
    ]
    return " or ".join(names)
