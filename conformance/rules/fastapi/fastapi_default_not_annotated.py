"""CNF301 fastapi-default-not-annotated."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Dict,
    List,
    Optional,
    Tuple,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import (
    PARAM_MARKERS,
    _all_params,
    _annotated,
    _annotated_name,
    _annotated_parts,
    _has_comment,
    _keyword,
    _marker,
    _marker_default,
    _order_valid,
    _short,
    _without_arg,
)
from conformance.rules.fastapi._examples import _documented


class DefaultNotAnnotated(FileRule):
    """## What it checks
    A parameter whose default is a FastAPI marker: `Depends(...)`, `Security(...)`, `Query(...)`,
    `Path(...)`, `Body(...)`, `Header(...)`, `Cookie(...)`, `Form(...)` or `File(...)`, in routes
    *and* in dependency providers (any function: ruff's FAST002 only checks routes). Markers are
    recognised by qualified name (`from fastapi import Depends as D`, `import fastapi as fa`).

    ## Why
    FastAPI recommends `Annotated` since 0.95: the parameter keeps its real default for direct
    calls and tests, the type checker sees the real type, and the same `Annotated` type can be
    shared as an alias (`SessionDep`).

    ## Example
    ```python
    @router.get("/")
    async def list_users(db: AsyncSession = Depends(get_session), q: str = Query("", max_length=50)):
        ...
    ```

    ## Use instead
    ```python
    @router.get("/")
    async def list_users(
        db: Annotated[AsyncSession, Depends(get_session)],
        q: Annotated[str, Query(max_length=50)] = "",
    ):
        ...
    ```

    ## Fix
    Moves the marker into `Annotated[T, ...]` and a literal default after `=`, adding
    `from typing import Annotated` when the file lacks it. Safe when no comment sits inside the
    call, unsafe otherwise. No fix when the parameter order would break (a required parameter
    after a defaulted one, unless keyword-only) or the parameter has no annotation.

    ## Options
    None.
    """

    code = "CNF301"
    name = "fastapi-default-not-annotated"
    summary = "FastAPI marker used as a parameter default instead of inside Annotated"
    fix_hint = "declare the parameter as `name: Annotated[T, Depends(...)]`; a literal default goes after `=`"
    catalog = "DI001"
    fix = FixSafety.SAFE
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
            from fastapi import APIRouter, Depends, Query
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import get_session

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            async def list_users(db: AsyncSession = Depends(get_session), q: str = Query("", max_length=5)):
                return []
            """,
            Expect(
                10,
                22,
                "parameter 'db' has Depends(...) as its default: declare it as "
                "`db: Annotated[AsyncSession, Depends(...)]`",
            ),
            Expect(
                10,
                63,
                "parameter 'q' has Query(...) as its default: declare it as "
                "`q: Annotated[str, Query(...)]` and keep the literal default after `=`",
            ),
            fixed="""
            from typing import Annotated

            from fastapi import APIRouter, Depends, Query
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import get_session

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            async def list_users(db: Annotated[AsyncSession, Depends(get_session)], q: Annotated[str, Query(max_length=5)] = ""):
                return []
            """,
            extra={"cpv3/core/db.py": "async def get_session():\n    yield None\n"},
        ),
        Example.code(
            """
            import typing as t

            import fastapi as fa
            from fastapi import Depends as D


            def get_user(token: str = fa.Header(...), db: "Session" = D(object)) -> dict:
                return {}
            """,
            Expect(
                7,
                14,
                "parameter 'token' has Header(...) as its default: declare it as "
                "`token: Annotated[str, Header(...)]`",
            ),
            Expect(
                7,
                43,
                "parameter 'db' has Depends(...) as its default: declare it as "
                '`db: Annotated["Session", Depends(...)]`',
            ),
            fixed="""
            import typing as t

            import fastapi as fa
            from fastapi import Depends as D


            def get_user(token: t.Annotated[str, fa.Header()], db: t.Annotated["Session", D(object)]) -> dict:
                return {}
            """,
            path="cpv3/core/security.py",
            extra={
                "cpv3/modules/users/router.py": (
                    "from fastapi import Depends\n\nfrom cpv3.core.security import get_user\n\n\n"
                    "def me(user: dict = Depends(get_user)) -> dict:\n    return user\n"
                )
            },
            note="a provider outside the modules, with aliased imports",
        ),
        Example.code(
            """
            from typing import Annotated

            from fastapi import APIRouter, Depends, Query

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            def search(limit: int = 10, q: str = Query(max_length=5)):
                return []
            """,
            Expect(
                9,
                29,
                "parameter 'q' has Query(...) as its default: declare it as "
                "`q: Annotated[str, Query(...)]`",
            ),
            note="a required parameter would follow a defaulted one: no fix",
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
            Expect(
                11,
                12,
                "parameter 'a' has Depends(...) as its default: declare it as `a: Annotated[T, Depends(...)]`",
            ),
            Expect(
                11,
                31,
                "parameter 'b' has Depends(...) as its default: declare it as `b: Annotated[int, Depends(...)]`",
            ),
            note="'a' has no type, so it keeps its default; 'b' without one would follow it: no fix"
            " (and no [*])",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        fixes: Dict[int, bool] = {}
        found: List[Tuple[cst.Param, str, cst.Call, Optional[cst.BaseExpression]]] = []
        for param in _all_params(node):
            marker = _marker(ctx, param.default)
            if marker is None or not isinstance(param.default, cst.Call):
                continue
            if _annotated_parts(ctx, param.annotation) is not None and any(
                _marker(ctx, e)
                for e in _annotated_parts(ctx, param.annotation)[1][1:]  # type: ignore[index]
            ):
                continue  # both places: CNF314
            call = param.default
            literal: Optional[cst.BaseExpression] = None
            if marker in PARAM_MARKERS:
                _, literal = _marker_default(call)
            if _fixable(param, call):  # the others keep their default: the order check sees it
                fixes[id(param)] = literal is not None
            found.append((param, marker, call, literal))
        if not found:
            return
        order_ok = _order_valid(node, fixes)
        kwonly = {id(p) for p in node.params.kwonly_params}
        annotated, missing = _annotated_name(ctx)
        for param, marker, call, literal in found:
            name = param.name.value
            short = _short(marker)
            type_text = ctx.code_for(param.annotation.annotation) if param.annotation else "T"
            message = (
                f"parameter '{name}' has {short}(...) as its default: declare it as "
                f"`{name}: Annotated[{type_text}, {short}(...)]`"
            )
            if literal is not None:
                message += " and keep the literal default after `=`"
            replacement: Optional[cst.Param] = None
            safety: Optional[FixSafety] = None
            if param.annotation is not None and _fixable(param, call):
                marker_call = call
                default_arg, _ = (None, None)
                if marker in PARAM_MARKERS:
                    default_arg, _ = _marker_default(call)
                if default_arg is not None:
                    marker_call = _without_arg(call, default_arg)
                new_annotation = param.annotation.with_changes(
                    annotation=_annotated(annotated, param.annotation.annotation, marker_call)
                )
                if literal is not None:
                    replacement = param.with_changes(annotation=new_annotation, default=literal)
                else:
                    replacement = param.with_changes(
                        annotation=new_annotation, default=None, equal=cst.MaybeSentinel.DEFAULT
                    )
                if literal is None and id(param) not in kwonly and not order_ok:
                    replacement = None  # a required parameter after a defaulted one: no fix
                safety = FixSafety.UNSAFE if _has_comment(ctx.code_for(call)) else FixSafety.SAFE
            needs = (("typing", "Annotated"),) if missing and replacement is not None else ()
            self.report(param, message, replacement=replacement, fix_safety=safety, imports=needs)


def _fixable(param: cst.Param, call: cst.Call) -> bool:
    """Whether the fix can rewrite the parameter: it needs the type, and a ``default_factory``
    has no place in ``Annotated``."""
    return param.annotation is not None and _keyword(call, "default_factory") is None
