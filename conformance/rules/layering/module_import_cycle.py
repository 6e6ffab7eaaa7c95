"""CNF206 module-import-cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Tuple

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.layering._common import (
    CYCLES_INCLUDE_TYPE_CHECKING,
    _display,
    _file_name,
    _target_role,
)
from conformance.rules.layering._cycles import ClosesModuleCycle


class ModuleImportCycle(FileRule):
    """## What it checks
    A cycle of imports between module packages (`users -> orders -> users`, or longer chains),
    counting every file of each module. Module packages are told apart by their full dotted name
    (`app.auth.sandbox` is not `app.sandbox`). With nested modules, cycles are between
    siblings: a nested module and the module that holds it are one feature (no cycle between
    them), and an import from `benefit.grant` into `slack` is `benefit`'s edge. For every module on a cycle, the shortest cycle
    through it is reported on the import statement that closes it (the cycle is written from its
    alphabetically first module; the statement is the first import making the last edge), with
    the cycle's path in the message; a statement closing several cycles shows the shortest. A
    tangle of many modules gives a few short cycles to break, not every path through it.

    ## Why
    Modules in a cycle cannot be understood, tested or extracted apart; at runtime a cycle breaks
    at import time as soon as one side uses the other at module level. import-linter's
    `acyclic_siblings` and tach's `forbid_circular_dependencies` check the same.

    ## Example
    ```python
    # cpv3/modules/orders/service.py
    from cpv3.modules.users.service import UserService
    # cpv3/modules/users/service.py
    from cpv3.modules.orders.service import OrderService
    ```

    ## Use instead
    Move the shared code to one side (or to a shared package such as `cpv3/core/`), or invert one
    edge (pass a callback or the data instead of importing).

    ## Options
    `cycles-include-type-checking` (default `false`): imports under `if TYPE_CHECKING:` are not
    edges of a cycle unless set. Dynamic imports are not edges. Function-level imports are.
    """

    code = "CNF206"
    name = "module-import-cycle"
    summary = "import cycle between module packages"
    fix_hint = "move the shared code to one side or to a shared package, or invert one edge"
    catalog = "LAY006"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from cpv3.modules.orders.models import Order
            """,
            path="cpv3/modules/users/models.py",
            extra={
                "cpv3/modules/orders/models.py": "from cpv3.modules.users.models import User\n",
            },
            note="a relationship back under TYPE_CHECKING is not a cycle by default",
        ),
        Example.code(
            """
            from app.shop.orders.service import OrderService
            """,
            path="app/auth/sandbox/service.py",
            extra={
                "app/shop/orders/service.py": (
                    "from app.billing.sandbox.service import Sandbox\n\n\n"
                    "class OrderService:\n    pass\n"
                ),
                "app/billing/sandbox/service.py": "class Sandbox:\n    pass\n",
            },
            config='modules = ["app/*/*"]\n',
            note="two packages named sandbox are two modules: no cycle through a short name",
        ),
        Example.code(
            """
            from app.projects.models import Project
            """,
            path="app/projects/events/service.py",
            extra={
                "app/projects/models.py": "class Project:\n    pass\n",
                "app/projects/router.py": "from app.projects.events import service as events\n",
            },
            config='modules = ["app/*", "app/projects/*"]\nnested-modules = true\n',
            note="a nested module and the module that holds it are one feature: no cycle",
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.orders.service import OrderService
            """,
            Expect(
                1,
                1,
                "service.py imports orders.service and closes the module import cycle orders -> users -> orders",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/modules/orders/service.py": (
                    "from cpv3.modules.users import service as users\n"
                ),
            },
        ),
        Example.code(
            """
            from cpv3.modules.billing.service import charge
            """,
            Expect(
                1,
                1,
                "service.py imports billing.service and closes the module import cycle "
                "billing -> orders -> billing",
            ),
            path="cpv3/modules/orders/service.py",
            extra={
                "cpv3/modules/billing/service.py": (
                    "from cpv3.modules.orders.service import Order\n"
                    "from cpv3.modules.users.service import User\n"
                ),
                "cpv3/modules/users/service.py": "from cpv3.modules.orders.schemas import Out\n",
                "cpv3/modules/orders/schemas.py": "Out = 1\n",
            },
            note="the import closes two cycles (one through users): the shortest is shown",
        ),
        Example.code(
            """
            from app.benefit.models import Benefit
            """,
            Expect(
                1,
                1,
                "service.py imports benefit.models and closes the module import cycle "
                "benefit -> slack -> benefit",
            ),
            path="app/slack/service.py",
            extra={
                "app/benefit/grant/service.py": "from app.slack.service import post\n",
                "app/benefit/models.py": "class Benefit:\n    pass\n",
            },
            config='modules = ["app/*", "app/benefit/*"]\nnested-modules = true\n',
            note="an import out of a nested module is its enclosing module's edge",
        ),
    )

    def _statement(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        if ctx.feature is None:
            return
        facts = ctx.import_facts(node)
        base = ctx.import_count
        ordinals: List[int] = []
        shown = ""
        for number, fact in enumerate(facts):
            if not fact.module or not ctx.is_project_name(fact.module):
                continue
            ordinals.append(base + number)
            if not shown:
                _, feature, _, dotted = _target_role(ctx, fact)
                shown = _display(dotted, feature)
        if not ordinals:
            return
        include = bool(ctx.option(CYCLES_INCLUDE_TYPE_CHECKING))
        tags: Tuple[str, ...] = ("deferred",) if ctx.in_function else ()
        self.report(
            node,
            f"{_file_name(ctx)} imports {shown} and closes the module import cycle {{detail}}",
            when=ClosesModuleCycle(ctx.module, tuple(ordinals), include),
            tags=tags,
        )

    def visit_Import(self, node: cst.Import) -> None:
        self._statement(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._statement(node)
