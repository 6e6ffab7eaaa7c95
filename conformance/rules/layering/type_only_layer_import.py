"""CNF214 type-only-layer-import."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.layering._common import _ImportRule


class TypeOnlyLayerImport(_ImportRule):
    """## What it checks
    A forbidden import (any of CNF201-CNF205, CNF207-CNF209, CNF218) that exists only under
    `if TYPE_CHECKING:` (also `typing.TYPE_CHECKING` and an aliased `TYPE_CHECKING as TC`). It is
    reported under this code *instead of* the underlying one, which the message names.

    ## Why
    A type-only import still couples the layers (the annotation names the other layer), but it
    cannot cause a runtime cycle. Teams differ: import-linter ignores such imports only on request,
    tach by default. A separate code makes the policy a switch: `ignore = ["CNF214"]`.

    ## Example
    ```python
    # cpv3/modules/users/router.py
    if TYPE_CHECKING:
        from .repository import UserRepository
    ```

    ## Use instead
    Annotate with the service or a schema; or accept type-only coupling with `ignore`.

    ## Options
    `ignore = ["CNF214"]` accepts type-only imports everywhere; `per-file-ignores` for some files.
    """

    code = "CNF214"
    name = "type-only-layer-import"
    summary = "forbidden layer import that exists only under TYPE_CHECKING"
    fix_hint = "annotate with the allowed layer, or accept type-only coupling (ignore CNF214)"
    catalog = "LAY014"
    VALID = (
        Example.code(
            """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from cpv3.modules.orders.models import Order
            """,
            path="cpv3/modules/users/models.py",
            note="a model referring to another module's model under TYPE_CHECKING",
        ),
    )
    INVALID = (
        Example.code(
            """
            import typing as t
            from typing import TYPE_CHECKING as TC

            if t.TYPE_CHECKING:
                from .repository import UserRepository
            if TC:
                from . import repository
            """,
            Expect(
                5,
                29,
                "router.py imports UserRepository from users.repository: routers call services (under TYPE_CHECKING; CNF202 at runtime)",
            ),
            Expect(
                7,
                19,
                "router.py imports users.repository: routers call services (under TYPE_CHECKING; CNF202 at runtime)",
            ),
        ),
    )
