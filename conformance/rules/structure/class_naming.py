"""CNF114 class-naming."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.structure._common import _PLAIN_BASES


class ClassNaming(FileRule):
    """## What it checks
    A plain class defined at module level in `repository.py` whose name does not end in
    `Repository`, or in `service.py` whose name does not end in `Service`. Classes with other
    bases (exceptions, enums, models, dataclass-like helpers deriving from a library class) are
    not judged.

    ## Why
    Names that say the layer make the layering visible at every call site: `UserRepository` in a
    router is obviously out of place, `UserStore` is not.

    ## Example
    ```python
    # cpv3/modules/users/repository.py
    class UserStore:
        ...
    ```

    ## Use instead
    ```python
    class UserRepository:
        ...
    ```

    ## Fix
    None (a rename touches every importer; do it with your editor's rename refactoring).

    ## Options
    Opt-in: select `CNF114` (or `class-naming`).
    """

    code = "CNF114"
    name = "class-naming"
    summary = "repository or service class not named *Repository / *Service"
    fix_hint = "rename the class so its name ends with the layer's suffix"
    catalog = "STR014"
    default = False
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            class UserRepository:
                pass

            class UserNotFound(Exception):
                pass
            """,
            path="cpv3/modules/users/repository.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            import abc

            class UserStore(abc.ABC):
                pass
            """,
            Expect(3, 7, "class UserStore in repository.py: name repository classes '…Repository'"),
            path="cpv3/modules/users/repository.py",
        ),
    )

    _SUFFIX = {"repository": "Repository", "service": "Service"}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        # a file of several roles: a class named for any of them is named right; a role without
        # a naming convention (models) holds any class
        suffixes = [self._SUFFIX.get(role) for role in ctx.roles]
        if not suffixes or None in suffixes or ctx.in_function or ctx.class_def is not None:
            return
        name = node.name.value
        if name.endswith(tuple(s for s in suffixes if s)) or name.startswith("_"):
            return
        suffix = suffixes[0]
        for arg in node.bases:
            value = arg.value.value if isinstance(arg.value, cst.Subscript) else arg.value
            if ctx.qualname(value) not in _PLAIN_BASES:
                return
        self.report(
            node.name,
            f"class {name} in {ctx.path.rpartition('/')[2]}: name {ctx.role} classes '…{suffix}'",
        )
