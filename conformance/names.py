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
