"""What the routes of a file construct (CNF306), shared with the findings it implies.

Injecting the session and building the service in the route is one design decision; it also
shows as a `Depends` default on the session parameter (CNF301) and as the session type imported
into the router (CNF208). CNF306 records each route's constructions here, in the file's memo, and
reports the decision once; the other two rules read the record and keep their finding only where
the construction is not a service (``Not(ServiceBuilt(...))``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, List, Optional, Tuple

from conformance.conditions import Condition
from conformance.rules.fastapi._conditions import ServiceBuilt

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst

#: the code whose finding implies the others
ROOT_CODE = "CNF306"

_MEMO = "fastapi.route-builds"


@dataclass(frozen=True)
class Construction:
    """``callee(...)`` in a route body, with the route parameters passed to it by name."""

    call: cst.Call
    callee: str
    params: Tuple[str, ...]


@dataclass
class RouteBuilds:
    """Per route function (by node id): its verdict as a condition (None: certainly a route)
    and its constructions of project classes, in the order of the body."""

    routes: Dict[int, Optional[Condition]] = field(default_factory=dict)
    built: Dict[int, List[Construction]] = field(default_factory=dict)

    def record(
        self,
        ctx: FileContext,
        function: cst.FunctionDef,
        call: cst.Call,
        callee: str,
        route: Optional[Condition],
    ) -> None:
        params: List[str] = []
        for arg in call.args:
            value = arg.value
            if isinstance(value, cst.Name):
                binding = ctx.lookup(value.value)
                if binding is not None and binding.kind == "param":
                    params.append(value.value)
        self.routes[id(function)] = route
        self.built.setdefault(id(function), []).append(
            Construction(call, callee, tuple(dict.fromkeys(params)))
        )

    def implied_by(
        self, ctx: FileContext, function: cst.FunctionDef, param: str
    ) -> Optional[Condition]:
        """The condition under which a finding about ``param`` of ``function`` is part of the
        route's CNF306 finding (None: it is not, keep the finding as it is)."""
        if not ctx.is_selected(ROOT_CODE):
            return None
        callees = tuple(
            dict.fromkeys(c.callee for c in self.built.get(id(function), ()) if param in c.params)
        )
        if not callees:
            return None
        return ServiceBuilt(callees, self.routes.get(id(function)))


def route_builds(ctx: FileContext) -> RouteBuilds:
    """The file's record (empty until CNF306's hooks fill it)."""
    return ctx.memo(_MEMO, RouteBuilds)
