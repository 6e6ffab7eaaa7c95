"""Build the graph from one run: the import facts the file pass recorded for every file, the project
index that resolves them (re-exports, aliases), the roles discovery gave each file, and the run's
findings. Nothing is parsed again: the graph is what the layering rules saw.

Pure functions of their inputs; ``command.py`` does the run and the I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from conformance.diagnostics import Violation
from conformance.facts import FileFacts, ImportFact
from conformance.graph.model import (
    EDGE_KINDS,
    LAYERS_VIEW,
    MODULES_VIEW,
    Edge,
    EdgeViolation,
    Finding,
    Graph,
    Node,
)
from conformance.index import ProjectIndex
from conformance.model import Layout, SourceFile
from conformance.roles import RoleMatcher
from conformance.settings import Config

#: Findings of the layering family (CNF2xx) are the ones drawn on edges.
LAYERING_PREFIX = "CNF2"

#: Kinds that exist at run time: only these close an import cycle.
RUNTIME_KINDS = frozenset({"import", "injected"})

#: Role shown for a module file without a role: the package's ``__init__.py``, or an extra file.
PACKAGE_ROLE = "package"
OTHER_ROLE = "other"

#: A provider recorded by the FastAPI rules for each ``Depends(provider)`` of a file.
_PROVIDERS_KEY = "fastapi.providers"


@dataclass(frozen=True)
class _End:
    """One side of an import: the module package, the role of the file, how to show it."""

    feature: str
    role: str
    shown: str  # ``users.repository``


@dataclass(frozen=True)
class Use:
    """One import or injected use between two module files (before grouping into edges)."""

    source: _End
    target: _End
    kind: str
    path: str  # the importing file
    fact: Optional[ImportFact]


def _role(file: SourceFile) -> str:
    if file.role:
        return file.role
    return PACKAGE_ROLE if file.is_package else OTHER_ROLE


def _shown(file: SourceFile) -> str:
    """``users.repository`` for ``cpv3.modules.users.repository``, ``users`` for the package."""
    feature = file.feature or ""
    parts = file.module.split(".")
    if feature in parts:
        return ".".join(parts[parts.index(feature) :])
    return file.module


def _end(file: SourceFile) -> _End:
    return _End(file.feature or "", _role(file), _shown(file))


def _kind(fact: ImportFact, origin: str, providers: Set[str], index: ProjectIndex) -> str:
    if fact.dynamic:
        return "dynamic"
    if fact.type_only:
        return "type-only"
    if fact.deferred:
        return "deferred"
    if origin in providers or index.depends_of(origin) is not None:
        return "injected"
    return "import"


def uses(
    layout: Layout, facts: Mapping[str, FileFacts], index: ProjectIndex
) -> Tuple[List[Use], Dict[Tuple[str, str], Use]]:
    """Every import and injected use from a module file to a file of a module package (the same
    one or another; shared code such as ``core`` is not a module package and is left out).

    Also returns the import uses by (importing path, imported name) so that a finding on an
    import statement can be put on its edge."""
    by_module = {f.module: f for f in layout.files}
    out: List[Use] = []
    named: Dict[Tuple[str, str], Use] = {}

    def target_file(qualname: str) -> Optional[SourceFile]:
        origin = index.resolve(qualname)
        module, _ = index.split_module(origin)
        found = by_module.get(module) if module is not None else None
        if found is None or not found.feature:
            return None
        return found

    for file in layout.files:
        file_facts = facts.get(file.path)
        if not file.feature or file_facts is None:
            continue
        source = _end(file)
        providers = {index.resolve(p) for p in file_facts.extra.get(_PROVIDERS_KEY, ()) if p}
        imported: Set[str] = set()
        for fact in file_facts.imports:
            if fact.name == "*" and fact.alias is None:
                target = by_module.get(fact.module)
                if target is None or not target.feature:
                    continue
            else:
                found = target_file(fact.target)
                if found is None:
                    continue
                target = found
            origin = index.resolve(fact.target)
            imported.add(origin)
            use = Use(source, _end(target), _kind(fact, origin, providers, index), file.path, fact)
            out.append(use)
            for name in (fact.alias, fact.name, fact.target if fact.name is None else None):
                if name and name != "*":
                    named.setdefault((file.path, name), use)
            if fact.name == "*":
                named.setdefault((file.path, f"{fact.module}.*"), use)
        for provider in sorted(providers - imported):
            found = target_file(provider)
            if found is not None:
                out.append(Use(source, _end(found), "injected", file.path, None))
    return out, named


def _fingerprint_names(text: str) -> List[str]:
    """Names an import finding's fingerprint (the source of the flagged alias) may stand for:
    ``OrderRepository``, ``a as b`` -> ``b`` and ``a``, ``a.b.c``, ``HTTPException,``."""
    cleaned = " ".join(text.replace("(", " ").replace(")", " ").split()).strip().rstrip(",")
    if cleaned.startswith(("from ", "import ")):  # the whole statement (CNF206)
        names = cleaned.partition(" import ")[2]
        if cleaned.startswith("import "):
            names = cleaned[len("import ") :]
        out: List[str] = []
        for part in names.split(","):
            out.extend(_fingerprint_names(part))
        return out
    if " as " in cleaned:
        name, _, alias = cleaned.partition(" as ")
        return [alias.strip(), name.strip()]
    return [cleaned] if cleaned else []


def _finding(violation: Violation) -> Finding:
    return Finding(
        violation.path,
        violation.location.line,
        violation.location.column,
        violation.code,
        violation.message,
    )


@dataclass(frozen=True)
class Options:
    """What to draw: the view, the neighbourhood of one module, only what violates."""

    layers: bool = False
    module: Optional[str] = None
    violations_only: bool = False
    #: module packages to draw (folders under the paths given); None: all
    modules: Optional[Tuple[str, ...]] = None


def build(
    config: Config,
    layout: Layout,
    facts: Mapping[str, FileFacts],
    index: ProjectIndex,
    violations: Sequence[Violation],
    options: Options = Options(),
) -> Graph:
    """The graph of ``layout`` (the whole project) as ``options`` asks for it."""
    all_uses, named = uses(layout, facts, index)
    layers = options.layers
    focus = options.module
    wanted = set(options.modules) if options.modules is not None else None

    def node_id(end: _End) -> Optional[str]:
        if not layers:
            return end.feature
        if focus is None:
            return end.role
        return f"{end.feature}.{end.role}"

    def keep(use: Use) -> bool:
        if wanted is not None and use.source.feature not in wanted:
            return False
        if not layers:
            return use.source.feature != use.target.feature
        if focus is None:
            # across all modules: one node per role; another module's file of the same role is
            # a real edge (orders.service -> products.service), the same module's is not
            return use.source.role != use.target.role or use.source.feature != use.target.feature
        return focus in (use.source.feature, use.target.feature) and (
            use.source.feature,
            use.source.role,
        ) != (use.target.feature, use.target.role)

    # -- edges from the uses
    counts: Dict[Tuple[str, str], Dict[str, int]] = {}
    for use in all_uses:
        if not keep(use):
            continue
        source, target = node_id(use.source), node_id(use.target)
        if source is None or target is None:
            continue
        kinds = counts.setdefault((source, target), {})
        kinds[use.kind] = kinds.get(use.kind, 0) + 1

    # -- findings: on the edge of the import they flag, and on the node of the file
    matcher = RoleMatcher(config)
    on_edges: Dict[Tuple[str, str], List[EdgeViolation]] = {}
    on_nodes: Dict[str, List[Finding]] = {}
    for violation in violations:
        finding = _finding(violation)
        role, feature = matcher.for_path(violation.path)
        if feature is None or (wanted is not None and feature not in wanted):
            continue
        file_end = _End(feature, role or _role_of_path(violation.path), "")
        owner = node_id(file_end)
        if layers and focus is not None and feature != focus:
            owner = None
        if owner is not None:
            on_nodes.setdefault(owner, []).append(finding)
        if not violation.code.startswith(LAYERING_PREFIX):
            continue
        for name in _fingerprint_names(violation.fingerprint_text):
            flagged = named.get((violation.path, name))
            if flagged is None:
                continue
            if keep(flagged):
                key = (node_id(flagged.source) or "", node_id(flagged.target) or "")
                if key in counts:
                    shown = flagged.source.feature if not layers else flagged.source.shown
                    on_edges.setdefault(key, []).append(
                        EdgeViolation(violation.code, shown, flagged.target.shown, finding)
                    )
            break

    # -- nodes: every module package (or role), also those without edges
    ids: Set[str] = set()
    for package in layout.packages:
        if wanted is not None and package.name not in wanted:
            continue
        if not layers:
            ids.add(package.name)
    for file in layout.files:
        if file.feature and (wanted is None or file.feature in wanted):
            end = _end(file)
            if layers and (not file.role or (focus is not None and file.feature != focus)):
                continue  # a role-less file (__init__.py) is drawn when it has edges or findings
            nid = node_id(end)
            if nid is not None:
                ids.add(nid)
    if layers:
        ids.update(on_nodes)
    # an edge leaving the drawn modules keeps its far end as a node
    edge_keys = sorted(counts)
    for source, target in edge_keys:
        ids.update((source, target))

    edges = [
        Edge(
            source,
            target,
            tuple(
                (k, counts[(source, target)][k])
                for k in EDGE_KINDS
                if k in counts[(source, target)]
            ),
            tuple(sorted(on_edges.get((source, target), ()), key=_violation_key)),
        )
        for source, target in edge_keys
    ]
    cycles = _cycles(ids, edges)
    on_cycle = {node for cycle in cycles for node in cycle}
    cycle_of = {node: i for i, cycle in enumerate(cycles) for node in cycle}
    edges = [
        replace(
            e,
            in_cycle=e.source in on_cycle
            and cycle_of.get(e.source) == cycle_of.get(e.target)
            and e.source != e.target
            and any(kind in RUNTIME_KINDS for kind, _ in e.kinds),
        )
        for e in edges
    ]
    # cycles are found on the whole graph, then the neighbourhood is cut out of it
    if not layers and focus is not None:
        if focus not in ids:
            raise KeyError(focus)
        edges = [e for e in edges if focus in (e.source, e.target)]
        ids = {focus} | {e.source for e in edges} | {e.target for e in edges}

    if options.violations_only:
        edges = [e for e in edges if e.violations]
        layered = {node for node, found in on_nodes.items() if any(_is_layering(f) for f in found)}
        ids = {e.source for e in edges} | {e.target for e in edges} | (layered & ids)

    cycles = [cycle for cycle in cycles if any(node in ids for node in cycle)]
    nodes = [
        _node(nid, layers, focus, layout, sorted(on_nodes.get(nid, ()), key=_finding_key), on_cycle)
        for nid in ids
    ]
    order = _role_order(config)
    nodes.sort(key=lambda n: _node_key(n, order))
    edges.sort(key=lambda e: (e.source, e.target))
    view = LAYERS_VIEW if layers else MODULES_VIEW
    return Graph(view, tuple(nodes), tuple(edges), tuple(cycles), focus)


def _role_of_path(path: str) -> str:
    return PACKAGE_ROLE if path.endswith("/__init__.py") else OTHER_ROLE


def _is_layering(finding: Finding) -> bool:
    return finding.code.startswith(LAYERING_PREFIX)


def _finding_key(finding: Finding) -> Tuple[str, int, int, str, str]:
    return (finding.path, finding.line or 0, finding.column or 0, finding.code, finding.message)


def _violation_key(violation: EdgeViolation) -> Tuple[str, int, int, str, str]:
    return _finding_key(violation.finding)


def _role_order(config: Config) -> Dict[str, int]:
    """Roles in the layer chain's order (router, service, repository, models, schemas, ...)."""
    order: Dict[str, int] = {}
    for role, _ in config.layers:
        order.setdefault(role, len(order))
    for role, _ in config.roles:
        order.setdefault(role, len(order))
    order.setdefault(PACKAGE_ROLE, len(order))
    order.setdefault(OTHER_ROLE, len(order))
    return order


def _node_key(node: Node, order: Mapping[str, int]) -> Tuple[str, int, str]:
    if node.role is None:
        return (node.id, 0, "")
    return (node.module or "", order.get(node.role, len(order)), node.role)


def _node(
    nid: str,
    layers: bool,
    focus: Optional[str],
    layout: Layout,
    findings: List[Finding],
    on_cycle: Set[str],
) -> Node:
    in_cycle = nid in on_cycle
    if not layers:
        path = next((p.path for p in layout.packages if p.name == nid), None)
        return Node(nid, nid, nid, None, path, tuple(findings), in_cycle)
    if focus is None:
        return Node(nid, nid, None, nid, None, tuple(findings), in_cycle)
    module, _, role = nid.partition(".")
    return Node(nid, nid, module, role, None, tuple(findings), in_cycle)


def _cycles(ids: Iterable[str], edges: Sequence[Edge]) -> List[Tuple[str, ...]]:
    """Strongly connected sets of two or more nodes over the run-time edges (Tarjan, iterative,
    deterministic: nodes and successors in sorted order)."""
    successors: Dict[str, List[str]] = {node: [] for node in ids}
    for edge in edges:
        if edge.source != edge.target and any(kind in RUNTIME_KINDS for kind, _ in edge.kinds):
            successors.setdefault(edge.source, []).append(edge.target)
            successors.setdefault(edge.target, [])
    for targets in successors.values():
        targets.sort()
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[Tuple[str, ...]] = []
    for start in sorted(successors):
        if start in index:
            continue
        work: List[Tuple[str, int]] = [(start, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = successors[node]
            if position < len(targets):
                work.append((node, position + 1))
                nxt = targets[position]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                members: List[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1:
                    found.append(tuple(sorted(members)))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(found)
