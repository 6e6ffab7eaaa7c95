"""``conformance hook claude-code``: a Claude Code hook command.

It reads the hook event that Claude Code writes on stdin and follows Claude Code's contract:

* ``PostToolUse`` (Edit, MultiEdit, Write): ``tool_input.file_path`` is checked with its whole
  module package and the whole project's index. Findings go to **stderr with exit 2**, which
  Claude Code hands to the model; a clean package, a file that is not Python or lies outside every
  project is **exit 0 with no output**.
* ``Stop`` / ``SubagentStop``: the whole project (of the event's ``cwd``) is checked, so that the
  agent does not finish with findings; exit 2 with them, unless ``stop_hook_active`` says Claude
  is already continuing because of a stop hook (then exit 0, so that it can never loop).
* Anything going wrong inside the hook is **exit 1 with one line** on stderr: Claude Code shows
  it to the user and goes on (a broken hook must not block the agent).
* Findings come with the project's notes, as the command line prints them: configuration
  mistakes only the tree shows (``error:``, a ``modules`` glob matching no folder) and warnings
  (overlapping role patterns, imports no source root reaches): what the check could not see.
  Notes alone change nothing: no findings is exit 0 and silence.

``--install`` adds the hook to ``.claude/settings.json`` of the current folder, merging with what
is there: other hooks, other events and other settings are kept, and an existing entry with the
same command is not added twice.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from typing import Any, Dict, List, Optional, Sequence, TextIO, Tuple

EXIT_OK = 0
EXIT_FAILURE = 1  # Claude Code: a non-blocking error, stderr shown to the user
EXIT_BLOCK = 2  # Claude Code: stderr goes to the model
EXIT_USAGE = 2  # --install problems (not run by Claude Code)

COMMAND = "conformance hook claude-code"
EDIT_TOOLS = "Edit|MultiEdit|Write"
SETTINGS = os.path.join(".claude", "settings.json")

#: Findings listed in one hook message; the rest are counted (the model needs the first ones).
MAX_LISTED = 30


def add_parser(sub: Any) -> None:
    hook = sub.add_parser("hook", help="run as a coding agent's hook (Claude Code)")
    agents = hook.add_subparsers(dest="agent", metavar="AGENT")
    agents.required = True
    claude = agents.add_parser(
        "claude-code",
        help="Claude Code hook: reads the hook event on stdin (PostToolUse, Stop)",
    )
    claude.add_argument(
        "--install",
        action="store_true",
        help="add the PostToolUse hook to .claude/settings.json (merging), and exit",
    )
    claude.add_argument(
        "--stop",
        action="store_true",
        help="with --install, also add the Stop hook (check the whole project before finishing)",
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if args.install:
        return install(os.getcwd(), stop=args.stop, stdout=stdout, stderr=stderr)
    try:
        event = json.loads(sys.stdin.read() or "null")
    except (ValueError, UnicodeDecodeError) as error:
        stderr.write(f"conformance hook: the hook input is not JSON ({error})\n")
        return EXIT_FAILURE
    if not isinstance(event, dict):
        stderr.write("conformance hook: the hook input is not a JSON object\n")
        return EXIT_FAILURE
    try:
        code, message = handle(event)
    except Exception as error:  # the contract: one line, exit 1, never a traceback
        stderr.write(f"conformance hook: internal error: {type(error).__name__}: {error}\n")
        return EXIT_FAILURE
    if message:
        stderr.write(message)
    return code


# -- the event -----------------------------------------------------------------------------


def handle(event: Dict[str, Any]) -> Tuple[int, str]:
    """(exit code, stderr text) for one hook event."""
    name = str(event.get("hook_event_name") or "")
    cwd = event.get("cwd")
    base = cwd if isinstance(cwd, str) and os.path.isdir(cwd) else os.getcwd()
    if name in ("Stop", "SubagentStop"):
        if event.get("stop_hook_active"):
            return EXIT_OK, ""
        if not _in_project(base):
            return EXIT_OK, ""
        return _report([base], base, scope="the project")
    tool_input = event.get("tool_input")
    path = tool_input.get("file_path") if isinstance(tool_input, dict) else None
    if not isinstance(path, str) or not path:
        return EXIT_OK, ""
    absolute = os.path.normpath(os.path.join(base, path))
    if not absolute.endswith(".py") or not os.path.isfile(absolute):
        return EXIT_OK, ""
    if not _in_project(absolute):
        return EXIT_OK, ""
    return _report([absolute], base, scope=_display(absolute, base))


def _in_project(path: str) -> bool:
    """Whether ``path`` belongs to a project: a configuration, a ``pyproject.toml`` or a git
    repository above it (the checker's own notion of a project root)."""
    from conformance.config import find_config

    root, config_file = find_config(path)
    if config_file is not None:
        return True
    return any(os.path.exists(os.path.join(root, marker)) for marker in ("pyproject.toml", ".git"))


def _display(path: str, base: str) -> str:
    from conformance.paths import display_path

    return display_path(path, base)


def _report(paths: List[str], base: str, scope: str) -> Tuple[int, str]:
    """Check ``paths``; (2, the findings for the model) or (0, "")."""
    from conformance.config import ConfigError
    from conformance.discovery import DiscoveryError
    from conformance.session import Session

    try:
        checked = Session().check(paths)
    except (ConfigError, DiscoveryError) as error:
        problems = getattr(error, "problems", None) or [str(error)]
        return EXIT_FAILURE, f"conformance hook: {problems[0]}\n"
    found: List[Tuple[str, Any]] = []
    notes: List[str] = []
    for part in checked:
        # as the command line: a project's notes name their project when there are several
        where = f"{_display(part.config.root, base)}: " if len(checked) > 1 else ""
        notes.extend(f"error: {where}{problem}" for problem in part.problems)
        notes.extend(f"warning: {where}{warning}" for warning in part.warnings)
        for violation in part.violations:
            found.append((_display(part.absolute(violation), base), violation))
    if not found:
        return EXIT_OK, ""
    return EXIT_BLOCK, format_findings(found, scope, notes)


def format_findings(found: Sequence[Tuple[str, Any]], scope: str, notes: Sequence[str] = ()) -> str:
    """What the model reads: one concise line per finding with its fix hint, then how to fix
    the fixable ones and where each rule is explained, then the project's notes (``error:`` and
    ``warning:`` lines: what the check could not see)."""
    from conformance.reporters.concise import single_line

    noun = "finding" if len(found) == 1 else "findings"
    where = f"the module package of {scope}" if scope != "the project" else scope
    lines = [f"conformance: {len(found)} {noun} in {where}; fix them before going on:"]
    from conformance.reporters.text import adds_to

    codes: List[str] = []
    fixable: List[str] = []
    for path, violation in found[:MAX_LISTED]:
        location = violation.location
        position = path
        if location.line is not None:
            position += f":{location.line}"
            if location.column is not None:
                position += f":{location.column}"
        marker = ""
        if violation.fix is not None and violation.fix.value == "safe":
            marker = "[*] "
            if path not in fixable:
                fixable.append(path)
        lines.append(f"{position}: {violation.code} {marker}{single_line(violation.message)}")
        if adds_to(violation.fix_hint, violation.message):
            lines.append(f"  fix: {single_line(violation.fix_hint)}")
        if violation.code not in codes:
            codes.append(violation.code)
    if len(found) > MAX_LISTED:
        lines.append(f"... and {len(found) - MAX_LISTED} more (run `conformance check`)")
    if fixable:
        targets = " ".join(_quote(path) for path in sorted(fixable))
        lines.append(f"[*] fixable: `conformance check --fix {targets}` applies those fixes.")
    explained = ", ".join(f"`conformance explain {code}`" for code in sorted(codes))
    lines.append(f"Rule documentation: {explained}.")
    lines.extend(single_line(note) for note in notes)
    return "\n".join(lines) + "\n"


def _quote(path: str) -> str:
    import shlex

    return shlex.quote(path)


# -- --install --------------------------------------------------------------------------------


def hook_entry(command: str = COMMAND) -> Dict[str, Any]:
    return {"type": "command", "command": command}


def install(folder: str, *, stop: bool, stdout: TextIO, stderr: TextIO) -> int:
    """Merge the hook(s) into ``folder/.claude/settings.json``."""
    path = os.path.join(folder, SETTINGS)
    settings: Dict[str, Any] = {}
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as handle:
                loaded = json.load(handle)
        except (OSError, ValueError) as error:
            stderr.write(f"error: {SETTINGS}: cannot read it as JSON ({error}); not changed\n")
            return EXIT_USAGE
        if not isinstance(loaded, dict):
            stderr.write(f"error: {SETTINGS}: not a JSON object; not changed\n")
            return EXIT_USAGE
        settings = loaded
    wanted: List[Tuple[str, Optional[str]]] = [("PostToolUse", EDIT_TOOLS)]
    if stop:
        wanted.append(("Stop", None))
    try:
        added = [event for event, matcher in wanted if merge(settings, event, matcher)]
    except ValueError as error:
        stderr.write(f"error: {SETTINGS}: {error}; not changed\n")
        return EXIT_USAGE
    if not added:
        stdout.write(f"{SETTINGS}: the conformance hooks are already installed\n")
        return EXIT_OK
    try:
        _write_json(path, settings)
    except OSError as error:
        stderr.write(f"error: cannot write {SETTINGS}: {error.strerror or error}\n")
        return EXIT_USAGE
    stdout.write(f"{SETTINGS}: added the conformance hook for {', '.join(added)}\n")
    return EXIT_OK


def merge(settings: Dict[str, Any], event: str, matcher: Optional[str]) -> bool:
    """Add our command under ``hooks[event]``; False when it is there already. Raises
    ValueError when the existing structure is not the one Claude Code reads."""
    hooks = settings.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise ValueError("`hooks` is not an object")
    groups = hooks.setdefault(event, [])
    if not isinstance(groups, list):
        raise ValueError(f"`hooks.{event}` is not a list")
    for group in groups:
        if not isinstance(group, dict):
            continue
        for entry in group.get("hooks") or []:
            if isinstance(entry, dict) and str(entry.get("command", "")).strip() == COMMAND:
                return False
    group_entry: Dict[str, Any] = {}
    if matcher is not None:
        group_entry["matcher"] = matcher
    group_entry["hooks"] = [hook_entry()]
    groups.append(group_entry)
    return True


def _write_json(path: str, data: Dict[str, Any]) -> None:
    """Atomically: a half-written settings file would break every hook of the project."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".settings.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, ensure_ascii=False)
            out.write("\n")
        if os.path.exists(path):
            os.chmod(temporary, os.stat(path).st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
