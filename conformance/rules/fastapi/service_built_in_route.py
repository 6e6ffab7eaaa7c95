"""CNF306 service-built-in-route."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List

from conformance import names
from conformance.rules.base import Example, Expect

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._built_in_route import route_builds
from conformance.rules.fastapi._common import DEPENDS, _all_params, _marker
from conformance.rules.fastapi._conditions import RouteBuildsService
from conformance.rules.fastapi._examples import (
    _documented,
    _repository_and_response_in_route,
    _service_built_in_route,
)
from conformance.rules.fastapi._routes import _RouteBody, _when


class ServiceBuiltInRoute(_RouteBody):
    """## What it checks
    A service or repository class (defined in a module's `service.py`/`repository.py`, with
    methods of its own and only project bases) constructed inside a route body, directly or
    through a classmethod factory annotated to return `Self` (`UserRepository.from_session(
    session)`): one finding per route, naming the classes and the route parameters passed to
    them (parameters passed to other calls, a response class or a helper, are not named). It is
    the root cause of what often comes with it, the session injected into the route to build the
    service: the `Depends` default of that parameter (CNF301) and the session type imported into
    the router (CNF208) are not reported apart for a route this rule reports; a parameter that
    builds no service keeps its own findings.

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
        _repository_and_response_in_route(
            Expect(
                20,
                11,
                "route ban_user builds UserRepository itself from parameter 'session' (this "
                "finding covers its Depends default and its session type)",
            ),
            note="only the parameters passed to the services and repositories count: `request` "
            "and `admin` go to a response class",
        ),
        Example.code(
            """
            from typing import Annotated

            from fastapi import APIRouter, Depends
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import get_session

            from .repository import UserRepository

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/{user_id}")
            async def get_user(
                user_id: int, session: Annotated[AsyncSession, Depends(get_session)]
            ) -> dict:
                return await UserRepository.from_session(session).get(user_id)
            """,
            Expect(
                17,
                18,
                "route get_user builds UserRepository itself from parameter 'session' (this "
                "finding covers its session type)",
            ),
            extra={
                "cpv3/core/db.py": "async def get_session():\n    yield None\n",
                "cpv3/core/repository.py": """
                    from typing import Self


                    class BaseRepository:
                        def __init__(self, session) -> None:
                            self.session = session

                        @classmethod
                        def from_session(cls, session) -> Self:
                            return cls(session)
                    """,
                "cpv3/modules/users/repository.py": """
                    from cpv3.core.repository import BaseRepository


                    class UserRepository(BaseRepository):
                        async def get(self, user_id: int) -> dict:
                            return {}
                    """,
            },
            note="a classmethod factory returning `Self` builds the class it is called on",
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
        # every project call of the route is recorded (a response class, a helper); which ones
        # build a service is known on the index, so the condition names the parameters passed
        # to those only (the same set CNF301/CNF208 leave to this finding)
        passed: Dict[str, List[str]] = {}
        for construction in built:
            passed.setdefault(construction.callee, []).extend(construction.params)
        params = list(dict.fromkeys(p for c in built for p in c.params))
        self.report(
            built[0].call,
            f"route {node.name.value} builds {{detail}}",
            when=RouteBuildsService(
                tuple(passed),
                route_builds(ctx).routes[id(node)],
                passed=tuple(tuple(dict.fromkeys(names)) for names in passed.values()),
                covers=tuple((name, *_covered(ctx, node, name)) for name in params),
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
