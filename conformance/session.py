"""Checking for long-lived callers (the language server, the MCP server, the Claude Code hook):
files with overridden, unsaved text, configurations found per file and kept between checks.

This is the one place these callers reach the engine, so that moving them to the incremental
engine's in-memory API changes this module only. Today each check is a :func:`engine.run` with
``RunOptions.sources`` (the per-file content-hash cache makes an unchanged file cost a lookup).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from conformance.diagnostics import FindingFix, Violation
from conformance.engine import EngineState, RunOptions, RunResult, run
from conformance.fix_edits import finding_fixes
from conformance.model import Layout
from conformance.project_notes import layout_problems, layout_warnings
from conformance.settings import Config


@dataclass
class Checked:
    """One project's part of a check. ``violations`` have paths relative to ``config.root``."""

    config: Config
    result: RunResult
    fixes: Dict[Violation, FindingFix] = field(default_factory=dict)
    # What the command line says besides the findings (conformance/project_notes.py): the
    # configuration mistakes only the tree shows (it exits 2 with them), and what the check
    # cannot see (overlapping role patterns, unreached imports, no module package).
    problems: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)

    @property
    def violations(self) -> List[Violation]:
        return self.result.violations

    def absolute(self, violation: Violation) -> str:
        return os.path.join(self.config.root, *violation.path.split("/"))


class Session:
    """Configurations by project root, loaded once (``reload()`` after a configuration file
    changed), and checks of paths with unsaved text."""

    def __init__(self, *, cache: bool = True, jobs: int = 1, incremental: bool = False) -> None:
        self.cache = cache
        self.jobs = jobs
        # Long-lived callers (the language server) keep the engine's state per project between
        # checks, so that a check after an edit decides again only what the edit changed; they
        # then check the whole project each time (the state is the whole project's).
        self.incremental = incremental
        self._configs: Dict[Tuple[str, Optional[str]], Config] = {}
        self._states: Dict[str, EngineState] = {}
        # project root -> (configuration, layout, problems, warnings) of the last check: the
        # notes read every file's path, a check after an edit mostly has the same tree
        self._notes: Dict[str, Tuple[Config, Optional[Layout], List[str], List[str]]] = {}

    def reload(self) -> None:
        self._configs.clear()
        self._states.clear()
        self._notes.clear()

    def config(self, root: str, config_file: Optional[str]) -> Config:
        """The configuration of a project (raises ``ConfigError``)."""
        return self._load(root, config_file)[0]

    def _load(self, root: str, config_file: Optional[str]) -> Tuple[Config, Optional[Layout]]:
        """The configuration of a project, and the whole project's layout when the configuration
        was loaded (and the tree discovered) just now: a layout is reused by the check that
        follows the load only, never by a later one (files come and go between checks)."""
        from conformance.cache import Cache
        from conformance.config import load_config
        from conformance.discovery import config_and_layout

        key = (root, config_file)
        if key in self._configs:
            return self._configs[key], None
        config = load_config(root, config_file)
        # (the checks that follow discover the tree again, from the snapshot this one keeps)
        cache_dir = self.cache_dir(config)
        store = Cache(cache_dir) if cache_dir is not None else None
        try:
            config, layout = config_and_layout(config, store)
        finally:
            if store is not None:
                store.close()
        self._configs[key] = config
        return config, layout

    def project_of(self, path: str) -> Config:
        from conformance.config import find_config

        return self.config(*find_config(os.path.abspath(path)))

    def cache_dir(self, config: Config) -> Optional[str]:
        return self._cache_dir_of(config.root)

    def _cache_dir_of(self, root: str) -> Optional[str]:
        if not self.cache:
            return None
        return os.environ.get("CONFORMANCE_CACHE_DIR") or os.path.join(root, ".conformance_cache")

    def check(
        self,
        paths: Sequence[str],
        overrides: Optional[Mapping[str, bytes]] = None,
        *,
        fixes: bool = False,
        fixes_for: Optional[Sequence[str]] = None,
    ) -> List[Checked]:
        """Check ``paths`` (absolute, or relative to the cwd), each with its project's
        configuration and the whole project's index. ``overrides`` maps absolute file paths to
        the text to check instead of the file on disk (files that exist on disk only). With
        ``fixes``, every fixable finding's edits are computed too (only those in the files
        ``fixes_for``, absolute paths, when given). Raises ``ConfigError`` and
        ``DiscoveryError``."""
        from conformance.cache import Stores
        from conformance.discovery import relative
        from conformance.projects import plan

        given = {os.path.abspath(p): data for p, data in (overrides or {}).items()}
        out: List[Checked] = []
        with Stores(self._cache_dir_of) as stores:
            planned = plan([os.path.abspath(p) for p in paths], stores.of)
        for project in planned:
            config, layout = self._load(project.root, project.config_file)
            sources = {
                relative(config.root, path): data
                for path, data in given.items()
                if _inside(path, config.root)
            }
            state: Optional[EngineState] = None
            run_paths = list(project.paths)
            if self.incremental:
                state = self._states.setdefault(config.root, EngineState())
                run_paths = [config.root]
            options = RunOptions(
                jobs=self.jobs,
                cache_dir=self.cache_dir(config),
                sources=sources or None,
                state=state,
                layout=layout,
            )
            result = run(config, run_paths, options)
            checked = Checked(config, result)
            checked.problems, checked.warnings = self._project_notes(config, result)
            if fixes:
                wanted = None
                if fixes_for is not None:
                    wanted = {
                        relative(config.root, os.path.abspath(p))
                        for p in fixes_for
                        if _inside(os.path.abspath(p), config.root)
                    }
                checked.fixes = finding_fixes(
                    config, run_paths, result, sources, self.cache_dir(config), only=wanted
                )
            out.append(checked)
        return out

    def _project_notes(self, config: Config, result: RunResult) -> Tuple[List[str], List[str]]:
        layout = result.project_layout
        last = self._notes.get(config.root)
        if last is not None and last[0] is config and last[1] == layout:
            return list(last[2]), list(last[3])
        problems, warnings = layout_problems(config, layout), layout_warnings(config, layout)
        self._notes[config.root] = (config, layout, problems, warnings)
        return list(problems), list(warnings)


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([path, root]) == root
