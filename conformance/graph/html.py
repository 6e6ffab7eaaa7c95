"""``--format html``: one self-contained page. The drawing is computed here (``layout.py``) and
written as inline SVG; the page's script (``page.js``, shipped in the package and inlined) adds
zoom, pan and the findings panel. Nothing is loaded from the network."""

from __future__ import annotations

import json
from html import escape
from importlib import resources
from typing import Dict, List, Tuple

from conformance.graph.layout import Drawing, layout
from conformance.graph.model import LAYERS_VIEW, Edge, Graph, Node
from conformance.graph.render import as_json, edge_lines, node_caption


def _asset(name: str) -> str:
    return resources.files("conformance.graph").joinpath(name).read_text(encoding="utf-8")


def _classes(node: Node) -> str:
    out = ["node"]
    if node.findings:
        out.append("findings")
    if node.in_cycle:
        out.append("cycle")
    return " ".join(out)


def _edge_classes(edge: Edge) -> str:
    out = ["edge"]
    if edge.violations:
        out.append("violation")
    elif edge.in_cycle:
        out.append("cycle")
    if all(kind == "type-only" for kind, _ in edge.kinds):
        out.append("type-only")
    return " ".join(out)


def _svg(graph: Graph, drawing: Drawing, labels: Dict[str, Tuple[str, str]]) -> str:
    out: List[str] = [
        f'<svg id="graph" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {drawing.width:.0f} {drawing.height:.0f}" '
        f'data-width="{drawing.width:.0f}" data-height="{drawing.height:.0f}">',
        "<defs>",
    ]
    for name in ("plain", "violation", "cycle"):
        out.append(
            f'<marker id="arrow-{name}" class="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5"'
            ' markerWidth="11" markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
            '<path d="M0,0 L10,5 L0,10 z"/></marker>'
        )
    out.append("</defs>")
    out.append('<g id="viewport">')
    # violating edges last: drawn over the others
    drawn = sorted(range(len(graph.edges)), key=lambda n: bool(graph.edges[n].violations))
    for number in drawn:
        edge, route = graph.edges[number], drawing.routes[number]
        marker = "violation" if edge.violations else "cycle" if edge.in_cycle else "plain"
        lines = edge_lines(edge)
        title = escape(f"{edge.source} -> {edge.target}: " + "; ".join(lines))
        out.append(
            f'<g class="{_edge_classes(edge)}" data-edge="{number}" '
            f'data-source="{escape(edge.source)}" data-target="{escape(edge.target)}">'
            f"<title>{title}</title>"
            f'<path d="{route.path}" marker-end="url(#arrow-{marker})"/>'
        )
        top = route.label_y - (len(lines) - 1) * 7 + 4
        out.append(f'<text x="{route.label_x:.1f}" y="{top:.1f}">')
        for i, line in enumerate(lines):
            dy = "0" if i == 0 else "14"
            out.append(f'<tspan x="{route.label_x:.1f}" dy="{dy}">{escape(line)}</tspan>')
        out.append("</text></g>")
    for node, box in zip(graph.nodes, drawing.boxes):
        label, caption = labels[node.id]
        left, top = box.x - box.width / 2, box.y - box.height / 2
        out.append(
            f'<g class="{_classes(node)}" data-node="{escape(node.id)}" tabindex="0">'
            f"<title>{escape(node.id)}</title>"
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{box.width:.1f}" '
            f'height="{box.height:.1f}" rx="8"/>'
        )
        if caption:
            out.append(
                f'<text class="label" x="{box.x:.1f}" y="{box.y - 4:.1f}">{escape(label)}</text>'
                f'<text class="caption" x="{box.x:.1f}" y="{box.y + 13:.1f}">'
                f"{escape(caption)}</text>"
            )
        else:
            out.append(
                f'<text class="label" x="{box.x:.1f}" y="{box.y + 5:.1f}">{escape(label)}</text>'
            )
        out.append("</g>")
    out.append("</g></svg>")
    return "\n".join(out)


def _summary(graph: Graph) -> str:
    nodes = len(graph.nodes)
    noun = "role" if graph.view == LAYERS_VIEW else "module"
    violating = sum(1 for e in graph.edges if e.violations)
    parts = [
        f"{nodes} {noun}{'' if nodes == 1 else 's'}",
        f"{len(graph.edges)} edge{'' if len(graph.edges) == 1 else 's'}",
        f"{violating} violating",
        f"{len(graph.cycles)} cycle{'' if len(graph.cycles) == 1 else 's'}",
    ]
    return ", ".join(parts)


def page(graph: Graph) -> str:
    """The whole HTML document."""
    labels = {n.id: (n.label, node_caption(n)) for n in graph.nodes}
    lines = [edge_lines(edge) for edge in graph.edges]
    drawing = layout(graph, labels, lines, horizontal=graph.view != LAYERS_VIEW)
    title = "conformance graph: " + ("layers" if graph.view == LAYERS_VIEW else "modules")
    if graph.focus:
        title += f" of {graph.focus}"
    data = json.dumps(as_json(graph), sort_keys=True).replace("</", "<\\/")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>\n{_asset('page.css')}</style>\n"
        "</head><body>\n"
        "<header><h1>" + escape(title) + "</h1>"
        f'<p id="summary">{escape(_summary(graph))}</p>'
        '<nav><button type="button" id="zoom-in" title="zoom in">+</button>'
        '<button type="button" id="zoom-out" title="zoom out">&#8722;</button>'
        '<button type="button" id="zoom-fit" title="fit to the window">fit</button></nav>'
        '<ul id="legend"><li class="violation">layering violation</li>'
        '<li class="cycle">import cycle</li><li class="findings">with findings</li>'
        '<li class="type-only">type-only import</li></ul>'
        "</header>\n"
        f'<main><div id="canvas">{_svg(graph, drawing, labels)}</div>\n'
        '<aside id="panel"><h2 id="panel-title">Findings</h2>'
        '<p id="panel-hint">Click a node to list its findings, an edge for its violations.</p>'
        '<ul id="panel-list"></ul></aside></main>\n'
        f'<script type="application/json" id="graph-data">{data}</script>\n'
        f"<script>\n{_asset('page.js')}</script>\n"
        "</body></html>\n"
    )
