"""Which calls and functions are routes, and of which router."""

from __future__ import annotations

from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Dict,
    List,
    Optional,
    Sequence,
    Tuple,
)

from conformance.conditions import AllOf, AnyOf, Condition, IsKind
from conformance.index import (
    API_ROUTER,
    FASTAPI_APP,
)
from conformance.rules.base import FileRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import (
    APP_CLASSES,
    ROUTE_METHODS,
    ROUTER_CLASSES,
    Verdict,
    _inside_lambda,
    _keyword,
    _string_value,
)
from conformance.rules.fastapi._conditions import IsRouterInstance


def receiver_verdict(ctx: FileContext, receiver: cst.BaseExpression) -> Verdict:
    """Whether ``receiver`` is an APIRouter/FastAPI instance: True (the file proves it), False,
    or a condition for the index (a router imported from another file, a project subclass)."""
    typed = ctx.instance_type(receiver)
    if typed is not None:
        if typed in ROUTER_CLASSES or typed in APP_CLASSES:
            return True
        if ctx.is_project_name(typed):
            return AnyOf((IsKind(typed, API_ROUTER), IsKind(typed, FASTAPI_APP)))
        return False
    name = ctx.qualname(receiver) if isinstance(receiver, (cst.Name, cst.Attribute)) else None
    if name is not None and ctx.is_project_name(name):
        return IsRouterInstance(name)
    return False


def _combine(verdicts: Sequence[Verdict]) -> Verdict:
    if any(v is True for v in verdicts):
        return True
    conditions = tuple(v for v in verdicts if isinstance(v, Condition))
    if not conditions:
        return False
    return conditions[0] if len(conditions) == 1 else AnyOf(conditions)


@dataclass
class Route:
    """The route decorators of a function and whether they are certainly routes."""

    verdict: Verdict
    decorators: List[cst.Call]
    receivers: List[cst.BaseExpression]


def route_of(ctx: FileContext, node: cst.FunctionDef) -> Optional[Route]:
    """The function's route decorators (None: not a route)."""
    verdicts: List[Verdict] = []
    calls: List[cst.Call] = []
    receivers: List[cst.BaseExpression] = []
    for decorator in node.decorators:
        call = decorator.decorator
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            continue
        if call.func.attr.value not in ROUTE_METHODS:
            continue
        verdict = receiver_verdict(ctx, call.func.value)
        if verdict is False:
            continue
        verdicts.append(verdict)
        calls.append(call)
        receivers.append(call.func.value)
    if not calls:
        return None
    return Route(_combine(verdicts), calls, receivers)


def _when(*parts: Verdict) -> Optional[Condition]:
    """A condition from verdicts that are True or conditions (None: certain)."""
    conditions = tuple(p for p in parts if isinstance(p, Condition))
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else AllOf(conditions)


def route_path(call: cst.Call) -> Tuple[Optional[cst.BaseExpression], Optional[str]]:
    """The path argument of a route decorator and its literal value."""
    node: Optional[cst.BaseExpression] = None
    if call.args and call.args[0].keyword is None and not call.args[0].star:
        node = call.args[0].value
    else:
        arg = _keyword(call, "path")
        node = arg.value if arg is not None else None
    return node, _string_value(node)


class _RouteBody(FileRule):
    """Rules that look at calls inside route functions: remembers each function's route verdict."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.routes: Dict[int, Optional[Route]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.routes[id(node)] = route_of(self.ctx, node)

    def current_route(self) -> Optional[Route]:
        function = self.ctx.function
        if function is None or _inside_lambda(self.ctx):
            return None
        return self.routes.get(id(function))
