"""Which project each checked path belongs to (ruff's model of configuration discovery).

Every file belongs to the closest folder above it that holds a ``conformance.toml`` or a
``pyproject.toml`` with a ``[tool.conformance]`` table, and is checked with that folder's
settings. A run over a monorepo root therefore checks ``backend/`` with ``backend/``'s
configuration, and a sub-folder with a configuration of its own is not checked as part of its
parent. A folder given on the command line that has no configuration of its own but holds
configured projects is only the sum of those projects: there is no convention to check the rest
against.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from conformance.config import find_config, project_config
from conformance.settings import DEFAULT_EXCLUDE

#: Folder names never searched for nested projects (the default excludes that are plain names).
_SKIPPED_NAMES = frozenset(name for name in DEFAULT_EXCLUDE if "/" not in name and "*" not in name)


@dataclass(frozen=True)
class PlannedProject:
    """One project of a run: its root, its configuration file (None: defaults) and the absolute
    paths to check in it."""

    root: str
    config_file: Optional[str]
    paths: Tuple[str, ...]


def nested_projects(folder: str) -> List[Tuple[str, str]]:
    """(root, config file) of every configured project strictly below ``folder``, outermost only
    (a project's own sub-projects are found when it is walked), sorted.

    Every folder is listed once and judged by its listing (a virtualenv's ``pyvenv.cfg``, a
    configuration file), so the walk costs one ``scandir`` per folder; symlinked folders are not
    followed, so no folder is reached twice."""
    found: List[Tuple[str, str]] = []

    def walk(current: str) -> None:
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name == "__pycache__" or name in _SKIPPED_NAMES:
                continue
            try:
                if not entry.is_dir(follow_symlinks=False):
                    continue
                listing = set(os.listdir(entry.path))
            except OSError:
                continue
            if "pyvenv.cfg" in listing:
                continue
            config = (
                project_config(entry.path)
                if "conformance.toml" in listing or "pyproject.toml" in listing
                else None
            )
            if config is not None:
                found.append((entry.path, config))
            else:
                walk(entry.path)

    walk(os.path.abspath(folder))
    return found


def plan(paths: Sequence[str]) -> List[PlannedProject]:
    """Group absolute ``paths`` by the project each belongs to, adding the configured projects
    found below folders; sorted by root."""
    groups: Dict[str, Tuple[Optional[str], List[str]]] = {}

    def add(root: str, config: Optional[str], path: str) -> None:
        entry = groups.setdefault(root, (config, []))
        if path not in entry[1]:
            entry[1].append(path)

    for path in paths:
        absolute = os.path.abspath(path)
        root, config = find_config(absolute)
        inner = nested_projects(absolute) if os.path.isdir(absolute) else []
        for nested_root, nested_config in inner:
            add(nested_root, nested_config, nested_root)
        if config is None and inner:
            continue  # only the configured projects below it
        add(root, config, absolute)
    return [
        PlannedProject(root, config, tuple(found))
        for root, (config, found) in sorted(groups.items())
    ]
