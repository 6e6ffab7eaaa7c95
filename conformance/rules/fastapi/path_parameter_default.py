"""CNF315 path-parameter-default."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
    Set,
)

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import (
    _PATH_PARAM,
    DEPENDS,
    _all_params,
    _marker,
    _marker_default,
)
from conformance.rules.fastapi._examples import _documented
from conformance.rules.fastapi._routes import _when, route_of, route_path


class PathParamDefault(FileRule):
    """## What it checks
    A route parameter named in the route's path (`/users/{user_id}`) that has a default value
    (`user_id: int = 0`, `Path(3)`), when every route decorator of the function names it.

    ## Why
    A path parameter is always given by the URL: FastAPI rejects `Path(default)` at start-up and
    silently ignores a plain default, which misleads the reader.

    ## Example
    ```python
    @router.get("/{user_id}")
    async def get_user(user_id: int = 0): ...
    ```

    ## Use instead
    ```python
    @router.get("/{user_id}")
    async def get_user(user_id: int): ...
    ```

    ## Fix
    None (removing the default may break the parameter order).
    """

    code = "CNF315"
    name = "path-parameter-default"
    summary = "path parameter with a default value"
    fix_hint = "remove the default: the URL always provides a path parameter"
    catalog = "DI015"
    VALID = (
        _documented(),
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            @router.get("/{page}")
            async def pages(page: int = 1) -> list:
                return []
            """,
            note="one decorator has no such path parameter: the default is used there",
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import Path

            from .routing import router


            @router.get("/{user_id}/items/{item_id:path}")
            async def get_item(user_id: int = 0, item_id: Annotated[str, Path()] = "x") -> dict:
                return {}
            """,
            Expect(
                9,
                20,
                "path parameter 'user_id' has a default (the URL always provides it)",
            ),
            Expect(
                9,
                38,
                "path parameter 'item_id' has a default (the URL always provides it)",
            ),
            extra={
                "cpv3/modules/users/routing.py": (
                    "from fastapi import APIRouter\n\nrouter = APIRouter(prefix='/users', tags=['users'])\n"
                )
            },
            note="the router is imported from another file",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        route = route_of(self.ctx, node)
        if route is None:
            return
        names: Optional[Set[str]] = None
        for call in route.decorators:
            _, path = route_path(call)
            if path is None:
                return
            found = set(_PATH_PARAM.findall(path))
            names = found if names is None else names & found
        for param in _all_params(node):
            if param.name.value not in (names or ()):
                continue
            default = param.default
            if default is None or isinstance(default, cst.Ellipsis):
                continue
            if isinstance(default, cst.Call) and _marker(self.ctx, default):
                if _marker(self.ctx, default) in DEPENDS:
                    continue
                _, literal = _marker_default(default)
                if literal is None:
                    continue
            self.report(
                param,
                f"path parameter '{param.name.value}' has a default (the URL always provides it)",
                fix_hint="remove the default",
                when=_when(route.verdict),
            )
