"""Shared helpers of the fastapi rules."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    FrozenSet,
    List,
    Optional,
    Set,
    Tuple,
    Union,
)

from conformance import names
from conformance.conditions import Condition
from conformance.rules.base import FileRule
from conformance.settings import Option

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
    from conformance.index import ProjectIndex
else:
    from conformance import lazycst as cst


ROUTER_PREFIX = Option(
    "router-prefix",
    str,
    "",
    'Template of the literal `prefix` every module\'s router has (CNF346), e.g. `"/{module}"`;'
    " `{module}` is the module package name in kebab-case (`order_items` -> `order-items`)."
    " Empty (the default): not checked.",
)
ROUTER_TAGS = Option(
    "router-tags",
    list,
    (),
    'Templates of the literal `tags` every module\'s router has (CNF346), e.g. `["{module}"]`;'
    " `{module}` as for `router-prefix`. Empty (the default): not checked.",
)
OPTIONS = (
    ROUTER_PREFIX,
    ROUTER_TAGS,
)


_PREFIXES = ("fastapi.", "fastapi.params.", "fastapi.param_functions.")


def _names(*short: str) -> FrozenSet[str]:
    return frozenset(prefix + name for prefix in _PREFIXES for name in short)


DEPENDS = names.DEPENDS


PARAM_MARKERS = _names("Query", "Path", "Body", "Header", "Cookie", "Form", "File")


PATH_MARKERS = _names("Path")


MARKERS = DEPENDS | PARAM_MARKERS


ANNOTATED = names.ANNOTATED


ROUTER_CLASSES = names.ROUTER_CLASSES


APP_CLASSES = names.APP_CLASSES


ROUTE_METHODS = names.ROUTE_METHODS


_PATH_PARAM = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z_]+)?}")


Verdict = Union[bool, Condition]


def _short(qualname: str) -> str:
    return qualname.rpartition(".")[2]


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def _string_value(node: Optional[cst.BaseExpression]) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _keyword(call: cst.Call, name: str) -> Optional[cst.Arg]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def _has_star(call: cst.Call) -> bool:
    return any(arg.star for arg in call.args)


def _has_comment(code: str) -> bool:
    if "#" not in code:
        return False
    try:
        for token in tokenize.generate_tokens(io.StringIO(f"({code})").readline):
            if token.type == tokenize.COMMENT:
                return True
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return True
    return False


def _annotated_parts(
    ctx: FileContext, annotation: Optional[cst.Annotation]
) -> Optional[Tuple[cst.Subscript, List[cst.BaseExpression]]]:
    """The ``Annotated[...]`` subscript of a parameter annotation and its element expressions."""
    if annotation is None:
        return None
    node = annotation.annotation
    if not isinstance(node, cst.Subscript) or ctx.qualname(node.value) not in ANNOTATED:
        return None
    elements = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
    if len(elements) != len(node.slice):
        return None
    return node, elements


def _marker(ctx: FileContext, node: Optional[cst.BaseExpression]) -> Optional[str]:
    """The FastAPI marker a call is (``fastapi.Depends``, ``fastapi.Query``, ...), else None."""
    if isinstance(node, cst.Call):
        name = ctx.call_name(node)
        if name in MARKERS:
            return name
    return None


def _all_params(node: cst.FunctionDef) -> List[cst.Param]:
    params = node.params
    out: List[cst.Param] = [*params.posonly_params, *params.params, *params.kwonly_params]
    return out


def _positional(node: cst.FunctionDef) -> List[cst.Param]:
    return [*node.params.posonly_params, *node.params.params]


def _order_valid(node: cst.FunctionDef, has_default: Dict[int, bool]) -> bool:
    """Whether positional parameters stay valid Python: no required one after a defaulted one.
    ``has_default`` overrides the default status of some parameters (by id)."""
    seen_default = False
    for param in _positional(node):
        default = has_default.get(id(param), param.default is not None)
        if default:
            seen_default = True
        elif seen_default:
            return False
    return True


def _marker_default(
    call: cst.Call,
) -> Tuple[Optional[cst.Arg], Optional[cst.BaseExpression]]:
    """The argument holding a Query/Path/... default and its value (None when there is none;
    ``...`` counts as no default: it means required)."""
    arg: Optional[cst.Arg] = None
    if call.args and call.args[0].keyword is None and not call.args[0].star:
        arg = call.args[0]
    else:
        arg = _keyword(call, "default")
    if arg is None:
        return None, None
    if isinstance(arg.value, cst.Ellipsis):
        return arg, None
    return arg, arg.value


def _without_arg(call: cst.Call, drop: cst.Arg) -> cst.Call:
    args = [arg for arg in call.args if arg is not drop]
    if args:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=args)


def _annotated_name(ctx: FileContext) -> Tuple[str, bool]:
    """How this file spells ``typing.Annotated`` (bare ``Annotated`` when it must be imported:
    the report then asks the fix engine for ``from typing import Annotated``)."""
    names = ctx.module_bindings()
    for name, binding in names.items():
        if binding.kind == "import" and binding.qualname in ANNOTATED:
            return name, False
    for name, binding in names.items():
        if binding.kind == "import" and binding.qualname in ("typing", "typing_extensions"):
            return f"{name}.Annotated", False
    return "Annotated", True


def _annotated(name: str, first: cst.BaseExpression, marker: cst.BaseExpression) -> cst.Subscript:
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return cst.Subscript(
        value=cst.parse_expression(name),
        slice=[
            cst.SubscriptElement(cst.Index(first), comma=comma),
            cst.SubscriptElement(cst.Index(marker)),
        ],
    )


def _spaced_equal() -> cst.AssignEqual:
    return cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(" "), whitespace_after=cst.SimpleWhitespace(" ")
    )


def _inside_lambda(ctx: FileContext) -> bool:
    for node in reversed(ctx.ancestors):
        if isinstance(node, cst.Lambda):
            return True
        if isinstance(node, cst.FunctionDef):
            return False
    return False


def _in_annotation(ctx: FileContext) -> bool:
    for node in reversed(ctx.ancestors):
        if isinstance(node, cst.Annotation):
            return True
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement, cst.Param)):
            return False
    return False


def _enclosing_param(ctx: FileContext) -> Optional[cst.Param]:
    for node in reversed(ctx.ancestors):
        if isinstance(node, cst.Param):
            return node
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            return None
    return None


_LITERALS = (
    "SimpleString",
    "ConcatenatedString",
    "FormattedString",
    "Integer",
    "Float",
    "Imaginary",
    "List",
    "Dict",
    "Set",
    "Tuple",
    "ListComp",
    "DictComp",
    "SetComp",
)


def _statements(body: cst.BaseSuite) -> List[cst.CSTNode]:
    """Statements of a body, looking into compound statements (not nested functions/classes)."""
    out: List[cst.CSTNode] = []
    stack: List[Any] = [body]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(current, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            out.append(current)
        if isinstance(current, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            stack.extend(reversed(current.body))
        elif isinstance(current, cst.BaseCompoundStatement):
            stack.extend(c for c in current.children if isinstance(c, (cst.BaseSuite, cst.CSTNode)))
        elif isinstance(current, (cst.ExceptHandler, cst.Finally, cst.Else)):
            stack.append(current.body)
    return out


def _function_yields_in(body: cst.BaseSuite) -> bool:
    stack: List[Any] = [body]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(current, cst.Yield):
            return True
        if isinstance(current, cst.CSTNode):
            stack.extend(current.children)
    return False


def _raises(body: cst.BaseSuite) -> bool:
    stack: List[Any] = [body]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(current, cst.Raise):
            return True
        if isinstance(current, cst.CSTNode):
            stack.extend(current.children)
    return False


def _param_order_after(node: cst.FunctionDef, param: cst.Param, default: bool) -> bool:
    if any(p is param for p in node.params.kwonly_params):
        return True
    return _order_valid(node, {id(param): default})


_TYPING_CONSTRUCTS = ("typing.", "typing_extensions.", "collections.abc.", "collections.")


def _is_test_file(path: str) -> bool:
    """A test module or fixture file: its routers exist for the tests, not for the API docs."""
    folder, _, name = path.rpartition("/")
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return True
    return any(part in ("test", "tests") for part in folder.split("/"))


def _is_false(arg: Optional[cst.Arg]) -> bool:
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "False"


def _is_none(arg: Optional[cst.Arg]) -> bool:
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "None"


@dataclass(frozen=True)
class NotMountedWith(Condition):
    """No ``include_router(router, ...)`` call of the project gives ``keyword`` (``prefix``,
    ``tags``) or hides the router from the schema (``include_in_schema=False``); with ``docs``,
    also no application turns the schema off (``FastAPI(openapi_url=None)``)."""

    router: str
    keyword: str
    docs: bool = False

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        mounts = _mounts_by_router(index)
        router = index.resolve(self.router)
        # Tags and hiding pass down an include chain (FastAPI adds the including router's
        # tags to every route it takes in); a prefix is the router's own, at its own mount.
        inherited = self.keyword == "tags"
        seen = {router}
        todo = [router]
        while todo:
            current = todo.pop()
            for keywords, hidden, receiver in mounts.get(current, ()):
                if hidden or self.keyword in keywords:
                    return False
                if not inherited or not receiver:
                    continue
                if self.keyword in _router_keywords(index).get(receiver, ()):
                    return False
                if receiver not in seen:
                    seen.add(receiver)
                    todo.append(receiver)
        if self.docs and index.memo(
            "fastapi.openapi-off", lambda: bool(index.extra("fastapi.openapi_off"))
        ):
            return False
        # A router the project never mounts by a name the checker can follow, in a project
        # that mounts some router it cannot follow (``app.include_router(plugin.events, ...)``),
        # may be that one: not certain.
        if router not in mounts and index.memo(
            "fastapi.unresolved-mounts", lambda: bool(index.extra("fastapi.unresolved_mount"))
        ):
            return False
        return True if index.complete else None


def _mounts_by_router(index: ProjectIndex) -> Dict[str, List[Tuple[Tuple[str, ...], bool, str]]]:
    """Router -> its ``include_router`` sites: (keywords given, hidden, the including router or
    app), all names resolved."""

    def build() -> Dict[str, List[Tuple[Tuple[str, ...], bool, str]]]:
        out: Dict[str, List[Tuple[Tuple[str, ...], bool, str]]] = {}
        for _, (router, keywords, hidden, receiver) in index.extra("fastapi.mounts"):
            site = (tuple(keywords), bool(hidden), index.resolve(receiver) if receiver else "")
            out.setdefault(index.resolve(router), []).append(site)
        return out

    found: Dict[str, List[Tuple[Tuple[str, ...], bool, str]]] = index.memo(
        "fastapi.mounts-by-router", build, Dict[str, List[Tuple[Tuple[str, ...], bool, str]]]
    )
    return found


def _router_keywords(index: ProjectIndex) -> Dict[str, Tuple[str, ...]]:
    """Module-level router -> the keywords of its ``APIRouter(...)`` call."""

    def build() -> Dict[str, Tuple[str, ...]]:
        return {
            index.resolve(router): tuple(keywords)
            for _, (router, keywords) in index.extra("fastapi.router_keywords")
        }

    found: Dict[str, Tuple[str, ...]] = index.memo(
        "fastapi.router-keywords", build, Dict[str, Tuple[str, ...]]
    )
    return found


class _RouterCalls(FileRule):
    """Shared by the APIRouter(...) rules: module-level routers, and which names are aggregators
    (receive include_router calls) in this file. Only routers of module packages are checked,
    never those of test files, nor routers hidden from the schema (``include_in_schema=False`` on
    the router or on every route of it); a router whose ``include_router`` call elsewhere gives
    the keyword is not reported (``NotMountedWith``)."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.routers: List[Tuple[Optional[str], cst.Call]] = []
        self.aggregators: Set[str] = set()
        # names of routers with routes hidden from the schema / shown in it
        self.hidden_routes: Set[str] = set()
        self.shown_routes: Set[str] = set()
        # names of routers with routes that give their own tags= / that do not
        self.tagged_routes: Set[str] = set()
        self.untagged_routes: Set[str] = set()
        owner = ctx.memo("fastapi.mount-recorder", lambda: self)
        self.records = owner is self

    def _record(self, node: cst.Call, name: Optional[str]) -> None:
        """The project's mount sites and schema switches, once per file."""
        ctx = self.ctx
        func = node.func
        if name in APP_CLASSES and _is_none(_keyword(node, "openapi_url")):
            ctx.add_extra("fastapi.openapi_off", ctx.module)
        parent = ctx.parent
        if (
            name in ROUTER_CLASSES
            and not ctx.in_function
            and isinstance(parent, cst.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
        ):
            given = tuple(sorted(a.keyword.value for a in node.args if a.keyword is not None))
            bound = f"{ctx.module}.{parent.targets[0].target.value}"
            ctx.add_extra("fastapi.router_keywords", (bound, given))
        if not (isinstance(func, cst.Attribute) and func.attr.value == "include_router"):
            return
        first = _keyword(node, "router")
        if first is None and node.args and node.args[0].keyword is None:
            first = node.args[0]
        router = (
            ctx.qualname(first.value)
            if first is not None and isinstance(first.value, (cst.Name, cst.Attribute))
            else None
        )
        if router is None:
            ctx.add_extra("fastapi.unresolved_mount", ctx.module)
            return
        keywords = tuple(
            sorted(a.keyword.value for a in node.args if a.keyword is not None and a.keyword)
        )
        hidden = _is_false(_keyword(node, "include_in_schema"))
        receiver = ctx.qualname(func.value) or ""
        ctx.add_extra("fastapi.mounts", (router, keywords, hidden, receiver))

    def unless_mounted_with(
        self, bound: Optional[str], keyword: str, docs: bool = False
    ) -> Optional[Condition]:
        """The condition of a finding about a missing ``keyword``: the router's mount sites."""
        if bound is None:
            return None
        return NotMountedWith(f"{self.ctx.module}.{bound}", keyword, docs)

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        name = ctx.call_name(node)
        if self.records:
            self._record(node, name)
        if name in ROUTER_CLASSES:
            bound: Optional[str] = None
            parent = ctx.parent
            if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
                target = parent.targets[0].target
                if isinstance(target, cst.Name):
                    bound = target.value
            elif isinstance(parent, cst.AnnAssign) and isinstance(parent.target, cst.Name):
                bound = parent.target.value
            self.routers.append((bound, node))
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "include_router":
            if isinstance(func.value, cst.Name):
                self.aggregators.add(func.value.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            expr = decorator.decorator
            if not (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute)):
                continue
            receiver = expr.func.value
            if isinstance(receiver, cst.Name) and expr.func.attr.value in ROUTE_METHODS:
                hidden = _is_false(_keyword(expr, "include_in_schema"))
                (self.hidden_routes if hidden else self.shown_routes).add(receiver.value)
                tagged = _keyword(expr, "tags") is not None
                (self.tagged_routes if tagged else self.untagged_routes).add(receiver.value)

    def finish(self) -> None:
        # module routers only: the convention is each module's; and never the routers of tests
        if self.ctx.feature is None or _is_test_file(self.ctx.path):
            return
        for bound, call in self.routers:
            if _has_star(call) or (bound is not None and bound in self.aggregators):
                continue
            if _is_false(_keyword(call, "include_in_schema")):
                continue
            if bound in self.hidden_routes and bound not in self.shown_routes:
                continue  # every route of it is hidden from the schema
            self.check_router(bound, call)

    def check_router(self, bound: Optional[str], call: cst.Call) -> None:
        raise NotImplementedError


def _router_dependencies(
    ctx: FileContext, receiver: cst.BaseExpression
) -> Optional[List[cst.BaseExpression]]:
    """The ``dependencies=[...]`` items of the router/app a route is registered on, when the
    router is created in this file ([] without dependencies); None when they cannot be read."""
    if not isinstance(receiver, cst.Name):
        return None
    binding = ctx.lookup(receiver.value)
    if binding is None or not isinstance(binding.value, cst.Call):
        return None
    call = binding.value
    if _has_star(call):
        return None
    arg = _keyword(call, "dependencies")
    if arg is None:
        return []
    if not isinstance(arg.value, (cst.List, cst.Tuple)):
        return None
    return [e.value for e in arg.value.elements]


_NO_BODY_STATUS = re.compile(r"^HTTP_(1\d\d|204|205|304)_")


_RESPONSE_CLASSES = ("fastapi.", "starlette.")


def _status_code(ctx: FileContext, node: cst.BaseExpression) -> Optional[int]:
    if isinstance(node, cst.Integer):
        try:
            return int(node.value)
        except ValueError:
            return None
    if isinstance(node, cst.Attribute):
        name = ctx.qualname(node)
        if name is None or not name.startswith(("fastapi.status.", "starlette.status.")):
            return None
        match = re.match(r"^HTTP_(\d\d\d)_", _short(name))
        return int(match.group(1)) if match else None
    return None


_BLOCKING_CALLS = frozenset(
    {
        "time.sleep",
        "builtins.open",
        "builtins.input",
        "os.system",
        "os.popen",
        "urllib.request.urlopen",
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "subprocess.Popen",
        "httpx.Client",
        "requests.Session",
    }
    | {
        f"{lib}.{m}"
        for lib in ("requests", "httpx")
        for m in ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")
    }
)


_SYNC_CLIENTS = frozenset({"httpx.Client", "requests.Session", "requests.sessions.Session"})


_CLIENT_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream"}
)


_PATH_IO = frozenset(
    {
        "read_text",
        "read_bytes",
        "write_text",
        "write_bytes",
        "open",
        "exists",
        "mkdir",
        "unlink",
        "iterdir",
        "stat",
    }
)


_TASK_WRAPPERS = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.gather"})
