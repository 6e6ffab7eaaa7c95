"""``conformance graph [PATH ...]``: run the checker, then draw the module packages (or the roles,
``--layers``) with the imports between them and the layering findings on them.

Exit codes: 0 the graph was written; 2 usage or configuration error (one line on stderr).
"""

from __future__ import annotations

import argparse
import difflib
import os
from typing import Any, List, Optional, Sequence, TextIO, Tuple

from conformance.graph.formats import FORMATS

EXIT_OK = 0
EXIT_ERROR = 2


def add_parser(sub: Any) -> None:
    """Register ``graph`` on the ``conformance`` subcommand parsers."""
    parser = sub.add_parser(
        "graph",
        help="draw the module packages (or layers) with their imports and layering findings",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="folders to draw (default: .)")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="mermaid",
        help="mermaid (default), dot (Graphviz), json, or html (one self-contained page)",
    )
    parser.add_argument("--output-file", metavar="FILE", help="write the graph to FILE")
    parser.add_argument(
        "--module", metavar="NAME", help="only this module package and its neighbours"
    )
    parser.add_argument(
        "--violations-only",
        action="store_true",
        help="only the edges that break a layering rule (and the nodes with layering findings)",
    )
    parser.add_argument(
        "--layers",
        action="store_true",
        help="one node per role (router -> service -> repository -> models), across all modules"
        " or inside --module",
    )
    parser.add_argument(
        "--config", metavar="FILE", help="pyproject.toml or conformance.toml to use"
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument(
        "--jobs", "-j", type=int, metavar="N", help="worker processes (default: the cores)"
    )


def drawn_modules(
    root: str, paths: Sequence[str], packages: Sequence[Any]
) -> Optional[Tuple[str, ...]]:
    """Names of the module packages under ``paths`` (None: the whole project)."""
    chosen: List[str] = []
    for path in paths:
        rel = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
        if rel in (".", "") or os.path.basename(path) in ("pyproject.toml", "conformance.toml"):
            return None
        for package in packages:
            folder = package.path
            if folder == rel or folder.startswith(rel + "/") or rel.startswith(folder + "/"):
                chosen.append(package.name)
    return tuple(sorted(set(chosen)))


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from conformance.graph.build import Options, build
    from conformance.graph.formats import render
    from conformance.snapshot import SnapshotError, load_config, take

    paths = args.paths or ["."]
    try:
        config = load_config(paths, args.config)
        snapshot = take(config, jobs=args.jobs, cache=not args.no_cache)
    except SnapshotError as error:
        for problem in error.problems:
            stderr.write(f"error: {problem}\n")
        return EXIT_ERROR
    layout = snapshot.layout
    names = sorted({p.name for p in layout.packages})
    if not names:
        tried = ", ".join(config.modules)
        stderr.write(
            f"error: no module package matched {tried} (set `modules` in [tool.conformance])\n"
        )
        return EXIT_ERROR
    if args.module is not None and args.module not in names:
        close = difflib.get_close_matches(args.module, names, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        stderr.write(f"error: --module {args.module}: no module package of that name{hint}\n")
        return EXIT_ERROR

    options = Options(
        layers=args.layers,
        module=args.module,
        violations_only=args.violations_only,
        modules=drawn_modules(config.root, paths, layout.packages),
    )
    graph = build(config, layout, snapshot.facts, snapshot.index, snapshot.violations, options)
    text = render(graph, args.format)
    if args.output_file:
        try:
            with open(args.output_file, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except OSError as error:
            stderr.write(f"error: --output-file {args.output_file}: {error.strerror}\n")
            return EXIT_ERROR
    else:
        stdout.write(text)
    return EXIT_OK
