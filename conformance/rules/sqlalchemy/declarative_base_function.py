"""CNF502 declarative-base-function."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Tuple

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import DECLARATIVE_BASE_FACTORIES, Imports, _spelling


class DeclarativeBaseFunction(FileRule):
    """## What it checks
    A declarative base made by calling `declarative_base()` (from `sqlalchemy.orm` or the old
    `sqlalchemy.ext.declarative`).

    ## Why
    SQLAlchemy 2.0 supersedes the function by subclassing `DeclarativeBase`: only a class base gives
    type checkers the `Mapped[...]` attributes, `__init__` signatures and `metadata`/`registry`
    that 2.0-style models rely on.

    ## Example
    ```python
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()
    ```

    ## Use instead
    ```python
    from sqlalchemy.orm import DeclarativeBase

    class Base(DeclarativeBase):
        pass
    ```

    ## Fix
    Unsafe, for a module-level `Base = declarative_base()` with no arguments or only `metadata=`:
    the statement becomes the class (importing `DeclarativeBase` from `sqlalchemy.orm` unless the
    file has it, or `sqlalchemy.orm` as a module). Unsafe because code that passes the base to
    `declarative_base`-era helpers (`registry`, `DeclarativeMeta` checks) can behave differently.
    `cls=`, `name=`, `metaclass=` and the other arguments change the base in ways a class
    statement spells differently: report only.
    """

    code = "CNF502"
    name = "declarative-base-function"
    summary = "declarative base made with declarative_base()"
    fix_hint = "subclass sqlalchemy.orm.DeclarativeBase instead"
    catalog = "SA002"
    fix = FixSafety.UNSAFE
    VALID = (
        Example.code(
            """
            from sqlalchemy.orm import DeclarativeBase

            class Base(DeclarativeBase):
                pass
            """,
            path="cpv3/core/db.py",
        ),
        Example.code(
            """
            def declarative_base():
                return object

            Base = declarative_base()
            """,
            path="cpv3/core/db.py",
            note="a local function of the same name",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy import orm

            Base = orm.declarative_base()
            """,
            Expect(
                3,
                1,
                "Base = declarative_base() is the legacy declarative base: declare "
                "class Base(DeclarativeBase) (sqlalchemy.orm)",
            ),
            path="cpv3/core/db.py",
            fixed="""
            from sqlalchemy import orm

            class Base(orm.DeclarativeBase):
                pass
            """,
            unsafe=True,
        ),
        Example.code(
            """
            from sqlalchemy import MetaData
            from sqlalchemy.orm import declarative_base

            # every entity derives from this
            Base = declarative_base(metadata=MetaData(schema="shop"))
            """,
            Expect(
                5,
                1,
                "Base = declarative_base() is the legacy declarative base: declare "
                "class Base(DeclarativeBase) (sqlalchemy.orm)",
            ),
            path="cpv3/core/db.py",
            fixed="""
            from sqlalchemy import MetaData
            from sqlalchemy.orm import DeclarativeBase, declarative_base

            # every entity derives from this
            class Base(DeclarativeBase):
                metadata = MetaData(schema="shop")
            """,
            unsafe=True,
        ),
        Example.code(
            """
            from sqlalchemy import MetaData
            from sqlalchemy.ext.declarative import declarative_base as db

            Base = db(metadata=MetaData(), name="Model")
            """,
            Expect(
                4,
                1,
                "Base = declarative_base() is the legacy declarative base: declare "
                "class Base(DeclarativeBase) (sqlalchemy.orm)",
            ),
            path="cpv3/core/db.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.call_name(node) not in DECLARATIVE_BASE_FACTORIES:
            return
        parent = ctx.ancestors[-1] if ctx.ancestors else None
        statement = ctx.statement
        name = "Base"
        if (
            isinstance(parent, cst.Assign)
            and parent.value is node
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
        ):
            name = parent.targets[0].target.value
            if (
                not ctx.in_function
                and ctx.class_def is None
                and isinstance(statement, cst.SimpleStatementLine)
                and len(statement.body) == 1
            ):
                message = (
                    f"{name} = declarative_base() is the legacy declarative base: declare "
                    f"class {name}(DeclarativeBase) (sqlalchemy.orm)"
                )
                fixed = self._fixed(statement, name, node)
                self.report(
                    statement,
                    message,
                    replacement=fixed[0] if fixed else None,
                    imports=fixed[1] if fixed else (),
                )
                return
        self.report(
            node,
            f"{name} = declarative_base() is the legacy declarative base: declare "
            f"class {name}(DeclarativeBase) (sqlalchemy.orm)",
        )

    def _fixed(
        self, statement: cst.SimpleStatementLine, name: str, call: cst.Call
    ) -> Optional[Tuple[cst.CSTNode, Imports]]:
        ctx = self.ctx
        spelled = _spelling(
            ctx,
            frozenset(
                {"sqlalchemy.orm.DeclarativeBase", "sqlalchemy.orm.decl_api.DeclarativeBase"}
            ),
            "sqlalchemy.orm",
            "DeclarativeBase",
        )
        if spelled is None:
            return None
        base, imports = spelled
        body = "pass"
        for arg in call.args:
            if arg.star or arg.keyword is None or arg.keyword.value != "metadata":
                return None
            body = f"metadata = {ctx.code_for(arg.value)}"
        indent = ctx.default_indent
        text = f"class {name}({base}):\n{indent}{body}\n"
        try:
            new = ctx.parse_statement(text)
        except Exception:
            return None
        return new.with_changes(leading_lines=statement.leading_lines), imports
