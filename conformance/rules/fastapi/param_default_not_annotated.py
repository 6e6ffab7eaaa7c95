"""CNF317 param-default-not-annotated."""

from __future__ import annotations

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.fastapi._common import PARAM_MARKERS
from conformance.rules.fastapi._examples import _documented
from conformance.rules.fastapi._marker_default import MarkerDefault


class ParamDefaultNotAnnotated(MarkerDefault):
    """## What it checks
    A parameter whose default is a FastAPI parameter marker: `Query(...)`, `Path(...)`,
    `Body(...)`, `Header(...)`, `Cookie(...)`, `Form(...)` or `File(...)`, in routes *and* in
    dependency providers (any function: ruff's FAST002 only checks routes). Markers are
    recognised by qualified name (`import fastapi as fa`). Dependencies as defaults
    (`Depends(...)`, `Security(...)`) are CNF301; CNF301 and CNF317 together report what FAST002
    reports. This one is about spelling: drop it (`ignore = ["CNF317"]`) to keep only the
    dependency rule.

    ## Why
    FastAPI recommends `Annotated` since 0.95: the parameter keeps its real default for direct
    calls and tests, the type checker sees the real type, and the literal default is written
    where Python puts defaults.

    ## Example
    ```python
    @router.get("/")
    async def list_users(q: str = Query("", max_length=50)):
        ...
    ```

    ## Use instead
    ```python
    @router.get("/")
    async def list_users(q: Annotated[str, Query(max_length=50)] = ""):
        ...
    ```

    ## Fix
    Moves the marker into `Annotated[T, ...]` and a literal default after `=`, adding
    `from typing import Annotated` when the file lacks it. Safe when no comment sits inside the
    call, unsafe otherwise. No fix when the parameter order would break (a required parameter
    after a defaulted one, unless keyword-only; parameters of CNF301 count as rewritten only when
    CNF301 runs too), the parameter has no annotation or the marker has a `default_factory`.
    """

    code = "CNF317"
    name = "param-default-not-annotated"
    summary = "Query/Path/Body/Header/Cookie/Form/File used as a parameter default"
    fix_hint = "move the marker into the type: `name: Annotated[T, Query(...)] = default`"
    catalog = "DI001"
    fix = FixSafety.SAFE
    markers = PARAM_MARKERS
    VALID = (
        _documented(),
        Example.code(
            """
            from fastapi import Query

            def helper(limit=Query.__name__):
                return limit
            """,
            note="only a call of a FastAPI marker counts",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter, Query

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            async def list_users(q: str = Query("", max_length=5)):
                return []
            """,
            Expect(7, 22, "parameter 'q' has Query(...) as its default"),
            fixed="""
            from typing import Annotated

            from fastapi import APIRouter, Query

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            async def list_users(q: Annotated[str, Query(max_length=5)] = ""):
                return []
            """,
        ),
        Example.code(
            """
            import typing as t

            import fastapi as fa


            def get_user(token: str = fa.Header(...)) -> dict:
                return {}
            """,
            Expect(6, 14, "parameter 'token' has Header(...) as its default"),
            fixed="""
            import typing as t

            import fastapi as fa


            def get_user(token: t.Annotated[str, fa.Header()]) -> dict:
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
            note="a provider outside the modules, with an aliased module import",
        ),
        Example.code(
            """
            from typing import Annotated

            from fastapi import APIRouter, Query

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            def search(limit: int = 10, q: str = Query(max_length=5)):
                return []
            """,
            Expect(9, 29, "parameter 'q' has Query(...) as its default"),
            note="a required parameter would follow a defaulted one: no fix",
        ),
    )
