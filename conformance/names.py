"""Qualified names of library objects that several rule families recognise.

One table per concept, so that a spelling FastAPI or SQLAlchemy adds (a new re-export path) is
taught to every rule at once.
"""

from __future__ import annotations

from typing import FrozenSet, Tuple

ANNOTATED: FrozenSet[str] = frozenset({"typing.Annotated", "typing_extensions.Annotated"})

_FASTAPI_PARAM_MODULES = ("fastapi.", "fastapi.params.", "fastapi.param_functions.")

#: ``Depends`` and ``Security`` wherever FastAPI exposes them.
DEPENDS: FrozenSet[str] = frozenset(
    prefix + name for prefix in _FASTAPI_PARAM_MODULES for name in ("Depends", "Security")
)

ROUTER_CLASSES: Tuple[str, ...] = ("fastapi.APIRouter", "fastapi.routing.APIRouter")
APP_CLASSES: Tuple[str, ...] = ("fastapi.FastAPI", "fastapi.applications.FastAPI")

#: Methods of a router or app that declare a route.
ROUTE_METHODS: FrozenSet[str] = frozenset(
    {"get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route", "websocket"}
)

ASYNC_SESSION_CLASSES: Tuple[str, ...] = (
    "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.ext.asyncio.session.AsyncSession",
)
SYNC_SESSION_CLASSES: Tuple[str, ...] = ("sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session")
SESSION_CLASSES: Tuple[str, ...] = ASYNC_SESSION_CLASSES + SYNC_SESSION_CLASSES

_SQL_NAMESPACES = ("sqlalchemy", "sqlalchemy.sql", "sqlalchemy.sql.expression", "sqlalchemy.future")
_SQL_CONSTRUCTS = ("select", "insert", "update", "delete", "text")

#: Calls that build a SQL statement: ``select``/``insert``/``update``/``delete``/``text`` wherever
#: SQLAlchemy exposes them, the modules that define them, and the dialects' ``insert``.
SQL_BUILDERS: FrozenSet[str] = (
    frozenset(f"{prefix}.{name}" for prefix in _SQL_NAMESPACES for name in _SQL_CONSTRUCTS)
    | frozenset(
        {
            "sqlalchemy.sql._selectable_constructors.select",
            "sqlalchemy.sql._dml_constructors.insert",
            "sqlalchemy.sql._dml_constructors.update",
            "sqlalchemy.sql._dml_constructors.delete",
            "sqlalchemy.sql._elements_constructors.text",
        }
    )
    | frozenset(
        f"sqlalchemy.dialects.{dialect}.insert" for dialect in ("postgresql", "sqlite", "mysql")
    )
)

#: The ``select`` constructors among :data:`SQL_BUILDERS`.
SELECT: FrozenSet[str] = frozenset(name for name in SQL_BUILDERS if name.endswith(".select"))

#: Session methods that run a query and return its rows or objects.
SESSION_QUERY_METHODS: FrozenSet[str] = frozenset(
    {"execute", "scalars", "scalar", "get", "get_one", "stream", "stream_scalars", "query"}
)

#: Session methods that change what the unit of work holds or send it to the database.
SESSION_UNIT_OF_WORK_METHODS: FrozenSet[str] = frozenset(
    {"add", "add_all", "delete", "merge", "flush", "refresh"}
)

#: Methods of a synchronous ``Session`` that wait on the database (blocking in ``async def``).
SYNC_SESSION_BLOCKING_METHODS: FrozenSet[str] = frozenset(
    {
        "execute",
        "scalar",
        "scalars",
        "commit",
        "rollback",
        "flush",
        "refresh",
        "query",
        "get",
        "merge",
        "close",
    }
)

#: ``AsyncSession`` methods that are coroutines (lib/sqlalchemy/ext/asyncio/session.py).
ASYNC_SESSION_COROUTINES: FrozenSet[str] = frozenset(
    {
        "execute",
        "scalars",
        "scalar",
        "get",
        "get_one",
        "commit",
        "rollback",
        "flush",
        "refresh",
        "delete",
        "merge",
        "close",
        "stream",
        "stream_scalars",
        "run_sync",
        "connection",
    }
)

#: ``AsyncSession`` methods that are plain functions: awaiting their ``None`` is a TypeError.
ASYNC_SESSION_PLAIN_METHODS: FrozenSet[str] = frozenset(
    {"add", "add_all", "expunge", "expunge_all", "expire", "expire_all", "is_modified"}
)

#: Calls that run the function handed to them in a worker thread (``asyncify(f)`` returns a
#: coroutine function that does): blocking code handed to them leaves the event loop free.
THREAD_OFFLOADERS: FrozenSet[str] = frozenset(
    {
        "asyncer.asyncify",
        "starlette.concurrency.run_in_threadpool",
        "fastapi.concurrency.run_in_threadpool",
        "asyncio.to_thread",
        "asyncio.threads.to_thread",
        "anyio.to_thread.run_sync",
    }
)
#: The event loop's method that does the same (``loop.run_in_executor(None, f, *args)``).
RUN_IN_EXECUTOR = "run_in_executor"
