"""CNF217 private-name-from-other-module."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.layering._common import _ImportRule


class PrivateNameFromOtherModule(_ImportRule):
    """## What it checks
    Importing a private name (`_helper`, or anything under a `_private` submodule) from another
    module package.

    ## Why
    An underscore says "not part of the module's surface"; importing it from elsewhere makes a
    refactoring of the owning module break a stranger.

    ## Example
    ```python
    from cpv3.modules.users.service import _hash_password
    ```

    ## Use instead
    Use (or add) a public function of the owning module's service.

    ## Options
    None. Opt-in: select `CNF217`.
    """

    code = "CNF217"
    name = "private-name-from-other-module"
    summary = "import of a private name from another module"
    fix_hint = "use the module's public surface"
    catalog = "LAY017"
    default = False
    VALID = (
        Example.code(
            "from .service import _normalise\n",
            path="cpv3/modules/users/router.py",
            note="private names inside the same module are the module's business",
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.service import _hash_password as hash_pw
            """,
            Expect(
                1,
                40,
                "service.py imports private _hash_password from users.service of module 'users'",
            ),
            path="cpv3/modules/orders/service.py",
        ),
    )
