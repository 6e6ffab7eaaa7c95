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
