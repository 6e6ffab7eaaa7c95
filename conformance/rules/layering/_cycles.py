"""Import cycles between module packages, found on the project index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from conformance.conditions import Condition
from conformance.facts import ImportFact
from conformance.index import ProjectIndex

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
    found: Dict[Tuple[str, int], List[str]] = index.memo(
        f"layering.cycles:{include_type_only}",
        lambda: _compute_sites(index, include_type_only),
        Dict[Tuple[str, int], List[str]],
    )
    return found


def _compute_sites(
    index: ProjectIndex, include_type_only: bool
) -> Dict[Tuple[str, int], List[str]]:
    sites: Dict[Tuple[str, str], Tuple[str, int]] = {}
    for module, imports in index.module_imports():
        src = index.roles.get(module, (None, None))[1]
        if src is None:
            continue
        for ordinal, fact in enumerate(imports):
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
