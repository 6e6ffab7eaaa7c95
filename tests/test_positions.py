"""The targeted position finder agrees with libcst's PositionProvider on every node."""

from __future__ import annotations

import libcst as cst
from hypothesis import given, settings
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper, PositionProvider

from conformance.positions import node_spans

SOURCE = '''\
"""Doc."""
import os  # comment

@decorator(arg=1)
class Thing(Base, metaclass=Meta):
    """Doc."""

    value: int = 1

    async def method(self, x: "T" = None) -> None:
        if x:  # why
            await self.run(x, key=[1, 2, {"a": (3, 4)}])
        else:
            return None


def f(a, *args, **kwargs):
    return lambda y: y + a
'''


def all_nodes(module: cst.Module) -> list:
    out = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            out.append(node)
            return True

    module.visit(Collect())
    return out


def check_source(source: str) -> None:
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    expected = wrapper.resolve(PositionProvider)
    nodes = all_nodes(module)
    spans = node_spans(module, nodes)
    for node in nodes:
        want = expected[node]
        got = spans[id(node)]
        assert (got[0], got[1]) == (want.start.line, want.start.column), (
            type(node).__name__,
            got,
            want,
        )


def test_positions_match_libcst_for_every_node() -> None:
    check_source(SOURCE)
    check_source(SOURCE.replace("\n", "\r\n"))


identifiers = st.sampled_from(["a", "b", "value", "x1", "éte"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(identifiers, st.integers(0, 3), st.booleans()), min_size=1, max_size=8))
def test_positions_match_on_generated_code(lines: list) -> None:
    body = []
    for name, indent, comment in lines:
        body.append(f"{name} = ({name}, [{indent}])" + ("  # c" if comment else ""))
        body.append("")
    check_source("\n".join(body) + "\n")


# -- scoped code generation: the same positions from the innermost unit ------------------------

SCOPED_SOURCE = '''\
# header comment
import os; import sys

x = 1; y = 2  # two statements on a line


# a comment before the decorators

@first  # why
# between decorators

@second(
    arg=1,
)
class Outer:
    """Doc."""

    # leading comment of a method
    @property
    def value(self) -> int:
        if self.ready:
            for item in self.items:
                while item:
                    with open(item) as handle:
                        try:
                            return handle.read(); pass
                        except OSError:
                            pass
                        else:
                            pass
        elif self.other:
            return 2
        else:
            return 3

    class Inner:
        def deep(self):
            return [
                1,
                2,
            ]

async def top(a, *args, **kwargs):
    async with lock:
        async for item in stream():
            await item
    return lambda y: y + a
'''


def paths_to_every_node(module: cst.Module) -> list:
    """(node, the path of nodes from the module down to it), for every node."""
    out = []
    stack = [(module, (module,))]
    while stack:
        node, path = stack.pop()
        out.append((node, path))
        for child in node.children:
            stack.append((child, path + (child,)))
    return out


def check_scoped(source: str) -> None:
    import ast

    from conformance.positions import scoped_node_spans, units_of

    module = cst.parse_module(source)
    tree = ast.parse(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    expected = wrapper.resolve(PositionProvider)
    requests = [(node, units_of(path)) for node, path in paths_to_every_node(module)]
    whole = node_spans(module, [node for node, _ in requests])  # from the whole module
    together = scoped_node_spans(module, source, tree, requests)
    for node, units in requests:
        want = expected[node]
        alone = scoped_node_spans(module, source, tree, [(node, units)])
        starts = scoped_node_spans(module, source, tree, [], [(node, units)])
        assert together[id(node)] == whole[id(node)], type(node).__name__
        assert alone[id(node)] == node_spans(module, [node])[id(node)], type(node).__name__
        assert starts[id(node)][:2] == alone[id(node)][:2], type(node).__name__
        assert alone[id(node)][:2] == (want.start.line, want.start.column), type(node).__name__


TAB_SOURCE = "class A:\n\tdef f(self):\n\t\tif x:\n\t\t\treturn [\n\t\t\t\t1,\n\t\t\t]\n"


def test_scoped_positions_match_libcst_for_every_node() -> None:
    check_scoped(SCOPED_SOURCE)
    check_scoped(TAB_SOURCE)
    check_scoped(SCOPED_SOURCE.replace("\n", "\r\n"))
    check_scoped(SOURCE)


def test_a_decorator_continued_on_the_next_line_is_placed_from_the_whole_module() -> None:
    # Python's parser puts this decorator on the line after its ``@``: the unit's code is not the
    # source at the line that gives, so the whole module is generated instead
    check_scoped("x = 1\n\n@\\\n  deco\ndef f():\n    return 1\n")


def test_a_finding_in_a_function_generates_only_that_function(monkeypatch) -> None:
    import ast

    from conformance import positions

    module = cst.parse_module(SCOPED_SOURCE)
    requests = [
        (node, positions.units_of(path))
        for node, path in paths_to_every_node(module)
        if isinstance(node, cst.Await)
    ]
    assert requests

    def whole_module(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole module was generated")

    monkeypatch.setattr(positions, "node_spans", whole_module)
    spans = positions.scoped_node_spans(module, SCOPED_SOURCE, ast.parse(SCOPED_SOURCE), requests)
    assert sorted(span[0] for span in spans.values()) == [46]
