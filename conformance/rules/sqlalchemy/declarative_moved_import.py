"""CNF501 declarative-moved-import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import _MODELS, MOVED_DECLARATIVE, _expression


class MovedDeclarativeImport(FileRule):
    """## What it checks
    `declarative_base`, `declared_attr`, `as_declarative`, `DeclarativeMeta`, `has_inherited_table`
    or `synonym_for` imported from `sqlalchemy.ext.declarative` (a `from` import, or an attribute of
    the imported module).

    ## Why
    SQLAlchemy 1.4 moved the declarative API into `sqlalchemy.orm`; 2.0 keeps the old location only
    as a deprecated alias that warns (`MovedIn20Warning`) and is due for removal.

    ## Example
    ```python
    from sqlalchemy.ext.declarative import declarative_base
    ```

    ## Use instead
    ```python
    from sqlalchemy.orm import declarative_base
    ```
    and then move on to `class Base(DeclarativeBase)` (CNF502).

    ## Fix
    Safe: the module of the `from` import becomes `sqlalchemy.orm` when every imported name moved
    (`DeferredReflection`, `ConcreteBase` and the other extensions stay where they are: such a mixed
    import is reported without a fix).
    """

    code = "CNF501"
    name = "declarative-moved-import"
    summary = "declarative API imported from sqlalchemy.ext.declarative"
    fix_hint = "import it from sqlalchemy.orm"
    catalog = "SA001"
    fix = FixSafety.SAFE
    VALID = (
        Example.code("from sqlalchemy.orm import declarative_base, declared_attr\n", path=_MODELS),
        Example.code(
            "from sqlalchemy.ext.declarative import DeferredReflection\n",
            path=_MODELS,
            note="extensions that did not move",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.ext.declarative import declarative_base as make_base

            Base = make_base()
            """,
            Expect(
                1,
                6,
                "declarative_base is imported from sqlalchemy.ext.declarative, its pre-1.4 location",
            ),
            path=_MODELS,
            fixed="""
            from sqlalchemy.orm import declarative_base as make_base

            Base = make_base()
            """,
        ),
        Example.code(
            """
            import sqlalchemy.ext.declarative as decl

            Base = decl.declarative_base()
            """,
            Expect(
                3,
                8,
                "declarative_base is imported from sqlalchemy.ext.declarative, its pre-1.4 location",
            ),
            path=_MODELS,
        ),
    )

    def _message(self, names: Sequence[str]) -> str:
        return (
            f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} imported from "
            "sqlalchemy.ext.declarative, its pre-1.4 location"
        )

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        facts = self.ctx.import_facts(node)
        moved = [
            f.name
            for f in facts
            if f.module == "sqlalchemy.ext.declarative" and f.name in MOVED_DECLARATIVE
        ]
        if not moved or node.module is None:
            return
        replacement = None
        if len(moved) == len(facts) and not node.relative:
            replacement = _expression("sqlalchemy.orm")
        self.report(node.module, self._message([m for m in moved if m]), replacement=replacement)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = self.ctx.qualname(node)
        if name is None or not name.startswith("sqlalchemy.ext.declarative."):
            return
        if name.rpartition(".")[2] in MOVED_DECLARATIVE and name.count(".") == 3:
            self.report(node, self._message([node.attr.value]))
