"""CNF485 pydantic-unused-v1-import."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Tuple,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    _ROOT_VALIDATOR,
    _VALIDATOR,
    SCHEMAS,
    _aliases,
    _contains_comment,
    _without_aliases,
)

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst


#: v1 names that the fixes leave unused once they converted what used them: the decorators
#: (CNF410, CNF416), the custom-error bases (CNF486) and ``ErrorWrapper`` (CNF475)
_V1_LEFTOVERS = (
    _VALIDATOR
    | _ROOT_VALIDATOR
    | frozenset(
        {
            "pydantic.PydanticValueError",
            "pydantic.PydanticTypeError",
            "pydantic.errors.PydanticValueError",
            "pydantic.errors.PydanticTypeError",
            "pydantic.error_wrappers.ErrorWrapper",
        }
    )
)


class UnusedV1Import(FileRule):
    """## What it checks
    `validator`, `root_validator`, `PydanticValueError`, `PydanticTypeError` or `ErrorWrapper`
    imported from `pydantic` (or `pydantic.errors`, `pydantic.error_wrappers`) at module level and
    never used in the file: what is left once the v1 decorators (CNF410, CNF416), the custom error
    classes (CNF486) and the `ErrorWrapper` calls (CNF475) were converted.

    ## Why
    The decorators are deprecated in v2 and the other names are gone (importing them fails); an
    import nothing uses keeps the v1 name in the file and makes the next reader look for v1 code
    that is gone.

    ## Example
    ```python
    from pydantic import BaseModel, field_validator, validator
    ```

    ## Use instead
    ```python
    from pydantic import BaseModel, field_validator
    ```

    ## Fix
    Safe: the unused names leave the import (the whole statement goes when nothing else is
    imported by it). Not when a comment sits inside the statement, or when the module defines
    `__all__` (the name may be re-exported).
    """

    code = "CNF485"
    name = "pydantic-unused-v1-import"
    summary = "unused v1 import (validator, root_validator, v1 error classes)"
    fix_hint = "remove the unused import"
    catalog = "PV085"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator


            class UserIn(BaseModel):
                name: str

                @validator("name")
                def strip(cls, v):
                    return v.strip()
            """,
            path=SCHEMAS,
        ),
        Example.code(
            """
            from pydantic import validator

            __all__ = ["validator"]
            """,
            path=SCHEMAS,
            note="re-exported",
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, field_validator, root_validator, validator


            class UserIn(BaseModel):
                name: str

                @field_validator("name")
                @classmethod
                def strip(cls, v):
                    return v.strip()
            """,
            Expect(
                1,
                1,
                "root_validator, validator imported from pydantic and unused (left over from converted v1 code): remove them",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel, field_validator


            class UserIn(BaseModel):
                name: str

                @field_validator("name")
                @classmethod
                def strip(cls, v):
                    return v.strip()
            """,
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._imports: List[Tuple[cst.CSTNode, cst.ImportFrom, List[cst.ImportAlias]]] = []
        self._used: Dict[str, int] = {}

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        ctx = self.ctx
        if ctx.in_function or ctx.class_def is not None or ctx.in_type_checking:
            return
        found = [
            alias
            for alias, fact in zip(_aliases(node), ctx.import_facts(node))
            if fact.target in _V1_LEFTOVERS
        ]
        statement = ctx.statement
        if found and statement is not None:
            self._imports.append((statement, node, found))

    def visit_Name(self, node: cst.Name) -> None:
        self._used[node.value] = self._used.get(node.value, 0) + 1

    def finish(self) -> None:
        if "__all__" in self._used or "__all__" in self.ctx.module_bindings():
            return
        for statement, node, found in self._imports:
            unused = [alias for alias in found if self._used.get(_bound(alias), 0) == 0]
            if not unused:
                continue
            names = ", ".join(sorted(_bound(alias) for alias in unused))
            replacement: Any = None
            if not _contains_comment(node) and isinstance(statement, cst.SimpleStatementLine):
                if len(unused) < len(_aliases(node)):
                    replacement = _without_aliases(node, unused)
                elif len(statement.body) == 1:
                    replacement = cst.RemovalSentinel.REMOVE
            pronoun = "them" if len(unused) > 1 else "it"
            self.report(
                statement if replacement is cst.RemovalSentinel.REMOVE else node,
                f"{names} imported from pydantic and unused (left over from converted v1 code): "
                f"remove {pronoun}",
                replacement=replacement,
            )


def _bound(alias: cst.ImportAlias) -> str:
    """The name ``alias`` binds (``validator`` for ``validator``, ``v`` for ``validator as v``)."""
    asname = alias.asname
    if asname is not None and isinstance(asname.name, cst.Name):
        return asname.name.value
    assert isinstance(alias.name, cst.Name)
    return alias.name.value
