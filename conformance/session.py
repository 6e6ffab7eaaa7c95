"""Checking for long-lived callers (the language server, the MCP server, the Claude Code hook):
files with overridden, unsaved text, configurations found per file and kept between checks.

This is the one place these callers reach the engine, so that moving them to the incremental
engine's in-memory API changes this module only. Today each check is a :func:`engine.run` with
``RunOptions.sources`` (the per-file content-hash cache makes an unchanged file cost a lookup).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

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
        # A caller that is told when files come and go (the language server, once the editor
        # watches the workspace for it) sets ``tree_events`` and calls ``tree_changed()`` on each
        # such event: the layout of the last check is then reused instead of walking the tree
        # again (an edit of a buffer changes no folder). Without it every check walks the tree.
        self.tree_events = False
        # root -> (the events counted when the layout was found, the layout): one found before
        # the latest event is not used, even if a check running meanwhile stored it
        self._layouts: Dict[str, Tuple[int, Layout]] = {}
        self._tree_generation = 0

    def reload(self) -> None:
        self._configs.clear()
        self._states.clear()
        self._notes.clear()
        self.tree_changed()

    def tree_changed(self) -> None:
        """Files or folders may have been created, deleted or renamed: the next check walks the
        tree again. Safe to call while a check runs (its layout is then not kept)."""
        self._tree_generation += 1
        self._layouts.clear()

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
            generation = self._tree_generation
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
                if layout is None:
                    layout = self._kept_layout(config, project.paths)
            options = RunOptions(
                jobs=self.jobs,
                cache_dir=self.cache_dir(config),
                sources=sources or None,
                state=state,
                layout=layout,
            )
            result = run(config, run_paths, options)
            if self.tree_events and result.project_layout is not None:
                self._layouts[config.root] = (generation, result.project_layout)
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

    def _kept_layout(self, config: Config, paths: Sequence[str]) -> Optional[Layout]:
        """The layout of the last check if no file came or went since (``tree_events``), and
        it lists the files checked now (one opened that it does not list is news to it)."""
        from conformance.discovery import relative

        kept = self._layouts.get(config.root) if self.tree_events else None
        if kept is None or kept[0] != self._tree_generation:
            return None
        layout = kept[1]
        listed = {f.path for f in layout.files}
        for path in paths:
            if os.path.isfile(path) and relative(config.root, path) not in listed:
                return None
        return layout

    def fill(
        self, paths: Sequence[str], overrides: Optional[Mapping[str, bytes]] = None
    ) -> Iterator[None]:
        """Steps that prepare the in-memory state of the projects of ``paths`` for the next checks
        (``warmup.py``), for a caller that has time between them: one step per ``next()``, each
        short, never at the same time as a check (a session is not thread-safe). What a check
        finds does not depend on them. Only after a check of those projects (``incremental``)."""
        from conformance.discovery import DiscoveryError, discover, relative
        from conformance.projects import plan
        from conformance.warmup import fill_steps

        if not self.incremental:
            return
        given = {os.path.abspath(p): data for p, data in (overrides or {}).items()}
        for project in plan([os.path.abspath(p) for p in paths]):
            config = self._configs.get((project.root, project.config_file))
            state = self._states.get(config.root) if config is not None else None
            if config is None or state is None:
                continue
            sources = {
                relative(config.root, path): data
                for path, data in given.items()
                if _inside(path, config.root)
            }
            layout = self._kept_layout(config, project.paths)
            if layout is None:
                try:
                    layout = discover(config, [config.root])
                except DiscoveryError:
                    continue
                yield
            options = RunOptions(
                jobs=self.jobs, cache_dir=self.cache_dir(config), sources=sources or None
            )
            yield from fill_steps(config, layout, state, options)

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
