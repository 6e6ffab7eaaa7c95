"""The engine for a long-lived process (a language server, a watch loop): one project, its index
and every file's outcome kept in memory, so a check after an edit costs what the edit changed.

    workspace = Workspace(config)
    workspace.check()                                  # the whole project, as `conformance check`
    workspace.set_source("cpv3/modules/users/service.py", text)   # an unsaved editor buffer
    workspace.findings("cpv3/modules/users/service.py")           # re-checks what changed

Unsaved texts (``set_source``) take the place of the files on disk until ``set_source(path,
None)``. Files on disk are read again on every check, by ``stat`` first: a file edited outside the
editor, created or deleted is seen on the next check. Findings are the same as `conformance check`
reports for the same contents (baseline and suppressions included).
"""

from __future__ import annotations

import os
from typing import Dict, List, Optional

from conformance.diagnostics import Violation
from conformance.engine import EngineState, RunOptions, RunResult, run
from conformance.settings import Config


class Workspace:
    """One project checked again and again. Not thread-safe: one check at a time."""

    def __init__(self, config: Config, *, jobs: int = 1, cache_dir: Optional[str] = None) -> None:
        self.config = config
        self.jobs = jobs
        self.cache_dir = cache_dir  # file results shared with command-line runs, optional
        self._sources: Dict[str, bytes] = {}
        self._state = EngineState()
        self._last: Optional[RunResult] = None

    def relative(self, path: str) -> str:
        """``path`` (absolute, or relative to the project root) as the project-relative POSIX path
        findings carry."""
        if os.path.isabs(path):
            path = os.path.relpath(path, self.config.root)
        return path.replace(os.sep, "/")

    def set_source(self, path: str, text: Optional[str]) -> None:
        """Check ``text`` instead of the file on disk (None: the file on disk again)."""
        rel = self.relative(path)
        if text is None:
            self._sources.pop(rel, None)
        else:
            self._sources[rel] = text.encode("utf-8")
        self._last = None

    def check(self) -> RunResult:
        """Check the whole project now (only what changed since the last check is decided again)."""
        options = RunOptions(
            jobs=self.jobs,
            cache_dir=self.cache_dir,
            sources=dict(self._sources) if self._sources else None,
            state=self._state,
        )
        self._last = run(self.config, [self.config.root], options)
        return self._last

    def findings(self, path: Optional[str] = None) -> List[Violation]:
        """The findings of one file (or of the whole project), checked now."""
        result = self.check()
        if path is None:
            return list(result.violations)
        rel = self.relative(path)
        return [v for v in result.violations if v.path == rel]
