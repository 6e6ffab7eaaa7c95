"""CNF219 router-reaches-through-service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.layering._common import ROUTER, ServiceAttributeIsRepository, _file_name
from conformance.rules.layering._examples import _with


class RouterReachesThroughService(FileRule):
    """## What it checks
    In `router.py`, an attribute of a service object that is the service's repository
    (`service.repository.get(...)`, `self.service.repo`): the receiver is typed as a service-role
    class, and that class types or assigns the attribute from a repository class
    (`self.repository = UserRepository(session)`).

    ## Why
    It is the router-imports-repository layer skip (CNF202) without an import: the route uses the
    repository and bypasses the service's rules.

    ## Example
    ```python
    @router.get("/{user_id}")
    async def get_user(user_id: int, service: UserServiceDep):
        return await service.repository.get(user_id)
    ```

    ## Use instead
    Call a service method (`service.get(user_id)`), adding it if needed.

    ## Options
    `roles.service`, `roles.repository`. Not in RULES-CATALOG (next free code of the family).
    """

    code = "CNF219"
    name = "router-reaches-through-service"
    summary = "router reaches through a service into its repository"
    fix_hint = "call a service method; add it to the service if needed"
    catalog = "-"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter

            from .service import UserService

            router = APIRouter()


            @router.get("/{user_id}")
            async def get_user(user_id: int, service: UserService):
                return await service.get(user_id)
            """,
            extra=_with(
                "cpv3/core/db.py",
                "cpv3/modules/users/models.py",
                "cpv3/modules/users/repository.py",
                "cpv3/modules/users/service.py",
            ),
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter

            from .service import UserService as Users

            router = APIRouter()


            @router.get("/{user_id}")
            async def get_user(user_id: int, service: Users):
                return await service.repository.get(user_id)
            """,
            Expect(
                10,
                18,
                "router.py reaches through the service into its repository (service.repository: UserService.repository is UserRepository)",
            ),
            extra=_with(
                "cpv3/core/db.py",
                "cpv3/modules/users/models.py",
                "cpv3/modules/users/repository.py",
                "cpv3/modules/users/service.py",
            ),
        ),
    )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        ctx = self.ctx
        if not ctx.has_role(ROUTER):
            return
        value = node.value
        if isinstance(value, cst.Name) and value.value == "self":
            return
        if not isinstance(value, (cst.Name, cst.Attribute)):
            return
        receiver = ctx.instance_type(value)
        if receiver is None:
            return
        self.report(
            node,
            f"{_file_name(ctx)} reaches through the service into its repository ({ctx.code_for(node)}: "
            "{detail})",
            fix_hint="call a service method instead, adding it to the service if needed",
            when=ServiceAttributeIsRepository(receiver, node.attr.value),
        )
