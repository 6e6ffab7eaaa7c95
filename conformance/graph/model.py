"""The graph as values: nodes (module packages or roles), edges (imports, injected uses) and the
findings on them. Frozen and sorted, so every renderer produces the same output for the same run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

#: The two views: one node per module package, or one node per role (``--layers``).
MODULES_VIEW = "modules"
LAYERS_VIEW = "layers"

#: Edge kinds, in display order. ``injected``: the imported name is a FastAPI dependency (a
#: provider passed to ``Depends`` or an ``Annotated[..., Depends(...)]`` alias).
EDGE_KINDS: Tuple[str, ...] = ("import", "injected", "type-only", "deferred", "dynamic")


@dataclass(frozen=True)
class Finding:
    """One finding of the run, as the graph shows it (``path:line``)."""

    path: str
    line: Optional[int]
    column: Optional[int]
    code: str
    message: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True)
class Node:
    """A module package (``orders``) or a role (``router``, or ``orders.router`` with ``--module``).

    ``findings`` are every finding of the run in the node's files; ``in_cycle`` marks a node on an
    import cycle between module packages (modules view) or roles (layers view)."""

    id: str
    label: str
    module: Optional[str]  # the module package, None for an aggregated role node
    role: Optional[str]  # None in the modules view
    path: Optional[str]  # folder of the module package (modules view)
    findings: Tuple[Finding, ...] = ()
    in_cycle: bool = False


@dataclass(frozen=True)
class EdgeViolation:
    """A layering finding on an import that an edge stands for: ``CNF204 orders -> users.repository``."""

    code: str
    source: str  # display of the importing side: ``orders`` or ``orders.router``
    target: str  # display of the imported layer: ``users.repository``
    finding: Finding

    @property
    def label(self) -> str:
        return f"{self.code} {self.source} -> {self.target}"


@dataclass(frozen=True)
class Edge:
    """All imports and injected uses from one node to another: how many of each kind."""

    source: str  # node id
    target: str  # node id
    kinds: Tuple[Tuple[str, int], ...]  # (kind, count) in EDGE_KINDS order, counts > 0
    violations: Tuple[EdgeViolation, ...] = ()
    in_cycle: bool = False

    @property
    def count(self) -> int:
        return sum(count for _, count in self.kinds)

    @property
    def codes(self) -> Tuple[str, ...]:
        return tuple(sorted({v.code for v in self.violations}))

    @property
    def label(self) -> str:
        """``import 3, injected 1``, then the codes of the violations: ``CNF204``."""
        text = ", ".join(f"{kind} {count}" for kind, count in self.kinds)
        if self.violations:
            text += " | " + " ".join(self.codes)
        return text


@dataclass(frozen=True)
class Graph:
    """What a renderer draws. ``cycles`` lists each import cycle (strongly connected set of nodes,
    two or more) as sorted node ids."""

    view: str
    nodes: Tuple[Node, ...]
    edges: Tuple[Edge, ...]
    cycles: Tuple[Tuple[str, ...], ...] = ()
    focus: Optional[str] = None  # the module of ``--module``
