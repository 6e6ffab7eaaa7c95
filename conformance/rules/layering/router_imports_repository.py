"""CNF202 router-imports-repository."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.layering._common import _ImportRule
from conformance.rules.layering._examples import _DB, _ORDERS_REPOSITORY


class RouterImportsRepository(_ImportRule):
    """## What it checks
    A layer skip in the closed chain `router -> service -> repository`: `router.py` importing a
    repository, its own module's or another's, in any form (absolute, relative, `from pkg import
    repository`, `import ... as alias`). More generally, any role importing a role it reaches only
    through another layer of `[tool.conformance.layers]`.

    ## Why
    The service owns the repository and the unit of work. A router that talks to the repository
    skips the business rules, and the next change in the service silently misses that endpoint.
    tach added closed layers for exactly this case.

    ## Example
    ```python
    # cpv3/modules/users/router.py
    from .repository import UserRepository
    ```

    ## Use instead
    ```python
    from .service import UserService
    ```
    and add the method the route needs to `UserService`.

    ## Options
    `layers`, `roles` (a repository outside the module packages, e.g. `cpv3/registry/repository.py`,
    is a repository only if `roles.repository` lists its path).
    """

    code = "CNF202"
    name = "router-imports-repository"
    summary = "router imports a repository (skips the service layer)"
    fix_hint = "inject the service and add the method there"
    catalog = "LAY002"
    VALID = (
        Example.code(
            """
            from .service import UserService
            """,
        ),
        Example.code(
            """
            from cpv3.registry.repository import Registry
            """,
            extra={"cpv3/registry/repository.py": "class Registry:\n    pass\n"},
            note="registry/repository.py outside the module packages has no role by default",
        ),
        Example.code(
            """
            from .models import UserRepository
            """,
            extra={
                "cpv3/core/db.py": _DB,
                "cpv3/modules/users/models.py": (
                    "from cpv3.core.db import Base\n\n\nclass UserRepository(Base):\n"
                    '    __tablename__ = "user_repositories"\n'
                ),
            },
            note="an ORM model called UserRepository is not a repository (it is CNF203)",
        ),
    )
    INVALID = (
        Example.code(
            """
            from .repository import UserRepository
            """,
            Expect(
                1,
                25,
                "router.py imports UserRepository from users.repository: routers call services",
            ),
        ),
        Example.code(
            """
            from cpv3.modules.orders import repository as orders_repo
            from ..users.repository import UserRepository as Repo
            """,
            Expect(
                1,
                33,
                "router.py imports orders.repository: routers call services",
            ),
            Expect(
                2,
                32,
                "router.py imports UserRepository from users.repository: routers call services",
            ),
            path="cpv3/modules/users/router.py",
            extra={"cpv3/modules/orders/repository.py": _ORDERS_REPOSITORY},
        ),
        Example.code(
            """
            from cpv3.registry.repository import Registry
            """,
            Expect(
                1,
                38,
                "router.py imports Registry from cpv3.registry.repository: routers call services",
            ),
            extra={"cpv3/registry/repository.py": "class Registry:\n    pass\n"},
            config=(
                '[roles]\nrouter = ["router.py"]\nservice = ["service.py"]\n'
                'repository = ["repository.py", "cpv3/registry/repository.py"]\n'
                'models = ["models.py"]\nschemas = ["schemas.py"]\n'
            ),
            note="a path outside the modules has the repository role when config says so",
        ),
    )
