"""Cross-file conditions of the FastAPI rules, decided on the project index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import (
    Any,
    Dict,
    List,
    Optional,
    Set,
    Tuple,
)

from conformance import names
from conformance.conditions import Condition
from conformance.index import (
    API_ROUTER,
    FASTAPI_APP,
    PYDANTIC_MODEL,
    ProjectIndex,
)
from conformance.rules.fastapi._common import APP_CLASSES, ROUTER_CLASSES, _short


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


def _call_shapes(index: ProjectIndex) -> Dict[str, List[Tuple[int, Tuple[str, ...], bool]]]:
    """Every recorded call by callee (resolved; ``.name`` for a method called by name), once per
    index: the conditions of a large project would otherwise each read every call."""

    def build() -> Dict[str, List[Tuple[int, Tuple[str, ...], bool]]]:
        out: Dict[str, List[Tuple[int, Tuple[str, ...], bool]]] = {}
        for _, (key, positional, keywords, starred) in index.extra("fastapi.calls"):
            callee = key if key.startswith(".") else index.resolve(key)
            out.setdefault(callee, []).append((positional, tuple(keywords), bool(starred)))
        return out

    # kept between runs: a verdict then depends on the memo, not on every module it resolved
    shapes: Dict[str, List[Tuple[int, Tuple[str, ...], bool]]] = index.memo(
        "fastapi.call-shapes", build, Dict[str, List[Tuple[int, Tuple[str, ...], bool]]]
    )
    return shapes


@dataclass(frozen=True)
class NeverResolved(Condition):
    """A function with ``Depends`` defaults that FastAPI never calls: no file references it as a
    value (only direct calls), no unresolvable ``Depends(x)`` could name it, and for methods no
    file uses the method's name as an attribute value. ``kind``: "function", "init", "method"."""

    qualname: str
    kind: str
    #: the Depends parameter: its position among the positional parameters after ``self`` (-1
    #: for a keyword-only one) and its name
    position: int = -1
    param: str = ""

    def _omitted_by_a_caller(self, index: ProjectIndex) -> bool:
        """Some direct call leaves the parameter to its default (the marker), and no call
        hides its arguments behind ``*``/``**``: only then is the marker certainly received."""
        name = _short(self.qualname)
        owner = self.qualname.rpartition(".")[0]
        me = index.resolve(owner if self.kind == "init" else self.qualname)
        shapes = _call_shapes(index)
        calls = shapes.get(me, [])
        if self.kind == "method":
            calls = calls + shapes.get("." + name, [])
        omitted = False
        for positional, keywords, starred in calls:
            if starred:
                return False
            passed = self.param in keywords or 0 <= self.position < positional
            omitted = omitted or not passed
        return omitted

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
        if not index.complete:
            return None
        return self._omitted_by_a_caller(index)


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
        roles, _ = index.roles_of(resolved)
        cls = index.classes.get(resolved)
        if cls is None:
            return None if index.is_project_name(resolved) and not index.complete else False
        if not any(role in ("service", "repository") for role in roles):
            return False
        if not any(not _short(m.qualname).startswith("__") for m in cls.methods):
            return False
        return _plain_project_class(index, resolved)

    def detail(self, index: ProjectIndex) -> str:
        roles, _ = index.roles_of(index.resolve(self.qualname))
        return next((r for r in roles if r in ("service", "repository")), "service")


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
        if not function.is_async or function.is_generator:
            return False
        return _decorators_keep_coroutine(index, function.qualname)


def _decorators_keep_coroutine(index: ProjectIndex, function: str) -> Optional[bool]:
    """Whether the decorators of the ``async def`` ``function`` leave it a coroutine function.
    CNF340's file pass records the decorators it does not know to keep one
    (``fastapi.decorated``: function, ((decorator, called), ...)) and the project's functions
    that make coroutine functions (``fastapi.coroutine_makers``: function, how many calls of it
    give a coroutine: 2 for a decorator whose wrapper is an ``async def``, 3 for a factory of
    such decorators). Any other decorator may wrap the function in a sync one (``asyncio.run``
    in a CLI wrapper): not certain, so False."""

    def by_function(key: str) -> Dict[str, Any]:
        return {entry[0]: entry[1] for _, entry in index.extra(key)}

    decorated: Dict[str, Any] = index.memo(
        "fastapi.decorated-by-function", lambda: by_function("fastapi.decorated")
    )
    decorators = decorated.get(function)
    if not decorators:
        return True
    makers: Dict[str, Any] = index.memo(
        "fastapi.coroutine-makers", lambda: by_function("fastapi.coroutine_makers")
    )
    unknown = False
    for name, called in decorators:
        resolved = index.resolve(name)
        depth = makers.get(resolved)
        if depth == (3 if called else 2):
            continue
        if depth is None and index.is_project_name(resolved) and not index.complete:
            unknown = True
            continue
        return False
    return None if unknown else True


@dataclass(frozen=True)
class MissingPathParameter(Condition):
    """No dependency of the route (followed recursively through the recorded signatures) takes
    the path parameter ``name``, as a parameter or by reading ``request.path_params`` (with the
    literal name; any other read of ``path_params`` may take it); True only when every dependency
    resolves. ``deps`` may hold the route itself (its own ``path_params`` reads)."""

    name: str
    deps: Tuple[str, ...]
    aliases: Tuple[str, ...]

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        signatures: Dict[str, Any] = {}
        for _, entry in index.extra("fastapi.signatures"):
            signatures[entry[0]] = entry

        def build() -> Dict[str, Set[Optional[str]]]:
            out: Dict[str, Set[Optional[str]]] = {}
            for _, (function, key) in index.extra("fastapi.path_params"):
                out.setdefault(function, set()).add(key)
            return out

        path_reads: Dict[str, Set[Optional[str]]] = index.memo(
            "fastapi.path-params-by-function", build
        )
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
            reads = path_reads.get(entry[0], ())
            if self.name in reads or None in reads:
                return False
            queue.extend(deps)
            pending_aliases.extend(aliases)
        if unknown:
            return None if not index.complete else False
        return True


_SELF_TYPES = frozenset({"typing.Self", "typing_extensions.Self"})


def _factory_class(index: ProjectIndex, qualname: str) -> Optional[str]:
    """``C`` when ``qualname`` is ``C.m``, a classmethod of the project class ``C`` (or of one of
    its project bases) annotated to return ``Self`` or ``C``: ``Repo.from_session(session)``
    builds a ``Repo`` as surely as ``Repo(session)`` does. None for anything else."""
    owner, _, name = qualname.rpartition(".")
    if not owner:
        return None
    resolved = index.resolve(owner)
    if resolved not in index.classes:
        return None
    method, _ = _method(index, resolved, name)
    if method is None or not any(
        index.resolve(d) == "builtins.classmethod" for d in method.decorators
    ):
        return None
    returns = index.resolve(method.returns) if method.returns else None
    return resolved if returns in _SELF_TYPES or returns == resolved else None


def _built_service(index: ProjectIndex, qualname: str) -> Tuple[str, Optional[bool]]:
    """The class a call to ``qualname`` builds (the class itself, or the class of a classmethod
    factory) and whether it is a service or repository class (None: not known yet)."""
    built = _factory_class(index, index.resolve(qualname)) or qualname
    return built, IsServiceClass(built).evaluate(index)


@dataclass(frozen=True)
class ServiceBuilt(Condition):
    """A route (``route``: its verdict when the file alone cannot tell, else None) builds at least
    one service or repository among ``qualnames`` (CNF306). Its negation drops the findings the
    construction implies (CNF301 on the session parameter, CNF208 on its type's import); its
    detail names the classes that are services."""

    qualnames: Tuple[str, ...]
    route: Optional[Condition] = None

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        unknown = False
        if self.route is not None:
            verdict = self.route.evaluate(index)
            if verdict is False:
                return False
            unknown = verdict is None
        built: Optional[bool] = False
        for qualname in self.qualnames:
            _, value = _built_service(index, qualname)
            if value is True:
                built = True
                break
            if value is None:
                built = None
        if built is False:
            return False
        return None if unknown or built is None else True

    def detail(self, index: ProjectIndex) -> str:
        found = (_built_service(index, q) for q in self.qualnames)
        return ", ".join(dict.fromkeys(_short(built) for built, value in found if value is True))


@dataclass(frozen=True)
class RouteBuildsService(ServiceBuilt):
    """CNF306's own finding: ``passed`` holds, for each construction in ``qualnames``, the route
    parameters passed to it, and ``covers`` the findings each such parameter's finding is part
    of (``(parameter, what, ...)``). The detail names the services and only the parameters that
    build them: a parameter handed to a response class or a helper is no part of the decision."""

    passed: Tuple[Tuple[str, ...], ...] = ()
    covers: Tuple[Tuple[str, ...], ...] = ()

    def detail(self, index: ProjectIndex) -> str:
        names: List[str] = []
        params: List[str] = []
        for qualname, passed in zip(self.qualnames, self.passed):
            built, value = _built_service(index, qualname)
            if value is True:
                names.append(_short(built))
                params.extend(passed)
        shown = list(dict.fromkeys(params))
        text = f"{', '.join(dict.fromkeys(names))} itself"
        if not shown:
            return text
        quoted = ", ".join(f"'{name}'" for name in shown)
        text += f" from parameter{'s' if len(shown) > 1 else ''} {quoted}"
        parts = sorted(
            {part for entry in self.covers if entry and entry[0] in shown for part in entry[1:]}
        )
        if parts:
            text += f" (this finding covers {' and '.join(parts)})"
        return text


#: classes whose own ``__init__`` or class-level annotations can hold request state (CNF308)
STATEFUL_KEY = "fastapi.stateful"
#: (class, callee) for each project callable an ``__init__`` calls: state when the callee is a
#: class that can hold some, or not a class at all (``SessionLocal()`` may return a session)
INIT_CALLS_KEY = "fastapi.init-calls"


def _holds_state(index: ProjectIndex, qualname: str, depth: int = 0) -> Optional[bool]:
    """Whether instances of a class can hold request state: the class or a base is recorded as
    stateful, or an attribute holds a session or a project object that can (a base or a held
    object out of sight counts as state: the finding is kept where it cannot be ruled out)."""
    if depth > 16:
        return True
    cls = index.classes.get(qualname)
    if cls is None:
        if qualname in _PLAIN_BASES:
            return False
        return None if index.is_project_name(qualname) and not index.complete else True
    stateful: Set[str] = index.memo(
        "fastapi.stateful-classes", lambda: _extra_set(index, STATEFUL_KEY)
    )
    if qualname in stateful:
        return True
    unknown = False
    calls: Dict[str, List[str]] = index.memo(
        "fastapi.init-calls", lambda: _init_calls(index), Dict[str, List[str]]
    )
    for callee in calls.get(qualname, ()):
        if callee not in index.classes:
            if not index.complete:
                unknown = True  # the class may be in a file not read yet
                continue
            return True
        built = _holds_state(index, callee, depth + 1)
        if built is True:
            return True
        unknown = unknown or built is None
    held = [index.type_of(typed) for _, typed in cls.attributes]
    for typed in held:
        if typed in _SESSIONS:
            return True
    bases = [index.resolve(base) if base != "?" else base for base in cls.bases]
    for other in [*(t for t in held if t in index.classes and t != qualname), *bases]:
        if other == "?":
            return True
        found = _holds_state(index, other, depth + 1)
        if found is True:
            return True
        unknown = unknown or found is None
    return None if unknown else False


def _init_calls(index: ProjectIndex) -> Dict[str, List[str]]:
    out: Dict[str, List[str]] = {}
    for _, (owner, callee) in index.extra(INIT_CALLS_KEY):
        out.setdefault(str(owner), []).append(index.resolve(str(callee)))
    return out


@dataclass(frozen=True)
class HoldsRequestState(Condition):
    """Instances of the project class can hold request state (CNF308): its ``__init__`` or a
    base's takes a parameter that is not a constant or a class, or opens a session, or calls a
    project function or a project class that can hold state (a library's client, logger or lock
    is process-wide); it declares a field of another type; or an attribute holds a session or
    an object that can hold one. A class without any of these keeps no state of a request."""

    qualname: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        return _holds_state(index, index.resolve(self.qualname))
