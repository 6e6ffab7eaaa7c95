"""CNF3xx: FastAPI dependency injection and router hygiene (RULES-CATALOG section 3).

A *route* is a function decorated by ``<x>.get/post/put/patch/delete/options/head/trace/api_route/
websocket`` where ``x`` provably is a ``fastapi.APIRouter`` or ``fastapi.FastAPI`` (created in the
file, annotated, or imported from another project file: then a condition asks the index). A
*dependency provider* is a callable referenced by ``Depends(...)``/``Security(...)`` anywhere in the
project (parameter defaults, ``Annotated`` aliases, ``dependencies=[...]``).

Each file records what other files need to know under ``fastapi.*`` extra facts: the providers it
references, the project names and attribute names it uses as values (a function passed around may
end up resolved by FastAPI), and the signatures of its functions (names and dependencies, for path
parameters). The conditions below read them back from the complete index.
"""

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
    Sequence,
    Set,
    Tuple,
    Union,
)

from conformance import names
from conformance.conditions import AllOf, AnyOf, Condition, IsKind
from conformance.config import Option
from conformance.diagnostics import FixSafety
from conformance.index import (
    API_ROUTER,
    FASTAPI_APP,
    PYDANTIC_MODEL,
    SYNC_SESSION,
    ProjectIndex,
)
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.filepass import FileContext
else:
    from conformance import lazycst as cst

OPTIONS = (
    Option(
        "router-prefix",
        str,
        "",
        'Template of the literal `prefix` every module\'s router has (CNF346), e.g. `"/{module}"`;'
        " `{module}` is the module package name in kebab-case (`order_items` -> `order-items`)."
        " Empty (the default): not checked.",
    ),
    Option(
        "router-tags",
        list,
        (),
        'Templates of the literal `tags` every module\'s router has (CNF346), e.g. `["{module}"]`;'
        " `{module}` as for `router-prefix`. Empty (the default): not checked.",
    ),
)

# -- names ---------------------------------------------------------------------------------

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
    names = ctx.resolver.module_scope.names or {}
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


# -- routes --------------------------------------------------------------------------------


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


# -- conditions ----------------------------------------------------------------------------


def _extra_set(index: ProjectIndex, key: str) -> Set[str]:
    out: Set[str] = set()
    for _, value in index.extra(key):
        if isinstance(value, tuple):
            out.update(value)
        else:
            out.add(value)
    return out


@dataclass(frozen=True)
class IsRouterInstance(Condition):
    """A module-level name bound to ``APIRouter(...)``/``FastAPI(...)`` (or a project subclass)."""

    qualname: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        resolved = index.resolve(self.qualname)
        alias = index.aliases.get(resolved)
        if alias is None or alias.kind != "call" or alias.target is None:
            if alias is None and index.is_project_name(resolved) and not index.complete:
                return None
            return False
        target = index.resolve(alias.target)
        if target in ROUTER_CLASSES or target in APP_CLASSES:
            return True
        router = index.is_kind(target, API_ROUTER)
        app = index.is_kind(target, FASTAPI_APP)
        if router or app:
            return True
        return None if router is None or app is None else False


@dataclass(frozen=True)
class IsProvider(Condition):
    """Some project file references the function in ``Depends(...)``/``Security(...)``."""

    qualname: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        me = index.resolve(self.qualname)
        for _, provider in index.extra("fastapi.providers"):
            if provider == self.qualname or index.resolve(provider) == me:
                return True
        return False if index.complete else None


@dataclass(frozen=True)
class NeverResolved(Condition):
    """A function with ``Depends`` defaults that FastAPI never calls: no file references it as a
    value (only direct calls), no unresolvable ``Depends(x)`` could name it, and for methods no
    file uses the method's name as an attribute value. ``kind``: "function", "init", "method"."""

    qualname: str
    kind: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        name = _short(self.qualname)
        owner = self.qualname.rpartition(".")[0]
        target = owner if self.kind == "init" else self.qualname
        me = index.resolve(target)
        for _, provider in index.extra("fastapi.providers"):
            if index.resolve(provider) == me:
                return False
        if self.kind != "init":
            for _, ref in index.extra("fastapi.refs"):
                if ref == target or index.resolve(ref) == me:
                    return False
        else:
            for _, ref in index.extra("fastapi.value_refs"):
                if ref == target or index.resolve(ref) == me:
                    return False
            for cls in index.classes.values():
                if any(index.resolve(base) == me for base in cls.bases):
                    return False
        unresolved = _extra_set(index, "fastapi.unresolved")
        if name in unresolved or _short(owner) in unresolved:
            return False
        if self.kind == "method" and name in _extra_set(index, "fastapi.attr_refs"):
            return False
        return True if index.complete else None


_NON_CALLABLE_BUILTINS = frozenset(
    "builtins." + n
    for n in (
        "int",
        "str",
        "bytes",
        "bool",
        "float",
        "dict",
        "list",
        "tuple",
        "set",
        "frozenset",
        "None",
    )
)
_GENERATOR_TYPES = frozenset(
    {
        "typing.Iterator",
        "typing.Generator",
        "typing.AsyncIterator",
        "typing.AsyncGenerator",
        "typing.Iterable",
        "collections.abc.Iterator",
        "collections.abc.Generator",
        "collections.abc.AsyncIterator",
        "collections.abc.AsyncGenerator",
    }
)


def _class_has_call(index: ProjectIndex, qualname: str, depth: int = 0) -> Optional[bool]:
    """Whether instances of a project class are callable (None: a base is out of sight)."""
    if depth > 16:
        return None
    cls = index.classes.get(index.resolve(qualname))
    if cls is None:
        return None
    if any(_short(m.qualname) == "__call__" for m in cls.methods):
        return True
    for base in cls.bases:
        resolved = index.resolve(base)
        if resolved in ("builtins.object",):
            continue
        if index.is_kind(resolved, PYDANTIC_MODEL) is True and resolved not in index.classes:
            continue
        found = _class_has_call(index, resolved, depth + 1)
        if found is not False:
            return None if found is None else True
    return False


@dataclass(frozen=True)
class CallsToNonCallable(Condition):
    """``f`` in ``Depends(f())`` provably returns something FastAPI cannot call: an ``async def``
    (a coroutine), a generator, a function annotated to return a plain value, or a project class
    without ``__call__``."""

    callee: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        resolved = index.resolve(self.callee)
        function = index.functions.get(resolved)
        if function is not None:
            if function.is_async or function.is_generator:
                return True
            returns = function.returns
            if returns is None:
                return False
            returns = index.resolve(returns)
            if returns in _NON_CALLABLE_BUILTINS or returns in _GENERATOR_TYPES:
                return True
            if returns in index.classes:
                return _class_has_call(index, returns) is False
            return False
        if resolved in index.classes:
            return _class_has_call(index, resolved) is False
        if index.is_project_name(resolved) and not index.complete:
            return None
        return False


_PLAIN_BASES = frozenset(
    {
        "builtins.object",
        "typing.Generic",
        "abc.ABC",
        "typing.Protocol",
        "typing_extensions.Protocol",
    }
)


def _plain_project_class(index: ProjectIndex, qualname: str, depth: int = 0) -> Optional[bool]:
    """A project class whose bases are project classes or plain roots (not an exception, model,
    enum or other library class)."""
    if depth > 16:
        return False
    cls = index.classes.get(qualname)
    if cls is None:
        return None if index.is_project_name(qualname) and not index.complete else False
    for base in cls.bases:
        if base == "?":
            return False
        resolved = index.resolve(base)
        if resolved in _PLAIN_BASES:
            continue
        found = _plain_project_class(index, resolved, depth + 1)
        if found is not True:
            return found
    return True


@dataclass(frozen=True)
class IsServiceClass(Condition):
    """A class defined in a service or repository file, with methods of its own and only project
    or plain bases (so exceptions, DTOs and models defined there do not count)."""

    qualname: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        resolved = index.resolve(self.qualname)
        role, _ = index.role_of(resolved)
        cls = index.classes.get(resolved)
        if cls is None:
            return None if index.is_project_name(resolved) and not index.complete else False
        if role not in ("service", "repository"):
            return False
        if not any(not _short(m.qualname).startswith("__") for m in cls.methods):
            return False
        return _plain_project_class(index, resolved)

    def detail(self, index: ProjectIndex) -> str:
        role, _ = index.role_of(index.resolve(self.qualname))
        return role or "service"


_SESSIONMAKERS = frozenset(
    {
        "sqlalchemy.orm.sessionmaker",
        "sqlalchemy.orm.session.sessionmaker",
        "sqlalchemy.ext.asyncio.async_sessionmaker",
        "sqlalchemy.ext.asyncio.session.async_sessionmaker",
    }
)
_SESSIONS = frozenset(names.SESSION_CLASSES)
_ENGINE_FACTORIES = frozenset(
    {
        "sqlalchemy.create_engine",
        "sqlalchemy.engine.create_engine",
        "sqlalchemy.ext.asyncio.create_async_engine",
        "sqlalchemy.ext.asyncio.engine.create_async_engine",
    }
)


@dataclass(frozen=True)
class IsSessionFactory(Condition):
    """A name bound to ``sessionmaker(...)``/``async_sessionmaker(...)`` in some project file."""

    qualname: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        resolved = index.resolve(self.qualname)
        alias = index.aliases.get(resolved)
        if alias is None:
            return None if index.is_project_name(resolved) and not index.complete else False
        if alias.kind == "call" and alias.target is not None:
            return index.resolve(alias.target) in _SESSIONMAKERS
        return False


@dataclass(frozen=True)
class IsGeneratorFunction(Condition):
    qualname: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        resolved = index.resolve(self.qualname)
        function = index.functions.get(resolved)
        if function is None:
            return None if index.is_project_name(resolved) and not index.complete else False
        return function.is_generator


def _method(index: ProjectIndex, cls: str, name: str, depth: int = 0) -> Tuple[Any, bool]:
    """The FunctionFact of ``cls.name`` through project bases, and whether the lookup is certain.

    ``cls`` may be an alias of the class (``ServiceDep = Annotated[UserService, Depends(...)]``)."""
    if depth > 16:
        return None, False
    resolved = index.type_of(cls)
    found = index.functions.get(f"{resolved}.{name}")
    if found is not None:
        return found, True
    fact = index.classes.get(resolved)
    if fact is None:
        return None, not (index.is_project_name(resolved) and not index.complete)
    for base in fact.bases:
        if base == "?":
            return None, False
        base_resolved = index.resolve(base)
        if base_resolved in _PLAIN_BASES:
            continue
        found, certain = _method(index, base_resolved, name, depth + 1)
        if found is not None or not certain:
            return found, certain
    return None, True


@dataclass(frozen=True)
class IsAsyncCallee(Condition):
    """The callee is an ``async def`` of the project (not an async generator); ``owner`` set for a
    method called on an instance of that class."""

    qualname: str
    owner: Optional[str] = None

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        if self.owner is not None:
            function, certain = _method(index, self.owner, self.qualname)
            if function is None:
                return False if certain else None
        else:
            resolved = index.resolve(self.qualname)
            function = index.functions.get(resolved)
            if function is None:
                return None if index.is_project_name(resolved) and not index.complete else False
        return bool(function.is_async and not function.is_generator)


@dataclass(frozen=True)
class MissingPathParameter(Condition):
    """No dependency of the route (followed recursively through the recorded signatures) takes
    the path parameter ``name``; True only when every dependency resolves."""

    name: str
    deps: Tuple[str, ...]
    aliases: Tuple[str, ...]

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        signatures: Dict[str, Any] = {}
        for _, entry in index.extra("fastapi.signatures"):
            signatures[entry[0]] = entry
        unknown = False
        queue: List[str] = list(self.deps)
        pending_aliases: List[str] = list(self.aliases)
        seen: Set[str] = set()
        while queue or pending_aliases:
            while pending_aliases:
                alias = pending_aliases.pop()
                provider = index.depends_of(alias)
                if provider is not None:
                    queue.append(provider)
                    continue
                resolved = index.resolve(alias)
                if resolved in index.aliases or resolved in index.classes:
                    continue
                if index.is_project_name(resolved):
                    unknown = True
            if not queue:
                break
            dep = index.resolve(queue.pop())
            if dep in seen:
                continue
            seen.add(dep)
            entry = signatures.get(dep)
            if entry is None:
                alias_fact = index.aliases.get(dep)
                cls = index.classes.get(dep)
                if cls is not None:
                    entry = signatures.get(f"{dep}.__init__")
                    if entry is None:
                        if cls.bases:
                            return False  # fields of a base class or a model: cannot tell
                        continue
                elif alias_fact is not None and alias_fact.kind == "call" and alias_fact.target:
                    entry = signatures.get(f"{index.resolve(alias_fact.target)}.__call__")
                if entry is None:
                    if not index.complete and index.is_project_name(dep):
                        unknown = True
                        continue
                    return False
            _, names, deps, aliases, is_open = entry
            if is_open:
                return False
            if self.name in names:
                return False
            queue.extend(deps)
            pending_aliases.extend(aliases)
        if unknown:
            return None if not index.complete else False
        return True


# -- per-function facts --------------------------------------------------------------------


@dataclass
class _Signature:
    names: List[str]
    deps: List[str]
    aliases: List[str]
    open: bool


def signature_of(ctx: FileContext, node: cst.FunctionDef, skip_first: bool) -> _Signature:
    """Parameter names and dependencies of a function (``open``: something cannot be followed:
    ``**kwargs``, an unresolvable dependency, an ``alias=`` on a parameter marker)."""
    out = _Signature([], [], [], False)
    params = _all_params(node)
    if skip_first and params:
        params = params[1:]
    if isinstance(node.params.star_kwarg, cst.Param):
        out.open = True
    for param in params:
        out.names.append(param.name.value)
        calls: List[cst.Call] = []
        if isinstance(param.default, cst.Call) and _marker(ctx, param.default):
            calls.append(param.default)
        parts = _annotated_parts(ctx, param.annotation)
        if parts is not None:
            calls.extend(e for e in parts[1][1:] if isinstance(e, cst.Call) and _marker(ctx, e))
        elif param.annotation is not None:
            annotation = param.annotation.annotation
            if isinstance(annotation, (cst.Name, cst.Attribute)):
                name = ctx.qualname(annotation)
                if name is None:
                    out.open = True
                elif not name.startswith("builtins."):
                    out.aliases.append(name)
            elif isinstance(annotation, (cst.SimpleString, cst.ConcatenatedString)):
                out.open = True
        for call in calls:
            marker = ctx.call_name(call)
            if marker in DEPENDS:
                target: Optional[str]
                if call.args and call.args[0].keyword is None:
                    value = call.args[0].value
                    target = (
                        ctx.qualname(value)
                        if isinstance(value, (cst.Name, cst.Attribute))
                        else None
                    )
                else:
                    first = (
                        parts[1][0]
                        if parts is not None
                        else (param.annotation.annotation if param.annotation is not None else None)
                    )
                    target = ctx.annotation_type(first)
                if target is None:
                    out.open = True
                else:
                    out.deps.append(target)
            elif _keyword(call, "alias") is not None or _has_star(call):
                out.open = True
    return out


class _Recorder(FileRule):
    """Shared base of the rules that need cross-file facts: the first such rule of a file records
    them (once per file, whichever rules are selected)."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        owner = vars(ctx).setdefault("_fastapi_recorder", self)
        self.records = owner is self
        self._attr_refs: Set[str] = set()

    def _is_callee(self) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if not self.records:
            return
        ctx = self.ctx
        if ctx.call_name(node) not in DEPENDS:
            return
        if node.args and node.args[0].keyword is None and not node.args[0].star:
            value = node.args[0].value
            name = ctx.qualname(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
            if name is not None:
                ctx.add_extra("fastapi.providers", name)
            elif isinstance(value, cst.Name):
                ctx.add_extra("fastapi.unresolved", value.value)
            elif isinstance(value, cst.Attribute):
                ctx.add_extra("fastapi.unresolved", value.attr.value)
        elif not node.args:
            param = _enclosing_param(ctx)
            if param is not None and param.annotation is not None:
                parts = _annotated_parts(ctx, param.annotation)
                first = parts[1][0] if parts is not None else param.annotation.annotation
                typed = ctx.annotation_type(first)
                if typed is not None:
                    ctx.add_extra("fastapi.providers", typed)

    def _reference(self, node: cst.BaseExpression) -> None:
        parent = self.ctx.parent
        if isinstance(parent, cst.Attribute):
            return  # the outer attribute of the chain is the reference
        if isinstance(parent, cst.Call) and parent.func is node:
            return
        if isinstance(node, cst.Attribute):
            self._attr_refs.add(node.attr.value)
        name = self.ctx.qualname(node)
        if name is None or not self.ctx.is_project_name(name):
            return
        self.ctx.add_extra("fastapi.refs", name)
        if not _in_annotation(self.ctx):
            self.ctx.add_extra("fastapi.value_refs", name)

    def visit_Name(self, node: cst.Name) -> None:
        if self.records:
            self._reference(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self.records:
            self._reference(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self.records or self.ctx.in_function:
            return
        in_class = self.ctx.class_def is not None
        signature = signature_of(self.ctx, node, skip_first=in_class)
        self.ctx.add_extra(
            "fastapi.signatures",
            (
                self.ctx.definition_qualname(node.name.value),
                tuple(signature.names),
                tuple(signature.deps),
                tuple(signature.aliases),
                signature.open,
            ),
        )

    def finish(self) -> None:
        if self.records and self._attr_refs:
            self.ctx.add_extra("fastapi.attr_refs", tuple(sorted(self._attr_refs)))


# -- shared example sources ----------------------------------------------------------------

DOCUMENTED_STYLE = """
from typing import Annotated, AsyncIterator, List, Optional

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, status
from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.db import SessionDep, SessionFactory

from .schemas import ItemCreate, ItemRead
from .service import ItemService


async def verify_token(x_token: Annotated[str, Header()]) -> None:
    if x_token != "secret":
        raise HTTPException(status.HTTP_403_FORBIDDEN)


async def get_session() -> AsyncIterator[AsyncSession]:
    session = SessionFactory()
    try:
        yield session
    finally:
        await session.close()


class Paginator:
    def __init__(self, max_limit: int) -> None:
        self.max_limit = max_limit

    def __call__(self, offset: int = 0, limit: Annotated[int, Query(le=100)] = 20) -> dict:
        return {"offset": offset, "limit": min(limit, self.max_limit)}


paginate = Paginator(max_limit=50)


def get_item_service(session: SessionDep) -> ItemService:
    return ItemService(session)


ServiceDep = Annotated[ItemService, Depends(get_item_service)]

router = APIRouter(
    prefix="/items", tags=["items"], dependencies=[Depends(verify_token)]
)


@router.get("/", response_model=List[ItemRead])
async def list_items(
    service: ServiceDep,
    page: Annotated[dict, Depends(paginate)],
    q: Annotated[Optional[str], Query(max_length=50, pattern="^[a-z]+$")] = None,
):
    return await service.search(q, **page)


@router.get("/{item_id}")
async def get_item(
    item_id: Annotated[int, Path(ge=1)], service: ServiceDep
) -> ItemRead:
    return await service.get(item_id)


@router.post("/", response_model=ItemRead, status_code=status.HTTP_201_CREATED)
async def create_item(data: ItemCreate, service: ServiceDep):
    return await service.create(data)


@router.delete("/{item_id}", status_code=204)
async def delete_item(item_id: int, service: ServiceDep) -> None:
    await service.delete(item_id)
"""

DOCUMENTED_EXTRA = {
    "cpv3/core/db.py": """
from typing import Annotated, AsyncIterator

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite://")
SessionFactory = async_sessionmaker(engine)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionFactory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
""",
    "cpv3/modules/users/service.py": """
from sqlalchemy.ext.asyncio import AsyncSession


class ItemService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def search(self, q, offset: int, limit: int) -> list:
        return []

    async def get(self, item_id: int) -> dict:
        return {}

    async def create(self, data) -> dict:
        return {}

    async def delete(self, item_id: int) -> None:
        return None
""",
    "cpv3/modules/users/schemas.py": """
from pydantic import BaseModel


class ItemCreate(BaseModel):
    name: str


class ItemRead(ItemCreate):
    id: int
""",
}


def _documented() -> Example:
    return Example.code(
        DOCUMENTED_STYLE,
        extra=DOCUMENTED_EXTRA,
        note="FastAPI's documented Annotated style: no finding from any CNF3xx rule",
    )


# -- DI rules ------------------------------------------------------------------------------


class DefaultNotAnnotated(FileRule):
    """## What it checks
    A parameter whose default is a FastAPI marker: `Depends(...)`, `Security(...)`, `Query(...)`,
    `Path(...)`, `Body(...)`, `Header(...)`, `Cookie(...)`, `Form(...)` or `File(...)`, in routes
    *and* in dependency providers (any function: ruff's FAST002 only checks routes). Markers are
    recognised by qualified name (`from fastapi import Depends as D`, `import fastapi as fa`).

    ## Why
    FastAPI recommends `Annotated` since 0.95: the parameter keeps its real default for direct
    calls and tests, the type checker sees the real type, and the same `Annotated` type can be
    shared as an alias (`SessionDep`).

    ## Example
    ```python
    @router.get("/")
    async def list_users(db: AsyncSession = Depends(get_session), q: str = Query("", max_length=50)):
        ...
    ```

    ## Use instead
    ```python
    @router.get("/")
    async def list_users(
        db: Annotated[AsyncSession, Depends(get_session)],
        q: Annotated[str, Query(max_length=50)] = "",
    ):
        ...
    ```

    ## Fix
    Moves the marker into `Annotated[T, ...]` and a literal default after `=`, adding
    `from typing import Annotated` when the file lacks it. Safe when no comment sits inside the
    call, unsafe otherwise. No fix when the parameter order would break (a required parameter
    after a defaulted one, unless keyword-only) or the parameter has no annotation.

    ## Options
    None.
    """

    code = "CNF301"
    name = "fastapi-default-not-annotated"
    summary = "FastAPI marker used as a parameter default instead of inside Annotated"
    fix_hint = "declare the parameter as `name: Annotated[T, Depends(...)]`; a literal default goes after `=`"
    catalog = "DI001"
    fix = FixSafety.SAFE
    VALID = (
        _documented(),
        Example.code(
            """
            from fastapi import Query

            def helper(limit=Query.__name__):
                return limit
            """,
            note="only a call of a FastAPI marker counts",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter, Depends, Query
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import get_session

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            async def list_users(db: AsyncSession = Depends(get_session), q: str = Query("", max_length=5)):
                return []
            """,
            Expect(
                10,
                22,
                "parameter 'db' has Depends(...) as its default: declare it as "
                "`db: Annotated[AsyncSession, Depends(...)]`",
            ),
            Expect(
                10,
                63,
                "parameter 'q' has Query(...) as its default: declare it as "
                "`q: Annotated[str, Query(...)]` and keep the literal default after `=`",
            ),
            fixed="""
            from typing import Annotated

            from fastapi import APIRouter, Depends, Query
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import get_session

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            async def list_users(db: Annotated[AsyncSession, Depends(get_session)], q: Annotated[str, Query(max_length=5)] = ""):
                return []
            """,
            extra={"cpv3/core/db.py": "async def get_session():\n    yield None\n"},
        ),
        Example.code(
            """
            import typing as t

            import fastapi as fa
            from fastapi import Depends as D


            def get_user(token: str = fa.Header(...), db: "Session" = D(object)) -> dict:
                return {}
            """,
            Expect(
                7,
                14,
                "parameter 'token' has Header(...) as its default: declare it as "
                "`token: Annotated[str, Header(...)]`",
            ),
            Expect(
                7,
                43,
                "parameter 'db' has Depends(...) as its default: declare it as "
                '`db: Annotated["Session", Depends(...)]`',
            ),
            fixed="""
            import typing as t

            import fastapi as fa
            from fastapi import Depends as D


            def get_user(token: t.Annotated[str, fa.Header()], db: t.Annotated["Session", D(object)]) -> dict:
                return {}
            """,
            path="cpv3/core/security.py",
            extra={
                "cpv3/modules/users/router.py": (
                    "from fastapi import Depends\n\nfrom cpv3.core.security import get_user\n\n\n"
                    "def me(user: dict = Depends(get_user)) -> dict:\n    return user\n"
                )
            },
            note="a provider outside the modules, with aliased imports",
        ),
        Example.code(
            """
            from typing import Annotated

            from fastapi import APIRouter, Depends, Query

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            def search(limit: int = 10, q: str = Query(max_length=5)):
                return []
            """,
            Expect(
                9,
                29,
                "parameter 'q' has Query(...) as its default: declare it as "
                "`q: Annotated[str, Query(...)]`",
            ),
            note="a required parameter would follow a defaulted one: no fix",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        fixes: Dict[int, bool] = {}
        found: List[Tuple[cst.Param, str, cst.Call, Optional[cst.BaseExpression]]] = []
        for param in _all_params(node):
            marker = _marker(ctx, param.default)
            if marker is None or not isinstance(param.default, cst.Call):
                continue
            if _annotated_parts(ctx, param.annotation) is not None and any(
                _marker(ctx, e)
                for e in _annotated_parts(ctx, param.annotation)[1][1:]  # type: ignore[index]
            ):
                continue  # both places: CNF314
            call = param.default
            literal: Optional[cst.BaseExpression] = None
            if marker in PARAM_MARKERS:
                _, literal = _marker_default(call)
            fixes[id(param)] = literal is not None
            found.append((param, marker, call, literal))
        if not found:
            return
        order_ok = _order_valid(node, fixes)
        kwonly = {id(p) for p in node.params.kwonly_params}
        annotated, missing = _annotated_name(ctx)
        for param, marker, call, literal in found:
            name = param.name.value
            short = _short(marker)
            type_text = ctx.code_for(param.annotation.annotation) if param.annotation else "T"
            message = (
                f"parameter '{name}' has {short}(...) as its default: declare it as "
                f"`{name}: Annotated[{type_text}, {short}(...)]`"
            )
            if literal is not None:
                message += " and keep the literal default after `=`"
            replacement: Optional[cst.Param] = None
            safety: Optional[FixSafety] = None
            if param.annotation is not None and _keyword(call, "default_factory") is None:
                marker_call = call
                default_arg, _ = (None, None)
                if marker in PARAM_MARKERS:
                    default_arg, _ = _marker_default(call)
                if default_arg is not None:
                    marker_call = _without_arg(call, default_arg)
                new_annotation = param.annotation.with_changes(
                    annotation=_annotated(annotated, param.annotation.annotation, marker_call)
                )
                if literal is not None:
                    replacement = param.with_changes(annotation=new_annotation, default=literal)
                else:
                    replacement = param.with_changes(
                        annotation=new_annotation, default=None, equal=cst.MaybeSentinel.DEFAULT
                    )
                if literal is None and id(param) not in kwonly and not order_ok:
                    replacement = None  # a required parameter after a defaulted one: no fix
                safety = FixSafety.UNSAFE if _has_comment(ctx.code_for(call)) else FixSafety.SAFE
            needs = (("typing", "Annotated"),) if missing and replacement is not None else ()
            self.report(param, message, replacement=replacement, fix_safety=safety, imports=needs)


class DependencyCalled(FileRule):
    """## What it checks
    `Depends(f())` where `f` provably returns something FastAPI cannot call: an `async def`
    (a coroutine), a generator (a `yield` provider), a `def` annotated to return a plain value,
    or a project class without `__call__` (`Depends(UserService(...))`).

    ## Why
    `Depends` takes the callable; FastAPI calls it per request. Calling it at import time passes
    the result instead, and the route fails on its first request.

    ## Example
    ```python
    async def list_users(db: Annotated[AsyncSession, Depends(get_session())]): ...
    ```

    ## Use instead
    ```python
    async def list_users(db: Annotated[AsyncSession, Depends(get_session)]): ...
    ```

    ## Fix
    Unsafe: drops the call parentheses, only when the call has no arguments.

    ## Options
    None. Factories returning a callable (a nested function, an instance of a class with
    `__call__`, an unannotated return) are valid dependencies and never reported.
    """

    code = "CNF302"
    name = "dependency-called"
    summary = "dependency called instead of passed to Depends"
    fix_hint = "pass the callable itself: `Depends(get_session)`"
    catalog = "DI002"
    fix = FixSafety.UNSAFE
    VALID = (
        _documented(),
        Example.code(
            """
            from typing import Annotated, Callable

            from fastapi import Depends


            def require_role(role: str) -> Callable[[], None]:
                def check() -> None:
                    return None

                return check


            class Checker:
                def __call__(self) -> bool:
                    return True


            def handler(
                a: Annotated[None, Depends(require_role("admin"))],
                b: Annotated[bool, Depends(Checker())],
            ) -> None:
                return None
            """,
            path="cpv3/core/security.py",
            note="factories returning a callable and callable instances are valid",
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import Depends as D

            from cpv3.core.db import get_session


            def handler(db: Annotated[object, D(get_session())]) -> None:
                return None
            """,
            Expect(
                8,
                37,
                "Depends() receives the result of get_session(), which FastAPI cannot call: "
                "pass the function itself, `Depends(get_session)`",
            ),
            fixed="""
            from typing import Annotated

            from fastapi import Depends as D

            from cpv3.core.db import get_session


            def handler(db: Annotated[object, D(get_session)]) -> None:
                return None
            """,
            unsafe=True,
            extra={"cpv3/core/db.py": "async def get_session():\n    yield None\n"},
            path="cpv3/core/security.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.call_name(node) not in DEPENDS or not node.args:
            return
        inner = node.args[0].value
        if node.args[0].keyword is not None or not isinstance(inner, cst.Call):
            return
        if not isinstance(inner.func, (cst.Name, cst.Attribute)):
            return
        callee = ctx.qualname(inner.func)
        if callee is None or not ctx.is_project_name(callee) or _marker(ctx, inner):
            return
        short = ctx.code_for(inner.func)
        replacement = inner.func if not inner.args else None
        self.report(
            inner,
            f"Depends() receives the result of {short}(), which FastAPI cannot call: "
            f"pass the function itself, `Depends({short})`",
            when=CallsToNonCallable(callee),
            replacement=replacement,
        )


class NestedDepends(FileRule):
    """## What it checks
    `Depends(Depends(f))`, `Security(Depends(f))`: a marker wrapped in another.

    ## Why
    The outer marker receives a `Depends` object as its dependency and FastAPI fails to call it.

    ## Example
    ```python
    user: Annotated[User, Depends(Depends(get_user))]
    ```

    ## Use instead
    ```python
    user: Annotated[User, Depends(get_user)]
    ```

    ## Fix
    Safe: keeps the inner marker, when the outer one has no other argument.

    ## Options
    None.
    """

    code = "CNF303"
    name = "nested-depends"
    summary = "Depends wrapped in another Depends"
    fix_hint = "keep one marker: `Depends(get_user)`"
    catalog = "DI003"
    fix = FixSafety.SAFE
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            import fastapi as fa


            def get_user() -> dict:
                return {}


            def handler(user: Annotated[dict, fa.Depends(fa.Depends(get_user))]) -> None:
                return None
            """,
            Expect(
                10,
                35,
                "Depends(Depends(...)): the outer marker receives a marker, not a callable: "
                "keep one, `Depends(get_user)`",
            ),
            fixed="""
            from typing import Annotated

            import fastapi as fa


            def get_user() -> dict:
                return {}


            def handler(user: Annotated[dict, fa.Depends(get_user)]) -> None:
                return None
            """,
            path="cpv3/core/security.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        outer = ctx.call_name(node)
        if outer not in DEPENDS or not node.args or node.args[0].keyword is not None:
            return
        inner = node.args[0].value
        inner_name = _marker(ctx, inner)
        if inner_name not in DEPENDS or not isinstance(inner, cst.Call):
            return
        target = (
            ctx.code_for(inner.args[0].value)
            if inner.args and inner.args[0].keyword is None
            else "..."
        )
        self.report(
            node,
            f"{_short(outer)}({_short(inner_name)}(...)): the outer marker receives a marker, not "
            f"a callable: keep one, `{_short(inner_name)}({target})`",
            replacement=inner if len(node.args) == 1 else None,
        )


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


class DependsLiteral(FileRule):
    """## What it checks
    `Depends("get_user")`, `Depends(42)`, `Depends(None)`, `Depends([...])`: a literal where a
    callable belongs.

    ## Why
    FastAPI cannot call a literal; the route fails at start-up or on its first request. A string
    is not looked up by name.

    ## Example
    ```python
    user: Annotated[User, Depends("get_current_user")]
    ```

    ## Use instead
    ```python
    user: Annotated[User, Depends(get_current_user)]
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF304"
    name = "depends-literal"
    summary = "Depends given a literal instead of a callable"
    fix_hint = "pass the provider function or class itself"
    catalog = "DI004"
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import Security


            def handler(user: Annotated[dict, Security("get_current_user")]) -> None:
                return None
            """,
            Expect(
                6,
                44,
                'Security() receives the literal "get_current_user", which FastAPI cannot call: '
                "pass the provider itself",
            ),
            path="cpv3/core/security.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.call_name(node)
        if name not in DEPENDS or not node.args or node.args[0].keyword is not None:
            return
        value = node.args[0].value
        literal = type(value).__name__ in _LITERALS or (
            isinstance(value, cst.Name)
            and value.value in ("None", "True", "False")
            and self.ctx.lookup(value.value) is None
        )
        if literal:
            self.report(
                value,
                f"{_short(name)}() receives the literal {self.ctx.code_for(value)}, which FastAPI "
                "cannot call: pass the provider itself",
            )


class DependsNeverResolved(_Recorder):
    """## What it checks
    A `Depends(...)`/`Security(...)` default (or `Annotated[..., Depends(...)]`) in a function FastAPI
    never resolves: a service or repository method, a helper that code calls directly. Reported
    only when certain: the function is not a route, not decorated, not nested, not referenced
    as a dependency or passed as a value anywhere in the project, and (for methods) its name is
    never used as an attribute value (`Depends(checker.verify)`); an `__init__` is resolved when
    its class is a dependency (`Depends(UserService)`); `__call__` always is.

    ## Why
    Outside FastAPI's resolution the default is the marker object itself: the body then fails
    with `'Depends' object has no attribute ...` at request time.

    ## Example
    ```python
    class UserService:
        async def get(self, user_id: int, db: AsyncSession = Depends(get_session)): ...
    ```

    ## Use instead
    ```python
    class UserService:
        def __init__(self, session: AsyncSession) -> None:
            self.session = session
    ```
    and inject the service into the route through a provider.

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF305"
    name = "depends-never-resolved"
    summary = "Depends default in a function FastAPI never resolves"
    fix_hint = "pass the collaborator explicitly; keep Depends in routes and providers"
    catalog = "DI005"
    supersedes = ("CNF301",)
    VALID = (
        _documented(),
        Example.code(
            """
            from typing import Annotated

            from fastapi import Depends

            from cpv3.core.db import get_session


            class Checker:
                def verify(self, db: Annotated[object, Depends(get_session)]) -> None:
                    return None


            def current_user(db: Annotated[object, Depends(get_session)]) -> dict:
                return {}
            """,
            path="cpv3/core/security.py",
            extra={
                "cpv3/core/db.py": "async def get_session():\n    yield None\n",
                "cpv3/modules/users/router.py": (
                    "from typing import Annotated\n\nfrom fastapi import APIRouter, Depends\n\n"
                    "from cpv3.core.security import Checker, current_user\n\n"
                    "router = APIRouter(prefix='/users', tags=['users'])\nchecker = Checker()\n\n\n"
                    "@router.get('/', dependencies=[Depends(checker.verify)])\n"
                    "def me(user: Annotated[dict, Depends(current_user)]) -> dict:\n    return user\n"
                ),
            },
            note="providers referenced from another file, a bound method used as a dependency",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import Depends
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import get_session


            class UserService:
                async def get(self, user_id: int, db: AsyncSession = Depends(get_session)):
                    return await db.get(object, user_id)
            """,
            Expect(
                8,
                39,
                "UserService.get is never resolved by FastAPI, so 'db' receives the Depends "
                "marker itself: pass the collaborator explicitly (inject it in the route or a "
                "provider)",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/core/db.py": "async def get_session():\n    yield None\n",
                "cpv3/modules/users/router.py": (
                    "from fastapi import APIRouter\n\nfrom .service import UserService\n\n"
                    "router = APIRouter(prefix='/users', tags=['users'])\n\n\n"
                    "@router.get('/{user_id}')\nasync def get_user(user_id: int) -> dict:\n"
                    "    return await UserService().get(user_id)\n"
                ),
            },
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        ctx = self.ctx
        if ctx.in_function or node.decorators:
            return
        cls = ctx.class_def
        if cls is not None and (cls.decorators or ctx.resolver.current.kind != "class"):
            return
        name = node.name.value
        if cls is not None and name == "__call__":
            return
        params: List[cst.Param] = []
        for param in _all_params(node):
            if _marker(ctx, param.default) in DEPENDS:
                params.append(param)
                continue
            parts = _annotated_parts(ctx, param.annotation)
            if parts is not None and any(_marker(ctx, e) in DEPENDS for e in parts[1][1:]):
                params.append(param)
        if not params:
            return
        qualname = ctx.definition_qualname(name)
        kind = "function" if cls is None else ("init" if name == "__init__" else "method")
        shown = name if cls is None else f"{cls.name.value}.{name}"
        for param in params:
            self.report(
                param,
                f"{shown} is never resolved by FastAPI, so '{param.name.value}' receives the "
                "Depends marker itself: pass the collaborator explicitly (inject it in the route "
                "or a provider)",
                when=NeverResolved(qualname, kind),
            )


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


class ServiceBuiltInRoute(_RouteBody):
    """## What it checks
    A service or repository class (defined in a module's `service.py`/`repository.py`, with
    methods of its own and only project bases) constructed inside a route body.

    ## Why
    A route that builds its collaborators cannot be tested with overrides
    (`app.dependency_overrides`) and repeats the wiring in every route; a provider builds it once.

    ## Example
    ```python
    @router.get("/{user_id}")
    async def get_user(user_id: int, session: SessionDep):
        return await UserService(UserRepository(session)).get(user_id)
    ```

    ## Use instead
    ```python
    def get_user_service(session: SessionDep) -> UserService:
        return UserService(session)

    @router.get("/{user_id}")
    async def get_user(user_id: int, service: Annotated[UserService, Depends(get_user_service)]):
        return await service.get(user_id)
    ```

    ## Fix
    None.

    ## Options
    `roles.service`, `roles.repository` decide which files hold services and repositories.
    Exceptions, Pydantic models and other library subclasses defined there are not services.
    """

    code = "CNF306"
    name = "service-built-in-route"
    summary = "service or repository constructed inside a route"
    fix_hint = "inject the collaborator through a provider: `name: Annotated[TheService, Depends(get_the_service)]`"
    catalog = "DI006"
    VALID = (
        _documented(),
        Example.code(
            """
            from fastapi import APIRouter, HTTPException

            from .service import UserNotFound, UserService

            router = APIRouter(prefix="/users", tags=["users"])


            def get_user_service() -> UserService:
                return UserService()


            @router.get("/{user_id}")
            async def get_user(user_id: int) -> dict:
                raise HTTPException(404, detail=str(UserNotFound(user_id)))
            """,
            extra={
                "cpv3/modules/users/service.py": (
                    "class UserNotFound(Exception):\n    pass\n\n\n"
                    "class UserService:\n    async def get(self, user_id: int) -> dict:\n"
                    "        return {}\n"
                )
            },
            note="providers may build services; exceptions defined in service.py are not services",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter

            from . import service as svc
            from .repository import UserRepository

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/{user_id}")
            async def get_user(user_id: int) -> dict:
                return await svc.UserService(UserRepository()).get(user_id)
            """,
            Expect(
                11,
                18,
                "UserService constructed inside route get_user: inject it through a provider "
                "(`Annotated[UserService, Depends(get_user_service)]`)",
            ),
            Expect(
                11,
                34,
                "UserRepository constructed inside route get_user: inject it through a provider "
                "(`Annotated[UserRepository, Depends(get_user_repository)]`)",
            ),
            extra={
                "cpv3/modules/users/service.py": (
                    "class UserService:\n    def __init__(self, repository) -> None:\n"
                    "        self.repository = repository\n\n"
                    "    async def get(self, user_id: int) -> dict:\n        return {}\n"
                ),
                "cpv3/modules/users/repository.py": (
                    "class UserRepository:\n    async def get(self, user_id: int) -> dict:\n"
                    "        return {}\n"
                ),
            },
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        route = self.current_route()
        if route is None or route.verdict is False:
            return
        callee = self.ctx.call_name(node)
        if callee is None or not self.ctx.is_project_name(callee):
            return
        function = self.ctx.function
        assert function is not None
        name = _short(callee)
        self.report(
            node,
            f"{name} constructed inside route {function.name.value}: inject it through a provider "
            f"(`Annotated[{name}, Depends(get_{_snake(name)})]`)",
            when=_when(route.verdict, IsServiceClass(callee)),
        )


class SessionByHand(FileRule):
    """## What it checks
    In module files (a role: router, service, repository, ...), a session or engine created or
    pulled by hand inside a function: `SessionLocal()` / `async_session_maker()` (a name bound to
    `sessionmaker(...)`/`async_sessionmaker(...)`), `AsyncSession(engine)`, `create_async_engine(...)`,
    `next(get_db())`, `anext(get_session())`. `yield` functions (providers) are exempt.

    ## Why
    A session per request, closed on every path, is what a `yield` provider guarantees; a
    session built by hand leaks on errors and cannot be overridden in tests.

    ## Example
    ```python
    async def list_users():
        async with SessionLocal() as session:
            ...
    ```

    ## Use instead
    A `yield` provider injected with `Depends` (`session: SessionDep`).

    ## Fix
    None.

    ## Options
    Files outside module packages (scripts, background jobs, `core/db.py`) are not checked: they
    legitimately manage their own sessions.
    """

    code = "CNF307"
    name = "session-by-hand"
    summary = "session or engine created by hand in a module function"
    fix_hint = "inject the session with a yield provider: `session: SessionDep`"
    catalog = "DI007"
    applies_to = "roles"
    VALID = (
        _documented(),
        Example.code(
            """
            from typing import AsyncIterator

            from cpv3.core.db import SessionFactory


            async def get_session() -> AsyncIterator[object]:
                async with SessionFactory() as session:
                    yield session
            """,
            extra={
                "cpv3/core/db.py": (
                    "from sqlalchemy.ext.asyncio import async_sessionmaker\n\n"
                    "SessionFactory = async_sessionmaker()\n"
                )
            },
            note="a yield provider is where sessions are made",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.ext import asyncio as sa

            from cpv3.core.db import SessionFactory, get_session


            class UserService:
                async def count(self) -> int:
                    async with SessionFactory() as session:
                        return 0

                async def other(self) -> None:
                    session = await anext(get_session())
                    engine = sa.create_async_engine("sqlite://")
            """,
            Expect(
                8,
                20,
                "session created by hand with SessionFactory() in count: inject it with a yield "
                "provider (`session: SessionDep`)",
            ),
            Expect(
                12,
                25,
                "session pulled by hand with anext(get_session()) in other: inject it with a "
                "yield provider (`session: SessionDep`)",
            ),
            Expect(
                13,
                18,
                "engine created with create_async_engine() in other: create the engine once at "
                "module level and inject sessions with a yield provider",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/core/db.py": (
                    "from sqlalchemy.ext.asyncio import async_sessionmaker\n\n"
                    "SessionFactory = async_sessionmaker()\n\n\n"
                    "async def get_session():\n    async with SessionFactory() as s:\n"
                    "        yield s\n"
                )
            },
        ),
    )

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        # Whether a function is a yield provider is known only at its end: hold its reports.
        self._held: Dict[int, List[Tuple[Any, Optional[str], Any]]] = {}

    def report(self, node: Any, message: Optional[str] = None, **kwargs: Any) -> None:  # type: ignore[override]
        function = self.ctx.function
        if function is None:
            super().report(node, message, **kwargs)
            return
        self._held.setdefault(id(function), []).append((node, message, kwargs))

    def function_end(self, node: cst.FunctionDef) -> None:
        held = self._held.pop(id(node), [])
        if not held or self.ctx.is_generator(node):
            return
        for target, message, kwargs in held:
            super().report(target, message, **kwargs)

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        function = ctx.function
        if ctx.role is None or function is None:
            return
        callee = ctx.call_name(node)
        if callee is None:
            return
        where = function.name.value
        if callee in _ENGINE_FACTORIES:
            self.report(
                node,
                f"engine created with {_short(callee)}() in {where}: create the engine once at "
                "module level and inject sessions with a yield provider",
            )
        elif callee in _SESSIONS:
            self.report(
                node,
                f"session created by hand with {_short(callee)}() in {where}: inject it with a "
                "yield provider (`session: SessionDep`)",
            )
        elif callee in ("builtins.next", "builtins.anext"):
            inner = node.args[0].value if node.args else None
            if not isinstance(inner, cst.Call):
                return
            provider = ctx.call_name(inner)
            if provider is None or not ctx.is_project_name(provider):
                return
            self.report(
                node,
                f"session pulled by hand with {_short(callee)}({_short(provider)}()) in {where}: "
                "inject it with a yield provider (`session: SessionDep`)",
                when=IsGeneratorFunction(provider),
            )
        elif ctx.is_project_name(callee):
            self.report(
                node,
                f"session created by hand with {_short(callee)}() in {where}: inject it with a "
                "yield provider (`session: SessionDep`)",
                when=IsSessionFactory(callee),
            )
        else:
            typed = ctx.instance_type(node.func)
            if typed is not None and typed in _SESSIONMAKERS:
                self.report(
                    node,
                    f"session created by hand with {ctx.code_for(node.func)}() in {where}: inject "
                    "it with a yield provider (`session: SessionDep`)",
                )


class ModuleSingleton(FileRule):
    """## What it checks
    A module-level service, repository or session instance:
    `user_service = UserService(UserRepository(SessionLocal()))`, `session = AsyncSession(engine)`.

    ## Why
    One session shared by every request mixes their transactions and breaks under concurrency;
    a singleton service holds that session for the life of the process.

    ## Example
    ```python
    user_service = UserService(UserRepository(SessionLocal()))
    ```

    ## Use instead
    A provider function: `def get_user_service(session: SessionDep) -> UserService`.

    ## Fix
    None.

    ## Options
    None. Engines and session factories at module level are the norm and never reported.
    """

    code = "CNF308"
    name = "module-level-singleton"
    summary = "module-level service, repository or session instance"
    fix_hint = "build it per request in a provider function injected with Depends"
    catalog = "DI008"
    VALID = (
        _documented(),
        Example.code(
            """
            from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

            engine = create_async_engine("sqlite+aiosqlite://")
            SessionLocal = async_sessionmaker(engine)
            """,
            path="cpv3/core/db.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            from .repository import UserRepository
            from .service import UserService
            from cpv3.core.db import SessionLocal

            user_service = UserService(UserRepository(SessionLocal()))
            """,
            Expect(
                5,
                16,
                "module-level UserService instance 'user_service': one instance shared by every "
                "request; build it per request in a provider function",
            ),
            extra={
                "cpv3/core/db.py": (
                    "from sqlalchemy.orm import sessionmaker\n\nSessionLocal = sessionmaker()\n"
                ),
                "cpv3/modules/users/service.py": (
                    "class UserService:\n    def __init__(self, repository) -> None:\n"
                    "        self.repository = repository\n\n"
                    "    def get(self, user_id: int) -> dict:\n        return {}\n"
                ),
                "cpv3/modules/users/repository.py": (
                    "class UserRepository:\n    def __init__(self, session) -> None:\n"
                    "        self.session = session\n\n"
                    "    def get(self, user_id: int) -> dict:\n        return {}\n"
                ),
            },
        ),
    )

    def visit_Assign(self, node: cst.Assign) -> None:
        ctx = self.ctx
        if ctx.in_function or ctx.class_def is not None or len(node.targets) != 1:
            return
        target = node.targets[0].target
        value = node.value
        if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
            return
        callee = ctx.call_name(value)
        if callee is None:
            return
        label = f"module-level {_short(callee)} instance '{target.value}'"
        message = (
            f"{label}: one instance shared by every request; build it per request in a provider "
            "function"
        )
        if callee in _SESSIONS:
            self.report(value, message)
        elif ctx.is_project_name(callee):
            self.report(
                value, message, when=AnyOf((IsServiceClass(callee), IsSessionFactory(callee)))
            )


class YieldProviderSwallows(FileRule):
    """## What it checks
    A `yield` dependency provider (a module-level generator referenced by `Depends`/`Security`
    somewhere in the project) with an `except` around its `yield` that neither re-raises nor
    raises another exception.

    ## Why
    FastAPI throws the route's exception into the provider at the `yield`; swallowing it hides
    the error from FastAPI's exception handlers and the client gets a wrong response.

    ## Example
    ```python
    async def get_session():
        session = SessionLocal()
        try:
            yield session
        except Exception:
            await session.rollback()
    ```

    ## Use instead
    ```python
        except Exception:
            await session.rollback()
            raise
    ```

    ## Fix
    None.

    ## Options
    None. `@contextmanager` functions are not providers (suppressing there is legitimate).
    """

    code = "CNF311"
    name = "yield-provider-swallows-exception"
    summary = "yield provider catches an exception around yield and does not re-raise"
    fix_hint = "re-raise (`raise`) at the end of the except block"
    catalog = "DI011"
    VALID = (
        _documented(),
        Example.code(
            """
            from typing import Annotated

            from fastapi import Depends


            async def get_session():
                try:
                    yield 1
                except ValueError as exc:
                    raise RuntimeError("bad") from exc


            SessionDep = Annotated[int, Depends(get_session)]
            """,
            path="cpv3/core/db.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            async def get_session():
                session = object()
                try:
                    yield session
                except Exception:
                    print("rolled back")
                finally:
                    print("closed")
            """,
            Expect(
                5,
                5,
                "get_session is a yield provider and this except swallows the exception thrown "
                "at its yield: re-raise it (`raise`)",
            ),
            path="cpv3/core/db.py",
            extra={
                "cpv3/modules/users/router.py": (
                    "from typing import Annotated\n\nfrom fastapi import APIRouter, Depends\n\n"
                    "from cpv3.core.db import get_session\n\n"
                    "router = APIRouter(prefix='/users', tags=['users'])\n\n\n"
                    "@router.get('/')\ndef me(s: Annotated[object, Depends(get_session)]) -> dict:\n"
                    "    return {}\n"
                )
            },
        ),
    )

    def function_end(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        if len(ctx.functions) != 1 or ctx.class_def is not None or node.decorators:
            return
        if id(node) not in ctx.generators:
            return
        qualname = f"{ctx.module}.{node.name.value}"
        for statement in _statements(node.body):
            if not isinstance(statement, cst.Try) or not _function_yields_in(statement.body):
                continue
            for handler in statement.handlers:
                if not _raises(handler.body):
                    self.report(
                        handler,
                        f"{node.name.value} is a yield provider and this except swallows the "
                        "exception thrown at its yield: re-raise it (`raise`)",
                        when=IsProvider(qualname),
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


class DefaultInsideAnnotated(FileRule):
    """## What it checks
    `Annotated[T, Query(default)]`, `Annotated[T, Body(default=...)]`: a parameter marker inside
    `Annotated` that carries the default.

    ## Why
    FastAPI refuses it at start-up ("default value cannot be set in `Annotated`"): the default
    belongs after `=`, where Python and type checkers see it too.

    ## Example
    ```python
    q: Annotated[str, Query("", max_length=50)]
    ```

    ## Use instead
    ```python
    q: Annotated[str, Query(max_length=50)] = ""
    ```

    ## Fix
    Safe when the parameter has no default yet and the parameter order stays valid (no required
    positional parameter follows it), otherwise none.

    ## Options
    None.
    """

    code = "CNF313"
    name = "default-inside-annotated"
    summary = "parameter default set inside Annotated"
    fix_hint = 'move the default after `=`: `q: Annotated[str, Query()] = ""`'
    catalog = "DI013"
    fix = FixSafety.SAFE
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import APIRouter, Query

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            def search(q: Annotated[str, Query("", max_length=5)]):
                return []
            """,
            Expect(
                9,
                12,
                "Query() inside Annotated sets the default of 'q' (FastAPI refuses this at "
                'start-up): write `q: Annotated[..., Query(...)] = ""`',
            ),
            fixed="""
            from typing import Annotated

            from fastapi import APIRouter, Query

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            def search(q: Annotated[str, Query(max_length=5)] = ""):
                return []
            """,
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        for param in _all_params(node):
            parts = _annotated_parts(ctx, param.annotation)
            if parts is None:
                continue
            subscript, elements = parts
            for position, element in enumerate(elements[1:], start=1):
                if not isinstance(element, cst.Call) or _marker(ctx, element) not in PARAM_MARKERS:
                    continue
                default_arg, literal = _marker_default(element)
                if default_arg is None or literal is None:
                    continue
                name = param.name.value
                replacement: Optional[cst.Param] = None
                if (
                    param.default is None
                    and param.annotation is not None
                    and _param_order_after(node, param, True)
                ):
                    new_elements = list(subscript.slice)
                    new_elements[position] = new_elements[position].with_changes(
                        slice=cst.Index(_without_arg(element, default_arg))
                    )
                    new_annotation = param.annotation.with_changes(
                        annotation=subscript.with_changes(slice=new_elements)
                    )
                    replacement = param.with_changes(
                        annotation=new_annotation, default=literal, equal=_spaced_equal()
                    )
                marker = _short(ctx.call_name(element) or "")
                self.report(
                    param,
                    f"{marker}() inside Annotated sets the default of '{name}' (FastAPI refuses "
                    f"this at start-up): write `{name}: Annotated[..., {marker}(...)] = "
                    f"{ctx.code_for(literal)}`",
                    replacement=replacement,
                )


class MarkerTwice(FileRule):
    """## What it checks
    A parameter with a FastAPI marker both inside `Annotated[...]` and as its default:
    `user: Annotated[User, Depends(get_user)] = Depends(get_user)`.

    ## Why
    FastAPI refuses it at start-up ("Cannot specify `Depends` in `Annotated` and default value
    together").

    ## Example
    ```python
    user: Annotated[User, Depends(get_user)] = Depends(get_user)
    ```

    ## Use instead
    ```python
    user: Annotated[User, Depends(get_user)]
    ```

    ## Fix
    Safe when the two markers are written the same and the parameter may become required (no
    defaulted positional parameter before it, or keyword-only); otherwise none.

    ## Options
    None.
    """

    code = "CNF314"
    name = "marker-in-annotated-and-default"
    summary = "FastAPI marker both inside Annotated and as the default"
    fix_hint = "keep only the Annotated marker"
    catalog = "DI014"
    fix = FixSafety.SAFE
    supersedes = ("CNF301",)
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import Depends


            def get_user() -> dict:
                return {}


            def handler(user: Annotated[dict, Depends(get_user)] = Depends(get_user)) -> dict:
                return user
            """,
            Expect(
                10,
                13,
                "parameter 'user' has Depends() both inside Annotated and as its default "
                "(FastAPI refuses this at start-up): keep only the Annotated one",
            ),
            fixed="""
            from typing import Annotated

            from fastapi import Depends


            def get_user() -> dict:
                return {}


            def handler(user: Annotated[dict, Depends(get_user)]) -> dict:
                return user
            """,
            path="cpv3/core/security.py",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        for param in _all_params(node):
            default = _marker(ctx, param.default)
            parts = _annotated_parts(ctx, param.annotation)
            if default is None or parts is None or not isinstance(param.default, cst.Call):
                continue
            inside = [e for e in parts[1][1:] if _marker(ctx, e)]
            if not inside:
                continue
            same = any(ctx.code_for(e) == ctx.code_for(param.default) for e in inside)
            replacement = None
            if same and _param_order_after(node, param, False):
                replacement = param.with_changes(default=None, equal=cst.MaybeSentinel.DEFAULT)
            self.report(
                param,
                f"parameter '{param.name.value}' has {_short(default)}() both inside Annotated and "
                "as its default (FastAPI refuses this at start-up): keep only the Annotated one",
                replacement=replacement,
            )


class PathParamDefault(FileRule):
    """## What it checks
    A route parameter named in the route's path (`/users/{user_id}`) that has a default value
    (`user_id: int = 0`, `Path(3)`), when every route decorator of the function names it.

    ## Why
    A path parameter is always given by the URL: FastAPI rejects `Path(default)` at start-up and
    silently ignores a plain default, which misleads the reader.

    ## Example
    ```python
    @router.get("/{user_id}")
    async def get_user(user_id: int = 0): ...
    ```

    ## Use instead
    ```python
    @router.get("/{user_id}")
    async def get_user(user_id: int): ...
    ```

    ## Fix
    None (removing the default may break the parameter order).

    ## Options
    None.
    """

    code = "CNF315"
    name = "path-parameter-default"
    summary = "path parameter with a default value"
    fix_hint = "remove the default: the URL always provides a path parameter"
    catalog = "DI015"
    VALID = (
        _documented(),
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            @router.get("/{page}")
            async def pages(page: int = 1) -> list:
                return []
            """,
            note="one decorator has no such path parameter: the default is used there",
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import Path

            from .routing import router


            @router.get("/{user_id}/items/{item_id:path}")
            async def get_item(user_id: int = 0, item_id: Annotated[str, Path()] = "x") -> dict:
                return {}
            """,
            Expect(
                9,
                20,
                "path parameter 'user_id' has a default (the URL always provides it): remove "
                "the default",
            ),
            Expect(
                9,
                38,
                "path parameter 'item_id' has a default (the URL always provides it): remove "
                "the default",
            ),
            extra={
                "cpv3/modules/users/routing.py": (
                    "from fastapi import APIRouter\n\nrouter = APIRouter(prefix='/users', tags=['users'])\n"
                )
            },
            note="the router is imported from another file",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        route = route_of(self.ctx, node)
        if route is None:
            return
        names: Optional[Set[str]] = None
        for call in route.decorators:
            _, path = route_path(call)
            if path is None:
                return
            found = set(_PATH_PARAM.findall(path))
            names = found if names is None else names & found
        for param in _all_params(node):
            if param.name.value not in (names or ()):
                continue
            default = param.default
            if default is None or isinstance(default, cst.Ellipsis):
                continue
            if isinstance(default, cst.Call) and _marker(self.ctx, default):
                if _marker(self.ctx, default) in DEPENDS:
                    continue
                _, literal = _marker_default(default)
                if literal is None:
                    continue
            self.report(
                param,
                f"path parameter '{param.name.value}' has a default (the URL always provides "
                "it): remove the default",
                when=_when(route.verdict),
            )


_TYPING_CONSTRUCTS = ("typing.", "typing_extensions.", "collections.abc.", "collections.")


class DependsShortcutOnBuiltin(FileRule):
    """## What it checks
    `Depends()` with no argument where the annotation is not a class FastAPI can instantiate as a
    dependency: a builtin (`dict`, `int`), a generic alias (`list[int]`, `Dict[str, int]`) or a
    typing construct (`Optional[X]`, `X | None`, `Any`).

    ## Why
    `Depends()` calls the annotation's type; `dict()` injects an empty dict, `Optional[X]()` fails.

    ## Example
    ```python
    params: Annotated[dict, Depends()]
    ```

    ## Use instead
    ```python
    params: Annotated[dict, Depends(common_parameters)]
    ```

    ## Fix
    None.

    ## Options
    None. `Depends()` on a project class (the documented shortcut) is never reported.
    """

    code = "CNF316"
    name = "depends-shortcut-on-builtin"
    summary = "Depends() without argument on a builtin, generic or typing annotation"
    fix_hint = "name the dependency: `Depends(provider)`"
    catalog = "DI016"
    VALID = (
        _documented(),
        Example.code(
            """
            from typing import Annotated

            from fastapi import Depends

            from cpv3.modules.users.service import UserService


            def handler(service: Annotated[UserService, Depends()]) -> None:
                return None
            """,
            path="cpv3/core/security.py",
            note="the documented class shortcut",
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import Annotated, Optional

            from fastapi import Depends


            def handler(
                a: Annotated[dict, Depends()],
                b: Annotated[Optional[int], Depends()],
                c: list[int] = Depends(),
            ) -> None:
                return None
            """,
            Expect(
                7,
                24,
                "Depends() without argument calls the annotation `dict`, which is not a "
                "dependency: name the provider, `Depends(provider)`",
            ),
            Expect(
                8,
                33,
                "Depends() without argument calls the annotation `Optional[int]`, which is not a "
                "dependency: name the provider, `Depends(provider)`",
            ),
            Expect(
                9,
                20,
                "Depends() without argument calls the annotation `list[int]`, which is not a "
                "dependency: name the provider, `Depends(provider)`",
            ),
            path="cpv3/core/security.py",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        for param in _all_params(node):
            if param.annotation is None:
                continue
            parts = _annotated_parts(ctx, param.annotation)
            calls: List[cst.Call] = []
            if parts is not None:
                typed: cst.BaseExpression = parts[1][0]
                calls = [e for e in parts[1][1:] if isinstance(e, cst.Call)]
            else:
                typed = param.annotation.annotation
            if isinstance(param.default, cst.Call):
                calls.append(param.default)
            for call in calls:
                if ctx.call_name(call) not in DEPENDS or call.args:
                    continue
                if not self._not_a_dependency(typed):
                    continue
                self.report(
                    call,
                    f"Depends() without argument calls the annotation `{ctx.code_for(typed)}`, "
                    "which is not a dependency: name the provider, `Depends(provider)`",
                )

    def _not_a_dependency(self, typed: cst.BaseExpression) -> bool:
        if isinstance(typed, (cst.Subscript, cst.BinaryOperation)):
            return True
        if isinstance(typed, (cst.Name, cst.Attribute)):
            name = self.ctx.qualname(typed)
            if name is None:
                return False
            return name.startswith("builtins.") or name.startswith(_TYPING_CONSTRUCTS)
        return False


# -- API rules -----------------------------------------------------------------------------


class StarletteRoute(FileRule):
    """## What it checks
    Starlette-style routing on a FastAPI router or app: `@router.route(...)`, `@app.route(...)`,
    `app.add_route(...)`.

    ## Why
    These bypass FastAPI's request parsing, validation, dependency injection and OpenAPI schema:
    the endpoint gets a raw `Request` and is missing from the docs.

    ## Example
    ```python
    @router.route("/health")
    async def health(request): ...
    ```

    ## Use instead
    ```python
    @router.get("/health")
    async def health() -> dict: ...
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF331"
    name = "starlette-style-route"
    summary = "Starlette-style route on a FastAPI router"
    fix_hint = "use the method decorators: `@router.get(...)`, `@router.post(...)`"
    catalog = "API001"
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from fastapi import FastAPI

            app = FastAPI()


            @app.route("/health")
            async def health(request):
                return {}


            app.add_route("/ping", health)
            """,
            Expect(
                6,
                2,
                "app.route() registers a Starlette route without FastAPI's validation, injection "
                "or OpenAPI: use app.get()/app.post()/...",
            ),
            Expect(
                11,
                1,
                "app.add_route() registers a Starlette route without FastAPI's validation, "
                "injection or OpenAPI: use app.get()/app.post()/...",
            ),
            path="cpv3/main.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in ("route", "add_route"):
            return
        verdict = receiver_verdict(self.ctx, func.value)
        if verdict is False:
            return
        receiver = self.ctx.code_for(func.value)
        self.report(
            node,
            f"{receiver}.{func.attr.value}() registers a Starlette route without FastAPI's "
            f"validation, injection or OpenAPI: use {receiver}.get()/{receiver}.post()/...",
            when=_when(verdict),
        )


class _RouterCalls(FileRule):
    """Shared by the APIRouter(...) rules: module-level routers, and which names are aggregators
    (receive include_router calls) in this file."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.routers: List[Tuple[Optional[str], cst.Call]] = []
        self.aggregators: Set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        name = ctx.call_name(node)
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

    def finish(self) -> None:
        for bound, call in self.routers:
            if _has_star(call) or (bound is not None and bound in self.aggregators):
                continue
            self.check_router(bound, call)

    def check_router(self, bound: Optional[str], call: cst.Call) -> None:
        raise NotImplementedError


class RouterWithoutPrefix(_RouterCalls):
    """## What it checks
    `APIRouter(...)` without `prefix=` (the prefix then only lives at `include_router`, far from the
    routes). Routers that include other routers in the same file (aggregators) are exempt.

    ## Why
    The module convention gives every module router its own prefix, visible next to its routes;
    a prefix added at `include_router` is easy to forget or to set twice.

    ## Example
    ```python
    router = APIRouter()
    ```

    ## Use instead
    ```python
    router = APIRouter(prefix="/users", tags=["users"])
    ```

    ## Fix
    None.

    ## Options
    `router-prefix` checks the prefix's value too (CNF346).
    """

    code = "CNF332"
    name = "router-without-prefix"
    summary = "APIRouter() without a prefix"
    fix_hint = 'give the router its prefix: `APIRouter(prefix="/users", tags=["users"])`'
    catalog = "API002"
    VALID = (
        _documented(),
        Example.code(
            """
            from fastapi import APIRouter

            from cpv3.modules.users.router import router as users_router

            api = APIRouter()
            api.include_router(users_router)
            """,
            path="cpv3/api.py",
            note="an aggregating root router needs no prefix",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import routing

            router = routing.APIRouter(tags=["users"])
            """,
            Expect(
                3,
                10,
                "APIRouter() without prefix: set it on the router, "
                '`APIRouter(prefix="/users", ...)`, not at include_router',
            ),
        ),
    )

    def check_router(self, bound: Optional[str], call: cst.Call) -> None:
        if _keyword(call, "prefix") is not None:
            return
        example = f"/{_kebab(self.ctx.feature)}" if self.ctx.feature else "/items"
        self.report(
            call,
            f'APIRouter() without prefix: set it on the router, `APIRouter(prefix="{example}", '
            "...)`, not at include_router",
        )


class BadPrefix(FileRule):
    """## What it checks
    A literal `prefix` of `APIRouter(...)` or `include_router(...)` that does not start with `/` or
    ends with `/`.

    ## Why
    FastAPI asserts both at start-up ("A path prefix must start with '/'", "must not end with
    '/'"): the application does not start.

    ## Example
    ```python
    router = APIRouter(prefix="users/")
    ```

    ## Use instead
    ```python
    router = APIRouter(prefix="/users")
    ```

    ## Fix
    Safe: adds the leading `/`, drops trailing ones (`"/"` becomes `""`).

    ## Options
    None.
    """

    code = "CNF333"
    name = "malformed-router-prefix"
    summary = "router prefix not starting with / or ending with /"
    fix_hint = 'write the prefix as "/name": leading slash, no trailing slash'
    catalog = "API003"
    fix = FixSafety.SAFE
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter, FastAPI

            router = APIRouter(prefix="users/", tags=["users"])
            app = FastAPI()
            app.include_router(router, prefix='/v1/')
            """,
            Expect(
                3,
                27,
                "prefix \"users/\" must start with '/' and not end with '/' (FastAPI refuses it "
                'at start-up): write "/users"',
            ),
            Expect(
                5,
                35,
                "prefix '/v1/' must start with '/' and not end with '/' (FastAPI refuses it "
                "at start-up): write '/v1'",
            ),
            fixed="""
            from fastapi import APIRouter, FastAPI

            router = APIRouter(prefix="/users", tags=["users"])
            app = FastAPI()
            app.include_router(router, prefix='/v1')
            """,
            path="cpv3/main.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        func = node.func
        is_router = ctx.call_name(node) in ROUTER_CLASSES
        if not is_router:
            if not isinstance(func, cst.Attribute) or func.attr.value != "include_router":
                return
            verdict = receiver_verdict(ctx, func.value)
            if verdict is False:
                return
        else:
            verdict = True
        arg = _keyword(node, "prefix")
        value = _string_value(arg.value) if arg is not None else None
        if arg is None or value is None or value == "":
            return
        if value.startswith("/") and not value.endswith("/"):
            return
        assert isinstance(arg.value, cst.SimpleString)
        fixed = "/" + value.strip("/") if value.strip("/") else ""
        literal = arg.value
        quote = literal.quote
        replacement = None
        if "\\" not in literal.value and quote not in fixed:
            replacement = literal.with_changes(value=f"{literal.prefix}{quote}{fixed}{quote}")
        shown = f"{literal.prefix}{quote}{fixed}{quote}"
        self.report(
            literal,
            f"prefix {literal.value} must start with '/' and not end with '/' (FastAPI refuses it "
            f"at start-up): write {shown}",
            replacement=replacement,
            when=_when(verdict),
        )


class RouterWithoutTags(_RouterCalls):
    """## What it checks
    `APIRouter(...)` without `tags=`. Aggregating routers (that include others in the same file)
    are exempt.

    ## Why
    Tags group a module's operations in the OpenAPI docs; the module convention asks every module
    router for a prefix and tags, set next to its routes.

    ## Example
    ```python
    router = APIRouter(prefix="/users")
    ```

    ## Use instead
    ```python
    router = APIRouter(prefix="/users", tags=["users"])
    ```

    ## Fix
    None.

    ## Options
    `router-tags` checks the tags' values too (CNF346).
    """

    code = "CNF334"
    name = "router-without-tags"
    summary = "APIRouter() without tags"
    fix_hint = 'add tags: `APIRouter(prefix="/users", tags=["users"])`'
    catalog = "API004"
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            import fastapi

            router = fastapi.APIRouter(prefix="/users")
            """,
            Expect(
                3,
                10,
                'APIRouter() without tags: add `tags=["users"]` so the module\'s operations are '
                "grouped in the API docs",
            ),
        ),
    )

    def check_router(self, bound: Optional[str], call: cst.Call) -> None:
        if _keyword(call, "tags") is not None:
            return
        example = _kebab(self.ctx.feature) if self.ctx.feature else "items"
        self.report(
            call,
            f'APIRouter() without tags: add `tags=["{example}"]` so the module\'s operations are '
            "grouped in the API docs",
        )


class RouterConvention(_RouterCalls):
    """## What it checks
    With `router-prefix` and/or `router-tags` set, a module's router (in its `router.py`) whose
    literal `prefix`/`tags` differ from the templates rendered for the module
    (`{module}`: the module package name in kebab-case).

    ## Why
    A team convention (`/order-items` for `order_items`) applied by hand drifts: one module
    pluralises, another uses underscores. The template makes it checkable.

    ## Example
    ```toml
    router-prefix = "/{module}"
    router-tags = ["{module}"]
    ```
    ```python
    # cpv3/modules/order_items/router.py
    router = APIRouter(prefix="/order_item", tags=["items"])
    ```

    ## Use instead
    ```python
    router = APIRouter(prefix="/order-items", tags=["order-items"])
    ```

    ## Fix
    None.

    ## Options
    `router-prefix` (string template, empty: not checked), `router-tags` (list of templates,
    empty: not checked). Non-literal values are not checked.
    """

    code = "CNF346"
    name = "router-convention"
    summary = "module router prefix or tags differ from the configured templates"
    fix_hint = "use the prefix and tags the router-prefix/router-tags templates give"
    catalog = "-"
    applies_to = "roles"
    VALID = (
        _documented(),
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/order-items", tags=["order-items"])
            """,
            path="cpv3/modules/order_items/router.py",
            config='router-prefix = "/{module}"\nrouter-tags = ["{module}"]',
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/order_item", tags=["items"])
            """,
            Expect(
                3,
                27,
                'router prefix "/order_item" does not follow the convention: write '
                '"/order-items" (router-prefix = "/{module}")',
            ),
            Expect(
                3,
                47,
                'router tags ["items"] do not follow the convention: write ["order-items"] '
                '(router-tags = ["{module}"])',
            ),
            path="cpv3/modules/order_items/router.py",
            config='router-prefix = "/{module}"\nrouter-tags = ["{module}"]',
        ),
    )

    def check_router(self, bound: Optional[str], call: cst.Call) -> None:
        ctx = self.ctx
        if ctx.role != "router" or ctx.feature is None:
            return
        module = _kebab(ctx.feature)
        prefix_template = ctx.config.option("router-prefix")
        tags_templates = tuple(ctx.config.option("router-tags") or ())
        if prefix_template:
            arg = _keyword(call, "prefix")
            value = _string_value(arg.value) if arg is not None else None
            wanted = prefix_template.replace("{module}", module)
            if arg is not None and value is not None and value != wanted:
                self.report(
                    arg.value,
                    f'router prefix "{value}" does not follow the convention: write '
                    f'"{wanted}" (router-prefix = "{prefix_template}")',
                )
        if tags_templates:
            arg = _keyword(call, "tags")
            if arg is None or not isinstance(arg.value, (cst.List, cst.Tuple)):
                return
            values = [_string_value(e.value) for e in arg.value.elements]
            if any(v is None for v in values):
                return
            wanted_tags = [t.replace("{module}", module) for t in tags_templates]
            if values != wanted_tags:
                shown = ", ".join(f'"{v}"' for v in values)
                want = ", ".join(f'"{t}"' for t in wanted_tags)
                templates = ", ".join(f'"{t}"' for t in tags_templates)
                self.report(
                    arg.value,
                    f"router tags [{shown}] do not follow the convention: write [{want}] "
                    f"(router-tags = [{templates}])",
                )


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


class PathParamMissing(_Recorder):
    """## What it checks
    A `{name}` in a route's literal path that is neither a parameter of the route nor of any of
    its dependencies (followed recursively, across files: `Annotated` aliases such as
    `ItemDep = Annotated[Item, Depends(get_item)]`, callable-class dependencies, `Depends()` on a
    class, `dependencies=[...]` on the route and on a router created in the same file).

    ## Why
    FastAPI accepts the route but never hands the value to anyone: a typo (`{user_id}` vs
    `userid`) silently drops validation of the path segment.

    ## Example
    ```python
    @router.get("/{user_id}/orders")
    async def list_orders(service: ServiceDep): ...
    ```

    ## Use instead
    ```python
    @router.get("/{user_id}/orders")
    async def list_orders(user_id: int, service: ServiceDep): ...
    ```

    ## Fix
    None.

    ## Options
    None. Reported only when every dependency resolves to a function or class whose signature
    the index has; routes on a router imported from another file, `**kwargs`, `alias=` on a
    parameter marker or an unresolvable dependency silence it.
    """

    code = "CNF335"
    name = "path-parameter-missing"
    summary = "path parameter not declared by the route or its dependencies"
    fix_hint = "add the parameter to the route's signature (or to a dependency)"
    catalog = "API005"
    VALID = (
        _documented(),
        Example.code(
            """
            from typing import Annotated

            from fastapi import APIRouter, Depends

            from cpv3.core.deps import ItemDep, Checker

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/{item_id}/owner/{owner_id}", dependencies=[Depends(Checker)])
            async def owner(item: ItemDep) -> dict:
                return item
            """,
            extra={
                "cpv3/core/deps.py": (
                    "from typing import Annotated\n\nfrom fastapi import Depends\n\n\n"
                    "def get_item(item_id: int) -> dict:\n    return {}\n\n\n"
                    "ItemDep = Annotated[dict, Depends(get_item)]\n\n\n"
                    "class Checker:\n    def __init__(self, owner_id: int) -> None:\n"
                    "        self.owner_id = owner_id\n"
                )
            },
            note="path parameters consumed by an alias dependency and a class dependency in "
            "another file",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter

            from cpv3.core.deps import ItemDep

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/{user_id}/items/{item_id}")
            async def get_item(item: ItemDep) -> dict:
                return item
            """,
            Expect(
                8,
                13,
                "path parameter 'user_id' of \"/{user_id}/items/{item_id}\" is taken by neither "
                "get_item nor its dependencies: add `user_id` to the signature",
            ),
            extra={
                "cpv3/core/deps.py": (
                    "from typing import Annotated\n\nfrom fastapi import Depends\n\n\n"
                    "def get_item(item_id: int) -> dict:\n    return {}\n\n\n"
                    "ItemDep = Annotated[dict, Depends(get_item)]\n"
                )
            },
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        ctx = self.ctx
        route = route_of(ctx, node)
        if route is None or route.verdict is not True:
            return
        signature = signature_of(ctx, node, skip_first=False)
        if signature.open:
            return
        deps = list(signature.deps)
        for call, receiver in zip(route.decorators, route.receivers):
            extra = _router_dependencies(ctx, receiver)
            if extra is None:
                return
            arg = _keyword(call, "dependencies")
            if arg is not None:
                if not isinstance(arg.value, (cst.List, cst.Tuple)):
                    return
                extra = extra + [e.value for e in arg.value.elements]
            for item in extra:
                if not isinstance(item, cst.Call) or ctx.call_name(item) not in DEPENDS:
                    return
                if not item.args or item.args[0].keyword is not None:
                    return
                value = item.args[0].value
                target = (
                    ctx.qualname(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
                )
                if target is None:
                    return
                deps.append(target)
        for call in route.decorators:
            path_node, path = route_path(call)
            if path is None or path_node is None:
                continue
            for name in _PATH_PARAM.findall(path):
                if name in signature.names:
                    continue
                self.report(
                    path_node,
                    f"path parameter '{name}' of {ctx.code_for(path_node)} is taken by neither "
                    f"{node.name.value} nor its dependencies: add `{name}` to the signature",
                    when=MissingPathParameter(name, tuple(deps), tuple(signature.aliases)),
                )


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


class BodyWithNoBodyStatus(FileRule):
    """## What it checks
    A route with `status_code=204`, `205`, `304` or `1xx` (literal or `status.HTTP_204_NO_CONTENT`)
    and a response body model: `response_model=X` or a return annotation other than `None` and a
    `Response` class.

    ## Why
    FastAPI asserts at start-up that these status codes have no response body.

    ## Example
    ```python
    @router.delete("/{user_id}", status_code=204)
    async def delete_user(user_id: int) -> UserRead: ...
    ```

    ## Use instead
    ```python
    @router.delete("/{user_id}", status_code=204)
    async def delete_user(user_id: int) -> None: ...
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF338"
    name = "body-with-no-body-status"
    summary = "response body declared for a status code that has none"
    fix_hint = "drop the body (`-> None`, no response_model) or use another status code"
    catalog = "API008"
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from typing import List

            from fastapi import APIRouter, status

            from .schemas import UserRead

            router = APIRouter(prefix="/users", tags=["users"])


            @router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
            async def delete_user(user_id: int) -> UserRead:
                return UserRead()


            @router.post("/purge", status_code=204, response_model=List[UserRead])
            async def purge():
                return []
            """,
            Expect(
                10,
                42,
                "status code 204 has no response body but delete_user declares one (return "
                "annotation): return None or pick another status code",
            ),
            Expect(
                15,
                36,
                "status code 204 has no response body but purge declares one (response_model): "
                "return None or pick another status code",
            ),
            extra={
                "cpv3/modules/users/schemas.py": (
                    "from pydantic import BaseModel\n\n\nclass UserRead(BaseModel):\n    id: int = 0\n"
                )
            },
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        route = route_of(ctx, node)
        if route is None:
            return
        for call in route.decorators:
            arg = _keyword(call, "status_code")
            if arg is None:
                continue
            code = _status_code(ctx, arg.value)
            if code is None or not (code < 200 or code in (204, 205, 304)):
                continue
            model = _keyword(call, "response_model")
            when: Optional[Condition] = _when(route.verdict)
            source = "response_model"
            if model is not None:
                if isinstance(model.value, cst.Name) and model.value.value == "None":
                    continue
            else:
                source = "return annotation"
                verdict = self._returns_body(node)
                if verdict is False:
                    continue
                when = _when(route.verdict, verdict)
            self.report(
                arg.value,
                f"status code {code} has no response body but {node.name.value} declares one "
                f"({source}): return None or pick another status code",
                when=when,
            )

    def _returns_body(self, node: cst.FunctionDef) -> Verdict:
        if node.returns is None:
            return False
        annotation = node.returns.annotation
        if isinstance(annotation, cst.Name) and annotation.value == "None":
            return False
        if isinstance(annotation, cst.Subscript):
            base = self.ctx.qualname(annotation.value)
            if base in (
                "typing.List",
                "typing.Dict",
                "builtins.list",
                "builtins.dict",
                "typing.Sequence",
            ):
                return True
            return False
        typed = self.ctx.annotation_type(annotation)
        if typed is None:
            return False
        if typed in _NON_CALLABLE_BUILTINS and typed != "builtins.None":
            return True
        if self.ctx.is_project_name(typed):
            return IsKind(typed, PYDANTIC_MODEL)
        return False


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
_SESSION_METHODS = frozenset(
    {
        "execute",
        "scalar",
        "scalars",
        "commit",
        "rollback",
        "flush",
        "refresh",
        "query",
        "get",
        "merge",
        "close",
    }
)


class BlockingCallInAsync(_Recorder):
    """## What it checks
    A blocking call inside an `async def` route, dependency provider, or a function of a router,
    service or repository file: `time.sleep`, `requests.*`, `httpx.get(...)`/`httpx.Client`,
    `open()`, `input()`, `subprocess.*`, `os.system`, `urllib.request.urlopen`, I/O methods of a
    `pathlib.Path`, methods of a sync SQLAlchemy `Session`.

    ## Why
    An `async def` runs on the event loop: one blocking call stalls every request the worker
    serves until it returns.

    ## Example
    ```python
    @router.get("/")
    async def report():
        time.sleep(1)
    ```

    ## Use instead
    `await asyncio.sleep(1)`, `httpx.AsyncClient`, an async driver, a plain `def` route (run in a
    thread pool) or `await run_in_threadpool(...)`.

    ## Fix
    None.

    ## Options
    None. Calls inside a nested `def` or a `lambda` (handed to a thread pool) are not reported.
    """

    code = "CNF339"
    name = "blocking-call-in-async"
    summary = "blocking call inside an async route, provider, service or repository"
    fix_hint = "use the async equivalent, or a def route / run_in_threadpool"
    catalog = "API009"
    VALID = (
        _documented(),
        Example.code(
            """
            import asyncio
            import time

            from fastapi.concurrency import run_in_threadpool


            class ReportService:
                async def build(self) -> None:
                    await asyncio.sleep(1)
                    await run_in_threadpool(time.sleep, 1)
                    await asyncio.get_running_loop().run_in_executor(None, lambda: open("x"))

                def build_sync(self) -> None:
                    time.sleep(1)
            """,
            path="cpv3/modules/users/service.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            import time as t
            from pathlib import Path

            import requests
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/")
            async def report() -> str:
                t.sleep(1)
                requests.get("https://example.com")
                return Path("x").read_text()
            """,
            Expect(
                12,
                5,
                "blocking call time.sleep() in async def report stalls the event loop: use an "
                "async equivalent, a def route or run_in_threadpool",
            ),
            Expect(
                13,
                5,
                "blocking call requests.get() in async def report stalls the event loop: use an "
                "async equivalent, a def route or run_in_threadpool",
            ),
            Expect(
                14,
                12,
                "blocking call Path.read_text() in async def report stalls the event loop: use an "
                "async equivalent, a def route or run_in_threadpool",
            ),
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.scopes: Dict[int, Verdict] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        ctx = self.ctx
        if node.asynchronous is None:
            self.scopes[id(node)] = False
            return
        if ctx.role in ("router", "service", "repository"):
            self.scopes[id(node)] = True
            return
        route = route_of(ctx, node)
        verdicts: List[Verdict] = []
        if route is not None:
            verdicts.append(route.verdict)
        if not ctx.in_function and ctx.class_def is None:
            verdicts.append(IsProvider(ctx.definition_qualname(node.name.value)))
        self.scopes[id(node)] = _combine(verdicts)

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        ctx = self.ctx
        function = ctx.function
        if function is None or _inside_lambda(ctx):
            return
        scope = self.scopes.get(id(function), False)
        if scope is False:
            return
        shown = self._blocking(node)
        if shown is None:
            return
        call_text, condition = shown
        self.report(
            node,
            f"blocking call {call_text}() in async def {function.name.value} stalls the event "
            "loop: use an async equivalent, a def route or run_in_threadpool",
            when=_when(scope, condition) if condition is not None else _when(scope),
        )

    def _blocking(self, node: cst.Call) -> Optional[Tuple[str, Optional[Condition]]]:
        ctx = self.ctx
        callee = ctx.call_name(node)
        if callee in _BLOCKING_CALLS:
            assert callee is not None
            return callee.replace("builtins.", ""), None
        func = node.func
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        typed = ctx.instance_type(func.value)
        if typed is None:
            return None
        if typed in _SYNC_CLIENTS and method in _CLIENT_METHODS:
            return f"{_short(typed)}.{method}", None
        if typed in ("pathlib.Path", "pathlib.PosixPath") and method in _PATH_IO:
            return f"Path.{method}", None
        if method in _SESSION_METHODS:
            if typed in ("sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session"):
                return f"Session.{method}", None
            if ctx.is_project_name(typed):
                return f"Session.{method}", IsKind(typed, SYNC_SESSION)
        return None


_TASK_WRAPPERS = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.gather"})


class MissingAwait(FileRule):
    """## What it checks
    A call of an `async def` of the project (a service or repository method through a typed
    receiver such as `self.repository` or an injected `service: ServiceDep`, or a function) whose
    coroutine is dropped: the call is a statement on its own, the test of an `if`/`while`, or
    what a route returns.

    ## Why
    Without `await` the coroutine never runs (a commit that does not happen), a condition is
    always true, a route answers with a coroutine object; Python only warns at garbage collection.

    ## Example
    ```python
    async def deactivate(self, user_id: int) -> None:
        self.session.commit()
    ```

    ## Use instead
    ```python
        await self.session.commit()
    ```

    ## Fix
    None.

    ## Options
    None. Coroutines stored, passed as arguments (`asyncio.gather`, `create_task`) or returned
    from non-route functions are not reported.
    """

    code = "CNF340"
    name = "missing-await"
    summary = "async function called without await"
    fix_hint = "await the call (and make the caller async if it is not)"
    catalog = "API010"
    VALID = (
        _documented(),
        Example.code(
            """
            import asyncio


            class UserService:
                async def get(self, user_id: int) -> dict:
                    return {}

                def get_later(self, user_id: int):
                    return self.get(user_id)

                async def many(self) -> list:
                    first = self.get(1)
                    return await asyncio.gather(first, self.get(2))
            """,
            path="cpv3/modules/users/service.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import APIRouter, Depends

            from .service import UserService, get_user_service

            router = APIRouter(prefix="/users", tags=["users"])


            @router.delete("/{user_id}")
            def delete_user(
                user_id: int, service: Annotated[UserService, Depends(get_user_service)]
            ) -> None:
                service.delete(user_id)


            @router.get("/{user_id}")
            async def get_user(user_id: int, service: Annotated[UserService, Depends(get_user_service)]):
                if service.exists(user_id):
                    return service.get(user_id)
            """,
            Expect(
                14,
                5,
                "UserService.delete is async and this call is not awaited (the coroutine never "
                "runs): `await` it, in an async def",
            ),
            Expect(
                19,
                8,
                "UserService.exists is async and this call is not awaited (the coroutine never "
                "runs): `await` it, in an async def",
            ),
            Expect(
                20,
                16,
                "UserService.get is async and this call is not awaited (the coroutine never "
                "runs): `await` it, in an async def",
            ),
            extra={
                "cpv3/modules/users/service.py": (
                    "class BaseService:\n    async def exists(self, user_id: int) -> bool:\n"
                    "        return True\n\n\n"
                    "class UserService(BaseService):\n    async def get(self, user_id: int) -> dict:\n"
                    "        return {}\n\n"
                    "    async def delete(self, user_id: int) -> None:\n        return None\n\n\n"
                    "def get_user_service() -> UserService:\n    return UserService()\n"
                )
            },
        ),
        Example.code(
            """
            from fastapi import APIRouter

            from cpv3.core.deps import AuditDep
            from .service import UserServiceDep as Users

            router = APIRouter(prefix="/users", tags=["users"])


            @router.delete("/{user_id}")
            async def delete_user(user_id: int, service: Users, audit: AuditDep) -> None:
                audit.record("delete", user_id)
                service.delete(user_id)
            """,
            Expect(
                12,
                5,
                "UserServiceDep.delete is async and this call is not awaited (the coroutine never "
                "runs): `await` it, in an async def",
            ),
            extra={
                "cpv3/modules/users/service.py": """
                    from typing import Annotated

                    from fastapi import Depends


                    class UserService:
                        async def delete(self, user_id: int) -> None:
                            return None


                    def get_user_service() -> UserService:
                        return UserService()


                    UserServiceDep = Annotated[UserService, Depends(get_user_service)]
                    """,
                "cpv3/core/deps.py": """
                    from typing import Annotated

                    from fastapi import Depends


                    class Audit:
                        def record(self, action: str, key: int) -> None:
                            return None


                    AuditDep = Annotated[Audit, Depends(Audit)]
                    """,
            },
            note="services injected through an Annotated alias in another file (sync methods are fine)",
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.routes: Dict[int, Optional[Route]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.routes[id(node)] = route_of(self.ctx, node)

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        function = ctx.function
        if function is None or _inside_lambda(ctx) or len(ctx.ancestors) < 2:
            return
        parent = ctx.ancestors[-1]
        when: Verdict = True
        if isinstance(parent, cst.Expr):
            pass
        elif isinstance(parent, (cst.If, cst.While)) and parent.test is node:
            pass
        elif isinstance(parent, cst.Return):
            route = self.routes.get(id(function))
            if route is None:
                return
            when = route.verdict
        else:
            return
        func = node.func
        condition: Optional[Condition] = None
        shown = ""
        if isinstance(func, cst.Attribute):
            typed = ctx.instance_type(func.value)
            if typed is not None and ctx.is_project_name(typed):
                condition = IsAsyncCallee(func.attr.value, typed)
                shown = f"{_short(typed)}.{func.attr.value}"
        if condition is None and isinstance(func, (cst.Name, cst.Attribute)):
            callee = ctx.qualname(func)
            if callee is not None and ctx.is_project_name(callee):
                condition = IsAsyncCallee(callee)
                shown = _short(callee)
        if condition is None:
            return
        self.report(
            node,
            f"{shown} is async and this call is not awaited (the coroutine never runs): "
            "`await` it, in an async def",
            when=_when(when, condition),
        )


class OnEvent(FileRule):
    """## What it checks
    `@app.on_event("startup")`/`("shutdown")` and `app.add_event_handler(...)` on a FastAPI app or
    APIRouter.

    ## Why
    Deprecated in FastAPI in favour of a `lifespan` context manager, which keeps start-up and
    shutdown together and shares state between them.

    ## Example
    ```python
    @app.on_event("startup")
    async def connect() -> None: ...
    ```

    ## Use instead
    ```python
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await connect()
        yield
        await disconnect()

    app = FastAPI(lifespan=lifespan)
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF342"
    name = "on-event-handler"
    summary = "deprecated on_event start-up/shutdown handler"
    fix_hint = "use a lifespan context manager: `FastAPI(lifespan=lifespan)`"
    catalog = "API012"
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from fastapi import FastAPI as App

            app = App()


            @app.on_event("startup")
            async def connect() -> None:
                return None
            """,
            Expect(
                6,
                2,
                "app.on_event() is deprecated: move start-up and shutdown code into a lifespan "
                "context manager, `FastAPI(lifespan=lifespan)`",
            ),
            path="cpv3/main.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in (
            "on_event",
            "add_event_handler",
        ):
            return
        verdict = receiver_verdict(self.ctx, func.value)
        if verdict is False:
            return
        self.report(
            node,
            f"{self.ctx.code_for(func.value)}.{func.attr.value}() is deprecated: move start-up and "
            "shutdown code into a lifespan context manager, `FastAPI(lifespan=lifespan)`",
            when=_when(verdict),
        )


class DeprecatedParamKeyword(FileRule):
    """## What it checks
    `regex=` and `example=` in `Query/Path/Body/Header/Cookie/Form/File(...)`.

    ## Why
    Both are deprecated by FastAPI: `regex` became `pattern` (Pydantic v2), `example` became
    `examples=[...]` (or `openapi_examples=`).

    ## Example
    ```python
    q: Annotated[str, Query(regex="^[a-z]+$", example="abc")]
    ```

    ## Use instead
    ```python
    q: Annotated[str, Query(pattern="^[a-z]+$", examples=["abc"])]
    ```

    ## Fix
    `regex` -> `pattern`: safe. `example=x` -> `examples=[x]`: unsafe (the OpenAPI output changes).

    ## Options
    None.
    """

    code = "CNF343"
    name = "deprecated-param-keyword"
    summary = "deprecated regex= or example= in a FastAPI parameter marker"
    fix_hint = "use pattern= instead of regex=, examples=[...] instead of example="
    catalog = "API013"
    fix = FixSafety.SAFE
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import Query


            def search(q: Annotated[str, Query(regex="^[a-z]+$")] = "") -> list:
                return []
            """,
            Expect(
                6,
                36,
                "regex= is deprecated in Query(): write pattern=",
            ),
            fixed="""
            from typing import Annotated

            from fastapi import Query


            def search(q: Annotated[str, Query(pattern="^[a-z]+$")] = "") -> list:
                return []
            """,
            path="cpv3/core/search.py",
        ),
        Example.code(
            """
            from typing import Annotated

            from fastapi import Body


            def create(name: Annotated[str, Body(example="Ada")]) -> None:
                return None
            """,
            Expect(
                6,
                38,
                "example= is deprecated in Body(): write examples=[...] (or openapi_examples=)",
            ),
            fixed="""
            from typing import Annotated

            from fastapi import Body


            def create(name: Annotated[str, Body(examples=["Ada"])]) -> None:
                return None
            """,
            unsafe=True,
            path="cpv3/core/search.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        marker = self.ctx.call_name(node)
        if marker not in PARAM_MARKERS:
            return
        short = _short(marker)
        for arg in node.args:
            if arg.keyword is None:
                continue
            if arg.keyword.value == "regex" and _keyword(node, "pattern") is None:
                self.report(
                    arg,
                    f"regex= is deprecated in {short}(): write pattern=",
                    replacement=arg.with_changes(keyword=cst.Name("pattern")),
                )
            elif arg.keyword.value == "example" and _keyword(node, "examples") is None:
                self.report(
                    arg,
                    f"example= is deprecated in {short}(): write examples=[...] (or "
                    "openapi_examples=)",
                    replacement=arg.with_changes(
                        keyword=cst.Name("examples"), value=cst.List([cst.Element(arg.value)])
                    ),
                    fix_safety=FixSafety.UNSAFE,
                )
