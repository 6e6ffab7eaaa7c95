"""Line and column numbers for a few libcst nodes, computed only when a file has findings.

libcst nodes carry no positions; its ``PositionProvider`` records a range for every node of the file,
which costs about 2.5 times the parse. A checker that reports on a handful of nodes needs far less:
this module runs libcst's code generator once, with a state that notes the position only when a
node of interest starts or ends (about a third of a parse), and counts lines lazily.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Dict, Iterable, Iterator, List, Optional, Set, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState

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
    module._codegen(state)
    return state.spans
