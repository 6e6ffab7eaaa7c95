"""CNF305 depends-never-resolved."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    List,
)

from conformance.rules.base import Example, Expect

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import DEPENDS, _all_params, _annotated_parts, _marker
from conformance.rules.fastapi._conditions import NeverResolved
from conformance.rules.fastapi._examples import _documented
from conformance.rules.fastapi._signature import _Recorder


class DependsNeverResolved(_Recorder):
    """## What it checks
    A `Depends(...)`/`Security(...)` default (or `Annotated[..., Depends(...)]`) in a function FastAPI
    never resolves: a service or repository method, a helper that code calls directly. Reported
    only when certain: the function is not a route, not decorated, not nested, not referenced
    as a dependency or passed as a value anywhere in the project, and (for methods) its name is
    never used as an attribute value (`Depends(checker.verify)`); an `__init__` is resolved when
    its class is a dependency (`Depends(UserService)`); `__call__` always is. And only when a
    direct call leaves the parameter out: a helper whose callers all pass it (`get_tag(name, db)`)
    never sees the marker; a call with `*args`/`**kwargs` makes it uncertain, and so does a
    function nobody calls.

    ## Why
    Outside FastAPI's resolution the default is the marker object itself: the body then fails
    with `'Depends' object has no attribute ...` at request time.

    ## Example
    ```python
    class UserService:
        async def get(self, user_id: int, db: AsyncSession = Depends(get_session)): ...
    ```

    ## Use instead
    ```python
    class UserService:
        def __init__(self, session: AsyncSession) -> None:
            self.session = session
    ```
    and inject the service into the route through a provider.
    """

    code = "CNF305"
    name = "depends-never-resolved"
    summary = "Depends default in a function FastAPI never resolves"
    fix_hint = "pass the collaborator explicitly; keep Depends in routes and providers"
    catalog = "DI005"
    supersedes = ("CNF301",)
    VALID = (
        _documented(),
        Example.code(
            """
            from typing import Annotated

            from fastapi import Depends

            from cpv3.core.db import get_session


            class Checker:
                def verify(self, db: Annotated[object, Depends(get_session)]) -> None:
                    return None


            def current_user(db: Annotated[object, Depends(get_session)]) -> dict:
                return {}
            """,
            path="cpv3/core/security.py",
            extra={
                "cpv3/core/db.py": "async def get_session():\n    yield None\n",
                "cpv3/modules/users/router.py": (
                    "from typing import Annotated\n\nfrom fastapi import APIRouter, Depends\n\n"
                    "from cpv3.core.security import Checker, current_user\n\n"
                    "router = APIRouter(prefix='/users', tags=['users'])\nchecker = Checker()\n\n\n"
                    "@router.get('/', dependencies=[Depends(checker.verify)])\n"
                    "def me(user: Annotated[dict, Depends(current_user)]) -> dict:\n    return user\n"
                ),
            },
            note="providers referenced from another file, a bound method used as a dependency",
        ),
        Example.code(
            """
            from typing import Annotated

            from fastapi import Depends

            from cpv3.core.db import get_session


            def get_tag_by_name(name: str, db: Annotated[object, Depends(get_session)]) -> dict:
                return {}
            """,
            path="cpv3/modules/tags/helpers.py",
            extra={
                "cpv3/core/db.py": "async def get_session():\n    yield None\n",
                "cpv3/modules/tags/service.py": (
                    "from .helpers import get_tag_by_name\n\n\n"
                    "def tag(name: str, db: object) -> dict:\n"
                    "    return get_tag_by_name(name, db)\n\n\n"
                    "def other(name: str, session: object) -> dict:\n"
                    "    return get_tag_by_name(name=name, db=session)\n"
                ),
            },
            note="every caller passes the parameter itself: the marker is never received",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import Depends
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import get_session


            class UserService:
                async def get(self, user_id: int, db: AsyncSession = Depends(get_session)):
                    return await db.get(object, user_id)
            """,
            Expect(
                8,
                39,
                "UserService.get is never resolved by FastAPI, so 'db' receives the Depends marker itself",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/core/db.py": "async def get_session():\n    yield None\n",
                "cpv3/modules/users/router.py": (
                    "from fastapi import APIRouter\n\nfrom .service import UserService\n\n"
                    "router = APIRouter(prefix='/users', tags=['users'])\n\n\n"
                    "@router.get('/{user_id}')\nasync def get_user(user_id: int) -> dict:\n"
                    "    return await UserService().get(user_id)\n"
                ),
            },
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        ctx = self.ctx
        if ctx.in_function or node.decorators:
            return
        cls = ctx.class_def
        if cls is not None and (cls.decorators or ctx.scope_kind != "class"):
            return
        name = node.name.value
        if cls is not None and name == "__call__":
            return
        params: List[cst.Param] = []
        for param in _all_params(node):
            if _marker(ctx, param.default) in DEPENDS:
                params.append(param)
                continue
            parts = _annotated_parts(ctx, param.annotation)
            if parts is not None and any(_marker(ctx, e) in DEPENDS for e in parts[1][1:]):
                params.append(param)
        if not params:
            return
        qualname = ctx.definition_qualname(name)
        kind = "function" if cls is None else ("init" if name == "__init__" else "method")
        shown = name if cls is None else f"{cls.name.value}.{name}"
        positional = [*node.params.posonly_params, *node.params.params]
        if cls is not None and positional:
            positional = positional[1:]  # self
        for param in params:
            position = next((i for i, p in enumerate(positional) if p is param), -1)
            self.report(
                param,
                f"{shown} is never resolved by FastAPI, so '{param.name.value}' receives the "
                "Depends marker itself",
                fix_hint="pass the collaborator explicitly (inject it in the route or a provider)",
                when=NeverResolved(qualname, kind, position, param.name.value),
            )
