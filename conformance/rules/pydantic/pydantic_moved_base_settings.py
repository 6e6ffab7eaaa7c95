"""CNF470 pydantic-moved-base-settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _aliases, _contains_comment, _without_aliases
from conformance.rules.pydantic._templates import _ImportedName

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class MovedBaseSettings(_ImportedName):
    """## What it checks
    `BaseSettings` imported from `pydantic` (or `pydantic.env_settings`).

    ## Why
    Settings moved to the separate `pydantic-settings` package; importing `BaseSettings` from
    `pydantic` raises `PydanticImportError` in v2.

    ## Example
    ```python
    from pydantic import BaseSettings
    ```

    ## Use instead
    ```python
    from pydantic_settings import BaseSettings
    ```
    (add `pydantic-settings` to the dependencies).

    ## Fix
    Safe for `from pydantic import ..., BaseSettings[ as X], ...` on a line of its own (no
    comment inside the statement): `BaseSettings` leaves that import and
    `from pydantic_settings import BaseSettings[ as X]` follows it on the next line. The code then
    needs the `pydantic-settings` package installed (a new dependency: add it to your project's
    requirements). The finding is then reported at the import statement. `pydantic.BaseSettings`
    after `import pydantic` gets no fix.
    """

    code = "CNF470"
    name = "pydantic-moved-base-settings"
    summary = "BaseSettings imported from pydantic"
    fix_hint = "from pydantic_settings import BaseSettings"
    catalog = "PV070"
    fix = FixSafety.SAFE
    names = frozenset({"pydantic.BaseSettings", "pydantic.env_settings.BaseSettings"})
    VALID = (
        Example.code("from pydantic_settings import BaseSettings\n", path="cpv3/core/config.py"),
    )
    INVALID = (
        Example.code(
            """
            import pydantic
            from pydantic import BaseSettings as Base


            class Settings(Base):
                debug: bool = False


            class Other(pydantic.BaseSettings):
                pass
            """,
            Expect(
                2,
                1,
                "BaseSettings moved to pydantic-settings in Pydantic v2 (importing it from pydantic fails)",
            ),
            Expect(
                9,
                13,
                "BaseSettings moved to pydantic-settings in Pydantic v2 (importing it from pydantic fails)",
            ),
            path="cpv3/core/config.py",
            fixed="""
            import pydantic
            from pydantic_settings import BaseSettings as Base


            class Settings(Base):
                debug: bool = False


            class Other(pydantic.BaseSettings):
                pass
            """,
        ),
        Example.code(
            """
            from pydantic import BaseModel, BaseSettings, Field


            class Settings(BaseSettings):
                debug: bool = Field(False)
            """,
            Expect(
                1,
                1,
                "BaseSettings moved to pydantic-settings in Pydantic v2 (importing it from pydantic fails)",
            ),
            path="cpv3/core/config.py",
            fixed="""
            from pydantic import BaseModel, Field
            from pydantic_settings import BaseSettings


            class Settings(BaseSettings):
                debug: bool = Field(False)
            """,
        ),
    )

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        statement = self.ctx.statement
        moved = [
            alias
            for alias, fact in zip(_aliases(node), self.ctx.import_facts(node))
            if self.matches(fact.target)
        ]
        if not moved:
            return
        if (
            not isinstance(statement, cst.SimpleStatementLine)
            or len(statement.body) != 1
            or node.relative
            or _contains_comment(node)
        ):
            super().visit_ImportFrom(node)
            return
        kept = [alias for alias in _aliases(node) if alias not in moved]
        new_line = cst.SimpleStatementLine(
            body=[
                cst.ImportFrom(
                    module=cst.Name("pydantic_settings"),
                    names=[
                        alias.with_changes(
                            comma=cst.MaybeSentinel.DEFAULT, name=cst.Name("BaseSettings")
                        )
                        for alias in moved[:1]
                    ],
                )
            ]
        )
        replacement: Any = new_line.with_changes(leading_lines=statement.leading_lines)
        if kept:
            replacement = cst.FlattenSentinel(
                [statement.with_changes(body=[_without_aliases(node, moved)]), new_line]
            )
        self.report(statement, self.message(""), replacement=replacement)

    def message(self, qualname: str) -> str:
        return (
            "BaseSettings moved to pydantic-settings in Pydantic v2 (importing it from pydantic "
            "fails)"
        )
