"""CNF220 service-reaches-through-service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.layering._common import (
    SERVICE,
    ServiceAttributeIsRepository,
    _file_name,
    owner_feature,
)
from conformance.rules.layering._examples import _with

_USERS_SINGLETON = """
from sqlalchemy.ext.asyncio import AsyncSession

from .repository import UserRepository


class UserService:
    def __init__(self) -> None:
        self.user_repo = UserRepository(AsyncSession())

    async def get(self, user_id: int):
        return await self.user_repo.get(user_id)


user_service = UserService()
"""

_USERS_FILES = {
    **_with("cpv3/core/db.py", "cpv3/modules/users/models.py", "cpv3/modules/users/repository.py"),
    "cpv3/modules/users/service.py": _USERS_SINGLETON,
}


class ServiceReachesThroughService(FileRule):
    """## What it checks
    In a service, an attribute of another module's service that is that service's repository
    (`await folder_service.folder_repo.get_by_id(...)`, `self.users.repository`): the receiver is
    a service-role class of another module, or a module-level instance of one
    (`folder_service = FolderService()`), and that class types or assigns the attribute from a
    repository class. A module's own services are not reported.

    ## Why
    It is the cross-module repository import (CNF204) without an import: the other module's data
    is used past the service that enforces its rules, and the coupling is invisible to the import
    graph. CNF219 catches the same reach from a router.

    ## Example
    ```python
    # cpv3/modules/documents/service.py
    from cpv3.modules.folders.service import folder_service

    async def move(document_id: int, folder_id: int) -> None:
        folder = await folder_service.folder_repo.get_by_id(folder_id)
    ```

    ## Use instead
    Call a method of the other module's service (`await folder_service.get(folder_id)`), adding
    it there if needed.
    """

    code = "CNF220"
    name = "service-reaches-through-service"
    summary = "service reaches through another module's service into its repository"
    fix_hint = "add the method to that module's service and call it"
    catalog = "-"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from cpv3.modules.users.service import user_service


            async def owner_name(user_id: int) -> str:
                user = await user_service.get(user_id)
                return user.name
            """,
            path="cpv3/modules/orders/service.py",
            extra=_USERS_FILES,
            note="the other module's service method",
        ),
        Example.code(
            """
            from .service import user_service


            async def rename(user_id: int) -> None:
                await user_service.user_repo.get(user_id)
            """,
            path="cpv3/modules/users/admin_service.py",
            extra=_USERS_FILES,
            config='allowed-extra-files = ["admin_service.py"]\n'
            '[roles]\nservice = ["service.py", "admin_service.py"]\n',
            note="a service of the same module",
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.service import UserService, user_service


            class OrderService:
                def __init__(self, users: UserService) -> None:
                    self.users = users

                async def owner(self, user_id: int):
                    await self.users.user_repo.get(user_id)
                    return await user_service.user_repo.get(user_id)
            """,
            Expect(
                9,
                15,
                "service.py reaches through the users service into its repository "
                "(self.users.user_repo: UserService.user_repo is UserRepository)",
            ),
            Expect(
                10,
                22,
                "service.py reaches through the users service into its repository "
                "(user_service.user_repo: UserService.user_repo is UserRepository)",
            ),
            path="cpv3/modules/orders/service.py",
            extra=_USERS_FILES,
        ),
    )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        ctx = self.ctx
        if not ctx.has_role(SERVICE) or ctx.feature is None:
            return
        value = node.value
        if isinstance(value, cst.Name) and value.value == "self":
            return
        if not isinstance(value, (cst.Name, cst.Attribute)):
            return
        receiver = ctx.instance_type(value)
        if receiver is None and isinstance(value, cst.Name):
            binding = ctx.lookup(value.value)
            if binding is not None and binding.kind == "import":
                receiver = binding.qualname  # a module-level instance from another file
        if receiver is None:
            return
        role, feature = ctx.role_of_module(receiver.rpartition(".")[0])
        if role is not None and owner_feature(feature) == owner_feature(ctx.feature):
            return
        shown = feature or "other module's"
        self.report(
            node,
            f"{_file_name(ctx)} reaches through the {shown} service into its repository "
            f"({ctx.code_for(node)}: {{detail}})",
            when=ServiceAttributeIsRepository(
                receiver, node.attr.value, owner_feature(ctx.feature)
            ),
        )
