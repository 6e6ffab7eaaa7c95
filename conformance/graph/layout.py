"""A layered drawing of a graph (Sugiyama-style, kept small): cycles broken by reversing the back
edges of a depth-first search, ranks by longest path, order inside each rank by barycentres,
then coordinates and curved edges. Deterministic: the same graph gives the same picture.

Used by the HTML page, which must render without any script from the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Set, Tuple

from conformance.graph.model import Graph

NODE_HEIGHT = 46
RANK_GAP = 150  # between ranks, on top of the widest node
NODE_GAP = 34  # between two nodes of one rank
CHAR_WIDTH = 7.6  # of the 13px label font, to size boxes
MARGIN = 40


@dataclass(frozen=True)
class Box:
    """A node's box: centre and size."""

    id: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Route:
    """An edge's curve (SVG path data) and where its label goes."""

    source: str
    target: str
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Drawing:
    boxes: Tuple[Box, ...]
    routes: Tuple[Route, ...]
    width: float
    height: float


def _acyclic(nodes: Sequence[str], edges: Sequence[Tuple[str, str]]) -> List[Tuple[str, str]]:
    """The edges with those closing a cycle reversed (iterative depth-first search)."""
    successors: Dict[str, List[str]] = {n: [] for n in nodes}
    for source, target in edges:
        successors[source].append(target)
    state: Dict[str, int] = {}  # 1: on the stack, 2: done
    back: Set[Tuple[str, str]] = set()
    for start in nodes:
        if start in state:
            continue
        state[start] = 1
        stack: List[Tuple[str, int]] = [(start, 0)]
        while stack:
            node, position = stack.pop()
            targets = successors[node]
            if position < len(targets):
                stack.append((node, position + 1))
                nxt = targets[position]
                if state.get(nxt) == 1:
                    back.add((node, nxt))
                elif nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, 0))
            else:
                state[node] = 2
    return [(t, s) if (s, t) in back else (s, t) for s, t in edges]


def _ranks(nodes: Sequence[str], edges: Sequence[Tuple[str, str]]) -> Dict[str, int]:
    """Longest path from the sources (Kahn's order on the acyclic edges)."""
    predecessors: Dict[str, List[str]] = {n: [] for n in nodes}
    successors: Dict[str, List[str]] = {n: [] for n in nodes}
    for source, target in edges:
        successors[source].append(target)
        predecessors[target].append(source)
    waiting = {n: len(predecessors[n]) for n in nodes}
    ready = [n for n in nodes if waiting[n] == 0]
    rank: Dict[str, int] = {}
    while ready:
        node = ready.pop(0)
        rank[node] = max((rank[p] + 1 for p in predecessors[node]), default=0)
        for nxt in successors[node]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                ready.append(nxt)
    return rank


def _order(
    rows: List[List[str]], rank: Dict[str, int], edges: Sequence[Tuple[str, str]]
) -> List[List[str]]:
    """Barycentre sweeps: each node moves towards the mean position of its neighbours in the
    ranks already placed, which untangles most crossings of small graphs."""
    neighbours: Dict[str, List[str]] = {n: [] for row in rows for n in row}
    for source, target in edges:
        neighbours[source].append(target)
        neighbours[target].append(source)

    def position() -> Dict[str, float]:
        return {n: (i + 0.5) / len(row) for row in rows for i, n in enumerate(row)}

    for sweep in range(8):
        downward = sweep % 2 == 0
        sequence = range(1, len(rows)) if downward else range(len(rows) - 2, -1, -1)
        for r in sequence:
            placed = position()
            side = r - 1 if downward else r + 1
            keys: Dict[str, Tuple[float, int]] = {}
            for i, node in enumerate(rows[r]):
                near = [placed[m] for m in neighbours[node] if rank[m] == side]
                keys[node] = (sum(near) / len(near) if near else placed[node], i)
            rows[r] = sorted(rows[r], key=keys.__getitem__)
    return rows


def _width(label: str, caption: str) -> float:
    return max(96.0, CHAR_WIDTH * max(len(label), len(caption)) + 28)


#: Breadth of the invisible point a long edge passes through in each rank it crosses.
DUMMY_SIZE = 22.0
LINE_HEIGHT = 14.0


def _label_size(lines: Sequence[str]) -> Tuple[float, float]:
    """(width, height) of an edge label of the 11px font."""
    widest = max((len(line) for line in lines), default=0)
    return widest * 6.4 + 12, len(lines) * LINE_HEIGHT + 6


def layout(
    graph: Graph,
    labels: Dict[str, Tuple[str, str]],
    edge_labels: Sequence[Sequence[str]],
    horizontal: bool,
) -> Drawing:
    """Positions for every node (``labels``: id -> (label, caption)) and a curve per edge
    (``edge_labels``: its label lines, in edge order). ``horizontal``: ranks from left to right
    (modules), else from top to bottom (layers).

    As Graphviz does, every edge passes through an invisible point in each rank between its ends
    (ranks are doubled, so every edge has one): the points take part in the ordering, so long
    edges go around the nodes, and the middle one holds the label and its room."""
    nodes = [n.id for n in graph.nodes]
    pairs = [(e.source, e.target) for e in graph.edges if e.source != e.target]
    label_of = {
        (e.source, e.target): _label_size(lines) for e, lines in zip(graph.edges, edge_labels)
    }
    acyclic = _acyclic(nodes, pairs)
    rank = {node: 2 * r for node, r in _ranks(nodes, acyclic).items()}
    depth = max(rank.values(), default=0) + 1
    rows: List[List[str]] = [[] for _ in range(depth)]
    for node in nodes:
        rows[rank[node]].append(node)
    chains: List[List[str]] = []  # per oriented pair: the node ids from upper to lower rank
    links: List[Tuple[str, str]] = []
    sized: Dict[str, Tuple[float, float]] = {}  # label point -> label (width, height)
    for number, ((upper, lower), pair) in enumerate(zip(acyclic, pairs)):
        chain = [upper]
        middle = (rank[upper] + rank[lower]) // 2
        for r in range(rank[upper] + 1, rank[lower]):
            dummy = f"\0{number}.{r}"
            rank[dummy] = r
            rows[r].append(dummy)
            chain.append(dummy)
            if r == middle:
                sized[dummy] = label_of[pair]
        chain.append(lower)
        chains.append(chain)
        links.extend(zip(chain, chain[1:]))
    rows = _order(rows, rank, links)

    def breadth(node: str) -> float:  # the size of a node along its rank
        if node in sized:
            return sized[node][1] if horizontal else sized[node][0]
        if node.startswith("\0"):
            return DUMMY_SIZE
        return _width(*labels[node]) if not horizontal else float(NODE_HEIGHT)

    def length(node: str) -> float:  # the size of a node across the ranks
        if node in sized:
            return sized[node][0] if horizontal else sized[node][1]
        if node.startswith("\0"):
            return 0.0
        return _width(*labels[node]) if horizontal else float(NODE_HEIGHT)

    gap = RANK_GAP / 3 if horizontal else RANK_GAP / 4
    sizes = [sum(breadth(n) + NODE_GAP for n in row) for row in rows]
    widest = max(sizes, default=0.0)
    thickness = [max((length(n) for n in row), default=0.0) for row in rows]
    centres: Dict[str, Tuple[float, float]] = {}
    across = float(MARGIN)
    for r, row in enumerate(rows):
        along = MARGIN + (widest - sizes[r]) / 2
        middle_line = across + thickness[r] / 2
        for node in row:
            centre = along + breadth(node) / 2
            centres[node] = (middle_line, centre) if horizontal else (centre, middle_line)
            along += breadth(node) + NODE_GAP
        across += thickness[r] + gap
    across -= gap
    extent = (across + MARGIN, widest + 2 * MARGIN - NODE_GAP)
    width, height = extent if horizontal else (extent[1], extent[0])

    boxes = {
        n: Box(n, centres[n][0], centres[n][1], _width(*labels[n]), float(NODE_HEIGHT))
        for n in nodes
    }
    by_pair: Dict[Tuple[str, str], List[str]] = {}
    for (source, target), chain in zip(pairs, chains):
        by_pair[(source, target)] = chain
    routes: List[Route] = []
    for edge in graph.edges:
        if edge.source == edge.target:
            routes.append(_loop(boxes[edge.source]))
            continue
        chain = by_pair[(edge.source, edge.target)]
        label_at = next((centres[n] for n in chain if n in sized), None)
        routes.append(_route(edge.source, edge.target, chain, boxes, centres, horizontal, label_at))
    return Drawing(tuple(boxes[n] for n in nodes), tuple(routes), width, height)


def _loop(box: Box) -> Route:
    """A small loop above the box (another module's file of the same role)."""
    x, y = box.x + box.width / 4, box.y - box.height / 2
    path = (
        f"M{x - 12:.1f},{y:.1f} C{x - 30:.1f},{y - 44:.1f} "
        f"{x + 30:.1f},{y - 44:.1f} {x + 12:.1f},{y:.1f}"
    )
    return Route(box.id, box.id, path, x, y - 40)


def _route(
    source: str,
    target: str,
    chain: Sequence[str],
    boxes: Dict[str, Box],
    centres: Dict[str, Tuple[float, float]],
    horizontal: bool,
    label_at: Optional[Tuple[float, float]],
) -> Route:
    """A smooth curve along ``chain`` (upper rank to lower), drawn from ``source`` to ``target``:
    cubic pieces whose tangents follow the rank axis, so the pieces join without corners."""
    upper, lower = boxes[chain[0]], boxes[chain[-1]]
    points = [centres[n] for n in chain]
    if horizontal:
        points[0] = (upper.x + upper.width / 2, upper.y)
        points[-1] = (lower.x - lower.width / 2, lower.y)
    else:
        points[0] = (upper.x, upper.y + upper.height / 2)
        points[-1] = (lower.x, lower.y - lower.height / 2)
    if chain[0] != source:
        points.reverse()
    path = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        if horizontal:
            half = (x2 - x1) / 2
            c1, c2 = (x1 + half, y1), (x2 - half, y2)
        else:
            half = (y2 - y1) / 2
            c1, c2 = (x1, y1 + half), (x2, y2 - half)
        path += f" C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} {x2:.1f},{y2:.1f}"
    if label_at is None:
        (x1, y1), (x2, y2) = points[0], points[-1]
        label_at = ((x1 + x2) / 2, (y1 + y2) / 2)
    return Route(source, target, path, label_at[0], label_at[1])
