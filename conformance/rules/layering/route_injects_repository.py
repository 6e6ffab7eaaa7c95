"""CNF210 route-injects-repository."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.layering._common import (
    ROUTER,
    InjectsRepository,
    _annotated_provider,
    _is_route,
    _provider_of,
)
from conformance.rules.layering._examples import _DB, _USERS_REPOSITORY, _with


class RouteInjectsRepository(FileRule):
    """## What it checks
    A route parameter injected as a repository, without any import of the repository in the
    router: the parameter's annotation (through `Annotated[...]` aliases defined in any file), the
    provider of its `Annotated[T, Depends(provider)]` alias, or the provider in its
    `= Depends(provider)` default resolves to a class defined in a repository file. Providers
    without a return annotation are skipped, not guessed.

    ## Why
    An injected repository is the same layer skip as an imported one (CNF202), hidden behind a
    shared `deps.py`: import graphs cannot see it.

    ## Example
    ```python
    # cpv3/core/deps.py
    def get_user_repository(session: SessionDep) -> UserRepository: ...
    # cpv3/modules/users/router.py
    @router.get("/{user_id}")
    async def get_user(user_id: int, repo=Depends(get_user_repository)): ...
    ```

    ## Use instead
    Inject the service (`service: UserServiceDep`) and add the method there.

    ## Options
    `roles.repository`.
    """

    code = "CNF210"
    name = "route-injects-repository"
    summary = "route parameter injected as a repository"
    fix_hint = "inject the service and add the method there"
    catalog = "LAY010"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter

            from cpv3.modules.users.models import UserRepository

            router = APIRouter()


            @router.get("/")
            async def list_users(repo: UserRepository):
                return repo
            """,
            extra={
                "cpv3/core/db.py": _DB,
                "cpv3/modules/users/models.py": (
                    "from cpv3.core.db import Base\n\n\nclass UserRepository(Base):\n"
                    '    __tablename__ = "user_repositories"\n'
                ),
            },
            note="a class called UserRepository that is an ORM model is not a repository",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter, Depends

            from cpv3.core.deps import RepoDep, get_user_repository

            router = APIRouter()


            @router.get("/{user_id}")
            async def get_user(user_id: int, repo=Depends(get_user_repository)):
                return await repo.get(user_id)


            @router.get("/")
            async def first_user(users: RepoDep):
                return await users.get(1)
            """,
            Expect(
                9,
                34,
                "route get_user() receives a repository as parameter 'repo' (UserRepository from users.repository): routers call services",
            ),
            Expect(
                14,
                22,
                "route first_user() receives a repository as parameter 'users' (UserRepository from users.repository): routers call services",
            ),
            extra={
                **_with("cpv3/core/db.py", "cpv3/modules/users/models.py"),
                "cpv3/modules/users/repository.py": _USERS_REPOSITORY,
                "cpv3/core/deps.py": """
                    from typing import Annotated

                    from fastapi import Depends

                    from cpv3.core.db import SessionDep
                    from cpv3.modules.users.repository import UserRepository


                    def get_user_repository(session: SessionDep) -> UserRepository:
                        return UserRepository(session)


                    RepoDep = Annotated[UserRepository, Depends(get_user_repository)]
                    """,
            },
            note="the repository comes from a shared deps file: no import in the router",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        if not ctx.has_role(ROUTER) or not _is_route(ctx, node):
            return
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            annotation = param.annotation.annotation if param.annotation else None
            type_name = ctx.annotation_type(annotation) if annotation is not None else None
            provider = _provider_of(ctx, param.default)
            if provider is None and annotation is not None:
                provider = _annotated_provider(ctx, annotation)
            if type_name is None and provider is None:
                continue
            self.report(
                param,
                f"route {node.name.value}() receives a repository as parameter "
                f"'{param.name.value}' ({{detail}}): routers call services",
                fix_hint="inject the service and add the method there",
                when=InjectsRepository(type_name, provider),
            )
