"""Shared helpers of the layering rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Set, Tuple

from conformance.conditions import AnyOf, Condition, IsKind, TypeIs
from conformance.facts import ImportFact
from conformance.index import (
    ASYNC_SESSION,
    ORM_ENTITY,
    PYDANTIC_MODEL,
    SYNC_SESSION,
    ProjectIndex,
)
from conformance.names import ANNOTATED as _ANNOTATED
from conformance.names import APP_CLASSES, ROUTER_CLASSES, SESSION_CLASSES
from conformance.names import DEPENDS as _DEPENDS
from conformance.names import ROUTE_METHODS as _ROUTE_METHODS
from conformance.rules.base import FileRule
from conformance.settings import Option

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst


FRAMEWORK_ALLOWED_IMPORTS = Option(
    "framework-allowed-imports",
    list,
    ("fastapi.Depends", "fastapi.params.Depends"),
    "FastAPI/Starlette names that service, repository, models and schemas files may import "
    "without CNF207 (a name or a module prefix, e.g. `fastapi.encoders`). The default lets a "
    "dependency provider in service.py use `Depends`.",
)
SERVICE_SESSION_METHODS = Option(
    "service-session-methods",
    list,
    ("commit", "rollback", "begin", "begin_nested", "close"),
    "Session methods a service may call itself (transaction control) without CNF212; the "
    "query methods (`execute`, `scalars`, `scalar`, `get`, `add`, `add_all`, `delete`, "
    "`merge`, `flush`, `refresh`, `query`, ...) belong in the repository.",
)
CYCLES_INCLUDE_TYPE_CHECKING = Option(
    "cycles-include-type-checking",
    bool,
    False,
    "Count imports under `if TYPE_CHECKING:` as edges of module import cycles (CNF206).",
)
OPTIONS = (
    FRAMEWORK_ALLOWED_IMPORTS,
    SERVICE_SESSION_METHODS,
    CYCLES_INCLUDE_TYPE_CHECKING,
)


ROUTER = "router"


SERVICE = "service"


REPOSITORY = "repository"


MODELS = "models"


SCHEMAS = "schemas"


#: roles in which FastAPI/Starlette (HTTP concerns) do not belong (CNF207)
_HTTP_FREE_ROLES = (SERVICE, REPOSITORY, MODELS, SCHEMAS)


_HTTP_PACKAGES = ("fastapi", "starlette")


#: codes that CNF214 replaces when the edge exists only under ``if TYPE_CHECKING:``
_TYPE_ONLY_REPLACED = frozenset(
    {"CNF201", "CNF202", "CNF203", "CNF204", "CNF205", "CNF207", "CNF208", "CNF209", "CNF218"}
)


_SESSION_TYPES = SESSION_CLASSES
#: The modules that hold the session classes (``from sqlalchemy import orm`` for ``orm.Session``):
#: a router of a layout without a service layer imports them to hold the session it hands to the
#: repository, and CNF208 then judges only what it reads from them.
SESSION_MODULES = frozenset(name.rpartition(".")[0] for name in SESSION_CLASSES)


def holds_session(ctx: FileContext) -> bool:
    """A router holds the database session by design when the configuration has no service
    layer: it receives the session and passes it to the repository (CNF208 spares the session
    types then)."""
    return ROUTER in ctx.roles and not ctx.config.role_map().get(SERVICE)


_ROUTER_TYPES = ROUTER_CLASSES + APP_CLASSES


_DYNAMIC_IMPORTS = frozenset({"importlib.import_module", "builtins.__import__"})


#: folder names of a module's own layer packages (``users/service/``): a nested "module" of
#: that name is a part of its parent, not a module of its own
LAYER_PACKAGE_NAMES = frozenset(
    {
        "router",
        "routers",
        "routes",
        "endpoints",
        "views",
        "api",
        "service",
        "services",
        "repository",
        "repositories",
        "crud",
        "models",
        "schemas",
    }
)


def owner_feature(feature: Optional[str]) -> Optional[str]:
    """The module a (nested) feature belongs to: ``users`` for ``users.service``, the service
    package of ``users`` that a broad ``modules`` glob made a module of its own."""
    while feature and "." in feature:
        parent, _, last = feature.rpartition(".")
        if last not in LAYER_PACKAGE_NAMES:
            break
        feature = parent
    return feature


#: SQLAlchemy's exception modules: a router catching ``IntegrityError`` maps errors to HTTP, it
#: runs no query
_SQLALCHEMY_EXCEPTION_MODULES = ("sqlalchemy.exc", "sqlalchemy.orm.exc")


def is_sqlalchemy_exception(dotted: Optional[str]) -> bool:
    """``sqlalchemy.exc.IntegrityError``, ``sqlalchemy.orm.exc.NoResultFound``, the ``exc``
    modules themselves, or a name SQLAlchemy re-exports that ends in ``Error``."""
    if not dotted:
        return False
    for module in _SQLALCHEMY_EXCEPTION_MODULES:
        if dotted == module or dotted.startswith(module + "."):
            return True
    return dotted.startswith("sqlalchemy.") and dotted.rpartition(".")[2].endswith("Error")


def session_receiver(receiver: str) -> Condition:
    """The receiver's type is a database session: ``AsyncSession``/``Session``, an alias of one
    (``SessionDep``, ``NewType("ReadSession", AsyncSession)``), or a project subclass."""
    return AnyOf(
        (
            TypeIs(receiver, _SESSION_TYPES),
            IsKind(receiver, ASYNC_SESSION),
            IsKind(receiver, SYNC_SESSION),
        )
    )


def _file_name(ctx: FileContext) -> str:
    return ctx.path.rpartition("/")[2]


def _plural(role: str) -> str:
    if role.endswith("y"):
        return role[:-1] + "ies"
    return role if role.endswith("s") else role + "s"


def _display(module: str, feature: Optional[str]) -> str:
    """``users.repository`` for ``cpv3.modules.users.repository`` (the module package onwards);
    a nested feature (``users.admin``) from its outermost package, its folders found in order."""
    if feature:
        parts = module.split(".")
        segments = feature.split(".")
        if segments[0] in parts:
            first = at = parts.index(segments[0])
            for segment in segments[1:]:
                if segment not in parts[at + 1 :]:
                    return module
                at = parts.index(segment, at + 1)
            return ".".join(parts[first:])
    return module


def _reachable(role: str, layers: Mapping[str, Tuple[str, ...]]) -> Set[str]:
    """Roles a role reaches through the layers table (not including itself)."""
    seen: Set[str] = set()
    stack = list(layers.get(role, ()))
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(layers.get(current, ()))
    return seen


@dataclass(frozen=True)
class _Verdict:
    """Why an edge between two roles is forbidden."""

    code: str
    reason: str
    needs_entity: bool = False  # CNF203: only if the imported name is an ORM entity
    hint: str = ""  # how to fix it, when it says more than the rule's fix_hint


def _verdict(
    src_role: Optional[str],
    src_feature: Optional[str],
    dst_role: Optional[str],
    dst_feature: Optional[str],
    layers: Tuple[Tuple[str, Tuple[str, ...]], ...],
    module_import: bool,
) -> Optional[_Verdict]:
    """The policy: is an edge from (src_role, src_feature) to (dst_role, dst_feature) forbidden?
    ``module_import``: a whole module was imported (so what the names are is unknown)."""
    if dst_role is None:
        return None
    table = dict(layers)
    src_feature, dst_feature = owner_feature(src_feature), owner_feature(dst_feature)
    cross = src_feature is not None and dst_feature is not None and src_feature != dst_feature
    if not cross and dst_role == src_role:
        return None
    allowed = table.get(src_role, ()) if src_role is not None else ()
    dst_service = f"the {dst_feature} service" if dst_feature else "the service"
    if dst_role == REPOSITORY and src_role == ROUTER and REPOSITORY not in allowed:
        return _skip(ROUTER, REPOSITORY, dst_feature, table)
    if cross:
        if dst_role == REPOSITORY:
            return _Verdict(
                "CNF204", f"another module's repository is private; call {dst_service} instead"
            )
        if dst_role == ROUTER:
            return _Verdict(
                "CNF205", f"another module's router is private; call {dst_service} instead"
            )
        if src_role == REPOSITORY and dst_role == SERVICE:
            return _Verdict(
                "CNF205",
                f"a repository must not call services; let the {src_feature} service call "
                f"{dst_service}",
            )
        if dst_role == src_role:
            return None
    if src_role is None or src_role not in table or dst_role in allowed:
        return None
    if dst_role == MODELS:
        if module_import:
            return None
        return _Verdict(
            "CNF203",
            f"the {src_role} layer speaks schemas, not ORM entities",
            needs_entity=True,
            hint="return a schema and let the service convert the entity",
        )
    if not cross and dst_role in _reachable(src_role, table):
        return _skip(src_role, dst_role, dst_feature, table)
    allowed_text = ", ".join(allowed) if allowed else "nothing"
    scope = " in any module" if cross else ""
    return _Verdict(
        "CNF201",
        f"the {src_role} layer must not use the {dst_role} layer{scope} (it may use: "
        f"{allowed_text})",
    )


def _roles_verdict(
    src_roles: Tuple[str, ...],
    src_feature: Optional[str],
    dst_roles: Tuple[str, ...],
    dst_feature: Optional[str],
    layers: Tuple[Tuple[str, Tuple[str, ...]], ...],
    module_import: bool,
) -> Optional[_Verdict]:
    """:func:`_verdict` for files of several roles (``models.py`` configured as ``models`` and
    ``schemas``), judged as each: an edge is allowed when one of the importing file's roles may
    use one of the target's roles. A CNF203 verdict (only if the name is an ORM entity) still
    stands when the target's other roles are allowed: an entity is what its models role holds."""
    per_target: List[Optional[_Verdict]] = []
    for dst_role in dst_roles or (None,):
        verdicts = [
            _verdict(src_role, src_feature, dst_role, dst_feature, layers, module_import)
            for src_role in src_roles or (None,)
        ]
        per_target.append(None if any(v is None for v in verdicts) else verdicts[0])
    if all(verdict is not None for verdict in per_target):
        return per_target[0]
    return next((v for v in per_target if v is not None and v.needs_entity), None)


def _query_home(ctx: FileContext) -> str:
    """Where a router's query goes: the repository (through the service, when there is one), or
    the service in a layout without a repository."""
    roles = ctx.config.role_map()
    if roles.get(REPOSITORY) and not roles.get(SERVICE):
        return f"move the query into {ctx.role_file(REPOSITORY)}"
    if roles.get(REPOSITORY):
        return "move the query into the repository and call it through the service"
    return "move the query into the service"


def _http_free_role(ctx: FileContext) -> Optional[str]:
    """The role of the file that keeps HTTP out (CNF207), None when the file is (also) a router
    or has no role."""
    if ctx.has_role(ROUTER):
        return None
    return next((role for role in ctx.roles if role in _HTTP_FREE_ROLES), None)


def _skip(
    src_role: str,
    dst_role: str,
    dst_feature: Optional[str],
    table: Mapping[str, Tuple[str, ...]],
) -> _Verdict:
    allowed = table.get(src_role, ())
    via = next(
        (r for r in allowed if r == dst_role or dst_role in _reachable(r, table)),
        allowed[0] if allowed else SERVICE,
    )
    owner = f"the {dst_feature} {via}" if dst_feature else f"the {via}"
    advice = f"inject {owner} and add the method there" if via == SERVICE else f"go through {owner}"
    return _Verdict("CNF202", f"{_plural(src_role)} call {_plural(via)}", hint=advice)


def _target_role(
    ctx: FileContext, fact: ImportFact
) -> Tuple[Tuple[str, ...], Optional[str], bool, str]:
    """(roles, feature, whole_module, dotted) of what an import reaches, by configuration: the
    target first (``from cpv3.modules.users import repository`` is a submodule), then the module."""
    if fact.name is not None and fact.name != "*":
        roles, feature = ctx.roles_of_module(fact.target)
        if roles:
            return roles, feature, True, fact.target
        module_roles, module_feature = ctx.roles_of_module(fact.module)
        return module_roles, module_feature or feature, False, fact.module
    roles, feature = ctx.roles_of_module(fact.module)
    return roles, feature, True, fact.module


@dataclass(frozen=True)
class _Finding:
    code: str
    node: cst.CSTNode
    message: str
    when: Optional[Condition]
    tags: Tuple[str, ...]
    hint: str = ""  # how to fix it, when it says more than the rule's fix_hint


def _alias_nodes(node: cst.CSTNode, count: int) -> List[cst.CSTNode]:
    """The ``ImportAlias`` node of each fact (the statement for star imports)."""
    names: List[cst.CSTNode] = []
    if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        names = [a for a in node.names if isinstance(a.name, cst.Name)]
    elif isinstance(node, cst.Import):
        names = list(node.names)
    return names if len(names) == count else [node] * count


_FINDINGS_MEMO = "layering.import-findings"


def _import_findings(ctx: FileContext, node: cst.CSTNode) -> List[_Finding]:
    """Every layering finding of one import statement, computed once per statement."""
    cache: Dict[int, List[_Finding]] = ctx.memo(_FINDINGS_MEMO, dict)
    found = cache.get(id(node))
    if found is not None:
        return found
    facts = ctx.import_facts(node)
    out: List[_Finding] = []
    library: Dict[str, List[Tuple[_Finding, ImportFact]]] = {}
    for fact, at in zip(facts, _alias_nodes(node, len(facts))):
        for finding in _fact_findings(ctx, fact, at):
            if finding.code in _ONE_PER_STATEMENT and fact.name and fact.name != "*":
                library.setdefault(finding.code, []).append((finding, fact))
            out.append(_variant(finding, fact))
    # One statement importing several names of a library a role must not use is one decision:
    # one finding at its first name, naming them all.
    for code, same in library.items():
        if len(same) < 2 or any(f.deferred or f.type_only for _, f in same):
            continue
        first, fact = same[0]
        names = ", ".join(str(f.name) for _, f in same)
        _, _, why = first.message.partition(": ")
        merged = f"{_file_name(ctx)} imports {names} from {fact.module}: {why}"
        out = [f for f in out if f.code != code]
        out.append(_Finding(code, first.node, merged, first.when, first.tags, first.hint))
    cache[id(node)] = out
    return out


#: library-by-role codes reported once per import statement
_ONE_PER_STATEMENT = frozenset({"CNF208", "CNF209"})


def _variant(finding: _Finding, fact: ImportFact) -> _Finding:
    """Type-only edges become CNF214; deferred ones keep their code, tagged (LAY015)."""
    code, message, tags = finding.code, finding.message, finding.tags
    if fact.type_only and code in _TYPE_ONLY_REPLACED:
        message = f"{message} (under TYPE_CHECKING; {code} at runtime)"
        code = "CNF214"
        tags = (*tags, "type-only")
    if fact.deferred:
        message = f"{message} (deferred import inside a function: still an import)"
        tags = (*tags, "deferred")
    return _Finding(code, finding.node, message, finding.when, tags, finding.hint)


#: FastAPI/Starlette modules that are no HTTP concern: the thread-pool helpers CNF339 recommends
_NOT_HTTP = ("fastapi.concurrency", "starlette.concurrency")


def _allowed_framework(ctx: FileContext, dotted: str) -> bool:
    for entry in (*_NOT_HTTP, *ctx.option(FRAMEWORK_ALLOWED_IMPORTS)):
        if dotted == entry or dotted.startswith(entry + "."):
            return True
    return False


def _fact_findings(ctx: FileContext, fact: ImportFact, at: cst.CSTNode) -> List[_Finding]:
    out: List[_Finding] = []
    file = _file_name(ctx)
    src_roles, src_feature = ctx.roles, ctx.feature
    is_from = fact.name is not None
    star = fact.name == "*"
    what_lib = f"{fact.name} from {fact.module}" if is_from and not star else fact.module
    top = fact.module.split(".", 1)[0] if fact.module else ""

    # libraries by role: HTTP concerns (CNF207), persistence in routers (CNF208), ORM/DTO (CNF209)
    if _http_free_role(ctx) is not None and top in _HTTP_PACKAGES:
        dotted = fact.target if is_from and not star else fact.module
        if not _allowed_framework(ctx, dotted):
            out.append(
                _Finding(
                    "CNF207",
                    at,
                    f"{file} imports {what_lib}",
                    None,
                    (),
                )
            )
    # a file that is also the repository or the models holds SQLAlchemy by configuration
    persistence = ctx.has_role(REPOSITORY) or ctx.has_role(MODELS)
    if (
        ctx.has_role(ROUTER)
        and not persistence
        and top == "sqlalchemy"
        and fact.target not in _SESSION_TYPES
        and not is_sqlalchemy_exception(fact.target)
        and not (holds_session(ctx) and fact.target in SESSION_MODULES)
    ):
        out.append(
            _Finding(
                "CNF208",
                at,
                f"{file} imports {what_lib}: routers do not touch persistence",
                None,
                (),
                _query_home(ctx),
            )
        )
    if ctx.has_role(SCHEMAS) and not persistence and top == "sqlalchemy":
        out.append(
            _Finding(
                "CNF209",
                at,
                f"{file} imports {what_lib}: schemas are plain DTOs",
                None,
                (),
            )
        )
    if (
        ctx.has_role(MODELS)
        and not ctx.has_role(SCHEMAS)
        and top in ("pydantic", "pydantic_settings")
    ):
        out.append(
            _Finding(
                "CNF209",
                at,
                f"{file} imports {what_lib}: models are ORM entities",
                None,
                (),
                f"define Pydantic models in {ctx.role_file(SCHEMAS)}",
            )
        )

    if not fact.module or not ctx.is_project_name(fact.module) or fact.module == ctx.module:
        return out
    roles, feature, whole, dotted = _target_role(ctx, fact)
    shown = _display(dotted, feature)
    what = shown if whole else f"{fact.name} from {shown}"

    if star and (roles or feature is not None):
        same = feature == src_feature and (set(roles) & set(src_roles) or roles == src_roles)
        if not same and (src_roles or feature != src_feature):
            out.append(
                _Finding(
                    "CNF216",
                    at,
                    f"{file} star-imports {shown}: a star import across roles or modules hides "
                    "which names cross the boundary",
                    None,
                    (),
                )
            )
    if (
        is_from
        and not star
        and feature is not None
        and feature != src_feature
        and _private(fact, dotted, feature)
    ):
        out.append(
            _Finding(
                "CNF217",
                at,
                f"{file} imports private {what} of module '{feature}'",
                None,
                (),
            )
        )

    verdict = _roles_verdict(
        src_roles, src_feature, roles, feature, ctx.layers, whole or fact.name is None
    )
    if verdict is not None:
        when: Optional[Condition] = None
        shown_what = what
        if verdict.needs_entity:
            when = IsKind(fact.target, ORM_ENTITY)
            shown_what = f"ORM entity {fact.name} from {shown}"
        out.append(
            _Finding(
                verdict.code,
                at,
                f"{file} imports {shown_what}: {verdict.reason}",
                when,
                (),
                verdict.hint,
            )
        )
    elif is_from and not star and not (whole and roles):
        # a name taken from a package or a public layer: follow re-exports to the origin
        out.append(
            _Finding(
                "CNF218",
                at,
                f"{file} imports {fact.name} from {_display(fact.module, feature)}{{detail}}",
                ReexportReaches(fact.target, src_roles, src_feature, ctx.layers),
                (),
            )
        )
    return out


def _private(fact: ImportFact, dotted: str, feature: str) -> bool:
    parts = fact.target.split(".")
    if feature in parts:
        parts = parts[parts.index(feature) + 1 :]
    return any(p.startswith("_") and not p.startswith("__") for p in parts)


def _is_repository_class(index: ProjectIndex, qualname: Optional[str]) -> Optional[bool]:
    """True when the name is a class defined in a repository-role file (after aliases and
    re-exports) that is neither an ORM entity nor a Pydantic model."""
    if not qualname:
        return False
    resolved = index.type_of(qualname)
    cls = index.classes.get(resolved)
    if cls is None:
        if not index.complete and index.is_project_name(resolved):
            return None
        return False
    if REPOSITORY not in index.roles_of(resolved)[0]:
        return False
    kinds, certain = index.kinds(resolved)
    if ORM_ENTITY in kinds or PYDANTIC_MODEL in kinds:
        return False
    return True if certain else None


def _short(qualname: str) -> str:
    return qualname.rpartition(".")[2]


@dataclass(frozen=True)
class ReexportReaches(Condition):
    """The imported name is re-exported (``__init__.py`` or another layer) from a layer that the
    importing role may not use; ``detail`` names the origin and the policy."""

    target: str
    src_roles: Tuple[str, ...]
    src_feature: Optional[str]
    layers: Tuple[Tuple[str, Tuple[str, ...]], ...]

    def _verdict(self, index: ProjectIndex) -> Optional[Tuple[str, _Verdict]]:
        origin = index.resolve(self.target)
        if origin == self.target:
            return None
        roles, feature = index.roles_of(origin)
        verdict = _roles_verdict(
            self.src_roles, self.src_feature, roles, feature, self.layers, False
        )
        if verdict is None:
            return None
        if verdict.needs_entity and index.is_kind(origin, ORM_ENTITY) is not True:
            return None
        return origin, verdict

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        if not index.complete:
            return None
        return self._verdict(index) is not None

    def detail(self, index: ProjectIndex) -> str:
        found = self._verdict(index)
        if found is None:
            return ""
        origin, verdict = found
        module, _ = index.split_module(origin)
        feature = index.role_of(origin)[1]
        where = _display(module or origin, feature)
        return f" (re-exported from {where}, {verdict.code}): {verdict.reason}"


@dataclass(frozen=True)
class InjectsRepository(Condition):
    """A route parameter's type, its ``Annotated`` alias's provider, or the provider named in
    ``Depends(...)`` is (returns) a repository class."""

    type_name: Optional[str]
    provider: Optional[str]

    def _candidates(self, index: ProjectIndex) -> List[Optional[str]]:
        names: List[Optional[str]] = [self.type_name]
        providers = [self.provider]
        if self.type_name:
            providers.append(index.depends_of(self.type_name))
        for provider in providers:
            if not provider:
                continue
            function = index.functions.get(index.resolve(provider))
            if function is None:
                if not index.complete and index.is_project_name(provider):
                    names.append(provider)  # unknown here: keeps the answer open
                continue
            names.append(function.returns)
        return names

    def _found(self, index: ProjectIndex) -> Tuple[Optional[str], bool]:
        unknown = False
        for name in self._candidates(index):
            verdict = _is_repository_class(index, name)
            if verdict is True and name:
                return index.type_of(name), False
            if verdict is None:
                unknown = True
        return None, unknown

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        found, unknown = self._found(index)
        if found:
            return True
        return None if unknown else False

    def detail(self, index: ProjectIndex) -> str:
        found, _ = self._found(index)
        if not found:
            return ""
        module, _ = index.split_module(found)
        return f"{_short(found)} from {_display(module or found, index.role_of(found)[1])}"


@dataclass(frozen=True)
class ServiceAttributeIsRepository(Condition):
    """``receiver.attr`` where the receiver is a service-role class (or a module-level instance of
    one, ``users_service = UserService()``) whose ``attr`` is typed as (or assigned from) a
    repository class."""

    receiver: str
    attr: str
    #: only a service of another module than this feature (CNF220)
    other_than: Optional[str] = None

    def _repository(self, index: ProjectIndex) -> Tuple[Optional[str], Optional[str], bool]:
        cls_name = index.type_of(self.receiver)
        alias = index.aliases.get(cls_name)
        if alias is not None and alias.kind == "call" and alias.target:
            cls_name = index.type_of(alias.target)  # ``users_service = UserService()``
        cls = index.classes.get(cls_name)
        if cls is None:
            unknown = not index.complete and index.is_project_name(cls_name)
            return None, None, unknown
        roles, feature = index.roles_of(cls_name)
        if SERVICE not in roles or (
            self.other_than is not None and owner_feature(feature) == self.other_than
        ):
            return None, None, False
        typed = dict(cls.attributes).get(self.attr)
        verdict = _is_repository_class(index, typed)
        if verdict is True and typed:
            return cls_name, index.type_of(typed), False
        return None, None, verdict is None

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        _, repository, unknown = self._repository(index)
        if repository:
            return True
        return None if unknown else False

    def detail(self, index: ProjectIndex) -> str:
        service, repository, _ = self._repository(index)
        if not service or not repository:
            return ""
        return f"{_short(service)}.{self.attr} is {_short(repository)}"


class _ImportRule(FileRule):
    """A rule reporting the import-level findings of its own code."""

    applies_to = "roles"

    def visit_Import(self, node: cst.Import) -> None:
        self._emit(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._emit(node)

    def _emit(self, node: cst.CSTNode) -> None:
        for finding in _import_findings(self.ctx, node):
            if finding.code == self.code:
                self.report(
                    finding.node,
                    finding.message,
                    fix_hint=finding.hint or None,
                    when=finding.when,
                    tags=finding.tags,
                )


def _is_route(ctx: FileContext, function: cst.FunctionDef) -> bool:
    """Decorated with ``@<router>.get(...)`` etc., the router typed as APIRouter/FastAPI here."""
    for decorator in function.decorators:
        expr = decorator.decorator
        if isinstance(expr, cst.Call):
            expr = expr.func
        if isinstance(expr, cst.Attribute) and expr.attr.value in _ROUTE_METHODS:
            if ctx.instance_type(expr.value) in _ROUTER_TYPES:
                return True
    return False


def _provider_of(ctx: FileContext, expr: Optional[cst.BaseExpression]) -> Optional[str]:
    """``p`` in ``Depends(p)``."""
    if isinstance(expr, cst.Call) and ctx.qualname(expr.func) in _DEPENDS and expr.args:
        first = expr.args[0]
        if first.keyword is None or first.keyword.value == "dependency":
            return ctx.qualname(first.value)
    return None


def _annotated_provider(ctx: FileContext, annotation: cst.BaseExpression) -> Optional[str]:
    if isinstance(annotation, cst.Subscript) and ctx.qualname(annotation.value) in _ANNOTATED:
        for element in annotation.slice[1:]:
            if isinstance(element.slice, cst.Index):
                provider = _provider_of(ctx, element.slice.value)
                if provider:
                    return provider
    return None
