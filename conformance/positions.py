"""Line and column numbers for a few libcst nodes, computed only when a file has findings, and
locators: how to find a node again in a fresh parse of the same source.

libcst nodes carry no positions; its ``PositionProvider`` records a range for every node of the file,
which costs about 2.5 times the parse. A checker that reports on a handful of nodes needs far less:
this module runs libcst's code generator with a state that notes the position only when a node of
interest starts or ends, and counts lines lazily.

Code generation is the costly part (as much as the parse when a file has findings in most of its
functions), so it is scoped: a finding inside a function or class generates only the innermost
enclosing ``def`` or ``class`` statement (a *unit*), started at the line Python's own parser gives
for it (the file pass parses with :mod:`ast` anyway, to guard libcst). A unit whose generated code
is not exactly the source text at that line, and every node without a unit, falls back to the
whole module's code generation: the positions are the same either way.
"""

from __future__ import annotations

import ast
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
    """A codegen state that records the syntactic range of target nodes only, or only where they
    start (``starts_only``: a finding's statement, for its line), and stops the generation once
    every target is placed."""

    def __init__(
        self,
        module: cst.Module,
        targets: Set[int],
        starts_only: Optional[Set[int]] = None,
        first_line: int = 1,
        indents: Sequence[str] = (),
    ) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.indent_tokens.extend(indents)  # a unit inside blocks starts at their indentation
        self.targets = targets | (starts_only or set())
        self.starts_only = (starts_only or set()) - targets
        self.spans: Dict[int, Span] = {}
        self._stack: List[Optional[Tuple[int, int]]] = []
        self._counted = 0  # tokens already folded into line/column
        self._line = first_line
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

    def _placed(self, key: int, span: Span) -> None:
        self.spans[key] = span
        if len(self.spans) == len(self.targets):
            raise _AllPlaced

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append(self._position() if id(node) in self.targets else None)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        key = id(node)
        if start is not None and key not in self.spans:
            line, column = self._position()
            self._placed(key, (start[0], start[1], line, column))

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> Iterator[None]:
        key = id(node)
        if key not in self.targets or key in self.spans:
            yield
            return
        start = self._position()
        if start_node is not None and id(start_node) not in self.targets:
            # its start is the hoisted start (a block's: its first statement's), whichever other
            # nodes are asked for
            self.targets.add(id(start_node))
            self.starts_only.add(id(start_node))
        if key in self.starts_only and start_node is None:
            self._placed(key, (start[0], start[1], start[0], start[1]))
            yield
            return
        try:
            yield
        finally:
            line, column = self._position()
            # The syntactic range excludes leading comments and blank lines; a hoisted start
            # (decorators) is taken from the recorded child when known.
            if start_node is not None and id(start_node) in self.spans:
                start = self.spans[id(start_node)][:2]
            self.spans[key] = (start[0], start[1], line, column)
        if len(self.spans) == len(self.targets):
            raise _AllPlaced


class _AllPlaced(Exception):
    """Every target has its span: the rest of the code need not be generated."""


def _generate(node: cst.CSTNode, state: _TargetedPositionState) -> None:
    with deep_recursion():
        try:
            node._codegen(state)
        except _AllPlaced:
            pass


def node_spans(
    module: cst.Module, nodes: Iterable[cst.CSTNode], starts: Iterable[cst.CSTNode] = ()
) -> Dict[int, Span]:
    """Map ``id(node)`` to its syntactic span for each of ``nodes`` (nodes of ``module``), and to
    an empty span where it starts for each of ``starts`` that is not also in ``nodes``."""
    targets = {id(node) for node in nodes}
    starts_only = {id(node) for node in starts}
    if not targets and not starts_only:
        return {}
    state = _TargetedPositionState(module, targets, starts_only)
    _generate(module, state)
    asked = targets | starts_only  # not the starts the state looked up for itself
    return {key: span for key, span in state.spans.items() if key in asked}


#: The statements whose indented body a unit may be inside (a finding in a method generates the
#: method, not its class; one in an ``if`` inside it, that ``if``), with the ``ast`` nodes whose
#: ``body`` is the same block. Only the first block of each: an ``else`` or ``except`` block is
#: generated with its statement.
_AST_OWNERS: Dict[type, Tuple[type, ...]] = {
    cst.ClassDef: (ast.ClassDef,),
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.If: (ast.If,),
    cst.For: (ast.For, ast.AsyncFor),
    cst.While: (ast.While,),
    cst.With: (ast.With, ast.AsyncWith),
    cst.Try: (ast.Try,),
}
_BLOCK_OWNERS = tuple(_AST_OWNERS)


#: A node to place and its units: the statements from the module down to the innermost ``def``
#: or ``class`` that holds it (each one inside the previous one's indented body); () if unknown.
Request = Tuple[cst.CSTNode, Tuple[cst.CSTNode, ...]]


def units_of(chain: Sequence[cst.CSTNode]) -> Tuple[cst.CSTNode, ...]:
    """The units along ``chain``, a path of nodes from the module down (each a child of the
    previous one): its module-level statement, then each statement in the indented body of a
    ``def`` or ``class`` on the path."""
    if len(chain) < 2 or not isinstance(chain[0], cst.Module):
        return ()
    units: List[cst.CSTNode] = []
    depth = 1
    while depth < len(chain):
        statement = chain[depth]
        if not isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            break
        units.append(statement)
        body = getattr(statement, "body", None)
        if (
            isinstance(statement, _BLOCK_OWNERS)
            and isinstance(body, cst.IndentedBlock)
            and depth + 2 < len(chain)
            and chain[depth + 1] is body
            and isinstance(chain[depth + 2], (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        ):
            depth += 2
            continue
        break
    return tuple(units)


class _Placer:
    """Where units start, from Python's own parse of the same source."""

    def __init__(self, module: cst.Module, source: str, tree: ast.Module) -> None:
        self.module = module
        self.source = source
        self.tree = tree
        self._tables: Dict[int, Tuple[Dict[int, int], List[int]]] = {}
        self._line_starts: Optional[List[int]] = None

    def _table(self, body: Sequence[cst.BaseStatement]) -> Tuple[Dict[int, int], List[int]]:
        """(id of a statement -> its index, index -> the index of its first ``ast`` statement):
        a line of small statements (``a = 1; b = 2``) is one libcst statement and several
        ``ast`` ones."""
        key = id(body)
        found = self._tables.get(key)
        if found is None:
            indexes: Dict[int, int] = {}
            firsts: List[int] = []
            count = 0
            for index, statement in enumerate(body):
                indexes[id(statement)] = index
                firsts.append(count)
                count += (
                    len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
                )
            found = self._tables[key] = (indexes, firsts)
        return found

    def start(self, units: Sequence[cst.CSTNode]) -> Optional[Tuple[int, Tuple[str, ...]]]:
        """(line where the innermost unit's generated code begins, the indentation it is
        generated with), or None when the two parses do not line up."""
        body: Sequence[cst.BaseStatement] = self.module.body
        nodes: Sequence[ast.stmt] = self.tree.body
        indents: List[str] = []
        for depth, unit in enumerate(units):
            indexes, firsts = self._table(body)
            index = indexes.get(id(unit))
            if index is None or firsts[index] >= len(nodes):
                return None
            node = nodes[firsts[index]]
            if depth == len(units) - 1:
                return self._first_line(unit, node), tuple(indents)
            owners = _AST_OWNERS.get(type(unit))
            block = getattr(unit, "body", None)
            if (
                owners is None
                or not isinstance(node, owners)
                or not isinstance(block, cst.IndentedBlock)
            ):
                return None
            indents.append(block.indent if block.indent is not None else self.module.default_indent)
            if not isinstance(
                node,
                (
                    ast.ClassDef,
                    ast.FunctionDef,
                    ast.AsyncFunctionDef,
                    ast.If,
                    ast.For,
                    ast.AsyncFor,
                    ast.While,
                    ast.With,
                    ast.AsyncWith,
                    ast.Try,
                ),
            ):
                return None
            body, nodes = block.body, node.body
        return None

    @staticmethod
    def _first_line(unit: cst.CSTNode, node: ast.stmt) -> int:
        line = node.lineno
        leading = len(getattr(unit, "leading_lines", ()))
        decorators = getattr(unit, "decorators", ())
        decorated = getattr(node, "decorator_list", ())
        if decorators and decorated:
            line = min(d.lineno for d in decorated)
            leading += len(decorators[0].leading_lines)
        return line - leading

    def offset(self, line: int) -> Optional[int]:
        """Offset in the source of the start of ``line`` (1-based)."""
        starts = self._line_starts
        if starts is None:
            starts = self._line_starts = [0]
            find = self.source.find
            at = find("\n")
            while at >= 0:
                starts.append(at + 1)
                at = find("\n", at + 1)
        return starts[line - 1] if 1 <= line <= len(starts) else None


def scoped_node_spans(
    module: cst.Module,
    source: str,
    tree: Optional[ast.Module],
    requests: Sequence[Request],
    starts: Sequence[Request] = (),
) -> Dict[int, Span]:
    """:func:`node_spans` for ``requests`` (and ``starts``), generating code only for each node's
    innermost unit where ``tree`` (``ast.parse`` of ``source``) places it; the whole module for
    the rest."""
    rest: List[cst.CSTNode] = []
    rest_starts: List[cst.CSTNode] = []
    groups: Dict[int, Tuple[Tuple[cst.CSTNode, ...], List[cst.CSTNode], List[cst.CSTNode]]] = {}
    for wanted, whole in ((requests, True), (starts, False)):
        for node, units in wanted:
            if not units or tree is None:
                (rest if whole else rest_starts).append(node)
            else:
                group = groups.setdefault(id(units[-1]), (units, [], []))
                (group[1] if whole else group[2]).append(node)
    spans: Dict[int, Span] = {}
    if tree is not None and groups:
        placer = _Placer(module, source, tree)
        for units, nodes, node_starts in groups.values():
            found = _in_unit(placer, units, nodes, node_starts)
            for asked, missing in ((nodes, rest), (node_starts, rest_starts)):
                for node in asked:
                    span = found.get(id(node))
                    if span is None:
                        missing.append(node)  # not placed in its unit: ask the whole module
                    else:
                        spans[id(node)] = span
    if rest or rest_starts:
        spans.update(node_spans(module, rest, rest_starts))
    return spans


def _in_unit(
    placer: _Placer,
    units: Tuple[cst.CSTNode, ...],
    nodes: Sequence[cst.CSTNode],
    starts: Sequence[cst.CSTNode],
) -> Dict[int, Span]:
    """The spans of ``nodes`` (and starts of ``starts``) found by generating the innermost of
    ``units`` alone; {} when the two parses do not agree on where it is."""
    placed = placer.start(units)
    offset = placer.offset(placed[0]) if placed is not None else None
    if placed is None or offset is None:
        return {}
    unit = units[-1]
    # The unit's own start is always looked up: the check below needs it.
    state = _TargetedPositionState(
        placer.module, {id(n) for n in nodes}, {id(n) for n in starts} | {id(unit)}, *placed
    )
    _generate(unit, state)
    # What was generated (a prefix of the unit's code, if it stopped early) must be the source
    # text at that line, at least up to the unit's first token; else the parses disagree about
    # where it is (``@`` and its decorator on different lines).
    text = "".join(state.tokens)
    anchor = state.spans.get(id(unit))
    begins = placer.offset(anchor[0]) if anchor is not None else None
    if anchor is None or begins is None or offset + len(text) <= begins + anchor[1]:
        return {}
    return state.spans if placer.source.startswith(text, offset) else {}


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
