"""CNF306 service-built-in-route."""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from conformance import names
from conformance.rules.base import Example, Expect

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._built_in_route import route_builds
from conformance.rules.fastapi._common import DEPENDS, _all_params, _marker
from conformance.rules.fastapi._conditions import ServiceBuilt
from conformance.rules.fastapi._examples import _documented, _service_built_in_route
from conformance.rules.fastapi._routes import _RouteBody, _when


class ServiceBuiltInRoute(_RouteBody):
    """## What it checks
    A service or repository class (defined in a module's `service.py`/`repository.py`, with
    methods of its own and only project bases) constructed inside a route body: one finding per
    route, naming the classes. It is the root cause of what often comes with it, the session
    injected into the route to build the service: the `Depends` default of that parameter
    (CNF301) and the session type imported into the router (CNF208) are not reported apart for a
    route this rule reports.

    ## Why
    A route that builds its collaborators cannot be tested with overrides
    (`app.dependency_overrides`) and repeats the wiring in every route; a provider builds it once.

    ## Example
    ```python
    @router.get("/{user_id}")
    async def get_user(user_id: int, session: SessionDep):
        return await UserService(UserRepository(session)).get(user_id)
    ```

    ## Use instead
    ```python
    def get_user_service(session: SessionDep) -> UserService:
        return UserService(session)

    @router.get("/{user_id}")
    async def get_user(user_id: int, service: Annotated[UserService, Depends(get_user_service)]):
        return await service.get(user_id)
    ```

    ## Options
    `roles.service`, `roles.repository` decide which files hold services and repositories.
    Exceptions, Pydantic models and other library subclasses defined there are not services.
    """

    code = "CNF306"
    name = "service-built-in-route"
    summary = "service or repository constructed inside a route"
    fix_hint = (
        "build it in a provider function that takes the session, and inject the provider's "
        "result with `Annotated[..., Depends(provider)]`"
    )
    catalog = "DI006"
    VALID = (
        _documented(),
        Example.code(
            """
            from fastapi import APIRouter, HTTPException

            from .service import UserNotFound, UserService

            router = APIRouter(prefix="/users", tags=["users"])


            def get_user_service() -> UserService:
                return UserService()


            @router.get("/{user_id}")
            async def get_user(user_id: int) -> dict:
                raise HTTPException(404, detail=str(UserNotFound(user_id)))
            """,
            extra={
                "cpv3/modules/users/service.py": (
                    "class UserNotFound(Exception):\n    pass\n\n\n"
                    "class UserService:\n    async def get(self, user_id: int) -> dict:\n"
                    "        return {}\n"
                )
            },
            note="providers may build services; exceptions defined in service.py are not services",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter

            from . import service as svc
            from .repository import UserRepository

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/{user_id}")
            async def get_user(user_id: int) -> dict:
                return await svc.UserService(UserRepository()).get(user_id)
            """,
            Expect(11, 18, "route get_user builds UserService, UserRepository itself"),
            extra={
                "cpv3/modules/users/service.py": (
                    "class UserService:\n    def __init__(self, repository) -> None:\n"
                    "        self.repository = repository\n\n"
                    "    async def get(self, user_id: int) -> dict:\n        return {}\n"
                ),
                "cpv3/modules/users/repository.py": (
                    "class UserRepository:\n    async def get(self, user_id: int) -> dict:\n"
                    "        return {}\n"
                ),
            },
            note="one finding per route, naming every service and repository it builds",
        ),
        _service_built_in_route(
            Expect(
                13,
                15,
                "route get_user builds UserService itself from parameter 'session' (this finding "
                "covers its Depends default and its session type)",
            ),
            note="one design decision: the Depends default (CNF301) and the session type import "
            "(CNF208) are part of this finding, not reported apart",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        route = self.current_route()
        if route is None or route.verdict is False:
            return
        callee = self.ctx.call_name(node)
        if callee is None or not self.ctx.is_project_name(callee):
            return
        function = self.ctx.function
        assert function is not None
        route_builds(self.ctx).record(self.ctx, function, node, callee, _when(route.verdict))

    def function_end(self, node: cst.FunctionDef) -> None:
        built = route_builds(self.ctx).built.get(id(node))
        if not built:
            return
        ctx = self.ctx
        message = f"route {node.name.value} builds {{detail}} itself"
        params = list(dict.fromkeys(p for c in built for p in c.params))
        if params:
            covered = [_covered(ctx, node, name) for name in params]
            shown = ", ".join(f"'{name}'" for name in params)
            message += f" from parameter{'s' if len(params) > 1 else ''} {shown}"
            parts = sorted({part for found in covered for part in found})
            if parts:
                message += f" (this finding covers {' and '.join(parts)})"
        self.report(
            built[0].call,
            message,
            when=ServiceBuilt(
                tuple(dict.fromkeys(c.callee for c in built)), route_builds(ctx).routes[id(node)]
            ),
        )


def _covered(ctx: FileContext, function: cst.FunctionDef, name: str) -> List[str]:
    """What the findings about parameter ``name`` that CNF306 implies are about."""
    for param in _all_params(function):
        if param.name.value != name:
            continue
        parts: List[str] = []
        if _marker(ctx, param.default) in DEPENDS:
            parts.append("its Depends default")
        if (
            param.annotation is not None
            and ctx.annotation_type(param.annotation.annotation) in names.SESSION_CLASSES
        ):
            parts.append("its session type")
        return parts
    return []
