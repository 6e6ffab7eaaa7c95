"""``conformance mcp``: a Model Context Protocol server over stdio (the official ``mcp`` SDK).

Tools: ``check`` (paths -> findings with their fixes as edits), ``explain`` (a rule's docs, or a
family's list), ``fix`` (the diff, or the files written) and ``rules``. Paths are resolved
against the server's working folder (the client's), and findings' paths are relative to it.
stdout is the protocol channel: nothing else may ever be printed there.

The SDK needs Python >= 3.10 (the ``mcp`` extra installs nothing below); on 3.9 the command
says so and exits 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, TextIO, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

EXIT_ERROR = 2

INSTRUCTIONS = (
    "module-conformance checks FastAPI feature-module backends (structure, layering, FastAPI"
    " dependency injection, Pydantic v2, SQLAlchemy 2.0 async). Call `check` after editing"
    " Python files; findings with a `fix` carry `edits` to apply, or call `fix`; `explain` gives"
    " a rule's documentation."
)


def add_parser(sub: Any) -> None:
    sub.add_parser(
        "mcp", help="Model Context Protocol server over stdio (tools check, explain, fix, rules)"
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if sys.version_info < (3, 10):
        stderr.write("error: `conformance mcp` needs Python >= 3.10 (the mcp SDK does)\n")
        return EXIT_ERROR
    try:
        server = build_server()
    except ImportError:
        stderr.write(
            "error: `conformance mcp` needs the mcp SDK: pip install 'module-conformance[mcp]'\n"
        )
        return EXIT_ERROR
    server.run()
    return 0


def build_server() -> Any:
    import functools
    import importlib

    server_class: Any
    tool_error: Any
    try:
        server_class = importlib.import_module("mcp.server.mcpserver").MCPServer
        tool_error = importlib.import_module("mcp.server.mcpserver.exceptions").ToolError
    except ImportError:  # mcp 1.x
        server_class = importlib.import_module("mcp.server.fastmcp").FastMCP
        tool_error = importlib.import_module("mcp.server.fastmcp.exceptions").ToolError
    server = server_class("module-conformance", instructions=INSTRUCTIONS)

    def tool(function: F) -> F:
        """Register ``function``; a :class:`ToolFailure` reaches the client as the SDK's tool
        error with its message (other exceptions the SDK reports without details)."""

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except ToolFailure as failure:
                raise tool_error(str(failure)) from None

        server.tool()(wrapper)
        return function

    @tool
    def check(paths: Optional[List[str]] = None) -> Dict[str, Any]:
        """Check files or folders (default: the working folder) with the whole project's index.
        Returns the findings (path, line, column, code, message, fix hint, and for fixable ones
        `fix.edits`: 1-based text edits that reproduce what `fix` would write), a summary,
        `problems` (configuration mistakes only the tree shows: a `modules` glob matching no
        folder, a role matching no file) and `warnings` (what the check cannot see: overlapping
        role patterns, imports no source root reaches, no module package)."""
        return check_tool(paths or ["."])

    @tool
    def explain(rule: str) -> str:
        """The documentation of a rule, by code (CNF301) or name; a code prefix (CNF2) lists that
        family's rules."""
        return explain_tool(rule)

    @tool
    def fix(
        paths: Optional[List[str]] = None, unsafe: bool = False, dry_run: bool = True
    ) -> Dict[str, Any]:
        """Apply the automatic fixes to files or folders (default: the working folder): safe ones,
        and unsafe ones with `unsafe`. With `dry_run` (the default) nothing is written and the
        unified diff is returned; otherwise the files are written atomically."""
        return fix_tool(paths or ["."], unsafe=unsafe, dry_run=dry_run)

    @tool
    def rules() -> Dict[str, Any]:
        """Every rule: code, name, summary, whether it is on by default, its fix, its page."""
        return {"rules": rules_tool()}

    return server


# -- the tools, plain functions (the server above only wraps them) ---------------------------


class ToolFailure(ValueError):
    """A one-line problem the client sees as a tool error."""


def _existing(paths: Sequence[str]) -> List[str]:
    absolute = [os.path.abspath(p) for p in paths]
    for given, path in zip(paths, absolute):
        if not os.path.exists(path):
            raise ToolFailure(f"{given}: no such file or folder")
    return absolute


def check_tool(paths: Sequence[str]) -> Dict[str, Any]:
    from conformance.config import ConfigError
    from conformance.discovery import DiscoveryError
    from conformance.paths import display_path, rebase
    from conformance.reporters import ReportContext
    from conformance.reporters.json import finding
    from conformance.session import Session
    from conformance.version import __version__

    try:
        checked = Session().check(_existing(paths), fixes=True)
    except ConfigError as error:
        raise ToolFailure("; ".join(error.problems)) from None
    except DiscoveryError as error:
        raise ToolFailure(str(error)) from None
    cwd = os.getcwd()

    def where(root: str) -> str:  # as the command line: a project's notes name their project
        return f"{display_path(root, cwd)}: " if len(checked) > 1 else ""

    # Configuration mistakes only the tree shows: the command line exits 2 with them; an agent
    # gets the findings all the same, with the mistakes to correct (a configuration that cannot
    # be read at all is a tool error, above).
    problems = [where(part.config.root) + text for part in checked for text in part.problems]
    warnings = [where(part.config.root) + text for part in checked for text in part.warnings]
    findings: List[Dict[str, Any]] = []
    files = 0
    for part in checked:
        files += part.result.files_checked
        moved = rebase(part.violations, part.config.root, cwd)
        fixes = {
            new: part.fixes[old] for old, new in zip(part.violations, moved) if old in part.fixes
        }
        context = ReportContext(tool_version=__version__, rules=_rule_infos(), fixes=fixes)
        findings.extend(finding(v, context) for v in moved)
    findings.sort(key=lambda f: (f["path"], f["line"] or 0, f["column"] or 0, f["code"]))
    return {
        "summary": {
            "findings": len(findings),
            "files_checked": files,
            "fixable": sum(1 for f in findings if f["fix"] and f["fix"]["applicability"] == "safe"),
        },
        "findings": findings,
        "problems": problems,
        "warnings": warnings,
    }


def _rule_infos() -> Mapping[str, Any]:
    from conformance.docs import RuleInfos

    return RuleInfos()


def explain_tool(rule: str) -> str:
    from conformance.docs import explain, explain_family, family
    from conformance.rules import lookup

    try:
        return explain(lookup(rule))
    except KeyError:
        members = family(rule)
        if not members:
            raise ToolFailure(f"unknown rule '{rule}' (call `rules` for the list)") from None
        return explain_family(rule, members)


def fix_tool(paths: Sequence[str], *, unsafe: bool, dry_run: bool) -> Dict[str, Any]:
    from dataclasses import replace

    from conformance.baseline import BaselineError
    from conformance.config import ConfigError
    from conformance.discovery import DiscoveryError
    from conformance.engine import RunOptions
    from conformance.fixes import fix_paths
    from conformance.paths import display_path
    from conformance.projects import plan
    from conformance.session import Session

    session = Session()
    cwd = os.getcwd()
    diffs: List[str] = []
    files: List[str] = []
    problems: List[str] = []
    fixed = 0
    try:
        for project in plan(_existing(paths)):
            config = session.config(project.root, project.config_file)
            options = RunOptions(cache_dir=session.cache_dir(config))
            outcome = fix_paths(
                config, list(project.paths), options, unsafe=unsafe, write=not dry_run
            )
            for change in outcome.changes:
                shown = display_path(os.path.join(config.root, change.path), cwd)
                diffs.append(replace(change, path=shown).diff())
                if dry_run or change.path in outcome.written:
                    files.append(shown)
            problems.extend(outcome.problems)
            fixed += outcome.fixed
    except ConfigError as error:
        raise ToolFailure("; ".join(error.problems)) from None
    except (DiscoveryError, BaselineError) as error:
        raise ToolFailure(str(error)) from None
    return {
        "applied": not dry_run,
        "fixed": fixed,
        "files": files,
        "diff": "".join(diffs),
        "problems": problems,
    }


def rules_tool() -> List[Dict[str, Any]]:
    from conformance.docs import rule_json

    out: List[Dict[str, Any]] = []
    from conformance.rules import all_rules

    for rule in all_rules():
        entry = dict(rule_json(rule))
        entry.pop("docs", None)  # `explain` gives them; the list stays small for a model
        out.append(entry)
    return out
