"""Subcommands that live in modules of their own, so that ``cli.py`` only registers them.

Each command module has ``add_parser(subparsers)`` and ``run(args, stdout, stderr) -> int``; its
heavy or optional imports happen inside ``run`` so that ``conformance check`` never pays for them.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any, Dict, TextIO


class _Command:
    """A lazily imported command module, by name."""

    def __init__(self, name: str, module: str) -> None:
        self.name = name
        self.module = module

    def _load(self) -> Any:
        return importlib.import_module(self.module)

    def add_parser(self, sub: Any) -> None:
        self._load().add_parser(sub)

    def run(self, args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
        result: int = self._load().run(args, stdout, stderr)
        return result


COMMANDS: Dict[str, _Command] = {
    "hook": _Command("hook", "conformance.commands.hook"),
    "mcp": _Command("mcp", "conformance.commands.mcp"),
    "graph": _Command("graph", "conformance.graph.command"),
    "new": _Command("new", "conformance.scaffold.command"),
    "server": _Command("server", "conformance.commands.server"),
    "init": _Command("init", "conformance.init"),
}
