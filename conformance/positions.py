"""Line and column numbers for a few libcst nodes, computed only when a file has findings, and
locators: how to find a node again in a fresh parse of the same source.

libcst nodes carry no positions; its ``PositionProvider`` records a range for every node of the file,
which costs about 2.5 times the parse. A checker that reports on a handful of nodes needs far less:
this module runs libcst's code generator once, with a state that notes the position only when a
node of interest starts or ends (about a third of a parse), and counts lines lazily.
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState

from conformance.diagnostics import Location
from conformance.recursion import deep_recursion
from conformance.results import NodeLocator, Place, Step
from conformance.source import decode_source

#: (start line, start column, end line, end column); lines 1-based, columns 0-based code points
Span = Tuple[int, int, int, int]


class _TargetedPositionState(CodegenState):
    """A codegen state that records the syntactic range of target nodes only."""

    def __init__(self, module: cst.Module, targets: Set[int]) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.targets = targets
        self.starts: Dict[int, Tuple[int, int]] = {}
        self.spans: Dict[int, Span] = {}
        self._stack: List[Optional[Tuple[int, int]]] = []
        self._counted = 0  # tokens already folded into line/column
        self._line = 1
        self._column = 0

    def _position(self) -> Tuple[int, int]:
        tokens = self.tokens
        for i in range(self._counted, len(tokens)):
            token = tokens[i]
            newlines = token.count("\n")
            if newlines:
                self._line += newlines
                self._column = len(token) - token.rfind("\n") - 1
            else:
                self._column += len(token)
        self._counted = len(tokens)
        return self._line, self._column

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append(self._position() if id(node) in self.targets else None)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        key = id(node)
        if start is not None and key not in self.spans:
            line, column = self._position()
            self.spans[key] = (start[0], start[1], line, column)

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> Iterator[None]:
        if id(node) not in self.targets:
            yield
            return
        start = self._position()
        try:
            yield
        finally:
            line, column = self._position()
            # The syntactic range excludes leading comments and blank lines; a hoisted start
            # (decorators) is taken from the recorded child when known.
            if start_node is not None and id(start_node) in self.spans:
                start = self.spans[id(start_node)][:2]
            self.spans[id(node)] = (start[0], start[1], line, column)


def node_spans(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> Dict[int, Span]:
    """Map ``id(node)`` to its syntactic span for each of ``nodes`` (nodes of ``module``)."""
    targets = {id(node) for node in nodes}
    if not targets:
        return {}
    state = _TargetedPositionState(module, targets)
    with deep_recursion():
        module._codegen(state)
    return state.spans


# -- finding a node again: locators ----------------------------------------------------------

_ALL_FIELDS: Dict[type, Tuple[str, ...]] = {}


def _all_fields(kind: type) -> Tuple[str, ...]:
    names = _ALL_FIELDS.get(kind)
    if names is None:
        names = _ALL_FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def step_to(parent: cst.CSTNode, child: cst.CSTNode) -> Optional[Step]:
    """The field step from ``parent`` to its direct child ``child`` (identity), or None."""
    for name in _all_fields(type(parent)):
        value = getattr(parent, name)
        if value is child:
            return name, -1
        if isinstance(value, (tuple, list)):
            for index, item in enumerate(value):
                if item is child:
                    return name, index
    return None


def find_below(root: cst.CSTNode, target: cst.CSTNode) -> Optional[Tuple[Step, ...]]:
    """Steps from ``root`` down to ``target`` (identity), searching every field; () if equal.
    Reports name the visited node or a near child, so the search stops four levels down (the
    caller then computes the position eagerly)."""
    if root is target:
        return ()
    # breadth-first, with the path to each node: the nearest match wins, and no recursion
    frontier: List[Tuple[cst.CSTNode, Tuple[Step, ...]]] = [(root, ())]
    for _ in range(4):
        below: List[Tuple[cst.CSTNode, Tuple[Step, ...]]] = []
        for node, path in frontier:
            for name in _all_fields(type(node)):
                value = getattr(node, name)
                items = enumerate(value) if isinstance(value, (tuple, list)) else [(-1, value)]
                for index, item in items:
                    if isinstance(item, cst.CSTNode):
                        steps = (*path, (name, index))
                        if item is target:
                            return steps
                        below.append((item, steps))
        frontier = below
    return None


def follow(module: cst.Module, steps: Sequence[Step]) -> Optional[cst.CSTNode]:
    """The node at ``steps`` from the module root (None if the tree does not match)."""
    node: object = module
    for name, index in steps:
        node = getattr(node, name, None)
        if index >= 0:
            if not isinstance(node, (tuple, list)) or index >= len(node):
                return None
            node = node[index]
        if not isinstance(node, cst.CSTNode):
            return None
    return node if isinstance(node, cst.CSTNode) else None


def fingerprint_text(module: cst.Module, node: cst.CSTNode) -> str:
    """The first line of the node's source, whitespace-folded: identifies a finding across line
    shifts (baseline, SARIF) without growing with the size of the node."""
    try:
        with deep_recursion():
            text = module.code_for_node(node)
    except Exception:
        return type(node).__name__
    for line in text.strip().splitlines():
        folded = " ".join(line.split())
        if folded:
            return folded[:200]
    return type(node).__name__


def to_location(span: Span) -> Location:
    """A finding's location (1-based columns) from a span (0-based columns)."""
    return Location(span[0], span[1] + 1, span[2], span[3] + 1)


def locate(source_bytes: bytes, locators: Sequence[NodeLocator]) -> List[Optional[Place]]:
    """Parse the file again and give each locator's place (None where the tree does not match)."""
    try:
        text, _, _ = decode_source(source_bytes)
        module = cst.parse_module(text)
    except Exception:
        return [None for _ in locators]
    nodes = [
        (
            follow(module, loc.node),
            follow(module, loc.statement) if loc.statement is not None else None,
        )
        for loc in locators
    ]
    targets = [n for pair in nodes for n in pair if n is not None]
    spans = node_spans(module, targets)
    out: List[Optional[Place]] = []
    for node, statement in nodes:
        span = spans.get(id(node)) if node is not None else None
        if node is None or span is None:
            out.append(None)
            continue
        statement_span = spans.get(id(statement)) if statement is not None else None
        out.append(
            (
                to_location(span),
                statement_span[0] if statement_span else None,
                fingerprint_text(module, node),
            )
        )
    return out
