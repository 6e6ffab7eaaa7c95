"""Text renderings of a graph: Mermaid (GitHub Markdown, PR comments), DOT (Graphviz) and JSON
(the schema is ``docs/graph-schema.json``). The HTML page is ``html.py``; ``formats.py`` picks
one."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Set

from conformance.graph.model import LAYERS_VIEW, Edge, Graph, Node

#: Version of the JSON document's schema (not of the tool).
JSON_VERSION = 1

VIOLATION_COLOR = "#d32f2f"
CYCLE_COLOR = "#ef6c00"
FINDINGS_COLOR = "#b45309"


def node_caption(node: Node) -> str:
    """The second line of a node's label: how many findings its files have."""
    count = len(node.findings)
    if not count:
        return ""
    return f"{count} finding" + ("" if count == 1 else "s")


def edge_lines(edge: Edge) -> List[str]:
    """An edge's label as lines: the kinds with counts, then each violation
    (``CNF204 orders -> users.repository``) once."""
    lines = [", ".join(f"{kind} {count}" for kind, count in edge.kinds)]
    seen: List[str] = []
    for violation in edge.violations:
        if violation.label not in seen:
            seen.append(violation.label)
    return lines + seen


# -- Mermaid -------------------------------------------------------------------------------


def _mermaid_ids(graph: Graph) -> Dict[str, str]:
    ids: Dict[str, str] = {}
    used: Set[str] = set()
    for node in graph.nodes:
        base = "n_" + re.sub(r"\W", "_", node.id)
        candidate, suffix = base, 2
        while candidate in used:
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        used.add(candidate)
        ids[node.id] = candidate
    return ids


def _mermaid_text(text: str) -> str:
    return (
        text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )


def mermaid(graph: Graph) -> str:
    ids = _mermaid_ids(graph)
    direction = "TB" if graph.view == LAYERS_VIEW else "LR"
    out = [f"flowchart {direction}"]
    for node in graph.nodes:
        label = _mermaid_text(node.label)
        caption = node_caption(node)
        if caption:
            label += "<br/>" + _mermaid_text(caption)
        out.append(f'    {ids[node.id]}["{label}"]')
    styles: List[str] = []
    for number, edge in enumerate(graph.edges):
        label = "<br/>".join(_mermaid_text(line) for line in edge_lines(edge))
        arrow = "-.->" if all(kind == "type-only" for kind, _ in edge.kinds) else "-->"
        out.append(f'    {ids[edge.source]} {arrow}|"{label}"| {ids[edge.target]}')
        if edge.violations:
            styles.append(f"    linkStyle {number} stroke:{VIOLATION_COLOR},stroke-width:3px")
        elif edge.in_cycle:
            styles.append(f"    linkStyle {number} stroke:{CYCLE_COLOR},stroke-width:2px")
    out.extend(styles)
    with_findings = [ids[n.id] for n in graph.nodes if n.findings and not n.in_cycle]
    on_cycle = [ids[n.id] for n in graph.nodes if n.in_cycle]
    if with_findings:
        out.append(f"    classDef findings stroke:{FINDINGS_COLOR},stroke-width:2px")
        out.append(f"    class {','.join(with_findings)} findings")
    if on_cycle:
        out.append(f"    classDef cycle fill:#fff3e0,stroke:{CYCLE_COLOR},stroke-width:2px")
        out.append(f"    class {','.join(on_cycle)} cycle")
    return "\n".join(out) + "\n"


# -- DOT -----------------------------------------------------------------------------------


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_attrs(attrs: Dict[str, str]) -> str:
    return "[" + ", ".join(f"{key}={_dot_string(value)}" for key, value in attrs.items()) + "]"


def dot(graph: Graph) -> str:
    rankdir = "TB" if graph.view == LAYERS_VIEW else "LR"
    title = "layers" if graph.view == LAYERS_VIEW else "modules"
    if graph.focus:
        title += f" of {graph.focus}"
    out = [
        "digraph conformance {",
        f"    graph {_dot_attrs({'rankdir': rankdir, 'label': title, 'fontname': 'Helvetica'})};",
        '    node [shape=box, style="rounded,filled", fillcolor="#f8fafc", fontname=Helvetica];',
        "    edge [fontname=Helvetica, fontsize=10];",
    ]
    for node in graph.nodes:
        attrs = {"label": "\n".join(filter(None, (node.label, node_caption(node))))}
        if node.in_cycle:
            attrs.update(color=CYCLE_COLOR, fillcolor="#fff3e0", penwidth="2", **{"class": "cycle"})
        elif node.findings:
            attrs.update(color=FINDINGS_COLOR, penwidth="2", **{"class": "findings"})
        out.append(f"    {_dot_string(node.id)} {_dot_attrs(attrs)};")
    for edge in graph.edges:
        attrs = {"label": "\n".join(edge_lines(edge))}
        if edge.violations:
            attrs.update(
                color=VIOLATION_COLOR,
                fontcolor=VIOLATION_COLOR,
                penwidth="2",
                **{"class": "violation"},
            )
        elif edge.in_cycle:
            attrs.update(color=CYCLE_COLOR, penwidth="2", **{"class": "cycle"})
        if all(kind == "type-only" for kind, _ in edge.kinds):
            attrs["style"] = "dashed"
        out.append(
            f"    {_dot_string(edge.source)} -> {_dot_string(edge.target)} {_dot_attrs(attrs)};"
        )
    out.append("}")
    return "\n".join(out) + "\n"


# -- JSON ----------------------------------------------------------------------------------


def _finding_json(finding: Any) -> Dict[str, Any]:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "code": finding.code,
        "message": finding.message,
    }


def as_json(graph: Graph) -> Dict[str, Any]:
    """The document of ``--format json`` (and the data of the HTML page)."""
    return {
        "version": JSON_VERSION,
        "view": graph.view,
        "focus": graph.focus,
        "nodes": [
            {
                "id": node.id,
                "label": node.label,
                "module": node.module,
                "role": node.role,
                "path": node.path,
                "in_cycle": node.in_cycle,
                "findings": [_finding_json(f) for f in node.findings],
            }
            for node in graph.nodes
        ],
        "edges": [
            {
                "source": edge.source,
                "target": edge.target,
                "kinds": dict(edge.kinds),
                "count": edge.count,
                "in_cycle": edge.in_cycle,
                "violations": [
                    dict(
                        {"code": v.code, "source": v.source, "target": v.target},
                        **{k: val for k, val in _finding_json(v.finding).items() if k != "code"},
                    )
                    for v in edge.violations
                ],
            }
            for edge in graph.edges
        ],
        "cycles": [list(cycle) for cycle in graph.cycles],
    }
