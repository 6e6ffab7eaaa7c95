"""CNF512 sync-persistence-in-module."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence

from conformance.conditions import AllOf, Condition, IsKind
from conformance.index import SYNC_SESSION
from conformance.names import (
    APP_CLASSES,
    ASYNC_SESSION_CLASSES,
    ROUTE_METHODS,
    ROUTER_CLASSES,
    RUN_IN_EXECUTOR,
    SYNC_SESSION_CLASSES,
    THREAD_OFFLOADERS,
)
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
    from conformance.index import ProjectIndex

else:
    from conformance import lazycst as cst
from conformance.rules.sqlalchemy._common import (
    _REPOSITORY,
    _SYNC_PERSISTENCE,
    SYNC_ENGINE_FACTORIES,
    SYNC_SESSIONMAKERS,
    _keyword,
)
from conformance.rules.sqlalchemy._session_flow import (
    SESSION_PARAMS,
    Pass,
    PassesToBlocking,
    passed_on,
)

_ASYNC_ROUTES = "sqlalchemy.async-routes"
_PARTIAL = frozenset({"functools.partial"})
_STATICMETHOD = "builtins.staticmethod"
_CLASSMETHOD = "builtins.classmethod"


@dataclass
class _SessionParam:
    """A sync ``Session`` parameter of an ``async def``, reported at the end of the function
    unless every use of it was handed to a worker thread or passed on to ``async def``s that do
    not block (decided on the complete index)."""

    name: str
    annotation: cst.BaseExpression
    typed: str
    position: int  # among the positional parameters, -1 for a keyword-only one
    bound: int  # the same without ``self``/``cls``
    uses: int = 0
    on_loop: bool = False  # some use runs on the event loop
    passes: List[Pass] = field(default_factory=list)  # awaited project callees it is handed to


@dataclass
class _Function:
    qualname: str
    kind: str  # "function", "method", "classmethod", "staticmethod"
    params: List[_SessionParam] = field(default_factory=list)


def _migration(path: str) -> bool:
    """A database migration (Alembic's ``versions/``, a ``migrations/`` folder) runs outside the
    application, synchronously on purpose, even when a broad ``modules`` glob reaches it."""
    parts = path.split("/")[:-1]
    return "alembic" in parts or "migrations" in parts


@dataclass(frozen=True)
class HasAsyncRoutes(Condition):
    """Some route of the project is an ``async def``: requests then run on the event loop, which a
    synchronous engine blocks. When every route is a plain ``def``, FastAPI runs them in its thread
    pool and a synchronous engine is the matching choice."""

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        if index.extra(_ASYNC_ROUTES):
            return True
        return False if index.complete else None


_ASYNC_ROUTER = """
from fastapi import APIRouter

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/")
async def list_users() -> list:
    return []
"""


class SyncPersistenceInModule(FileRule):
    """## What it checks
    Synchronous persistence inside a module package (`cpv3/modules/*`): calls of `create_engine()`,
    `sessionmaker()` (including the pre-2.0 `sessionmaker(class_=AsyncSession)`),
    `scoped_session()`, `Session(...)` opened inside an `async def`, and `async def` parameters annotated with the synchronous
    `Session`. Files outside module packages (scripts, Alembic, tooling) may use a sync engine on
    purpose and are not checked, nor are migrations (`alembic/`, `migrations/` folders) that a
    broad `modules` glob reaches. A synchronous `Session` in a plain `def` passed to
    `AsyncSession.run_sync()` is fine, and so is an `async def`'s `Session` parameter that only
    ever goes to a worker thread: every use an argument of `asyncer.asyncify(f)(...)`,
    `run_in_threadpool(f, ...)`, `asyncio.to_thread(f, ...)`, `anyio.to_thread.run_sync(f, ...)`
    or `loop.run_in_executor(None, f, ...)` (also through `functools.partial(f, ...)` or in a
    `lambda` handed over). A `Session` passed on as an argument of an awaited call to another
    project `async def` (`await audit.record(db)`, `await Auditor().record(db=db)`) blocks the loop
    only when that callee does: the parameter is reported when the callee uses its `Session` on the
    loop, itself or through the `async def`s it passes it on to in turn, and not when the project
    callee cannot be followed (not found, its parameter not annotated as a `Session`). A `Session`
    given to a call that is not awaited, or to an awaited call outside the project, runs in the
    `async def` itself. The engine and session factories are reported only when
    some route of the project is an `async def`: an application whose routes are all plain `def`
    runs them in FastAPI's thread pool, where a synchronous engine blocks no event loop.

    ## Why
    The modules run on the event loop: a synchronous engine blocks it for the whole round trip to
    the database, stalling every other request.

    ## Example
    ```python
    # cpv3/modules/users/repository.py
    engine = create_engine(settings.database_url)
    Session = sessionmaker(engine)
    ```

    ## Use instead
    `create_async_engine()` and `async_sessionmaker()` in `cpv3/core/db.py`, and an injected
    `AsyncSession`.

    ## Options
    `modules`.
    """

    code = "CNF512"
    name = "sync-persistence-in-module"
    summary = "synchronous engine or Session in a module package"
    fix_hint = "use create_async_engine, async_sessionmaker and an injected AsyncSession"
    catalog = "SA012"
    # Every file records where its ``async def``s pass their sessions (a module's callee may live
    # anywhere in the project); only module files are reported.
    applies_to = "all"
    VALID = (
        Example.code(
            """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import Session

            engine = create_engine("sqlite://")

            def seed():
                with Session(engine) as session:
                    session.commit()
            """,
            path="cpv3/core/seed.py",
            note="outside module packages",
        ),
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession
            from sqlalchemy.orm import Session

            def _rename(session: Session) -> None:
                session.flush()

            async def rename(session: AsyncSession) -> None:
                await session.run_sync(_rename)
            """,
            path=_REPOSITORY,
            note="a sync Session in a run_sync callback",
        ),
        Example.code(
            """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            engine = create_engine("postgresql://db/app")
            SessionLocal = sessionmaker(engine)
            """,
            path=_REPOSITORY,
            extra={
                "cpv3/modules/users/router.py": _ASYNC_ROUTER.replace("async def", "def"),
            },
            note="every route is a plain def: FastAPI runs them in its thread pool",
        ),
        Example.code(
            """
            import sqlalchemy as sa


            def upgrade() -> None:
                session = sa.orm.sessionmaker(bind=sa.create_engine("sqlite://"))()
                session.commit()
            """,
            path="cpv3/modules/users/alembic/versions/0001_backfill.py",
            extra={"cpv3/modules/users/router.py": _ASYNC_ROUTER},
            note="a migration that a modules glob reaches runs outside the application",
        ),
        Example.code(
            """
            from sqlalchemy.orm import Session

            from cpv3.core.db import engine


            def expire_trials() -> None:
                with Session(engine) as session:
                    session.commit()
            """,
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/modules/users/router.py": _ASYNC_ROUTER,
                "cpv3/core/db.py": "engine = 1\n",
            },
            note="a Session opened in a plain def (a scheduler job, a worker): no event loop",
        ),
        Example.code(
            """
            import asyncio
            import functools

            from asyncer import asyncify
            from fastapi.concurrency import run_in_threadpool
            from sqlalchemy.orm import Session

            from . import repository


            async def rename(db: Session, user_id: int, name: str) -> None:
                user = await asyncify(repository.get_user)(db, user_id)
                await run_in_threadpool(repository.set_name, db, user, name)
                await asyncio.to_thread(functools.partial(repository.touch, db, user))
                await run_in_threadpool(lambda: db.commit())
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, repository.audit, db, user_id)
            """,
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/modules/users/router.py": _ASYNC_ROUTER,
                "cpv3/modules/users/repository.py": "",
            },
            note="every use of the sync Session runs in a worker thread",
        ),
        Example.code(
            """
            from sqlalchemy.orm import Session

            from cpv3.modules.audit.service import Auditor, record_login


            async def login(db: Session, user_id: int) -> None:
                await record_login(db, user_id)
                await Auditor().record(db=db, user_id=user_id)
                await Auditor.flush(db)
            """,
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/modules/users/router.py": _ASYNC_ROUTER,
                "cpv3/modules/audit/service.py": """
                    from asyncer import asyncify
                    from sqlalchemy.orm import Session

                    from . import repository


                    async def record_login(db: Session, user_id: int) -> None:
                        await asyncify(repository.save_login)(db, user_id)


                    class Auditor:
                        async def record(self, db: Session, user_id: int) -> None:
                            await asyncify(repository.save_event)(db, user_id)

                        @staticmethod
                        async def flush(db: Session) -> None:
                            await asyncify(repository.flush)(db)
                    """,
                "cpv3/modules/audit/repository.py": "",
            },
            note="db is passed on to awaited async defs that hand it to a worker thread",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa
            from sqlalchemy.ext.asyncio import AsyncSession
            from sqlalchemy.orm import Session as S, sessionmaker

            engine = sa.create_engine("postgresql://db/app")
            Factory = sessionmaker(engine, class_=AsyncSession)

            async def active(session: S):
                return session.scalars(select(User))
            """,
            Expect(
                5,
                10,
                "sa.create_engine() makes a synchronous engine in module 'users', which blocks "
                "the event loop: use create_async_engine() (sqlalchemy.ext.asyncio)",
            ),
            Expect(
                6,
                11,
                "sessionmaker(class_=AsyncSession) is the pre-2.0 spelling: use "
                "async_sessionmaker() (sqlalchemy.ext.asyncio)",
            ),
            Expect(
                8,
                27,
                "parameter session of async def active() is a synchronous Session, which blocks "
                "the event loop: inject an AsyncSession",
            ),
            path=_REPOSITORY,
            extra={"cpv3/modules/users/router.py": _ASYNC_ROUTER},
        ),
        Example.code(
            """
            from sqlalchemy.orm import Session

            from cpv3.core.db import engine


            async def expire_trials() -> None:
                with Session(engine) as session:
                    session.commit()
            """,
            Expect(
                7,
                10,
                "Session() opens a synchronous Session in async def expire_trials() of module"
                " 'users', which blocks the event loop: use an injected AsyncSession",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/modules/users/router.py": _ASYNC_ROUTER,
                "cpv3/core/db.py": "engine = 1\n",
            },
        ),
        Example.code(
            """
            from asyncer import asyncify
            from fastapi.concurrency import run_in_threadpool
            from sqlalchemy.orm import Session

            from . import repository


            async def rename(db: Session, user_id: int, name: str) -> None:
                user = await asyncify(repository.get_user)(db, user_id)
                await run_in_threadpool(repository.set_name, db.merge(user), name)
                await notify(db, user_id)


            async def notify(db: Session, user_id: int) -> None:
                await asyncify(repository.log)(db, user_id)
            """,
            Expect(
                8,
                22,
                "parameter db of async def rename() is a synchronous Session, which blocks the "
                "event loop: inject an AsyncSession",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/modules/users/router.py": _ASYNC_ROUTER,
                "cpv3/modules/users/repository.py": "",
            },
            note="db.merge() runs on the event loop before the hand-over (notify() only hands "
            "its Session to a worker thread: passing db to it blocks nothing)",
        ),
        Example.code(
            """
            from sqlalchemy.orm import Session

            from cpv3.core import audit


            async def login(db: Session, user_id: int) -> None:
                await audit.record_login(db, user_id)
            """,
            Expect(
                6,
                21,
                "parameter db of async def login() is a synchronous Session, which blocks the "
                "event loop: inject an AsyncSession",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/modules/users/router.py": _ASYNC_ROUTER,
                "cpv3/core/audit.py": """
                    from sqlalchemy.orm import Session

                    from cpv3.core.tables import logins


                    async def record_login(db: Session, user_id: int) -> None:
                        db.execute(logins.insert().values(user_id=user_id))
                    """,
            },
            note="the awaited async def runs db.execute() on the event loop",
        ),
        Example.code(
            """
            from sqlalchemy.orm import Session

            from cpv3.core.audit import Auditor


            async def login(db: Session, user_id: int) -> None:
                await Auditor().record(db, user_id)
            """,
            Expect(
                6,
                21,
                "parameter db of async def login() is a synchronous Session, which blocks the "
                "event loop: inject an AsyncSession",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/modules/users/router.py": _ASYNC_ROUTER,
                "cpv3/core/audit.py": """
                    from sqlalchemy.orm import Session

                    from cpv3.core import store


                    class Auditor:
                        async def record(self, db: Session, user_id: int) -> None:
                            await store.save_login(session=db, user_id=user_id)
                    """,
                "cpv3/core/store.py": """
                    from sqlalchemy.orm import Session


                    async def save_login(session: Session, user_id: int) -> None:
                        session.commit()
                    """,
            },
            note="passed on twice: the second async def runs session.commit() on the event loop",
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._functions: Dict[int, _Function] = {}
        self._params: Dict[int, _SessionParam] = {}  # annotation node id -> its parameter

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.feature is None or _migration(ctx.path):
            return
        name = ctx.call_name(node)
        if name not in _SYNC_PERSISTENCE:
            return
        shown = ctx.code_for(node.func)
        feature = ctx.feature
        if name in SYNC_SESSIONMAKERS:
            cls = _keyword(node, "class_")
            if cls is not None and ctx.qualname(cls.value) in ASYNC_SESSION_CLASSES:
                self.report(
                    node,
                    f"{shown}(class_=AsyncSession) is the pre-2.0 spelling: use "
                    "async_sessionmaker() (sqlalchemy.ext.asyncio)",
                )
                return
            message = (
                f"{shown}() makes synchronous sessions in module '{feature}', which block the "
                "event loop: use async_sessionmaker() (sqlalchemy.ext.asyncio)"
            )
        elif name in SYNC_ENGINE_FACTORIES:
            message = (
                f"{shown}() makes a synchronous engine in module '{feature}', which blocks the "
                "event loop: use create_async_engine() (sqlalchemy.ext.asyncio)"
            )
        else:
            # Opening a session blocks the loop only where the loop runs: in an ``async def``
            # (a plain ``def`` may be a worker, a scheduler job or a thread-pool route).
            function = next(
                (a for a in reversed(ctx.ancestors) if isinstance(a, cst.FunctionDef)), None
            )
            if function is None or function.asynchronous is None:
                return
            message = (
                f"{shown}() opens a synchronous Session in async def {function.name.value}() of"
                f" module '{feature}', which blocks the event loop: use an injected AsyncSession"
            )
        self.report(node, message, when=HasAsyncRoutes())

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        if node.asynchronous is None:
            return
        # the routes of module and role files only, as when the rule ran on those alone
        if (ctx.feature is not None or ctx.roles) and self._is_route(node):
            ctx.add_extra(_ASYNC_ROUTES, ctx.module)
        params = node.params
        found = _Function(ctx.definition_qualname(node.name.value), self._kind(node))
        shift = 0 if found.kind in ("function", "staticmethod") else 1
        positional = (*params.posonly_params, *params.params)
        for position, param in enumerate((*positional, *params.kwonly_params)):
            if param.annotation is None:
                continue
            annotation = param.annotation.annotation
            typed = ctx.annotation_type(annotation)
            if typed is None or not (typed in SYNC_SESSION_CLASSES or ctx.is_project_name(typed)):
                continue
            at = position if position < len(positional) else -1
            bound = at - shift if at >= shift else -1
            tracked = _SessionParam(param.name.value, annotation, typed, at, bound)
            found.params.append(tracked)
            self._params[id(annotation)] = tracked
        if found.params:
            self._functions[id(node)] = found

    def visit_Name(self, node: cst.Name) -> None:
        """A use of a tracked parameter (the walker binds a parameter with its annotation node,
        which tells it apart from a local of the same name)."""
        if not self._params:
            return
        binding = self.ctx.lookup(node.value)
        if binding is None or binding.kind != "param" or binding.annotation is None:
            return
        tracked = self._params.get(id(binding.annotation))
        if tracked is None:
            return
        tracked.uses += 1
        if _handed_to_thread(self.ctx, node):
            return
        passed = passed_on(self.ctx, node)
        if passed is not None:
            tracked.passes.append(passed)
        else:
            tracked.on_loop = True

    def function_end(self, node: cst.FunctionDef) -> None:
        found = self._functions.pop(id(node), None)
        if found is None:
            return
        ctx = self.ctx
        record = []
        for tracked in found.params:
            del self._params[id(tracked.annotation)]
            passes = tuple(tracked.passes)
            record.append(
                (tracked.name, tracked.position, tracked.bound, tracked.typed)
                + (tracked.on_loop, passes)
            )
            if ctx.feature is None:
                continue
            when: Condition = IsKind(tracked.typed, SYNC_SESSION)
            if tracked.uses and not tracked.on_loop:
                if not passes:
                    continue  # it only ever reaches worker threads
                # handed to other ``async def``s only: it blocks if one of them does
                when = AllOf((when, PassesToBlocking(passes)))
            self.report(
                tracked.annotation,
                f"parameter {tracked.name} of async def {node.name.value}() is a synchronous "
                "Session, which blocks the event loop: inject an AsyncSession",
                when=when,
            )
        ctx.add_extra(SESSION_PARAMS, (found.qualname, found.kind, tuple(record)))

    def _kind(self, node: cst.FunctionDef) -> str:
        if self.ctx.scope_kind != "class":
            return "function"
        for decorator in node.decorators:
            name = self.ctx.qualname(decorator.decorator)
            if name == _STATICMETHOD:
                return "staticmethod"
            if name == _CLASSMETHOD:
                return "classmethod"
        return "method"

    def _is_route(self, node: cst.FunctionDef) -> bool:
        """Decorated ``@<router or app>.get(...)`` (any route method)."""
        for decorator in node.decorators:
            expr = decorator.decorator
            if isinstance(expr, cst.Call):
                expr = expr.func
            if isinstance(expr, cst.Attribute) and expr.attr.value in ROUTE_METHODS:
                owner = self.ctx.instance_type(expr.value)
                if owner is None or owner in ROUTER_CLASSES or owner in APP_CLASSES:
                    return True
                if self.ctx.is_project_name(owner):
                    return True
        return False


def _hands_over(ctx: FileContext, call: cst.CSTNode) -> bool:
    """A call that runs the function it is given in a worker thread: ``run_in_threadpool(f, ...)``
    and the like, ``loop.run_in_executor(executor, f, ...)``, or the call of what
    ``asyncify(f)`` returns."""
    if not isinstance(call, cst.Call):
        return False
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == RUN_IN_EXECUTOR:
        return True
    if ctx.call_name(call) in THREAD_OFFLOADERS:
        return True
    return isinstance(func, cst.Call) and ctx.call_name(func) in THREAD_OFFLOADERS


def _handed_to_thread(ctx: FileContext, name: cst.Name) -> bool:
    """Whether the use ``name`` only reaches a worker thread: a plain argument of a call that
    hands over (or of a ``functools.partial(...)`` handed over), or anywhere in a ``lambda``
    handed over. ``run_in_threadpool(f, db.merge(x))`` is not: ``db.merge`` runs on the loop."""
    chain: Sequence[cst.CSTNode] = ctx.ancestors
    depth = len(chain) - 1
    parent = chain[depth] if depth >= 1 else None
    if isinstance(parent, cst.Arg) and parent.value is name:
        call = chain[depth - 1]
        depth -= 1
        while isinstance(call, cst.Call):
            if _hands_over(ctx, call):
                return True
            if ctx.call_name(call) not in _PARTIAL or depth < 2:
                return False
            arg = chain[depth - 1]
            if not (isinstance(arg, cst.Arg) and arg.value is call):
                return False
            call = chain[depth - 2]
            depth -= 2
        return False
    for index in range(len(chain) - 1, 1, -1):
        lam = chain[index]
        if isinstance(lam, cst.Lambda):
            arg = chain[index - 1]
            if isinstance(arg, cst.Arg) and arg.value is lam and _hands_over(ctx, chain[index - 2]):
                return True
    return False
