"""CNF306 service-built-in-route."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import _short, _snake
from conformance.rules.fastapi._conditions import IsServiceClass
from conformance.rules.fastapi._examples import _documented
from conformance.rules.fastapi._routes import _RouteBody, _when


class ServiceBuiltInRoute(_RouteBody):
    """## What it checks
    A service or repository class (defined in a module's `service.py`/`repository.py`, with
    methods of its own and only project bases) constructed inside a route body.

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

    ## Fix
    None.

    ## Options
    `roles.service`, `roles.repository` decide which files hold services and repositories.
    Exceptions, Pydantic models and other library subclasses defined there are not services.
    """

    code = "CNF306"
    name = "service-built-in-route"
    summary = "service or repository constructed inside a route"
    fix_hint = "inject the collaborator through a provider: `name: Annotated[TheService, Depends(get_the_service)]`"
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
            Expect(
                11,
                18,
                "UserService constructed inside route get_user: inject it through a provider "
                "(`Annotated[UserService, Depends(get_user_service)]`)",
            ),
            Expect(
                11,
                34,
                "UserRepository constructed inside route get_user: inject it through a provider "
                "(`Annotated[UserRepository, Depends(get_user_repository)]`)",
            ),
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
        name = _short(callee)
        self.report(
            node,
            f"{name} constructed inside route {function.name.value}: inject it through a provider "
            f"(`Annotated[{name}, Depends(get_{_snake(name)})]`)",
            when=_when(route.verdict, IsServiceClass(callee)),
        )
