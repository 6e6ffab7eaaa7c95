"""CNF509 legacy-execution."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from conformance.conditions import AnyOf, Condition
from conformance.diagnostics import FixSafety
from conformance.index import ASYNC_SESSION, SYNC_SESSION
from conformance.names import ASYNC_SESSION_CLASSES, SYNC_SESSION_CLASSES
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import (
    _REPOSITORY,
    ASYNC_SESSION_CLASSES_OPTION,
    ASYNC_SESSIONMAKERS,
    SYNC_SESSIONMAKERS,
    TEXT,
    Certain,
    _engine_or_connection,
    _expression,
    _keyword,
    _report,
    _spelling,
    _string_value,
    session_condition,
)


class LegacyExecution(FileRule):
    """## What it checks
    Execution styles SQLAlchemy 2.0 removed, on receivers the file types with certainty:
    `engine.execute(...)` / `engine.scalar(...)` (connectionless execution) on an engine made by
    `create_engine`/`create_async_engine` or annotated `Engine`; `execute("raw SQL")` with a plain
    string on a connection or session; `autocommit=True` passed to `Session`, `sessionmaker` and
    their async forms; `begin(subtransactions=...)` on a session or connection.

    ## Why
    Each raises in 2.0: `AttributeError` (no `Engine.execute`), `ObjectNotExecutableError` (a
    string is not a statement), `TypeError` (removed arguments).

    ## Example
    ```python
    engine.execute("DELETE FROM audit")
    ```

    ## Use instead
    ```python
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit"))
    ```
    Sessions autobegin; use `begin_nested()` for savepoints.

    ## Fix
    Safe for a raw string passed to `execute()`: the string is wrapped in `text(...)` (imported
    from `sqlalchemy` unless the file has it, or `text` means something else there). The rest is
    reported only.
    """

    code = "CNF509"
    name = "legacy-execution"
    options = (ASYNC_SESSION_CLASSES_OPTION,)
    summary = "execution style removed in SQLAlchemy 2.0"
    fix_hint = "use a connection (engine.connect()/begin()), text() for raw SQL, autobegin"
    catalog = "SA009"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from sqlalchemy import create_engine, text

            engine = create_engine("sqlite://")

            def purge(db, log):
                db.execute("DELETE FROM audit")
                log.begin(subtransactions=True)
                with engine.begin() as conn:
                    conn.execute(text("DELETE FROM audit"))
            """,
            path="scripts/purge.py",
            note="untyped receivers, and the 2.0 form",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa
            from sqlalchemy import text as sql
            from sqlalchemy.orm import Session, sessionmaker

            engine = sa.create_engine("sqlite://")
            Factory = sessionmaker(engine, autocommit=True)

            def purge(session: Session):
                engine.execute(sql("DELETE FROM audit"))
                with engine.connect() as conn:
                    conn.execute("DELETE FROM audit")
                session.begin(subtransactions=True)
            """,
            Expect(
                6,
                32,
                "autocommit=True was removed in SQLAlchemy 2.0: sessions begin a transaction on "
                "first use; commit() explicitly",
            ),
            Expect(
                9,
                5,
                "engine.execute() (connectionless execution) was removed in SQLAlchemy 2.0: run it "
                "on a connection, with engine.connect() as conn: conn.execute(...)",
            ),
            Expect(
                11,
                22,
                "conn.execute() with a plain SQL string raises in SQLAlchemy 2.0: wrap it in "
                "text(...)",
            ),
            Expect(
                12,
                19,
                "begin(subtransactions=...) was removed in SQLAlchemy 2.0: use begin_nested() "
                "for a savepoint, or let the outer transaction govern",
            ),
            path="scripts/purge.py",
            fixed="""
            import sqlalchemy as sa
            from sqlalchemy import text as sql
            from sqlalchemy.orm import Session, sessionmaker

            engine = sa.create_engine("sqlite://")
            Factory = sessionmaker(engine, autocommit=True)

            def purge(session: Session):
                engine.execute(sql("DELETE FROM audit"))
                with engine.connect() as conn:
                    conn.execute(sql("DELETE FROM audit"))
                session.begin(subtransactions=True)
            """,
        ),
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession


            async def purge(session: AsyncSession):
                await session.execute("DELETE FROM audit")
            """,
            Expect(
                5,
                27,
                "session.execute() with a plain SQL string raises in SQLAlchemy 2.0: wrap it in "
                "text(...)",
            ),
            path=_REPOSITORY,
            fixed="""
            from sqlalchemy import text
            from sqlalchemy.ext.asyncio import AsyncSession


            async def purge(session: AsyncSession):
                await session.execute(text("DELETE FROM audit"))
            """,
        ),
    )

    _MAKERS = (
        ASYNC_SESSIONMAKERS
        | SYNC_SESSIONMAKERS
        | frozenset(ASYNC_SESSION_CLASSES)
        | frozenset(SYNC_SESSION_CLASSES)
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        name = ctx.call_name(node)
        if name in self._MAKERS:
            arg = _keyword(node, "autocommit")
            if arg is not None and not (
                isinstance(arg.value, cst.Name) and arg.value.value == "False"
            ):
                self.report(
                    arg,
                    "autocommit=True was removed in SQLAlchemy 2.0: sessions begin a transaction "
                    "on first use; commit() explicitly",
                )
            return
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method not in ("execute", "scalar", "begin"):
            return
        receiver = func.value
        shown = ctx.code_for(receiver)
        if method in ("execute", "scalar"):
            engine = _engine_or_connection(ctx, receiver, "engine")
            if engine is not None:
                _report(
                    self,
                    node,
                    f"{shown}.{method}() (connectionless execution) was removed in SQLAlchemy "
                    f"2.0: run it on a connection, with {shown}.connect() as conn: "
                    f"conn.{method}(...)",
                    engine,
                )
        if method == "execute" and node.args and node.args[0].keyword is None:
            first = node.args[0].value
            if _string_value(first) is not None or isinstance(first, cst.FormattedString):
                condition = self._session_or_connection(receiver)
                if condition is not None:
                    spelled = _spelling(ctx, TEXT, "sqlalchemy", "text")
                    replacement = (
                        cst.Call(func=_expression(spelled[0]), args=[cst.Arg(value=first)])
                        if spelled is not None
                        else None
                    )
                    _report(
                        self,
                        first,
                        f"{shown}.execute() with a plain SQL string raises in SQLAlchemy 2.0: "
                        "wrap it in text(...)",
                        condition,
                        replacement=replacement,
                        imports=spelled[1] if spelled is not None else (),
                    )
            return
        if method == "begin":
            arg = _keyword(node, "subtransactions")
            if arg is not None:
                condition = self._session_or_connection(receiver)
                if condition is not None:
                    _report(
                        self,
                        arg,
                        "begin(subtransactions=...) was removed in SQLAlchemy 2.0: use "
                        "begin_nested() for a savepoint, or let the outer transaction govern",
                        condition,
                    )

    def _session_or_connection(self, receiver: cst.BaseExpression) -> Optional[Condition]:
        parts = [
            c
            for c in (
                session_condition(self.ctx, receiver, ASYNC_SESSION),
                session_condition(self.ctx, receiver, SYNC_SESSION),
                _engine_or_connection(self.ctx, receiver, "connection"),
            )
            if c is not None
        ]
        if not parts:
            return None
        if any(isinstance(p, Certain) for p in parts):
            return Certain()
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))
