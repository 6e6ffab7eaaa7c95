"""CNF205 cross-module-private-layer."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.layering._common import _ImportRule


class CrossModulePrivateLayer(_ImportRule):
    """## What it checks
    A file of one module importing another module's router, or a repository importing another
    module's service.

    ## Why
    A module's router is its HTTP surface, registered once by the application; importing it from
    another module couples the two modules' HTTP layers. A repository that calls a service inverts
    the layering across modules and usually closes an import cycle.

    ## Example
    ```python
    # cpv3/modules/orders/repository.py
    from cpv3.modules.users.service import UserService
    ```

    ## Use instead
    Let the orders service call the users service and pass the result down to its repository.

    ## Options
    `roles`. Off without a service role (`service = []`): the way round goes through a service
    the layout does not have, and routers that include other modules' routers are how such a
    layout composes its API.
    """

    code = "CNF205"
    name = "cross-module-private-layer"
    summary = "module imports another module's router, or a repository imports another service"
    fix_hint = "go through the other module's service, from your own service"
    catalog = "LAY005"
    requires_roles = ("service",)
    VALID = (
        Example.code(
            "from cpv3.modules.users.schemas import UserOut\n",
            path="cpv3/modules/orders/router.py",
            extra={"cpv3/modules/users/schemas.py": "class UserOut:\n    pass\n"},
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.router import router as users_router
            """,
            Expect(
                1,
                39,
                "service.py imports router from users.router: another module's router is "
                "private; call the users service instead",
            ),
            path="cpv3/modules/orders/service.py",
        ),
        Example.code(
            """
            from cpv3.modules.users import service
            """,
            Expect(
                1,
                32,
                "repository.py imports users.service: a repository must not call services; let "
                "the orders service call the users service",
            ),
            path="cpv3/modules/orders/repository.py",
            extra={"cpv3/modules/users/service.py": "class UserService:\n    pass\n"},
            note="a submodule imported by name from its package",
        ),
    )
