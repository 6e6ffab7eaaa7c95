"""CNF2xx: layering (RULES-CATALOG section 2, default policy DESIGN.md section 5).

Inside a feature module the chain ``router -> service -> repository -> models`` is *closed*: a layer
uses only the roles that ``[tool.conformance.layers]`` lists for it, so a router that skips its
service to reach a repository is a finding, not a shortcut. Across modules another module's service
and schemas (and its models, for relationships) are public; its repository and router are private.

Every import is judged by what it reaches, resolved by configuration (``ctx.role_of_module``) and,
where the answer lies in another file, by the project index (a condition): whether an imported name
is an ORM entity (CNF203), whether a package re-export leads to a private layer (CNF218), whether a
route parameter's provider returns a repository (CNF210).

How the variants of an import count (RULES-CATALOG 2.2):

* under ``if TYPE_CHECKING:`` a forbidden edge is reported as CNF214 *instead of* its own code, so a
  team can switch type-only coupling off with ``ignore = ["CNF214"]``;
* inside a function (deferred, LAY015) it keeps its own code, with the tag ``deferred`` and a
  message suffix: deferred imports are still imports. LAY015 therefore has no code of its own
  (CNF215 is left unused on purpose);
* ``importlib.import_module("literal")`` / ``__import__("literal")`` is CNF213; computed names are
  not reported (nothing certain to say).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from conformance.conditions import Condition, IsKind, TypeIs
from conformance.config import Option
from conformance.facts import ImportFact
from conformance.index import ORM_ENTITY, PYDANTIC_MODEL, ProjectIndex
from conformance.names import ANNOTATED as _ANNOTATED
from conformance.names import APP_CLASSES, ROUTER_CLASSES, SESSION_CLASSES
from conformance.names import DEPENDS as _DEPENDS
from conformance.names import ROUTE_METHODS as _ROUTE_METHODS
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.filepass import FileContext
else:
    from conformance import lazycst as cst

OPTIONS = (
    Option(
        "framework-allowed-imports",
        list,
        ("fastapi.Depends", "fastapi.params.Depends"),
        "FastAPI/Starlette names that service, repository, models and schemas files may import "
        "without CNF207 (a name or a module prefix, e.g. `fastapi.encoders`). The default lets a "
        "dependency provider in service.py use `Depends`.",
    ),
    Option(
        "service-session-methods",
        list,
        ("commit", "rollback", "begin", "begin_nested", "close"),
        "Session methods a service may call itself (transaction control) without CNF212; the "
        "query methods (`execute`, `scalars`, `scalar`, `get`, `add`, `add_all`, `delete`, "
        "`merge`, `flush`, `refresh`, `query`, ...) belong in the repository.",
    ),
    Option(
        "cycles-include-type-checking",
        bool,
        False,
        "Count imports under `if TYPE_CHECKING:` as edges of module import cycles (CNF206).",
    ),
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
_ROUTER_TYPES = ROUTER_CLASSES + APP_CLASSES
_DYNAMIC_IMPORTS = frozenset({"importlib.import_module", "builtins.__import__"})

_SQL_BUILDERS = frozenset(
    f"{prefix}.{name}"
    for prefix in (
        "sqlalchemy",
        "sqlalchemy.sql",
        "sqlalchemy.sql.expression",
        "sqlalchemy.future",
    )
    for name in ("select", "insert", "update", "delete", "text")
) | frozenset(
    {
        "sqlalchemy.dialects.postgresql.insert",
        "sqlalchemy.dialects.sqlite.insert",
        "sqlalchemy.dialects.mysql.insert",
    }
)
#: session methods that run SQL or change the unit of work's content (CNF212)
_SESSION_SQL_METHODS = frozenset(
    {
        "execute",
        "scalars",
        "scalar",
        "get",
        "get_one",
        "add",
        "add_all",
        "delete",
        "merge",
        "flush",
        "refresh",
        "query",
        "stream",
        "stream_scalars",
    }
)


# -- how an import is judged --------------------------------------------------------------------


def _file_name(ctx: FileContext) -> str:
    return ctx.path.rpartition("/")[2]


def _plural(role: str) -> str:
    if role.endswith("y"):
        return role[:-1] + "ies"
    return role if role.endswith("s") else role + "s"


def _display(module: str, feature: Optional[str]) -> str:
    """``users.repository`` for ``cpv3.modules.users.repository`` (the module package onwards)."""
    if feature:
        parts = module.split(".")
        if feature in parts:
            return ".".join(parts[parts.index(feature) :])
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
            f"the {src_role} layer speaks schemas, not ORM entities; return a schema and let the "
            "service convert",
            needs_entity=True,
        )
    if not cross and dst_role in _reachable(src_role, table):
        return _skip(src_role, dst_role, dst_feature, table)
    allowed_text = ", ".join(allowed) if allowed else "nothing"
    scope = " in any module" if cross else ""
    return _Verdict(
        "CNF201",
        f"the {src_role} layer must not use the {dst_role} layer{scope} (it may use: "
        f"{allowed_text}); invert the dependency: pass data down, return values up",
    )


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
    return _Verdict("CNF202", f"{_plural(src_role)} call {_plural(via)}; {advice}")


def _target_role(
    ctx: FileContext, fact: ImportFact
) -> Tuple[Optional[str], Optional[str], bool, str]:
    """(role, feature, whole_module, dotted) of what an import reaches, by configuration: the
    target first (``from cpv3.modules.users import repository`` is a submodule), then the module."""
    if fact.name is not None and fact.name != "*":
        role, feature = ctx.role_of_module(fact.target)
        if role is not None:
            return role, feature, True, fact.target
        module_role, module_feature = ctx.role_of_module(fact.module)
        return module_role, module_feature or feature, False, fact.module
    role, feature = ctx.role_of_module(fact.module)
    return role, feature, True, fact.module


@dataclass(frozen=True)
class _Finding:
    code: str
    node: cst.CSTNode
    message: str
    when: Optional[Condition]
    tags: Tuple[str, ...]


def _alias_nodes(node: cst.CSTNode, count: int) -> List[cst.CSTNode]:
    """The ``ImportAlias`` node of each fact (the statement for star imports)."""
    names: List[cst.CSTNode] = []
    if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        names = [a for a in node.names if isinstance(a.name, cst.Name)]
    elif isinstance(node, cst.Import):
        names = list(node.names)
    return names if len(names) == count else [node] * count


_CACHE_ATTR = "_layering_findings"


def _import_findings(ctx: FileContext, node: cst.CSTNode) -> List[_Finding]:
    """Every layering finding of one import statement, computed once per statement."""
    cache: Dict[int, List[_Finding]] = ctx.__dict__.setdefault(_CACHE_ATTR, {})
    found = cache.get(id(node))
    if found is not None:
        return found
    facts = ctx.import_facts(node)
    out: List[_Finding] = []
    for fact, at in zip(facts, _alias_nodes(node, len(facts))):
        for finding in _fact_findings(ctx, fact, at):
            out.append(_variant(finding, fact))
    cache[id(node)] = out
    return out


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
    return _Finding(code, finding.node, message, finding.when, tags)


#: FastAPI/Starlette modules that are no HTTP concern: the thread-pool helpers CNF339 recommends
_NOT_HTTP = ("fastapi.concurrency", "starlette.concurrency")


def _allowed_framework(ctx: FileContext, dotted: str) -> bool:
    for entry in (*_NOT_HTTP, *ctx.config.option("framework-allowed-imports")):
        if dotted == entry or dotted.startswith(entry + "."):
            return True
    return False


def _fact_findings(ctx: FileContext, fact: ImportFact, at: cst.CSTNode) -> List[_Finding]:
    out: List[_Finding] = []
    file = _file_name(ctx)
    src_role, src_feature = ctx.role, ctx.feature
    is_from = fact.name is not None
    star = fact.name == "*"
    what_lib = f"{fact.name} from {fact.module}" if is_from and not star else fact.module
    top = fact.module.split(".", 1)[0] if fact.module else ""

    # libraries by role: HTTP concerns (CNF207), persistence in routers (CNF208), ORM/DTO (CNF209)
    if src_role in _HTTP_FREE_ROLES and top in _HTTP_PACKAGES:
        dotted = fact.target if is_from and not star else fact.module
        if not _allowed_framework(ctx, dotted):
            out.append(
                _Finding(
                    "CNF207",
                    at,
                    f"{file} imports {what_lib}: HTTP concerns stay in the router; raise domain "
                    "errors here and map them to HTTP in the router or an exception handler",
                    None,
                    (),
                )
            )
    if src_role == ROUTER and top == "sqlalchemy" and fact.target not in _SESSION_TYPES:
        out.append(
            _Finding(
                "CNF208",
                at,
                f"{file} imports {what_lib}: routers do not touch persistence; move the query "
                "into the repository and call it through the service",
                None,
                (),
            )
        )
    if src_role == SCHEMAS and top == "sqlalchemy":
        out.append(
            _Finding(
                "CNF209",
                at,
                f"{file} imports {what_lib}: schemas are plain DTOs; keep SQLAlchemy in models.py "
                "and the repository",
                None,
                (),
            )
        )
    if src_role == MODELS and top in ("pydantic", "pydantic_settings"):
        out.append(
            _Finding(
                "CNF209",
                at,
                f"{file} imports {what_lib}: models are ORM entities; define Pydantic models in "
                "schemas.py",
                None,
                (),
            )
        )

    if not fact.module or not ctx.is_project_name(fact.module) or fact.module == ctx.module:
        return out
    role, feature, whole, dotted = _target_role(ctx, fact)
    shown = _display(dotted, feature)
    what = shown if whole else f"{fact.name} from {shown}"

    if star and (role is not None or feature is not None):
        if (role, feature) != (src_role, src_feature) and (
            src_role is not None or feature != src_feature
        ):
            out.append(
                _Finding(
                    "CNF216",
                    at,
                    f"{file} star-imports {shown}: a star import across roles or modules hides "
                    "which names cross the boundary; import the names explicitly",
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
                f"{file} imports private {what} of module '{feature}': use the module's public "
                "surface (its service or schemas)",
                None,
                (),
            )
        )

    verdict = _verdict(
        src_role, src_feature, role, feature, ctx.config.layers, whole or fact.name is None
    )
    if verdict is not None:
        when: Optional[Condition] = None
        shown_what = what
        if verdict.needs_entity:
            when = IsKind(fact.target, ORM_ENTITY)
            shown_what = f"ORM entity {fact.name} from {shown}"
        out.append(
            _Finding(verdict.code, at, f"{file} imports {shown_what}: {verdict.reason}", when, ())
        )
    elif is_from and not star and not (whole and role is not None):
        # a name taken from a package or a public layer: follow re-exports to the origin
        out.append(
            _Finding(
                "CNF218",
                at,
                f"{file} imports {fact.name} from {_display(fact.module, feature)}{{detail}}",
                ReexportReaches(fact.target, src_role, src_feature, ctx.config.layers),
                (),
            )
        )
    return out


def _private(fact: ImportFact, dotted: str, feature: str) -> bool:
    parts = fact.target.split(".")
    if feature in parts:
        parts = parts[parts.index(feature) + 1 :]
    return any(p.startswith("_") and not p.startswith("__") for p in parts)


# -- conditions ---------------------------------------------------------------------------------


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
    if index.role_of(resolved)[0] != REPOSITORY:
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
    src_role: Optional[str]
    src_feature: Optional[str]
    layers: Tuple[Tuple[str, Tuple[str, ...]], ...]

    def _verdict(self, index: ProjectIndex) -> Optional[Tuple[str, _Verdict]]:
        origin = index.resolve(self.target)
        if origin == self.target:
            return None
        role, feature = index.role_of(origin)
        verdict = _verdict(self.src_role, self.src_feature, role, feature, self.layers, False)
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
    """``receiver.attr`` where the receiver is a service-role class whose ``attr`` is typed as (or
    assigned from) a repository class."""

    receiver: str
    attr: str

    def _repository(self, index: ProjectIndex) -> Tuple[Optional[str], Optional[str], bool]:
        cls_name = index.type_of(self.receiver)
        cls = index.classes.get(cls_name)
        if cls is None:
            unknown = not index.complete and index.is_project_name(cls_name)
            return None, None, unknown
        if index.role_of(cls_name)[0] != SERVICE:
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


_CYCLE_GRAPHS: weakref.WeakKeyDictionary[ProjectIndex, Dict[bool, Dict[Tuple[str, int], List[str]]]]
_CYCLE_GRAPHS = weakref.WeakKeyDictionary()
_MAX_CYCLES = 200
_MAX_STEPS = 200_000


def _feature_of(index: ProjectIndex, fact: ImportFact) -> Optional[str]:
    feature = index.role_of(fact.target)[1] if fact.target else None
    if feature is None and fact.module:
        feature = index.role_of(fact.module)[1]
    return feature


def _closing_sites(
    index: ProjectIndex, include_type_only: bool
) -> Dict[Tuple[str, int], List[str]]:
    """(module, import ordinal) of the statement closing each module cycle -> the cycles' paths.

    The feature-level graph has an edge A -> B when a file of module package A imports B (dynamic
    imports, and type-only ones unless asked, excluded). Each simple cycle is written from its
    alphabetically first module; it is closed by its last edge, reported on the first import (by
    module name, then position) that makes that edge."""
    per_index = _CYCLE_GRAPHS.setdefault(index, {})
    cached = per_index.get(include_type_only)
    if cached is not None:
        return cached
    sites: Dict[Tuple[str, str], Tuple[str, int]] = {}
    for module, facts in index.files.items():
        src = index.roles.get(module, (None, None))[1]
        if src is None:
            continue
        for ordinal, fact in enumerate(facts.imports):
            if fact.dynamic or (fact.type_only and not include_type_only):
                continue
            if not index.is_project_name(fact.module or fact.target):
                continue
            dst = _feature_of(index, fact)
            if dst is None or dst == src:
                continue
            site = (module, ordinal)
            if (src, dst) not in sites or site < sites[(src, dst)]:
                sites[(src, dst)] = site
    graph: Dict[str, List[str]] = {}
    for src, dst in sorted(sites):
        graph.setdefault(src, []).append(dst)
    closing: Dict[Tuple[str, int], List[str]] = {}
    for cycle in _simple_cycles(graph):
        site = sites[(cycle[-1], cycle[0])]
        closing.setdefault(site, []).append(" -> ".join([*cycle, cycle[0]]))
    per_index[include_type_only] = closing
    return closing


def _simple_cycles(graph: Mapping[str, Sequence[str]]) -> List[List[str]]:
    """Simple cycles, each once, starting at its smallest node (bounded search)."""
    out: List[List[str]] = []
    steps = 0
    for start in sorted(graph):
        stack: List[Tuple[str, List[str]]] = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in reversed(graph.get(node, ())):
                steps += 1
                if steps > _MAX_STEPS or len(out) >= _MAX_CYCLES:
                    return sorted(out)
                if nxt == start:
                    out.append(path)
                elif nxt > start and nxt not in path:
                    stack.append((nxt, [*path, nxt]))
    return sorted(out)


@dataclass(frozen=True)
class ClosesModuleCycle(Condition):
    """The import statement (its facts' ordinals in the file) closes a module import cycle."""

    module: str
    ordinals: Tuple[int, ...]
    include_type_only: bool = False

    def _paths(self, index: ProjectIndex) -> List[str]:
        closing = _closing_sites(index, self.include_type_only)
        out: List[str] = []
        for ordinal in self.ordinals:
            out.extend(closing.get((self.module, ordinal), ()))
        return out

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        if not index.complete:
            return None
        return bool(self._paths(index))

    def detail(self, index: ProjectIndex) -> str:
        return "; ".join(self._paths(index))


# -- shared helpers of the rules ----------------------------------------------------------------


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
                self.report(finding.node, finding.message, when=finding.when, tags=finding.tags)


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


# -- shared example files ------------------------------------------------------------------------

_DB = """
from typing import Annotated, AsyncIterator

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


async def get_session() -> AsyncIterator[AsyncSession]:
    yield AsyncSession()


SessionDep = Annotated[AsyncSession, Depends(get_session)]
"""

_USERS_MODELS = """
import enum

from sqlalchemy.orm import Mapped, mapped_column

from cpv3.core.db import Base

MAX_NAME = 200


class UserStatus(str, enum.Enum):
    ACTIVE = "active"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
"""

_USERS_REPOSITORY = """
from sqlalchemy.ext.asyncio import AsyncSession

from .models import User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User:
        return await self.session.get(User, user_id)
"""

_USERS_SERVICE = """
from sqlalchemy.ext.asyncio import AsyncSession

from .repository import UserRepository


class UserService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = UserRepository(session)

    async def get(self, user_id: int):
        return await self.repository.get(user_id)
"""

_ORDERS_REPOSITORY = """
class OrderRepository:
    pass
"""

_USERS = {
    "cpv3/core/db.py": _DB,
    "cpv3/modules/users/models.py": _USERS_MODELS,
    "cpv3/modules/users/repository.py": _USERS_REPOSITORY,
    "cpv3/modules/users/service.py": _USERS_SERVICE,
}


def _with(*paths: str, **more: str) -> Dict[str, str]:
    files = {path: _USERS[path] for path in paths}
    files.update({key.replace("__", "/"): value for key, value in more.items()})
    return files


# -- import-level rules --------------------------------------------------------------------------


class UpwardImport(_ImportRule):
    """## What it checks
    An import inside a module that goes against the layer order of `[tool.conformance.layers]`
    (and is not a layer skip, CNF202, or an ORM entity, CNF203): a repository importing its
    service or router, a service importing its router, models importing schemas, service,
    repository or router, schemas importing service, repository or router. Across modules the same
    direction holds (another module's models importing your service is still upward).

    ## Why
    Lower layers are reused by higher ones; a lower layer that imports upward creates import
    cycles and makes the repository untestable without the HTTP layer. import-linter and tach call
    this a layers contract.

    ## Example
    ```python
    # cpv3/modules/users/repository.py
    from .service import UserService
    ```

    ## Use instead
    Invert the dependency: the service calls the repository and passes it what it needs; the
    repository returns values.

    ## Fix
    None.

    ## Options
    `layers` (which roles each role may use), `roles`. Under `if TYPE_CHECKING:` the finding is
    CNF214 instead; inside a function it is tagged `deferred`.
    """

    code = "CNF201"
    name = "upward-import"
    summary = "import against the layer order inside a module"
    fix_hint = "invert the dependency: pass data down, return values up"
    catalog = "LAY001"
    VALID = (
        Example.code(
            """
            from .models import User
            from .schemas import UserOut
            """,
            path="cpv3/modules/users/repository.py",
            extra={"cpv3/modules/users/schemas.py": "class UserOut:\n    pass\n"},
        ),
        Example.code(
            "from .service import UserService\n",
            path="cpv3/modules/users/repository.py",
            config='[layers]\nrouter = ["service", "schemas"]\nservice = ["repository", "schemas", "models"]\nrepository = ["models", "schemas", "service"]\nmodels = []\nschemas = []\n',
            note="the layers table is the policy: this team lets repositories use services",
        ),
    )
    INVALID = (
        Example.code(
            """
            from .service import UserService as Users
            """,
            Expect(
                1,
                22,
                "repository.py imports UserService from users.service: the repository layer "
                "must not use the service layer (it may use: models, schemas); invert the "
                "dependency: pass data down, return values up",
            ),
            path="cpv3/modules/users/repository.py",
        ),
        Example.code(
            """
            import cpv3.modules.users.router as users_router
            """,
            Expect(
                1,
                8,
                "models.py imports users.router: the models layer must not use the router layer "
                "(it may use: nothing); invert the dependency: pass data down, return values up",
            ),
            path="cpv3/modules/users/models.py",
        ),
        Example.code(
            """
            def build():
                from cpv3.modules.users.service import UserService

                return UserService
            """,
            Expect(
                2,
                44,
                "schemas.py imports UserService from users.service: the schemas layer must not "
                "use the service layer (it may use: nothing); invert the dependency: pass data "
                "down, return values up (deferred import inside a function: still an import)",
            ),
            path="cpv3/modules/users/schemas.py",
            note="a deferred (function-level) import counts, tagged `deferred`",
        ),
    )


class RouterImportsRepository(_ImportRule):
    """## What it checks
    A layer skip in the closed chain `router -> service -> repository`: `router.py` importing a
    repository, its own module's or another's, in any form (absolute, relative, `from pkg import
    repository`, `import ... as alias`). More generally, any role importing a role it reaches only
    through another layer of `[tool.conformance.layers]`.

    ## Why
    The service owns the repository and the unit of work. A router that talks to the repository
    skips the business rules, and the next change in the service silently misses that endpoint.
    tach added closed layers for exactly this case.

    ## Example
    ```python
    # cpv3/modules/users/router.py
    from .repository import UserRepository
    ```

    ## Use instead
    ```python
    from .service import UserService
    ```
    and add the method the route needs to `UserService`.

    ## Fix
    None.

    ## Options
    `layers`, `roles` (a repository outside the module packages, e.g. `cpv3/registry/repository.py`,
    is a repository only if `roles.repository` lists its path).
    """

    code = "CNF202"
    name = "router-imports-repository"
    summary = "router imports a repository (skips the service layer)"
    fix_hint = "routers call services; inject the service and add the method there"
    catalog = "LAY002"
    VALID = (
        Example.code(
            """
            from .service import UserService
            """,
        ),
        Example.code(
            """
            from cpv3.registry.repository import Registry
            """,
            extra={"cpv3/registry/repository.py": "class Registry:\n    pass\n"},
            note="registry/repository.py outside the module packages has no role by default",
        ),
        Example.code(
            """
            from .models import UserRepository
            """,
            extra={
                "cpv3/core/db.py": _DB,
                "cpv3/modules/users/models.py": (
                    "from cpv3.core.db import Base\n\n\nclass UserRepository(Base):\n"
                    '    __tablename__ = "user_repositories"\n'
                ),
            },
            note="an ORM model called UserRepository is not a repository (it is CNF203)",
        ),
    )
    INVALID = (
        Example.code(
            """
            from .repository import UserRepository
            """,
            Expect(
                1,
                25,
                "router.py imports UserRepository from users.repository: routers call services; "
                "inject the users service and add the method there",
            ),
        ),
        Example.code(
            """
            from cpv3.modules.orders import repository as orders_repo
            from ..users.repository import UserRepository as Repo
            """,
            Expect(
                1,
                33,
                "router.py imports orders.repository: routers call services; inject the orders "
                "service and add the method there",
            ),
            Expect(
                2,
                32,
                "router.py imports UserRepository from users.repository: routers call services; "
                "inject the users service and add the method there",
            ),
            path="cpv3/modules/users/router.py",
            extra={"cpv3/modules/orders/repository.py": _ORDERS_REPOSITORY},
        ),
        Example.code(
            """
            from cpv3.registry.repository import Registry
            """,
            Expect(
                1,
                38,
                "router.py imports Registry from cpv3.registry.repository: routers call "
                "services; inject the service and add the method there",
            ),
            extra={"cpv3/registry/repository.py": "class Registry:\n    pass\n"},
            config=(
                '[roles]\nrouter = ["router.py"]\nservice = ["service.py"]\n'
                'repository = ["repository.py", "cpv3/registry/repository.py"]\n'
                'models = ["models.py"]\nschemas = ["schemas.py"]\n'
            ),
            note="a path outside the modules has the repository role when config says so",
        ),
    )


class RouterUsesOrmEntity(_ImportRule):
    """## What it checks
    A router or schemas file (any role that `[tool.conformance.layers]` does not allow to use
    models) importing a name that the project index knows is an ORM entity: a subclass of the
    declarative base, found through base classes in any file. Enums and constants from models.py
    are not entities and are fine.

    ## Why
    Routers and schemas speak the API's language (schemas); ORM objects in responses leak lazy
    loading, internal columns and database naming into the HTTP contract.

    ## Example
    ```python
    # cpv3/modules/products/router.py
    from .models import Product
    ```

    ## Use instead
    Return a schema (`ProductRead`) and let the service convert (`ProductRead.model_validate`).

    ## Fix
    None.

    ## Options
    `layers` (add `models` to a role's list to allow it), `roles`. A team that returns ORM objects
    with `response_model` can `ignore = ["CNF203"]`. A whole-module import (`from . import models`)
    is not judged: what it is used for is unknown.
    """

    code = "CNF203"
    name = "router-uses-orm-entity"
    summary = "router or schemas imports an ORM entity"
    fix_hint = "speak schemas in the router; convert entities in the service"
    catalog = "LAY003"
    VALID = (
        Example.code(
            """
            from .models import MAX_NAME, UserStatus as Status
            """,
            extra=_with("cpv3/core/db.py", "cpv3/modules/users/models.py"),
            note="an enum and a constant from models.py are not ORM entities",
        ),
        Example.code(
            """
            from .models import UserStatus
            """,
            path="cpv3/modules/users/schemas.py",
            extra=_with("cpv3/core/db.py", "cpv3/modules/users/models.py"),
        ),
    )
    INVALID = (
        Example.code(
            """
            from .models import User as UserRow, UserStatus
            """,
            Expect(
                1,
                21,
                "router.py imports ORM entity User from users.models: the router layer speaks "
                "schemas, not ORM entities; return a schema and let the service convert",
            ),
            extra=_with("cpv3/core/db.py", "cpv3/modules/users/models.py"),
        ),
        Example.code(
            """
            from cpv3.modules.users.models import User
            """,
            Expect(
                1,
                39,
                "schemas.py imports ORM entity User from users.models: the schemas layer speaks "
                "schemas, not ORM entities; return a schema and let the service convert",
            ),
            path="cpv3/modules/orders/schemas.py",
            extra=_with("cpv3/core/db.py", "cpv3/modules/users/models.py"),
            note="another module's entity, base class in a third file",
        ),
    )


class CrossModuleRepository(_ImportRule):
    """## What it checks
    A file of one module (any role but the router, which is CNF202) importing another module's
    repository.

    ## Why
    A module's data access is private: the owning service enforces the module's invariants and
    owns its transactions. import-linter users cannot express "no access to another app's data
    layer" with one contract; this rule is that contract for every module at once.

    ## Example
    ```python
    # cpv3/modules/orders/service.py
    from cpv3.modules.users.repository import UserRepository
    ```

    ## Use instead
    ```python
    from cpv3.modules.users.service import UserService
    ```

    ## Fix
    None.

    ## Options
    `roles`, `modules`.
    """

    code = "CNF204"
    name = "cross-module-repository"
    summary = "module imports another module's repository"
    fix_hint = "call the other module's service"
    catalog = "LAY004"
    VALID = (
        Example.code(
            "from cpv3.modules.users.service import UserService\n",
            path="cpv3/modules/orders/service.py",
            note="another module's service is public",
        ),
        Example.code(
            "from .repository import OrderRepository\n",
            path="cpv3/modules/orders/service.py",
            extra={"cpv3/modules/orders/repository.py": _ORDERS_REPOSITORY},
        ),
    )
    INVALID = (
        Example.code(
            """
            from ..users.repository import UserRepository as Users
            """,
            Expect(
                1,
                32,
                "service.py imports UserRepository from users.repository: another module's "
                "repository is private; call the users service instead",
            ),
            path="cpv3/modules/orders/service.py",
        ),
        Example.code(
            """
            import importlib

            try:
                from cpv3.modules.users.repository import UserRepository
            except ImportError:
                UserRepository = None
            """,
            Expect(
                4,
                47,
                "repository.py imports UserRepository from users.repository: another module's "
                "repository is private; call the users service instead",
            ),
            path="cpv3/modules/orders/repository.py",
            note="an import in try/except ImportError is a normal edge",
        ),
    )


class CrossModulePrivateLayer(_ImportRule):
    """## What it checks
    A file of one module importing another module's router, or a repository importing another
    module's service.

    ## Why
    A module's router is its HTTP surface, registered once by the application; importing it from
    another module couples the two modules' HTTP layers. A repository that calls a service inverts
    the layering across modules and usually closes an import cycle.

    ## Example
    ```python
    # cpv3/modules/orders/repository.py
    from cpv3.modules.users.service import UserService
    ```

    ## Use instead
    Let the orders service call the users service and pass the result down to its repository.

    ## Fix
    None.

    ## Options
    `roles`.
    """

    code = "CNF205"
    name = "cross-module-private-layer"
    summary = "module imports another module's router, or a repository imports another service"
    fix_hint = "go through the other module's service, from your own service"
    catalog = "LAY005"
    VALID = (
        Example.code(
            "from cpv3.modules.users.schemas import UserOut\n",
            path="cpv3/modules/orders/router.py",
            extra={"cpv3/modules/users/schemas.py": "class UserOut:\n    pass\n"},
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.router import router as users_router
            """,
            Expect(
                1,
                39,
                "service.py imports router from users.router: another module's router is "
                "private; call the users service instead",
            ),
            path="cpv3/modules/orders/service.py",
        ),
        Example.code(
            """
            from cpv3.modules.users import service
            """,
            Expect(
                1,
                32,
                "repository.py imports users.service: a repository must not call services; let "
                "the orders service call the users service",
            ),
            path="cpv3/modules/orders/repository.py",
            extra={"cpv3/modules/users/service.py": "class UserService:\n    pass\n"},
            note="a submodule imported by name from its package",
        ),
    )


class ModuleImportCycle(FileRule):
    """## What it checks
    A cycle of imports between module packages (`users -> orders -> users`, or longer chains),
    counting every file of each module. Each cycle is reported once, on the import statement that
    closes it (the cycle is written from its alphabetically first module; the statement is the
    first import making the last edge), with the cycle's path in the message.

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

    ## Fix
    None.

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
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.orders.service import OrderService
            """,
            Expect(
                1,
                1,
                "service.py imports orders.service and closes the module import cycle "
                "orders -> users -> orders: move the shared code to one side (or to a shared "
                "package) or invert one edge",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/modules/orders/service.py": (
                    "from cpv3.modules.users import service as users\n"
                ),
            },
        ),
    )

    def _statement(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        if ctx.feature is None:
            return
        facts = ctx.import_facts(node)
        base = len(ctx.imports)
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
        include = bool(ctx.config.option("cycles-include-type-checking"))
        tags: Tuple[str, ...] = ("deferred",) if ctx.in_function else ()
        self.report(
            node,
            f"{_file_name(ctx)} imports {shown} and closes the module import cycle {{detail}}: "
            "move the shared code to one side (or to a shared package) or invert one edge",
            when=ClosesModuleCycle(ctx.module, tuple(ordinals), include),
            tags=tags,
        )

    def visit_Import(self, node: cst.Import) -> None:
        self._statement(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._statement(node)


class HttpConcernsOutsideRouter(_ImportRule):
    """## What it checks
    FastAPI or Starlette imported into a service, repository, models or schemas file
    (`HTTPException`, `Request`, `Response`, `status`, `import fastapi`), and a `raise` of a
    FastAPI/Starlette exception there. `fastapi.Depends` is allowed so that a dependency provider
    can live in service.py (`typing.Annotated` is not FastAPI), and so are the thread-pool helpers
    of `fastapi.concurrency`/`starlette.concurrency` (`run_in_threadpool`, the way out of a
    blocking call that CNF339 suggests): they are no HTTP concern.

    ## Why
    Services hold the business rules; an HTTP status chosen deep inside a service ties it to one
    transport (a CLI, a worker or a test must fake HTTP) and splits error mapping across layers.

    ## Example
    ```python
    # cpv3/modules/orders/service.py
    from fastapi import HTTPException

    raise HTTPException(status_code=409, detail="product is not sold")
    ```

    ## Use instead
    Raise a domain error (`ConflictError`) and map it in the router or an exception handler.

    ## Fix
    None.

    ## Options
    `framework-allowed-imports` (default `["fastapi.Depends", "fastapi.params.Depends"]`): names or
    module prefixes these files may import, e.g. `fastapi.encoders`.
    """

    code = "CNF207"
    name = "http-concerns-outside-router"
    summary = "FastAPI/Starlette HTTP concerns in a service, repository, models or schemas file"
    fix_hint = "raise domain errors and map them to HTTP in the router or an exception handler"
    catalog = "LAY007"
    VALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import Depends

            from cpv3.core.db import SessionDep


            class UserService:
                def __init__(self, session) -> None:
                    self.session = session


            def get_user_service(session: SessionDep) -> UserService:
                return UserService(session)


            UserServiceDep = Annotated[UserService, Depends(get_user_service)]
            """,
            path="cpv3/modules/users/service.py",
            extra={"cpv3/core/db.py": _DB},
            note="a provider in service.py may use Depends and Annotated",
        ),
        Example.code(
            """
            import hashlib

            import starlette.concurrency
            from fastapi.concurrency import run_in_threadpool as in_thread


            class UserService:
                async def fingerprint(self, data: bytes) -> str:
                    digest = await in_thread(hashlib.sha256, data)
                    await starlette.concurrency.run_in_threadpool(print, "hashed")
                    return digest.hexdigest()
            """,
            path="cpv3/modules/users/service.py",
            note="thread-pool helpers are no HTTP concern",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import Depends, HTTPException as HttpError


            def fail() -> None:
                raise HttpError(status_code=409, detail="conflict")
            """,
            Expect(
                1,
                30,
                "service.py imports HTTPException from fastapi: HTTP concerns stay in the "
                "router; raise domain errors here and map them to HTTP in the router or an "
                "exception handler",
            ),
            Expect(
                5,
                5,
                "service.py raises HttpError (fastapi.HTTPException): services raise domain "
                "errors; map them to HTTP in the router or an exception handler",
            ),
            path="cpv3/modules/users/service.py",
        ),
        Example.code(
            """
            import starlette.status as codes
            """,
            Expect(
                1,
                8,
                "repository.py imports starlette.status: HTTP concerns stay in the router; raise "
                "domain errors here and map them to HTTP in the router or an exception handler",
            ),
            path="cpv3/modules/users/repository.py",
        ),
    )

    def visit_Raise(self, node: cst.Raise) -> None:
        ctx = self.ctx
        if ctx.role not in _HTTP_FREE_ROLES or node.exc is None:
            return
        exc = node.exc.func if isinstance(node.exc, cst.Call) else node.exc
        name = ctx.qualname(exc)
        if name is None or name.split(".", 1)[0] not in _HTTP_PACKAGES:
            return
        if _allowed_framework(ctx, name):
            return
        self.report(
            node,
            f"{_file_name(ctx)} raises {ctx.code_for(exc)} ({name}): {_plural(ctx.role or '')} "
            "raise domain errors; map them to HTTP in the router or an exception handler",
        )


class RouterUsesPersistence(_ImportRule):
    """## What it checks
    `router.py` importing SQLAlchemy (`select`, `import sqlalchemy as sa`, ...). The session type
    (`AsyncSession`, `Session`) is allowed when every use is an annotation in a dependency provider
    (a function that is not a route) or in a module-level `Annotated[...]` alias: a provider that
    takes the session and hands it to the service is the intended pattern.

    ## Why
    A router that imports persistence is about to query; the session it receives should go straight
    to the service provider.

    ## Example
    ```python
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    @router.get("/export")
    async def export(db: AsyncSession = Depends(get_session)): ...
    ```

    ## Use instead
    ```python
    def get_product_service(session: AsyncSession = Depends(get_session)) -> ProductService:
        return ProductService(session)
    ```

    ## Fix
    None.

    ## Options
    `roles.router`.
    """

    code = "CNF208"
    name = "router-uses-persistence"
    summary = "router imports SQLAlchemy (beyond the session type of a provider)"
    fix_hint = "inject the service, not the session; queries live in the repository"
    catalog = "LAY008"
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter, Depends
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import get_session

            from .service import UserService

            router = APIRouter()


            def get_user_service(session: AsyncSession = Depends(get_session)) -> UserService:
                return UserService(session)


            @router.get("/")
            async def list_users(service: UserService = Depends(get_user_service)):
                return await service.list()
            """,
            extra={"cpv3/core/db.py": _DB},
            note="a session received only to hand it to a service provider",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa
            from fastapi import APIRouter, Depends
            from sqlalchemy.ext.asyncio import AsyncSession as Db

            from cpv3.core.db import get_session

            router = APIRouter()


            @router.get("/export")
            async def export(db: Db = Depends(get_session)):
                return db
            """,
            Expect(
                1,
                8,
                "router.py imports sqlalchemy: routers do not touch persistence; move the query "
                "into the repository and call it through the service",
            ),
            Expect(
                3,
                36,
                "router.py imports AsyncSession from sqlalchemy.ext.asyncio and uses it outside "
                "a dependency provider: inject the service, not the session",
            ),
            extra={"cpv3/core/db.py": _DB},
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._session_imports: Dict[str, Tuple[cst.CSTNode, ImportFact]] = {}
        self._misused: List[str] = []

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._emit(node)
        ctx = self.ctx
        if ctx.role != ROUTER:
            return
        facts = ctx.import_facts(node)
        for fact, at in zip(facts, _alias_nodes(node, len(facts))):
            if fact.target in _SESSION_TYPES and fact.alias and not fact.type_only:
                self._session_imports[fact.alias] = (at, fact)

    def visit_Name(self, node: cst.Name) -> None:
        if node.value not in self._session_imports or node.value in self._misused:
            return
        binding = self.ctx.lookup(node.value)
        if binding is None or binding.kind != "import" or binding.qualname not in _SESSION_TYPES:
            return
        if not self._provider_use():
            self._misused.append(node.value)

    def _provider_use(self) -> bool:
        """An annotation in a function that is not a route (a provider), or a module-level
        ``Annotated[...]`` alias."""
        ctx = self.ctx
        in_annotation = False
        for ancestor in reversed(ctx.ancestors):
            if isinstance(ancestor, cst.Annotation):
                in_annotation = True
            elif isinstance(ancestor, cst.Lambda):
                return False
            elif isinstance(ancestor, cst.FunctionDef):
                return in_annotation and not _is_route(ctx, ancestor)
        return any(
            isinstance(ancestor, cst.Subscript) and ctx.qualname(ancestor.value) in _ANNOTATED
            for ancestor in ctx.ancestors
        )

    def finish(self) -> None:
        file = _file_name(self.ctx)
        for alias in self._misused:
            at, fact = self._session_imports[alias]
            message = (
                f"{file} imports {fact.name} from {fact.module} and uses it outside a dependency "
                "provider: inject the service, not the session"
            )
            tags: Tuple[str, ...] = ()
            if fact.deferred:
                message += " (deferred import inside a function: still an import)"
                tags = ("deferred",)
            self.report(at, message, tags=tags)


class OrmAndDtoLibrariesMixed(_ImportRule):
    """## What it checks
    `schemas.py` importing SQLAlchemy, or `models.py` importing Pydantic.

    ## Why
    Schemas are the API's DTOs and models are the database's entities; mixing the libraries is how
    a schema starts to carry columns, or an entity starts to validate requests.

    ## Example
    ```python
    # cpv3/modules/users/schemas.py
    from sqlalchemy import String
    ```

    ## Use instead
    Keep SQLAlchemy in models.py and the repository, Pydantic in schemas.py.

    ## Fix
    None.

    ## Options
    `roles.schemas`, `roles.models`.
    """

    code = "CNF209"
    name = "orm-and-dto-libraries-mixed"
    summary = "schemas.py imports SQLAlchemy, or models.py imports Pydantic"
    fix_hint = "keep SQLAlchemy in models and repositories, Pydantic in schemas"
    catalog = "LAY009"
    VALID = (
        Example.code(
            "from pydantic import BaseModel, Field\n",
            path="cpv3/modules/users/schemas.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy import String as Text
            """,
            Expect(
                1,
                24,
                "schemas.py imports String from sqlalchemy: schemas are plain DTOs; keep "
                "SQLAlchemy in models.py and the repository",
            ),
            path="cpv3/modules/users/schemas.py",
        ),
        Example.code(
            """
            import pydantic as pd
            """,
            Expect(
                1,
                8,
                "models.py imports pydantic: models are ORM entities; define Pydantic models in "
                "schemas.py",
            ),
            path="cpv3/modules/users/models.py",
        ),
    )


# -- call-level rules ----------------------------------------------------------------------------


class RouteInjectsRepository(FileRule):
    """## What it checks
    A route parameter injected as a repository, without any import of the repository in the
    router: the parameter's annotation (through `Annotated[...]` aliases defined in any file), the
    provider of its `Annotated[T, Depends(provider)]` alias, or the provider in its
    `= Depends(provider)` default resolves to a class defined in a repository file. Providers
    without a return annotation are skipped, not guessed.

    ## Why
    An injected repository is the same layer skip as an imported one (CNF202), hidden behind a
    shared `deps.py`: import graphs cannot see it.

    ## Example
    ```python
    # cpv3/core/deps.py
    def get_user_repository(session: SessionDep) -> UserRepository: ...
    # cpv3/modules/users/router.py
    @router.get("/{user_id}")
    async def get_user(user_id: int, repo=Depends(get_user_repository)): ...
    ```

    ## Use instead
    Inject the service (`service: UserServiceDep`) and add the method there.

    ## Fix
    None.

    ## Options
    `roles.repository`.
    """

    code = "CNF210"
    name = "route-injects-repository"
    summary = "route parameter injected as a repository"
    fix_hint = "inject the service and add the method there"
    catalog = "LAY010"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter

            from cpv3.modules.users.models import UserRepository

            router = APIRouter()


            @router.get("/")
            async def list_users(repo: UserRepository):
                return repo
            """,
            extra={
                "cpv3/core/db.py": _DB,
                "cpv3/modules/users/models.py": (
                    "from cpv3.core.db import Base\n\n\nclass UserRepository(Base):\n"
                    '    __tablename__ = "user_repositories"\n'
                ),
            },
            note="a class called UserRepository that is an ORM model is not a repository",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter, Depends

            from cpv3.core.deps import RepoDep, get_user_repository

            router = APIRouter()


            @router.get("/{user_id}")
            async def get_user(user_id: int, repo=Depends(get_user_repository)):
                return await repo.get(user_id)


            @router.get("/")
            async def first_user(users: RepoDep):
                return await users.get(1)
            """,
            Expect(
                9,
                34,
                "route get_user() receives a repository as parameter 'repo' (UserRepository "
                "from users.repository): routers call services; inject the service and add the "
                "method there",
            ),
            Expect(
                14,
                22,
                "route first_user() receives a repository as parameter 'users' (UserRepository "
                "from users.repository): routers call services; inject the service and add the "
                "method there",
            ),
            extra={
                **_with("cpv3/core/db.py", "cpv3/modules/users/models.py"),
                "cpv3/modules/users/repository.py": _USERS_REPOSITORY,
                "cpv3/core/deps.py": """
                    from typing import Annotated

                    from fastapi import Depends

                    from cpv3.core.db import SessionDep
                    from cpv3.modules.users.repository import UserRepository


                    def get_user_repository(session: SessionDep) -> UserRepository:
                        return UserRepository(session)


                    RepoDep = Annotated[UserRepository, Depends(get_user_repository)]
                    """,
            },
            note="the repository comes from a shared deps file: no import in the router",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        if ctx.role != ROUTER or not _is_route(ctx, node):
            return
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            annotation = param.annotation.annotation if param.annotation else None
            type_name = ctx.annotation_type(annotation) if annotation is not None else None
            provider = _provider_of(ctx, param.default)
            if provider is None and annotation is not None:
                provider = _annotated_provider(ctx, annotation)
            if type_name is None and provider is None:
                continue
            self.report(
                param,
                f"route {node.name.value}() receives a repository as parameter "
                f"'{param.name.value}' ({{detail}}): routers call services; inject the service "
                "and add the method there",
                when=InjectsRepository(type_name, provider),
            )


class RouterUsesSession(FileRule):
    """## What it checks
    In `router.py`, a method call on a database session (`db.execute(...)`, `session.get(...)`,
    `session.commit()`; the receiver typed as `AsyncSession`/`Session` by its annotation, including
    aliases such as `SessionDep`), and SQL built with SQLAlchemy's `select`/`insert`/`update`/
    `delete`/`text`. Passing the session to a provider or a service is not a finding.

    ## Why
    A route that queries the session skips the service (business rules, transactions) and the
    repository (the one place that knows the storage): the closed layering at call level, which no
    import graph sees.

    ## Example
    ```python
    @router.get("/export")
    async def export(db: SessionDep):
        return (await db.execute(select(Product))).scalars().all()
    ```

    ## Use instead
    Add `ProductRepository.all()` and `ProductService.export()`; the route calls the service.

    ## Fix
    None.

    ## Options
    `roles.router`. Replaces CNF113 (sql-outside-repository) on the same call.
    """

    code = "CNF211"
    name = "router-uses-session"
    summary = "router calls a method on a DB session or builds SQL"
    fix_hint = "move the query into the repository and call it through the service"
    catalog = "LAY011"
    applies_to = "roles"
    supersedes = ("CNF113",)
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter, Depends

            from cpv3.core.db import SessionDep

            from .service import UserService

            router = APIRouter()


            def get_user_service(session: SessionDep) -> UserService:
                return UserService(session)


            @router.get("/{user_id}")
            async def get_user(user_id: int, session: SessionDep):
                return await UserService(session).get(user_id)
            """,
            extra={"cpv3/core/db.py": _DB},
            note="the session is only handed to the service",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter
            from sqlalchemy import select

            from cpv3.core.db import SessionDep

            from .models import User

            router = APIRouter()


            @router.get("/export")
            async def export(db: SessionDep):
                result = await db.execute(select(User))
                return result.scalars().all()
            """,
            Expect(
                13,
                20,
                "router.py calls db.execute() on a database session: routers call services; "
                "move the query into the repository and call it through the service",
            ),
            Expect(
                13,
                31,
                "router.py builds SQL with select(): routers call services; move the query into "
                "the repository and call it through the service",
            ),
            extra=_with("cpv3/core/db.py", "cpv3/modules/users/models.py"),
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.role != ROUTER:
            return
        name = ctx.call_name(node)
        if name in _SQL_BUILDERS:
            self.report(
                node,
                f"router.py builds SQL with {ctx.code_for(node.func)}(): routers call services; "
                "move the query into the repository and call it through the service",
            )
            return
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        receiver = ctx.instance_type(func.value)
        if receiver is None:
            return
        self.report(
            node,
            f"router.py calls {ctx.code_for(func)}() on a database session: routers call "
            "services; move the query into the repository and call it through the service",
            when=TypeIs(receiver, _SESSION_TYPES),
        )


class ServiceRunsSql(FileRule):
    """## What it checks
    In `service.py`, SQL built with SQLAlchemy (`select`, `insert`, `update`, `delete`, `text`, by
    qualified name) or run on a session (`execute`, `scalars`, `scalar`, `get`, `add`, `add_all`,
    `delete`, `merge`, `flush`, `refresh`, `query`, `stream`, ...; the receiver typed as a session).
    Transaction control (`commit`, `rollback`, `begin`, `begin_nested`, `close`) is the service's
    job and allowed.

    ## Why
    The service owns the unit of work, the repository owns the queries; a service that queries
    itself cannot be tested with a fake repository, and the query escapes the repository's tests.

    ## Example
    ```python
    async def balance(self, order_id: int):
        return await self.session.scalar(select(func.sum(Payment.amount)))
    ```

    ## Use instead
    Add `PaymentRepository.captured_total(order_id)` and call it.

    ## Fix
    None.

    ## Options
    `service-session-methods` (default `["commit", "rollback", "begin", "begin_nested", "close"]`):
    the session methods a service may call. Replaces CNF113 (sql-outside-repository) on the same
    call.
    """

    code = "CNF212"
    name = "service-runs-sql"
    summary = "service builds or executes SQL instead of calling its repository"
    fix_hint = "move the query into the repository and call it"
    catalog = "LAY012"
    applies_to = "roles"
    supersedes = ("CNF113",)
    VALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.modules.orders.service import OrderService

            from .repository import UserRepository


            class UserService:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session
                    self.repository = UserRepository(session)
                    self.orders = OrderService(session)

                async def close_account(self, user_id: int) -> None:
                    async with self.session.begin_nested():
                        await self.orders.cancel_all(user_id)
                    await self.session.commit()


            def delete(items, key):
                return [i for i in items if i != key]
            """,
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/modules/users/repository.py": _USERS_REPOSITORY,
                "cpv3/modules/orders/service.py": "class OrderService:\n    pass\n",
            },
            note="transactions, another module's service and a local `delete` are fine",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa
            from sqlalchemy.ext.asyncio import AsyncSession


            class UserService:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session

                async def count(self) -> int:
                    result = await self.session.execute(sa.text("select count(*) from users"))
                    await self.session.commit()
                    return result.scalar_one()
            """,
            Expect(
                10,
                24,
                "service.py runs SQL with self.session.execute(): services call their "
                "repository; move the query into the repository and call it",
            ),
            Expect(
                10,
                45,
                "service.py builds SQL with sa.text(): services call their repository; move the "
                "query into the repository and call it",
            ),
            path="cpv3/modules/users/service.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.role != SERVICE:
            return
        name = ctx.call_name(node)
        if name in _SQL_BUILDERS:
            self.report(
                node,
                f"service.py builds SQL with {ctx.code_for(node.func)}(): services call their "
                "repository; move the query into the repository and call it",
            )
            return
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method not in _SESSION_SQL_METHODS:
            return
        if method in ctx.config.option("service-session-methods"):
            return
        receiver = ctx.instance_type(func.value)
        if receiver is None:
            return
        self.report(
            node,
            f"service.py runs SQL with {ctx.code_for(func)}(): services call their repository; "
            "move the query into the repository and call it",
            when=TypeIs(receiver, _SESSION_TYPES),
        )


class DynamicImportOfForbiddenLayer(FileRule):
    """## What it checks
    `importlib.import_module("<literal>")` or `__import__("<literal>")` (also through `from
    importlib import import_module as imp`) whose target is a layer the importing file may not
    use: the same policy as CNF201, CNF202, CNF204 and CNF205. Computed names
    (`f"cpv3.modules.{name}.service"`) are not reported.

    ## Why
    A dynamic import is an import that static graphs miss; it is how a layer rule gets dodged.

    ## Example
    ```python
    repo_module = importlib.import_module("cpv3.modules.orders.repository")
    ```

    ## Use instead
    A static import through the allowed layer (the orders service).

    ## Fix
    None.

    ## Options
    `layers`, `roles`.
    """

    code = "CNF213"
    name = "dynamic-import-of-forbidden-layer"
    summary = "literal dynamic import of a layer the file may not use"
    fix_hint = "import statically, through the allowed layer"
    catalog = "LAY013"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            import importlib


            def load(name: str):
                return importlib.import_module(f"cpv3.modules.{name}.service")


            def users():
                return importlib.import_module("cpv3.modules.users.service")
            """,
            path="cpv3/modules/orders/service.py",
            note="computed names are not reported; another module's service is public",
        ),
    )
    INVALID = (
        Example.code(
            """
            from importlib import import_module as load


            def orders_repository():
                return load("cpv3.modules.orders.repository")
            """,
            Expect(
                5,
                12,
                "router.py imports orders.repository dynamically (load(...)): routers call "
                "services; inject the orders service and add the method there",
            ),
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if not node.args or ctx.call_name(node) not in _DYNAMIC_IMPORTS:
            return
        first = node.args[0].value
        if not isinstance(first, cst.SimpleString):
            return
        target = first.evaluated_value
        if not isinstance(target, str) or not target or target.startswith("."):
            return
        if not ctx.is_project_name(target) or target == ctx.module:
            return
        role, feature = ctx.role_of_module(target)
        verdict = _verdict(ctx.role, ctx.feature, role, feature, ctx.config.layers, True)
        if verdict is None:
            return
        message = (
            f"{_file_name(ctx)} imports {_display(target, feature)} dynamically "
            f"({ctx.code_for(node.func)}(...)): {verdict.reason}"
        )
        tags: Tuple[str, ...] = ()
        if ctx.in_function:
            tags = ("deferred",)
        self.report(node, message, tags=tags)


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

    ## Fix
    None.

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
                "router.py imports UserRepository from users.repository: routers call services; "
                "inject the users service and add the method there (under TYPE_CHECKING; CNF202 "
                "at runtime)",
            ),
            Expect(
                7,
                19,
                "router.py imports users.repository: routers call services; inject the users "
                "service and add the method there (under TYPE_CHECKING; CNF202 at runtime)",
            ),
        ),
    )


class StarImportAcrossLayers(_ImportRule):
    """## What it checks
    `from <module> import *` where the module has a role or belongs to a module package, and it is
    another role or another module than the importing file's.

    ## Why
    A star import hides which names cross the boundary, from readers and from this checker: the
    layering rules cannot see what it brings in.

    ## Example
    ```python
    from ..orders.schemas import *
    ```

    ## Use instead
    ```python
    from ..orders.schemas import OrderOut
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF216"
    name = "star-import-across-layers"
    summary = "star import across roles or modules"
    fix_hint = "import the names explicitly"
    catalog = "LAY016"
    VALID = (
        Example.code(
            "from sqlalchemy.orm import *\n",
            path="cpv3/modules/users/models.py",
            note="a library star import is not a layering concern",
        ),
    )
    INVALID = (
        Example.code(
            """
            from ..orders.schemas import *
            """,
            Expect(
                1,
                1,
                "service.py star-imports orders.schemas: a star import across roles or modules "
                "hides which names cross the boundary; import the names explicitly",
            ),
            path="cpv3/modules/users/service.py",
        ),
    )


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

    ## Fix
    None.

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
                "service.py imports private _hash_password from users.service of module "
                "'users': use the module's public surface (its service or schemas)",
            ),
            path="cpv3/modules/orders/service.py",
        ),
    )


class ReexportBypass(_ImportRule):
    """## What it checks
    A name imported from a package or a public layer that is, after following re-exports (a
    module's `__init__.py`, or a service that imports the repository), defined in a layer the
    importing file may not use: `from cpv3.modules.users import UserRepository` where
    `users/__init__.py` re-exports it from `users/repository.py`. The message names the origin and
    the rule that applies to it.

    ## Why
    A re-export hides the real dependency from readers and from import-graph tools (import-linter
    users defer imports or re-export to get around contracts).

    ## Example
    ```python
    # cpv3/modules/orders/router.py
    from cpv3.modules.users import UserRepository
    ```

    ## Use instead
    Import the public layer (`from cpv3.modules.users.service import UserService`) and stop
    re-exporting internals (CNF108).

    ## Fix
    None.

    ## Options
    `layers`, `roles`.
    """

    code = "CNF218"
    name = "reexport-bypass"
    summary = "forbidden layer reached through a package re-export"
    fix_hint = "import the allowed layer directly; do not re-export internals"
    catalog = "LAY018"
    VALID = (
        Example.code(
            "from cpv3.modules.users import UserService\n",
            path="cpv3/modules/orders/router.py",
            extra={
                "cpv3/modules/users/__init__.py": "from .service import UserService\n",
                "cpv3/modules/users/service.py": "class UserService:\n    pass\n",
            },
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users import UserRepository as Repo
            """,
            Expect(
                1,
                32,
                "router.py imports UserRepository from users (re-exported from users.repository, "
                "CNF202): routers call services; inject the users service and add the method "
                "there",
            ),
            path="cpv3/modules/orders/router.py",
            extra={
                "cpv3/modules/users/__init__.py": "from .repository import UserRepository\n",
                "cpv3/modules/users/repository.py": _USERS_REPOSITORY,
            },
        ),
    )


class RouterReachesThroughService(FileRule):
    """## What it checks
    In `router.py`, an attribute of a service object that is the service's repository
    (`service.repository.get(...)`, `self.service.repo`): the receiver is typed as a service-role
    class, and that class types or assigns the attribute from a repository class
    (`self.repository = UserRepository(session)`).

    ## Why
    It is the router-imports-repository layer skip (CNF202) without an import: the route uses the
    repository and bypasses the service's rules.

    ## Example
    ```python
    @router.get("/{user_id}")
    async def get_user(user_id: int, service: UserServiceDep):
        return await service.repository.get(user_id)
    ```

    ## Use instead
    Call a service method (`service.get(user_id)`), adding it if needed.

    ## Fix
    None.

    ## Options
    `roles.service`, `roles.repository`. Not in RULES-CATALOG (next free code of the family).
    """

    code = "CNF219"
    name = "router-reaches-through-service"
    summary = "router reaches through a service into its repository"
    fix_hint = "call a service method; add it to the service if needed"
    catalog = "-"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter

            from .service import UserService

            router = APIRouter()


            @router.get("/{user_id}")
            async def get_user(user_id: int, service: UserService):
                return await service.get(user_id)
            """,
            extra=_with(
                "cpv3/core/db.py",
                "cpv3/modules/users/models.py",
                "cpv3/modules/users/repository.py",
                "cpv3/modules/users/service.py",
            ),
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter

            from .service import UserService as Users

            router = APIRouter()


            @router.get("/{user_id}")
            async def get_user(user_id: int, service: Users):
                return await service.repository.get(user_id)
            """,
            Expect(
                10,
                18,
                "router.py reaches through the service into its repository "
                "(service.repository: UserService.repository is UserRepository): call a service "
                "method instead, adding it to the service if needed",
            ),
            extra=_with(
                "cpv3/core/db.py",
                "cpv3/modules/users/models.py",
                "cpv3/modules/users/repository.py",
                "cpv3/modules/users/service.py",
            ),
        ),
    )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        ctx = self.ctx
        if ctx.role != ROUTER:
            return
        value = node.value
        if isinstance(value, cst.Name) and value.value == "self":
            return
        if not isinstance(value, (cst.Name, cst.Attribute)):
            return
        receiver = ctx.instance_type(value)
        if receiver is None:
            return
        self.report(
            node,
            f"router.py reaches through the service into its repository ({ctx.code_for(node)}: "
            "{detail}): call a service method instead, adding it to the service if needed",
            when=ServiceAttributeIsRepository(receiver, node.attr.value),
        )
