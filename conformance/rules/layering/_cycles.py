"""Import cycles between module packages, found on the project index."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Dict, List, Mapping, Optional, Sequence, Set, Tuple

from conformance.conditions import Condition
from conformance.facts import ImportFact
from conformance.index import ProjectIndex
from conformance.rules.layering._common import owner_feature


@lru_cache(maxsize=1 << 16)  # asked for every module whenever the graph is put together
def _package_of(dotted: str, feature: str) -> str:
    """The dotted name of the module package ``feature`` that ``dotted`` lies in: the feature
    name's folders found in order along the name (``polar.auth.sandbox`` for the nested feature
    ``auth.sandbox``), so that two packages of the same short name never merge."""
    parts = dotted.split(".")
    at = -1
    for segment in feature.split("."):
        try:
            at = parts.index(segment, at + 1)
        except ValueError:
            return feature
    return ".".join(parts[: at + 1])


def _package_of_import(index: ProjectIndex, fact: ImportFact) -> Optional[Tuple[str, str]]:
    """(package, feature) that an import reaches, or None outside every module."""
    for name in (fact.target, fact.module):
        if not name:
            continue
        feature = owner_feature(index.role_of(name)[1])
        if feature is not None:
            return _package_of(index.resolve(name), feature), feature
    return None


def _closing_sites(
    index: ProjectIndex, include_type_only: bool
) -> Dict[Tuple[str, int], List[str]]:
    """(module, import ordinal) of the statement closing each module cycle -> the cycles' paths.

    The package-level graph has an edge A -> B when a file of module package A imports B
    (dynamic imports, and type-only ones unless asked, excluded); packages are told apart by
    their full dotted name. For every package on a cycle, the shortest cycle through it, written
    from its alphabetically first package, is closed by its last edge: the first import (by
    module name, then position) making that edge; a statement closing several shows the
    shortest."""
    found: Dict[Tuple[str, int], List[str]] = index.memo(
        f"layering.cycles:{include_type_only}",
        lambda: _compute_sites(index, include_type_only),
        Dict[Tuple[str, int], List[str]],
    )
    return found


#: What the files of one module package import that can be an edge of a cycle: per file with
#: facts, (its module, its package, its feature, ((import ordinal, reached package, reached
#: feature, type-only), ...)), in module order. Kept between runs per package: an edit changes
#: one package's part, the graph is put together again from the parts (cheap), and the imports of
#: the other packages are not resolved again.
PackageImports = Tuple[Tuple[str, str, str, Tuple[Tuple[int, str, str, bool], ...]], ...]


def _compute_sites(
    index: ProjectIndex, include_type_only: bool
) -> Dict[Tuple[str, int], List[str]]:
    members: Dict[str, List[str]] = {}
    for module in index.import_modules():
        feature = owner_feature(index.roles.get(module, (None, None))[1])
        if feature is not None:
            members.setdefault(_package_of(module, feature), []).append(module)
    files: List[Tuple[str, str, str, Tuple[Tuple[int, str, str, bool], ...]]] = []
    for package in sorted(members):
        compute = partial(_package_imports, index, tuple(members[package]))
        files.extend(index.memo(f"layering.imports:{package}", compute, PackageImports))
    files.sort()  # in module order, the graph's order of old
    packages = {own for _, own, _, _ in files}
    sites: Dict[Tuple[str, str], Tuple[str, int]] = {}
    features: Dict[str, str] = {}
    for module, own, feature, edges in files:
        features[own] = feature
        for ordinal, reached, reached_feature, type_only in edges:
            if type_only and not include_type_only:
                continue
            features[reached] = reached_feature
            lifted = _sibling_edge(own, reached, packages)
            if lifted is None:
                continue
            site = (module, ordinal)
            if lifted not in sites or site < sites[lifted]:
                sites[lifted] = site
    graph: Dict[str, List[str]] = {}
    for src, dst in sorted(sites):
        graph.setdefault(src, []).append(dst)
    packages_of: Dict[str, int] = {}
    for feature in features.values():
        packages_of[feature] = packages_of.get(feature, 0) + 1

    def shown(package: str) -> str:
        feature = features.get(package, package)
        return feature if packages_of.get(feature, 0) == 1 else package

    shortest: Dict[Tuple[str, int], List[str]] = {}
    for cycle in _shortest_cycles(graph):
        site = sites[(cycle[-1], cycle[0])]
        if site not in shortest or len(cycle) < len(shortest[site]):
            shortest[site] = cycle
    return {
        site: [" -> ".join(shown(p) for p in [*cycle, cycle[0]])]
        for site, cycle in shortest.items()
    }


def _package_imports(index: ProjectIndex, modules: Sequence[str]) -> PackageImports:
    """The part of one module package (its files ``modules``) in the graph: the imports of each
    file that reach another package (dynamic imports left out; type-only ones marked)."""
    out: List[Tuple[str, str, str, Tuple[Tuple[int, str, str, bool], ...]]] = []
    for module in modules:
        imports = index.imports_of(module)
        feature = owner_feature(index.roles.get(module, (None, None))[1])
        if imports is None or feature is None:
            continue
        own = _package_of(module, feature)
        edges: List[Tuple[int, str, str, bool]] = []
        for ordinal, fact in enumerate(imports):
            if fact.dynamic or not index.is_project_name(fact.module or fact.target):
                continue
            # many files import the same names: resolved once per run (what resolving read is
            # still recorded for every package that uses the answer)
            reached = index.memo(
                f"layering.reach:{fact.target or ''}\0{fact.module or ''}",
                partial(_package_of_import, index, fact),
            )
            if reached is None or reached[0] == own:
                continue
            edges.append((ordinal, reached[0], reached[1], fact.type_only))
        out.append((module, own, feature, tuple(edges)))
    return tuple(out)


def _sibling_edge(src: str, dst: str, packages: Set[str]) -> Optional[Tuple[str, str]]:
    """The edge ``src -> dst`` between the outermost module packages that hold each side apart,
    or None inside one package tree. A nested module and the module that holds it are one
    feature (projects.events importing projects.models is no cycle), while an import from
    benefit.grant into slack is benefit's edge to slack: cycles are between siblings, as
    import-linter's ``acyclic_siblings`` sees them."""
    if src.startswith(dst + ".") or dst.startswith(src + "."):
        return None
    return _outermost(src, dst, packages), _outermost(dst, src, packages)


def _outermost(package: str, other: str, packages: Set[str]) -> str:
    """The outermost module package holding ``package`` that does not hold ``other``."""
    parts = package.split(".")
    for end in range(1, len(parts)):
        candidate = ".".join(parts[:end])
        if candidate in packages and not other.startswith(candidate + "."):
            return candidate
    return package


def _shortest_cycles(graph: Mapping[str, Sequence[str]]) -> List[List[str]]:
    """For every node on a cycle, the shortest cycle through it (breadth first, neighbours in
    order, so the same graph gives the same cycles), each once, rotated to start at its smallest
    node. One cycle per node at most: a large strongly connected tangle gives a few short cycles
    to break, not every path through it."""
    found: Set[Tuple[str, ...]] = set()
    for start in sorted(graph):
        parent: Dict[str, str] = {}
        queue = deque([start])
        closing: Optional[str] = None
        while queue and closing is None:
            node = queue.popleft()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    closing = node
                    break
                if nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
        if closing is None:
            continue
        path = [closing]
        while path[-1] != start:
            path.append(parent[path[-1]])
        path.reverse()
        smallest = path.index(min(path))
        found.add(tuple(path[smallest:] + path[:smallest]))
    return [list(cycle) for cycle in sorted(found)]


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
