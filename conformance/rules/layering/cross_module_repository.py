"""CNF204 cross-module-repository."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.layering._common import _ImportRule
from conformance.rules.layering._examples import _ORDERS_REPOSITORY


class CrossModuleRepository(_ImportRule):
    """## What it checks
    A file of one module (any role but the router, which is CNF202) importing another module's
    repository. A module's own layer packages (`orders/service/`, `orders/repositories/`) are
    part of the module, even when a `modules` glob matches them as nested modules.

    ## Why
    A module's data access is private: the owning service enforces the module's invariants and
    owns its transactions. import-linter users cannot express "no access to another app's data
    layer" with one contract; this rule is that contract for every module at once.

    ## Example
    ```python
    # cpv3/modules/orders/service.py
    from cpv3.modules.users.repository import UserRepository
    ```

    ## Use instead
    ```python
    from cpv3.modules.users.service import UserService
    ```

    ## Options
    `roles`, `modules`. Off without a service role (`service = []`, routes calling the
    repositories): the way round goes through a service the layout does not have.
    """

    code = "CNF204"
    name = "cross-module-repository"
    summary = "module imports another module's repository"
    fix_hint = "call the other module's service"
    catalog = "LAY004"
    requires_roles = ("service",)
    VALID = (
        Example.code(
            "from cpv3.modules.users.service import UserService\n",
            path="cpv3/modules/orders/service.py",
            note="another module's service is public",
        ),
        Example.code(
            "from .repository import OrderRepository\n",
            path="cpv3/modules/orders/service.py",
            extra={"cpv3/modules/orders/repository.py": _ORDERS_REPOSITORY},
        ),
        Example.code(
            "from app.orders.repository import OrderRepository\n",
            path="app/orders/service/checkout.py",
            extra={
                "app/orders/repository.py": _ORDERS_REPOSITORY,
                "app/orders/service/__init__.py": "",
            },
            config='modules = ["app/*", "app/*/*"]\nnested-modules = true\n',
            note="the module's own service package, which the second glob also matches",
        ),
    )
    INVALID = (
        Example.code(
            """
            from ..users.repository import UserRepository as Users
            """,
            Expect(
                1,
                32,
                "service.py imports UserRepository from users.repository: another module's "
                "repository is private; call the users service instead",
            ),
            path="cpv3/modules/orders/service.py",
        ),
        Example.code(
            """
            import importlib

            try:
                from cpv3.modules.users.repository import UserRepository
            except ImportError:
                UserRepository = None
            """,
            Expect(
                4,
                47,
                "repository.py imports UserRepository from users.repository: another module's "
                "repository is private; call the users service instead",
            ),
            path="cpv3/modules/orders/repository.py",
            note="an import in try/except ImportError is a normal edge",
        ),
    )
