"""CNF301 depends-default-not-annotated."""

from __future__ import annotations

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.fastapi._common import DEPENDS
from conformance.rules.fastapi._examples import (
    _documented,
    _repository_and_response_in_route,
    _service_built_in_route,
)
from conformance.rules.fastapi._marker_default import MarkerDefault


class DependsDefaultNotAnnotated(MarkerDefault):
    """## What it checks
    A parameter whose default is a FastAPI dependency, `Depends(...)` or `Security(...)`, in
    routes *and* in dependency providers (any function: ruff's FAST002 only checks routes).
    Markers are recognised by qualified name (`from fastapi import Depends as D`,
    `import fastapi as fa`). Parameter markers (`Query(...)`, `Path(...)`, ...) as defaults are
    CNF317: a project can keep this rule and drop that one. CNF301 and CNF317 together report
    what FAST002 reports. A route that builds a service from the parameter is reported once,
    by CNF306 (the root cause), not here.

    ## Why
    FastAPI recommends `Annotated` since 0.95: the parameter keeps its real default for direct
    calls and tests, the type checker sees the real type, and the same `Annotated` type can be
    shared as an alias (`SessionDep`). A `Depends` default also lets a direct call (a test, a
    helper) pass the marker object itself as the collaborator.

    ## Example
    ```python
    @router.get("/")
    async def list_users(db: AsyncSession = Depends(get_session)):
        ...
    ```

    ## Use instead
    ```python
    @router.get("/")
    async def list_users(db: Annotated[AsyncSession, Depends(get_session)]):
        ...
    ```

    ## Fix
    Moves the marker into `Annotated[T, ...]`, adding `from typing import Annotated` when the
    file lacks it. Safe when no comment sits inside the call, unsafe otherwise. No fix when the
    parameter order would break (a required parameter after a defaulted one, unless
    keyword-only; parameters of CNF317 count as rewritten only when CNF317 runs too) or the
    parameter has no annotation.
    """

    code = "CNF301"
    name = "depends-default-not-annotated"
    summary = "Depends/Security used as a parameter default instead of inside Annotated"
    fix_hint = "move the marker into the type: `name: Annotated[T, Depends(...)]`"
    catalog = "DI001"
    fix = FixSafety.SAFE
    markers = DEPENDS
    VALID = (
        _documented(),
        Example.code(
            """
            from fastapi import Depends

            def helper(dep=Depends.__name__):
                return dep
            """,
            note="only a call of a FastAPI marker counts",
        ),
        Example.code(
            """
            from fastapi import APIRouter, Query

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            async def search(q: str = Query("", max_length=5)):
                return []
            """,
            note="a parameter marker is CNF317",
        ),
        _service_built_in_route(
            note="the route builds its service from the parameter: CNF306 reports that decision"
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter, Depends, Query
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import get_session

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            async def list_users(db: AsyncSession = Depends(get_session), q: str = Query("", max_length=5)):
                return []
            """,
            Expect(10, 22, "parameter 'db' has Depends(...) as its default"),
            fixed="""
            from typing import Annotated

            from fastapi import APIRouter, Depends, Query
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import get_session

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            async def list_users(db: Annotated[AsyncSession, Depends(get_session)], q: str = Query("", max_length=5)):
                return []
            """,
            extra={"cpv3/core/db.py": "async def get_session():\n    yield None\n"},
            note="the Query parameter is CNF317's",
        ),
        _repository_and_response_in_route(
            Expect(17, 5, "parameter 'admin' has Depends(...) as its default"),
            note="the route builds its repository from `session` (CNF306 covers that default); "
            "`admin` only goes to a response class",
        ),
        Example.code(
            """
            import typing as t

            import fastapi as fa
            from fastapi import Depends as D


            def get_user(token: str = fa.Security(object), db: "Session" = D(object)) -> dict:
                return {}
            """,
            Expect(7, 14, "parameter 'token' has Security(...) as its default"),
            Expect(7, 48, "parameter 'db' has Depends(...) as its default"),
            fixed="""
            import typing as t

            import fastapi as fa
            from fastapi import Depends as D


            def get_user(token: t.Annotated[str, fa.Security(object)], db: t.Annotated["Session", D(object)]) -> dict:
                return {}
            """,
            path="cpv3/core/security.py",
            extra={
                "cpv3/modules/users/router.py": (
                    "from typing import Annotated\n\nfrom fastapi import Depends\n\n"
                    "from cpv3.core.security import get_user\n\n\n"
                    "def me(user: Annotated[dict, Depends(get_user)]) -> dict:\n    return user\n"
                )
            },
            note="a provider outside the modules, with aliased imports",
        ),
        Example.code(
            """
            from fastapi import APIRouter, Depends

            router = APIRouter(prefix="/users", tags=["users"])


            def get_db() -> None:
                return None


            @router.get("/")
            def search(a=Depends(get_db), b: int = Depends(get_db)) -> None:
                return None
            """,
            Expect(11, 12, "parameter 'a' has Depends(...) as its default"),
            Expect(11, 31, "parameter 'b' has Depends(...) as its default"),
            note="'a' has no type, so it keeps its default; 'b' without one would follow it: no fix"
            " (and no [*])",
        ),
        Example.code(
            """
            from fastapi import APIRouter, Depends, Query

            router = APIRouter(prefix="/users", tags=["users"])


            def get_db() -> None:
                return None


            @router.get("/")
            def search(q: str = Query(max_length=5), db: int = Depends(get_db)) -> None:
                return None
            """,
            Expect(11, 42, "parameter 'db' has Depends(...) as its default"),
            config='ignore = ["CNF317"]',
            note="'q' keeps its default when CNF317 is off, so 'db' without one would follow it: "
            "no fix",
        ),
        Example.code(
            """
            from typing import Annotated

            from fastapi import APIRouter, Depends, Query
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import get_session

            from .schemas import Page
            from .service import UserService

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            async def list_users(session: AsyncSession = Depends(get_session)) -> list:
                page = Page(session)
                return []
            """,
            Expect(15, 22, "parameter 'session' has Depends(...) as its default"),
            extra={
                "cpv3/core/db.py": "async def get_session():\n    yield None\n",
                "cpv3/modules/users/schemas.py": "class Page:\n    pass\n",
            },
            note="the route builds no service from the parameter: no CNF306 to imply it",
        ),
    )
