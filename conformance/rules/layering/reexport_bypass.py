"""CNF218 reexport-bypass."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.layering._common import _ImportRule
from conformance.rules.layering._examples import _USERS_REPOSITORY


class ReexportBypass(_ImportRule):
    """## What it checks
    A name imported from a package or a public layer that is, after following re-exports (a
    module's `__init__.py`, or a service that imports the repository), defined in a layer the
    importing file may not use: `from cpv3.modules.users import UserRepository` where
    `users/__init__.py` re-exports it from `users/repository.py`. The message names the origin and
    the rule that applies to it.

    ## Why
    A re-export hides the real dependency from readers and from import-graph tools (import-linter
    users defer imports or re-export to get around contracts).

    ## Example
    ```python
    # cpv3/modules/orders/router.py
    from cpv3.modules.users import UserRepository
    ```

    ## Use instead
    Import the public layer (`from cpv3.modules.users.service import UserService`) and stop
    re-exporting internals (CNF108).

    ## Options
    `layers`, `roles`.
    """

    code = "CNF218"
    name = "reexport-bypass"
    summary = "forbidden layer reached through a package re-export"
    fix_hint = "import the allowed layer directly; do not re-export internals"
    catalog = "LAY018"
    VALID = (
        Example.code(
            "from cpv3.modules.users import UserService\n",
            path="cpv3/modules/orders/router.py",
            extra={
                "cpv3/modules/users/__init__.py": "from .service import UserService\n",
                "cpv3/modules/users/service.py": "class UserService:\n    pass\n",
            },
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users import UserRepository as Repo
            """,
            Expect(
                1,
                32,
                "router.py imports UserRepository from users (re-exported from users.repository, CNF202): routers call services",
            ),
            path="cpv3/modules/orders/router.py",
            extra={
                "cpv3/modules/users/__init__.py": "from .repository import UserRepository\n",
                "cpv3/modules/users/repository.py": _USERS_REPOSITORY,
            },
        ),
    )
