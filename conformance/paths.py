"""Where printed paths are relative to.

The engine works with paths relative to the project root (the folder of the configuration). What
a user sees is relative to something else: the working directory for the formats read by people,
editors and agents (text, concise, json, github, junit; as ruff does), the repository root for the
formats CI services map onto the repository (SARIF, GitLab Code Quality), so that a run from a
sub-folder or from a monorepo root still points at files that exist.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Iterable, List, Optional

from conformance.diagnostics import Violation

#: Formats whose paths are relative to the repository root instead of the working directory.
REPOSITORY_FORMATS = frozenset({"sarif", "gitlab"})


def repository_root(start: str) -> Optional[str]:
    """The top level of the git work tree holding ``start`` (a ``.git`` folder, or a ``.git``
    file in a linked worktree or submodule), found without running git; None outside one."""
    current = os.path.abspath(start)
    if not os.path.isdir(current):
        current = os.path.dirname(current)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def report_base(fmt: str, project_root: str, cwd: str) -> str:
    """The absolute folder the paths of format ``fmt`` are relative to."""
    if fmt in REPOSITORY_FORMATS:
        return repository_root(project_root) or os.path.abspath(project_root)
    return os.path.abspath(cwd)


def display_path(path: str, base: str) -> str:
    """POSIX path of the absolute ``path`` relative to ``base`` (``..`` segments when it lies
    outside; the absolute path when there is no relative one, another drive on Windows)."""
    try:
        rel = os.path.relpath(path, base)
    except ValueError:
        return path.replace(os.sep, "/")
    return rel.replace(os.sep, "/")


def rebase(violations: Iterable[Violation], root: str, base: str) -> List[Violation]:
    """Findings whose paths (relative to the project ``root``) are made relative to ``base``."""
    root = os.path.abspath(root)
    base = os.path.abspath(base)
    if root == base:
        return list(violations)
    out: List[Violation] = []
    for violation in violations:
        absolute = os.path.join(root, *violation.path.split("/"))
        out.append(replace(violation, path=display_path(absolute, base)))
    return out
