"""One checker run over the whole project, kept for the commands that look at its shape rather than
print its findings (``graph``, ``new``): the layout, every file's facts, the project index and
the findings, from the same (cached) run as ``check``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

from conformance.diagnostics import Violation
from conformance.facts import FileFacts
from conformance.index import ProjectIndex
from conformance.model import Layout
from conformance.settings import Config


class SnapshotError(Exception):
    """A run that cannot start: one line per problem (missing path, broken configuration)."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems: Tuple[str, ...] = tuple(problems)


@dataclass(frozen=True)
class Snapshot:
    config: Config
    layout: Layout  # the whole project
    facts: Dict[str, FileFacts]  # path -> facts of every file that parsed
    index: ProjectIndex
    violations: Tuple[Violation, ...]


def load_config(paths: Sequence[str], config_file: Optional[str]) -> Config:
    """The configuration ``check`` would use for ``paths``. Raises SnapshotError."""
    from conformance.config import ConfigError, find_config
    from conformance.config import load_config as read
    from conformance.discovery import with_found_source_roots

    def load(root: str, found: Optional[str]) -> Config:
        return with_found_source_roots(read(root, found))

    for path in paths:
        if not os.path.exists(path):
            raise SnapshotError([f"{path}: no such file or folder"])
    if config_file is not None and not os.path.isfile(config_file):
        raise SnapshotError([f"--config {config_file}: no such file"])
    try:
        if config_file is not None:
            absolute = os.path.abspath(config_file)
            return load(os.path.dirname(absolute), absolute)
        root, found = find_config(paths[0] if paths else ".")
        return load(root, found)
    except ConfigError as error:
        raise SnapshotError(error.problems) from None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined,unused-ignore]
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def take(config: Config, *, jobs: Optional[int] = None, cache: bool = True) -> Snapshot:
    """Run the checker on the whole project. Raises SnapshotError."""
    from conformance.baseline import BaselineError
    from conformance.discovery import DiscoveryError
    from conformance.engine import RunOptions, build_index, project_packages, run

    cache_dir: Optional[str] = None
    if cache:
        cache_dir = os.environ.get("CONFORMANCE_CACHE_DIR") or os.path.join(
            config.root, ".conformance_cache"
        )
    options = RunOptions(jobs=max(1, jobs) if jobs else default_jobs(), cache_dir=cache_dir)
    try:
        result = run(config, [config.root], options)
    except (DiscoveryError, BaselineError) as error:
        raise SnapshotError([str(error)]) from None
    results = dict(result.results)
    facts: Dict[str, FileFacts] = {}
    for path, file_result in results.items():
        found = getattr(file_result, "facts", None)
        if isinstance(found, FileFacts):
            facts[path] = found
    index = build_index(config, result.layout, results, project_packages(result.layout))
    return Snapshot(config, result.layout, facts, index, tuple(result.violations))
