"""CNF307 session-by-hand."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Optional,
    Tuple,
)

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import _short
from conformance.rules.fastapi._conditions import (
    _ENGINE_FACTORIES,
    _SESSIONMAKERS,
    _SESSIONS,
    IsGeneratorFunction,
    IsSessionFactory,
)
from conformance.rules.fastapi._examples import _documented


class SessionByHand(FileRule):
    """## What it checks
    In module files (a role: router, service, repository, ...), a session or engine created or
    pulled by hand inside a function: `SessionLocal()` / `async_session_maker()` (a name bound to
    `sessionmaker(...)`/`async_sessionmaker(...)`), `AsyncSession(engine)`, `create_async_engine(...)`,
    `next(get_db())`, `anext(get_session())`. `yield` functions (providers) are exempt.

    ## Why
    A session per request, closed on every path, is what a `yield` provider guarantees; a
    session built by hand leaks on errors and cannot be overridden in tests.

    ## Example
    ```python
    async def list_users():
        async with SessionLocal() as session:
            ...
    ```

    ## Use instead
    A `yield` provider injected with `Depends` (`session: SessionDep`).

    ## Options
    Files outside module packages (scripts, background jobs, `core/db.py`) are not checked: they
    legitimately manage their own sessions.
    """

    code = "CNF307"
    name = "session-by-hand"
    summary = "session or engine created by hand in a module function"
    fix_hint = "inject the session with a yield provider: `session: SessionDep`"
    catalog = "DI007"
    applies_to = "roles"
    VALID = (
        _documented(),
        Example.code(
            """
            from typing import AsyncIterator

            from cpv3.core.db import SessionFactory


            async def get_session() -> AsyncIterator[object]:
                async with SessionFactory() as session:
                    yield session
            """,
            extra={
                "cpv3/core/db.py": (
                    "from sqlalchemy.ext.asyncio import async_sessionmaker\n\n"
                    "SessionFactory = async_sessionmaker()\n"
                )
            },
            note="a yield provider is where sessions are made",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.ext import asyncio as sa

            from cpv3.core.db import SessionFactory, get_session


            class UserService:
                async def count(self) -> int:
                    async with SessionFactory() as session:
                        return 0

                async def other(self) -> None:
                    session = await anext(get_session())
                    engine = sa.create_async_engine("sqlite://")
            """,
            Expect(
                8,
                20,
                "session created by hand with SessionFactory() in count",
            ),
            Expect(
                12,
                25,
                "session pulled by hand with anext(get_session()) in other",
            ),
            Expect(
                13,
                18,
                "engine created with create_async_engine() in other",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/core/db.py": (
                    "from sqlalchemy.ext.asyncio import async_sessionmaker\n\n"
                    "SessionFactory = async_sessionmaker()\n\n\n"
                    "async def get_session():\n    async with SessionFactory() as s:\n"
                    "        yield s\n"
                )
            },
        ),
    )

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        # Whether a function is a yield provider is known only at its end: hold its reports.
        self._held: Dict[int, List[Tuple[Any, Optional[str], Any]]] = {}

    def report(self, node: Any, message: Optional[str] = None, **kwargs: Any) -> None:
        function = self.ctx.function
        if function is None:
            super().report(node, message, **kwargs)
            return
        self._held.setdefault(id(function), []).append((node, message, kwargs))

    def function_end(self, node: cst.FunctionDef) -> None:
        held = self._held.pop(id(node), [])
        if not held or self.ctx.is_generator(node):
            return
        for target, message, kwargs in held:
            super().report(target, message, **kwargs)

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        function = ctx.function
        if not ctx.roles or function is None:
            return
        callee = ctx.call_name(node)
        if callee is None:
            return
        where = function.name.value
        if callee in _ENGINE_FACTORIES:
            self.report(
                node,
                f"engine created with {_short(callee)}() in {where}",
                fix_hint="create the engine once at "
                "module level and inject sessions with a yield provider",
            )
        elif callee in _SESSIONS:
            self.report(
                node,
                f"session created by hand with {_short(callee)}() in {where}",
            )
        elif callee in ("builtins.next", "builtins.anext"):
            inner = node.args[0].value if node.args else None
            if not isinstance(inner, cst.Call):
                return
            provider = ctx.call_name(inner)
            if provider is None or not ctx.is_project_name(provider):
                return
            self.report(
                node,
                f"session pulled by hand with {_short(callee)}({_short(provider)}()) in {where}",
                when=IsGeneratorFunction(provider),
            )
        elif ctx.is_project_name(callee):
            self.report(
                node,
                f"session created by hand with {_short(callee)}() in {where}",
                when=IsSessionFactory(callee),
            )
        else:
            typed = ctx.instance_type(node.func)
            if typed is not None and typed in _SESSIONMAKERS:
                self.report(
                    node,
                    f"session created by hand with {ctx.code_for(node.func)}() in {where}",
                )
