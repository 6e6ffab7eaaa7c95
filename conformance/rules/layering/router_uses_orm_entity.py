"""CNF203 router-uses-orm-entity."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.layering._common import _ImportRule
from conformance.rules.layering._examples import _with


class RouterUsesOrmEntity(_ImportRule):
    """## What it checks
    A router or schemas file (any role that `[tool.conformance.layers]` does not allow to use
    models) importing a name that the project index knows is an ORM entity: a subclass of the
    declarative base, found through base classes in any file. Enums and constants from models.py
    are not entities and are fine.

    ## Why
    Routers and schemas speak the API's language (schemas); ORM objects in responses leak lazy
    loading, internal columns and database naming into the HTTP contract.

    ## Example
    ```python
    # cpv3/modules/products/router.py
    from .models import Product
    ```

    ## Use instead
    Return a schema (`ProductRead`) and let the service convert (`ProductRead.model_validate`).

    ## Options
    `layers` (add `models` to a role's list to allow it), `roles`. A team that returns ORM objects
    with `response_model` can `ignore = ["CNF203"]`. A whole-module import (`from . import models`)
    is not judged: what it is used for is unknown.
    """

    code = "CNF203"
    name = "router-uses-orm-entity"
    summary = "router or schemas imports an ORM entity"
    fix_hint = "speak schemas in the router; convert entities in the service"
    catalog = "LAY003"
    VALID = (
        Example.code(
            """
            from .models import MAX_NAME, UserStatus as Status
            """,
            extra=_with("cpv3/core/db.py", "cpv3/modules/users/models.py"),
            note="an enum and a constant from models.py are not ORM entities",
        ),
        Example.code(
            """
            from .models import UserStatus
            """,
            path="cpv3/modules/users/schemas.py",
            extra=_with("cpv3/core/db.py", "cpv3/modules/users/models.py"),
        ),
    )
    INVALID = (
        Example.code(
            """
            from .models import User as UserRow, UserStatus
            """,
            Expect(
                1,
                21,
                "router.py imports ORM entity User from users.models: the router layer speaks schemas, not ORM entities",
            ),
            extra=_with("cpv3/core/db.py", "cpv3/modules/users/models.py"),
        ),
        Example.code(
            """
            from cpv3.modules.users.models import User
            """,
            Expect(
                1,
                39,
                "schemas.py imports ORM entity User from users.models: the schemas layer speaks schemas, not ORM entities",
            ),
            path="cpv3/modules/orders/schemas.py",
            extra=_with("cpv3/core/db.py", "cpv3/modules/users/models.py"),
            note="another module's entity, base class in a third file",
        ),
    )
