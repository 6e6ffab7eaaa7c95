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
import time
from dataclasses import dataclass, replace
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from conformance.config import find_config, project_config
from conformance.discovery_cache import RACY_NS, SnapshotStore, Stat, holds, stat_of, stored_row
from conformance.plain import Unencodable, dumps
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


@dataclass(frozen=True)
class _Folder:
    """One folder as the search for nested projects saw it (cf. ``discovery_cache``): its
    ``stat`` before the listing, the configuration files whose content was read, and what the
    listing made of it."""

    path: str  # relative to the searched folder, "." for it
    stat: Optional[Stat]
    listed_ns: int  # when the search that listed it started
    watched: Tuple[Tuple[str, Optional[Stat]], ...]
    config: Optional[str]  # a project: its configuration file's name
    venv: bool  # a virtualenv: not searched
    subdirs: Tuple[str, ...]  # the sub-folders searched

    def trusted(self) -> bool:
        """Whether every ``stat`` in it is old enough, at its listing, to trust."""
        stats = [self.stat, *(stat for _, stat in self.watched)]
        return all(stat is not None and stat[0] < self.listed_ns - RACY_NS for stat in stats)


@dataclass(frozen=True)
class _Search:
    """A search for nested projects as the cache stores it: the folders listed, in walk order,
    column by column (as ``discovery_cache.Snapshot``: a thousand folders decode in a few
    milliseconds, and checking that they hold needs no object per folder)."""

    folders: Tuple[str, ...]
    stats: Tuple[int, ...]  # each folder's ``Stat``, one after another
    listed_ns: Tuple[int, ...]
    watched: Tuple[Tuple[int, str, Stat], ...]  # (folder's index, file name, stat)
    projects: Tuple[Tuple[int, str], ...]  # (folder's index, its configuration file's name)
    venvs: Tuple[int, ...]  # the folders' indexes
    subdirs: Tuple[Tuple[str, ...], ...]

    def consistent(self) -> bool:
        count = len(self.folders)
        indexes = [i for i, _, _ in self.watched] + [i for i, _ in self.projects] + [*self.venvs]
        return (
            len(self.stats) == 4 * count
            and len(self.listed_ns) == len(self.subdirs) == count
            and all(0 <= index < count for index in indexes)
        )

    def found(self, top: str) -> List[Tuple[str, str]]:
        return _found(top, [(self.folders[index], name) for index, name in self.projects])

    def records(self) -> List[_Folder]:
        watched: Dict[int, List[Tuple[str, Optional[Stat]]]] = {}
        for index, name, stat in self.watched:
            watched.setdefault(index, []).append((name, stat))
        configs = dict(self.projects)
        venvs = set(self.venvs)
        stats = self.stats
        return [
            _Folder(
                path,
                (stats[4 * i], stats[4 * i + 1], stats[4 * i + 2], stats[4 * i + 3]),
                self.listed_ns[i],
                tuple(watched.get(i, ())),
                configs.get(i),
                i in venvs,
                self.subdirs[i],
            )
            for i, path in enumerate(self.folders)
        ]


def nested_projects(folder: str, store: Optional[SnapshotStore] = None) -> List[Tuple[str, str]]:
    """(root, config file) of every configured project strictly below ``folder``, outermost only
    (a project's own sub-projects are found when it is walked), in path order.

    Every folder is listed once and judged by its listing (a virtualenv's ``pyvenv.cfg``, a
    configuration file), so the walk costs one ``scandir`` per folder; symlinked folders are not
    followed, so no folder is reached twice. With ``store``, the search starts from the one kept
    there: a folder whose ``stat`` (and that of the configuration files read in it) did not
    change is not listed again, and when none changed the answer is the kept one."""
    top = os.path.abspath(folder)
    scope = "nested projects\0" + top
    last = _last_search(store, scope) if store is not None else None
    if last is not None and holds(top, last.folders, last.stats, last.listed_ns, last.watched):
        return last.found(top)
    stored = last.records() if last is not None else []
    previous = {record.path: record for record in stored}
    listed_ns = time.time_ns()
    records: List[_Folder] = []

    def visit(current: str, rel: str) -> None:
        stat = stat_of(current)  # before listing: a change after it is seen next time
        old = previous.get(rel)
        if old is not None and stat is not None and old.stat == stat and old.trusted():
            if all(stat_of(os.path.join(current, n)) == was for n, was in old.watched):
                records.append(old)
                for name in old.subdirs:
                    visit(os.path.join(current, name), name if rel == "." else f"{rel}/{name}")
                return
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            return
        record = _judged(current, rel, stat, listed_ns, entries)
        if old is not None and replace(record, listed_ns=old.listed_ns) == old:
            record = old if not record.trusted() else record  # still too recent: as stored
        records.append(record)
        for name in record.subdirs:
            visit(os.path.join(current, name), name if rel == "." else f"{rel}/{name}")

    visit(top, ".")
    if store is not None and records != stored:
        _keep(store, scope, records)
    return _found(top, [(r.path, r.config) for r in records if r.config is not None])


def _found(top: str, projects: Sequence[Tuple[str, str]]) -> List[Tuple[str, str]]:
    """(root, config file) of the projects (folder relative to ``top``, config file name)."""
    out: List[Tuple[str, str]] = []
    for path, config in projects:
        root = os.path.join(top, *path.split("/"))
        out.append((root, os.path.join(root, config)))
    return out


def _judged(
    folder: str, rel: str, stat: Optional[Stat], listed_ns: int, entries: List[os.DirEntry[str]]
) -> _Folder:
    """What the listing ``entries`` of ``folder`` makes of it: a virtualenv, a project of its
    own (not for the searched folder itself), or a folder to search, with its sub-folders."""
    names = {entry.name for entry in entries}
    top = rel == "."
    if not top and "pyvenv.cfg" in names:
        return _Folder(rel, stat, listed_ns, (), None, True, ())
    if not top and ("conformance.toml" in names or "pyproject.toml" in names):
        watched = tuple(
            (name, stat_of(os.path.join(folder, name)))
            for name in ("conformance.toml", "pyproject.toml")
            if name in names
        )
        config = project_config(folder)
        if config is not None:
            return _Folder(rel, stat, listed_ns, watched, os.path.basename(config), False, ())
    else:
        watched = ()
    subdirs: List[str] = []
    for entry in entries:
        name = entry.name
        if name.startswith(".") or name == "__pycache__" or name in _SKIPPED_NAMES:
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                subdirs.append(name)
        except OSError:
            continue
    return _Folder(rel, stat, listed_ns, watched, None, False, tuple(subdirs))


def _last_search(store: SnapshotStore, scope: str) -> Optional[_Search]:
    return stored_row(store, scope, _Search, _Search.consistent)


def _keep(store: SnapshotStore, scope: str, records: List[_Folder]) -> None:
    """Store the search of ``records`` when every ``stat`` in it was taken (and its names can be
    stored as text)."""
    stats: List[int] = []
    watched: List[Tuple[int, str, Stat]] = []
    for index, record in enumerate(records):
        if record.stat is None:
            return
        stats.extend(record.stat)
        for name, stat in record.watched:
            if stat is None:
                return
            watched.append((index, name, stat))
    search = _Search(
        tuple(r.path for r in records),
        tuple(stats),
        tuple(r.listed_ns for r in records),
        tuple(watched),
        tuple((i, r.config) for i, r in enumerate(records) if r.config is not None),
        tuple(i for i, r in enumerate(records) if r.venv),
        tuple(r.subdirs for r in records),
    )
    try:
        text = dumps(search, _Search)
        text.encode("utf-8")
    except (Unencodable, UnicodeEncodeError):
        return
    store.put_discovery_snapshot(scope, text)


def plan(
    paths: Sequence[str], store_of: Optional[Callable[[str], Optional[SnapshotStore]]] = None
) -> List[PlannedProject]:
    """Group absolute ``paths`` by the project each belongs to, adding the configured projects
    found below folders; sorted by root. ``store_of``: the cache store of a project root (where
    the search for nested projects is kept)."""
    groups: Dict[str, Tuple[Optional[str], List[str]]] = {}

    def add(root: str, config: Optional[str], path: str) -> None:
        entry = groups.setdefault(root, (config, []))
        if path not in entry[1]:
            entry[1].append(path)

    for path in paths:
        absolute = os.path.abspath(path)
        root, config = find_config(absolute)
        # (a folder without a configuration gets no cache folder of its own)
        store = store_of(root) if store_of is not None and config is not None else None
        inner = nested_projects(absolute, store) if os.path.isdir(absolute) else []
        for nested_root, nested_config in inner:
            add(nested_root, nested_config, nested_root)
        if config is None and inner:
            continue  # only the configured projects below it
        add(root, config, absolute)
    return [
        PlannedProject(root, config, tuple(found))
        for root, (config, found) in sorted(groups.items())
    ]
