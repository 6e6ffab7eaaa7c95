"""The project index: merged per-file facts, answering "what is this name?" across files.

Rules ask the index whether a qualified name is a Pydantic model, an ORM entity, a service class,
an ``AsyncSession``, ... following project base classes, package re-exports and module-level
aliases transitively. The same class serves two purposes:

* the *complete* index, built from every file's facts after the file pass, on which deferred
  findings are confirmed;
* a *partial* index of one file, used inside the file pass to decide locally whatever does not
  depend on other project files. A question about a project name the partial index cannot see is
  answered ``None`` (unknown), and the finding is deferred to the complete index.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Set, Tuple

from conformance.facts import (
    AliasFact,
    ClassFact,
    FileFacts,
    FunctionFact,
    ImportFact,
    import_bindings,
)

# Kinds a class (or a name bound to one) can have.
PYDANTIC_MODEL = "pydantic-model"
PYDANTIC_SETTINGS = "pydantic-settings"
PYDANTIC_V1_MODEL = "pydantic-v1-model"
ORM_BASE = "orm-base"  # the declarative base itself
ORM_ENTITY = "orm-entity"  # a mapped class
ENUM = "enum"
API_ROUTER = "api-router"
FASTAPI_APP = "fastapi-app"
ASYNC_SESSION = "async-session"
SYNC_SESSION = "sync-session"
ASYNC_SESSIONMAKER = "async-sessionmaker"
PROJECT_CLASS = "project-class"

_PYDANTIC_V2 = frozenset({PYDANTIC_MODEL})
_SETTINGS = frozenset({PYDANTIC_MODEL, PYDANTIC_SETTINGS})
_V1 = frozenset({PYDANTIC_V1_MODEL})

#: Kinds of well-known library classes: the roots that project classes inherit kinds from.
EXTERNAL_KINDS: Mapping[str, FrozenSet[str]] = {
    "pydantic.BaseModel": _PYDANTIC_V2,
    "pydantic.main.BaseModel": _PYDANTIC_V2,
    "pydantic.RootModel": _PYDANTIC_V2,
    "pydantic.root_model.RootModel": _PYDANTIC_V2,
    "pydantic_settings.BaseSettings": _SETTINGS,
    "pydantic_settings.main.BaseSettings": _SETTINGS,
    # v1 names that v2 still resolves (through its migration shims) or that v1 code uses.
    "pydantic.BaseSettings": _SETTINGS,
    "pydantic.env_settings.BaseSettings": _SETTINGS,
    "pydantic.generics.GenericModel": _PYDANTIC_V2,
    "pydantic.v1.BaseModel": _V1,
    "pydantic.v1.main.BaseModel": _V1,
    "pydantic.v1.BaseSettings": frozenset({PYDANTIC_V1_MODEL, PYDANTIC_SETTINGS}),
    "pydantic.v1.generics.GenericModel": _V1,
    "sqlalchemy.orm.DeclarativeBase": frozenset({ORM_BASE}),
    "sqlalchemy.orm.DeclarativeBaseNoMeta": frozenset({ORM_BASE}),
    "sqlalchemy.orm.decl_api.DeclarativeBase": frozenset({ORM_BASE}),
    "sqlalchemy.orm.decl_api.DeclarativeBaseNoMeta": frozenset({ORM_BASE}),
    "enum.Enum": frozenset({ENUM}),
    "enum.IntEnum": frozenset({ENUM}),
    "enum.StrEnum": frozenset({ENUM}),
    "enum.Flag": frozenset({ENUM}),
    "enum.IntFlag": frozenset({ENUM}),
    "fastapi.APIRouter": frozenset({API_ROUTER}),
    "fastapi.routing.APIRouter": frozenset({API_ROUTER}),
    "fastapi.FastAPI": frozenset({FASTAPI_APP}),
    "fastapi.applications.FastAPI": frozenset({FASTAPI_APP}),
    "sqlalchemy.ext.asyncio.AsyncSession": frozenset({ASYNC_SESSION}),
    "sqlalchemy.ext.asyncio.session.AsyncSession": frozenset({ASYNC_SESSION}),
    "sqlalchemy.orm.Session": frozenset({SYNC_SESSION}),
    "sqlalchemy.orm.session.Session": frozenset({SYNC_SESSION}),
    "sqlalchemy.ext.asyncio.async_sessionmaker": frozenset({ASYNC_SESSIONMAKER}),
    "sqlalchemy.ext.asyncio.session.async_sessionmaker": frozenset({ASYNC_SESSIONMAKER}),
}

#: Calls whose result is a declarative base class (``Base = declarative_base()``).
DECLARATIVE_BASE_FACTORIES: FrozenSet[str] = frozenset(
    {
        "sqlalchemy.orm.declarative_base",
        "sqlalchemy.orm.decl_api.declarative_base",
        "sqlalchemy.ext.declarative.declarative_base",
    }
)

_MAX_HOPS = 32  # re-export and alias chains longer than this are treated as cycles


class ProjectIndex:
    """Facts of many files, merged. Cheap to build: dictionaries over the facts, no parsing."""

    def __init__(
        self,
        facts: Iterable[FileFacts],
        *,
        project_packages: Iterable[str] = (),
        roles: Optional[Mapping[str, Tuple[Tuple[str, ...], Optional[str]]]] = None,
        role_for_module: Optional[Callable[[str], Tuple[Tuple[str, ...], Optional[str]]]] = None,
        complete: bool = True,
    ) -> None:
        self.complete = complete
        self.project_packages: FrozenSet[str] = frozenset(project_packages)
        self.files: Dict[str, FileFacts] = {}  # module name -> facts
        self.classes: Dict[str, ClassFact] = {}
        self.functions: Dict[str, FunctionFact] = {}
        self.aliases: Dict[str, AliasFact] = {}
        self.bindings: Dict[str, Dict[str, str]] = {}  # module -> local name -> imported target
        #: module name -> (its roles, feature module name); supplied by discovery
        self.roles: Dict[str, Tuple[Tuple[str, ...], Optional[str]]] = dict(roles or {})
        #: role of a module name that no file here defines (config-derived, see roles.py)
        self.role_for_module = role_for_module
        for file_facts in facts:
            self.add(file_facts)
        self._kind_cache: Dict[str, Tuple[FrozenSet[str], bool]] = {}
        self._memo: Dict[str, Any] = {}

    def add(self, facts: FileFacts) -> None:
        """Merge one file's facts."""
        self.files[facts.module] = facts
        for cls in facts.classes:
            self.classes[cls.qualname] = cls
            for method in cls.methods:
                self.functions[method.qualname] = method
        for function in facts.functions:
            self.functions[function.qualname] = function
        for alias in facts.aliases:
            self.aliases[alias.qualname] = alias
        self.bindings.setdefault(facts.module, {}).update(import_bindings(facts.imports))

    # -- names ------------------------------------------------------------------------------

    def is_project_name(self, qualname: str) -> bool:
        """True when ``qualname`` belongs to one of the project's top-level packages."""
        return qualname.split(".", 1)[0] in self.project_packages

    def split_module(self, qualname: str) -> Tuple[Optional[str], str]:
        """Split ``a.b.c.D`` into the longest known module prefix and the rest."""
        parts = qualname.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            if module in self.files:
                return module, ".".join(parts[cut:])
        return None, qualname

    def resolve(self, qualname: str) -> str:
        """Follow package re-exports (``from .repository import X`` in ``__init__.py``) and plain
        module-level aliases (``X = Y``) to the name's origin."""
        seen: Set[str] = set()
        current = qualname
        for _ in range(_MAX_HOPS):
            if current in seen:
                break
            seen.add(current)
            alias = self.aliases.get(current)
            if alias is not None and alias.kind == "name" and alias.target:
                current = alias.target
                continue
            module, rest = self.split_module(current)
            if module is None or not rest:
                break
            head, _, tail = rest.partition(".")
            target = self.bindings.get(module, {}).get(head)
            if target is None or target == current:
                break
            current = target + ("." + tail if tail else "")
        return current

    def type_of(self, qualname: str) -> str:
        """The class a type annotation names, through aliases such as
        ``SessionDep = Annotated[AsyncSession, Depends(get_session)]`` in any project file."""
        current = self.resolve(qualname)
        for _ in range(_MAX_HOPS):
            alias = self.aliases.get(current)
            if alias is None or alias.target is None or alias.kind == "call":
                return current
            nxt = self.resolve(alias.target)
            if nxt == current:
                return current
            current = nxt
        return current

    def depends_of(self, qualname: str) -> Optional[str]:
        """The provider of an ``Annotated[T, Depends(provider)]`` alias, resolved."""
        alias = self.aliases.get(self.resolve(qualname))
        if alias is None or alias.depends is None:
            return None
        return self.resolve(alias.depends)

    # -- kinds ------------------------------------------------------------------------------

    def kinds(self, qualname: str) -> Tuple[FrozenSet[str], bool]:
        """The kinds of the class named ``qualname`` and whether the answer is certain.

        Certain unless the chain of bases leaves this (partial) index through a project name.
        """
        resolved = self.type_of(qualname)
        cached = self._kind_cache.get(resolved)
        if cached is not None:
            return cached
        self._kind_cache[resolved] = (frozenset(), True)  # cycle guard
        result = self._compute_kinds(resolved)
        self._kind_cache[resolved] = result
        return result

    def _compute_kinds(self, qualname: str) -> Tuple[FrozenSet[str], bool]:
        external = EXTERNAL_KINDS.get(qualname)
        if external is not None:
            return external, True
        alias = self.aliases.get(qualname)
        if alias is not None and alias.kind == "call" and alias.target:
            if self.resolve(alias.target) in DECLARATIVE_BASE_FACTORIES:
                return frozenset({ORM_BASE}), True
        cls = self.classes.get(qualname)
        if cls is None:
            if self.is_project_name(qualname) and not self.complete:
                return frozenset(), False
            return frozenset(), True
        found: Set[str] = {PROJECT_CLASS}
        certain = True
        for base in cls.bases:
            if base == "?":
                continue
            base_kinds, base_certain = self.kinds(base)
            certain = certain and base_certain
            for kind in base_kinds:
                if kind == ORM_BASE:
                    # A subclass of DeclarativeBase is the project's base; a subclass of that base
                    # is a mapped entity.
                    if self.type_of(base) in EXTERNAL_KINDS:
                        found.add(ORM_BASE)
                    else:
                        found.add(ORM_ENTITY)
                elif kind != PROJECT_CLASS:
                    found.add(kind)
        if cls.has_tablename and ORM_BASE not in found:
            found.add(ORM_ENTITY)
        return frozenset(found), certain

    def is_kind(self, qualname: str, kind: str) -> Optional[bool]:
        """True/False, or None when a partial index cannot tell."""
        kinds, certain = self.kinds(qualname)
        if kind in kinds:
            return True
        return False if certain else None

    def role_of(self, qualname: str) -> Tuple[Optional[str], Optional[str]]:
        """(first role, feature module) of the module that defines ``qualname`` (after
        resolving); see :meth:`roles_of` for a file of several roles."""
        roles, feature = self.roles_of(qualname)
        return (roles[0] if roles else None), feature

    def roles_of(self, qualname: str) -> Tuple[Tuple[str, ...], Optional[str]]:
        """(every role, feature module) of the module that defines ``qualname``."""
        resolved = self.resolve(qualname)
        parts = resolved.split(".")
        for cut in range(len(parts), 0, -1):
            candidate = ".".join(parts[:cut])
            if candidate in self.roles:
                return self.roles[candidate]
            if candidate in self.files:
                return (), None
            if self.role_for_module is not None:
                found = self.role_for_module(candidate)
                if found != ((), None):
                    return found
        return (), None

    def module_imports(self) -> List[Tuple[str, Tuple[ImportFact, ...]]]:
        """(module, its imports) for every module, in module order: what import-graph rules read
        (ask this rather than iterating ``files``, so that the incremental engine knows the answer
        depends on imports only)."""
        return [(module, self.files[module].imports) for module in sorted(self.files)]

    def import_modules(self) -> List[str]:
        """Every module that may have imports, in module order (with :meth:`imports_of`, an
        import graph read one module at a time: the incremental engine can then keep what each
        module's imports gave while another module's change)."""
        return sorted(self.files)

    def imports_of(self, module: str) -> Optional[Tuple[ImportFact, ...]]:
        """The imports of one module, None when it has no facts (no such file, or it does not
        parse)."""
        facts = self.files.get(module)
        return facts.imports if facts is not None else None

    def memo(self, name: str, compute: Callable[[], Any], kind: Any = None) -> Any:
        """``compute()`` once per index: what a rule derives from the whole project (the import
        graph of the module packages). Use this, not a cache of the rule's own, so that the
        incremental engine knows which facts the answer read (``tracking.py``); with ``kind``
        (the value's type, plain data) the engine may keep the value from one run to the next."""
        if name not in self._memo:
            self._memo[name] = compute()
        return self._memo[name]

    def extra(self, key: str) -> List[Tuple[str, Any]]:
        """Family-specific facts stored under ``key`` by every file, as (module, value) pairs,
        in module order."""
        out: List[Tuple[str, Any]] = []
        for module in sorted(self.files):
            for value in self.files[module].extra.get(key, ()):
                out.append((module, value))
        return out
