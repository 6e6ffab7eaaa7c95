"""CNF106 invalid-module-name."""

from __future__ import annotations

import keyword
import re
from typing import TYPE_CHECKING, Iterable

from conformance.diagnostics import Location, Violation
from conformance.rules.base import Example, Expect, ProjectRule
from conformance.rules.structure._common import _VALID_NAME, _tree

if TYPE_CHECKING:
    from conformance.project import Project


class InvalidModuleName(ProjectRule):
    """## What it checks
    A module package whose folder name is not a snake_case Python identifier (`user-profiles`,
    `Users`, `2fa`, `class`).

    ## Why
    A folder that is not an identifier cannot be imported with a plain `import`; mixed case breaks
    on case-insensitive file systems.

    ## Example
    ```
    cpv3/modules/user-profiles/
    ```

    ## Use instead
    ```
    cpv3/modules/user_profiles/
    ```
    """

    code = "CNF106"
    name = "invalid-module-name"
    summary = "module folder name is not a snake_case identifier"
    fix_hint = "rename the folder to lower snake_case"
    catalog = "STR006"
    VALID = (Example(files=_tree()),)
    INVALID = (
        Example(
            files={"cpv3/modules/User-Profiles/__init__.py": ""},
            expect=(
                Expect(
                    None,
                    None,
                    "module folder 'User-Profiles' is not a snake_case identifier: rename it "
                    "(e.g. 'user_profiles')",
                    path="cpv3/modules/User-Profiles",
                ),
            ),
        ),
    )

    def check(self, project: Project) -> Iterable[Violation]:
        for package in project.layout.packages:
            name = package.name
            if _VALID_NAME.match(name) and not keyword.iskeyword(name):
                continue
            suggestion = re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower() or "module"
            if suggestion[0].isdigit():
                suggestion = "m_" + suggestion
            if keyword.iskeyword(suggestion):
                suggestion += "_"
            yield self.make_violation(
                package.path,
                Location(),
                f"module folder '{name}' is not a snake_case identifier: rename it (e.g. '{suggestion}')",
                fingerprint_text=name,
            )
