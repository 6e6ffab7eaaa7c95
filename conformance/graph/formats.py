"""The output formats of ``conformance graph`` and the one function that renders any of them."""

from __future__ import annotations

import json

from conformance.graph.model import Graph

FORMATS = ("mermaid", "dot", "json", "html")


def render(graph: Graph, fmt: str) -> str:
    from conformance.graph import html
    from conformance.graph import render as text

    if fmt == "mermaid":
        return text.mermaid(graph)
    if fmt == "dot":
        return text.dot(graph)
    if fmt == "json":
        return json.dumps(text.as_json(graph), indent=2) + "\n"
    if fmt == "html":
        return html.page(graph)
    raise ValueError(fmt)
