"""The discovery snapshot: what the last discovery of a whole project saw, kept in the cache store,
so that discovering an unchanged tree costs one ``stat`` per folder instead of listing and matching
every entry (the way git's untracked cache works).

A snapshot holds, for every folder the walk entered, what the walk took from its listing (the
Python files it kept, the sub-folders it entered, the entries of a module package) and the
evidence that the listing still holds: the folder's ``stat`` taken before it was listed, and the
``stat`` of the files in it whose *content* discovery read (``.gitignore``, the configuration of a
nested project). Adding, removing or renaming an entry changes its folder's ``mtime``; editing a
file's content changes nothing discovery decides (content is checked per file later, by the file
pass), so a folder whose ``stat`` did not change would be listed with the same result.

A folder modified within :data:`RACY_NS` of the moment it was listed is never trusted: another
change within the same timestamp tick would leave its ``stat`` as it was (git's "racily clean"
entries). Such a folder is listed again on every discovery until it is older.

Keyed by the project root and everything in the configuration that discovery may read, and (by
the store) the checker's own code. Plain data only (``plain.py``): a snapshot that does not decode
is a miss.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Protocol, Sequence, Tuple, Type, TypeVar

from conformance.model import Layout, ModulePackage, SourceFile
from conformance.plain import Malformed, Unencodable, dumps, loads
from conformance.settings import Config

#: (mtime_ns, ctime_ns, inode, size) of a folder or file. The ``ctime`` catches what restores a
#: folder's ``mtime`` (``rsync -t``, ``tar``): it moves whenever the ``mtime`` is set.
Stat = Tuple[int, int, int, int]

#: A folder or file modified this close to the moment it was listed (or read) may change again
#: within the timestamp granularity of the file system: its ``stat`` is not trusted (as the
#: ``files`` table of the cache does for file contents).
RACY_NS = 2_000_000_000

#: Configuration fields discovery never reads: a run that changes only these (``--select``,
#: another baseline) keeps the snapshot. Any other field, present or future, is in the key.
_NOT_READ = frozenset(
    {
        "select",
        "extend_select",
        "ignore",
        "per_file_ignores",
        "layers",
        "baseline",
        "options",
        "required_files",
        "allowed_extra_files",
        "source_warnings",
    }
)


@dataclass(frozen=True)
class FolderRecord:
    """One folder as the walk saw it: the evidence (``stat``, ``watched``) and what the walk took
    from its listing (every other field). Entry names are the folder's own, sorted."""

    path: str  # relative POSIX path, "." for the root
    stat: Optional[Stat]  # taken before the listing; None when it could not be taken
    listed_ns: int  # when the walk that listed it started (``time.time_ns``)
    # (name, stat) of the files in the folder whose content the walk read, taken before reading
    watched: Tuple[Tuple[str, Optional[Stat]], ...]
    skipped: bool  # a virtualenv or a project of its own: nothing in it is checked
    files: Tuple[str, ...] = ()  # the Python files kept
    subdirs: Tuple[str, ...] = ()  # the sub-folders entered
    # for a folder the module globs name: its regular files and its sub-folders, less the hidden,
    # cache and excluded ones (what ``ModulePackage`` lists)
    package: Optional[Tuple[Tuple[str, ...], Tuple[str, ...]]] = None
    # sub-folders entered through a symbolic link -> their real path
    links: Tuple[Tuple[str, str], ...] = ()
    # whether a later discovery may trust it: no link among its entries, every stat taken
    storable: bool = True

    def racy(self, stat: Optional[Stat]) -> bool:
        """Whether ``stat`` (the folder's or a watched file's, as recorded) is too recent for the
        moment of the listing to trust it."""
        return stat is None or stat[0] >= self.listed_ns - RACY_NS

    def trusted(self) -> bool:
        return not self.racy(self.stat) and not any(self.racy(stat) for _, stat in self.watched)

    def watched_stat(self, name: str) -> Optional[Stat]:
        for watched, stat in self.watched:
            if watched == name:
                return stat
        return None

    def same_listing(self, other: FolderRecord) -> bool:
        """Whether the walk took the same from both (the layout depends on nothing else)."""
        return (
            self.path == other.path
            and self.skipped == other.skipped
            and self.files == other.files
            and self.subdirs == other.subdirs
            and self.package == other.package
            and self.links == other.links
        )


@dataclass(frozen=True)
class Snapshot:
    """A whole project's discovery as the cache stores it, column by column: the folders walked
    (in walk order) and the layout. Thousands of files decode in milliseconds this way; a
    dataclass per file would cost several times as much, on every warm run."""

    folders: Tuple[str, ...]
    stats: Tuple[int, ...]  # each folder's ``Stat``, one after another
    listed_ns: Tuple[int, ...]
    watched: Tuple[Tuple[int, str, Stat], ...]  # (folder's index, file name, stat)
    skipped: Tuple[bool, ...]
    files: Tuple[Tuple[str, ...], ...]
    subdirs: Tuple[Tuple[str, ...], ...]
    entries: Tuple[Tuple[int, Tuple[str, ...], Tuple[str, ...]], ...]  # (index, package)
    # the layout: Layout.files column by column, then its other fields
    root: str
    paths: Tuple[str, ...]
    modules: Tuple[str, ...]
    is_package: Tuple[bool, ...]
    roles: Tuple[Tuple[str, ...], ...]
    features: Tuple[Optional[str], ...]
    packages: Tuple[ModulePackage, ...]
    modules_root_files: Tuple[str, ...]
    modules_roots: Tuple[str, ...]
    unreadable: Tuple[Tuple[str, str], ...]

    def holds(self, root: str) -> bool:
        """Whether the tree below ``root`` would be discovered the same (see :func:`holds`)."""
        return holds(root, self.folders, self.stats, self.listed_ns, self.watched)

    def records(self) -> Tuple[FolderRecord, ...]:
        watched: Dict[int, List[Tuple[str, Optional[Stat]]]] = {}
        for index, name, stat in self.watched:
            watched.setdefault(index, []).append((name, stat))
        entries = {index: (names, subdirs) for index, names, subdirs in self.entries}
        stats = self.stats
        return tuple(
            FolderRecord(
                path,
                (stats[4 * i], stats[4 * i + 1], stats[4 * i + 2], stats[4 * i + 3]),
                self.listed_ns[i],
                tuple(watched.get(i, ())),
                self.skipped[i],
                self.files[i],
                self.subdirs[i],
                entries.get(i),
            )
            for i, path in enumerate(self.folders)
        )

    def layout(self) -> Layout:
        return Layout(
            self.root,
            tuple(
                map(
                    SourceFile, self.paths, self.modules, self.is_package, self.roles, self.features
                )
            ),
            self.packages,
            self.modules_root_files,
            self.modules_roots,
            self.unreadable,
        )


def snapshot_of(records: Sequence[FolderRecord], layout: Layout) -> Optional[Snapshot]:
    """The stored form of a discovery; None when a record cannot be trusted later."""
    stats: List[int] = []
    watched: List[Tuple[int, str, Stat]] = []
    for index, record in enumerate(records):
        if not record.storable or record.stat is None:
            return None
        stats.extend(record.stat)
        for name, stat in record.watched:
            if stat is None:
                return None
            watched.append((index, name, stat))
    files = layout.files
    return Snapshot(
        tuple(record.path for record in records),
        tuple(stats),
        tuple(record.listed_ns for record in records),
        tuple(watched),
        tuple(record.skipped for record in records),
        tuple(record.files for record in records),
        tuple(record.subdirs for record in records),
        tuple((i, *r.package) for i, r in enumerate(records) if r.package is not None),
        layout.root,
        tuple(file.path for file in files),
        tuple(file.module for file in files),
        tuple(file.is_package for file in files),
        tuple(file.roles for file in files),
        tuple(file.feature for file in files),
        layout.packages,
        layout.modules_root_files,
        layout.modules_roots,
        layout.unreadable,
    )


def holds(
    root: str,
    folders: Sequence[str],
    stats: Sequence[int],
    listed_ns: Sequence[int],
    watched: Sequence[Tuple[int, str, Stat]],
) -> bool:
    """Whether every folder of a walk (``folders``, relative to ``root``, with their ``stat``
    four numbers each and the time they were listed) and every file whose content it read
    (``watched``: the folder's index, the file's name, its ``stat``) still has the ``stat``
    recorded, none too recent to trust: the walk would see what it saw then."""
    for index, path in enumerate(folders):
        recorded = tuple(stats[4 * index : 4 * index + 4])
        if recorded[0] >= listed_ns[index] - RACY_NS:
            return False
        if stat_of(root if path == "." else os.path.join(root, path)) != recorded:
            return False
    for index, name, stat in watched:
        if stat[0] >= listed_ns[index] - RACY_NS:
            return False
        folder = folders[index]
        path = os.path.join(root, name) if folder == "." else os.path.join(root, folder, name)
        if stat_of(path) != stat:
            return False
    return True


class SnapshotStore(Protocol):
    """Where snapshots are kept (the cache store, ``cache.Cache``): text by scope."""

    def discovery_snapshot(self, scope: str) -> Optional[str]: ...

    def put_discovery_snapshot(self, scope: str, text: str) -> None: ...


def stat_of(path: str) -> Optional[Stat]:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_size)


def snapshot_scope(config: Config) -> str:
    """The key of a project's snapshot: its root and every configuration field discovery may
    read (conservatively: every field but those it is known not to read)."""
    digest = hashlib.sha256(os.path.abspath(config.root).encode("utf-8", "surrogateescape"))
    for item in dataclasses.fields(config):
        if item.name not in _NOT_READ:
            digest.update(b"\0" + repr((item.name, getattr(config, item.name))).encode())
    return digest.hexdigest()


Row = TypeVar("Row")


def stored_row(
    store: SnapshotStore, scope: str, kind: Type[Row], consistent: Callable[[Row], bool]
) -> Optional[Row]:
    """The stored row of ``scope`` read as ``kind``; None when there is none, it does not
    decode, or its parts do not line up (``consistent``)."""
    text = store.discovery_snapshot(scope)
    if text is None:
        return None
    try:
        found: Row = loads(text, kind)
    except Malformed:
        return None
    return found if consistent(found) else None


def load_snapshot(store: SnapshotStore, scope: str) -> Optional[Snapshot]:
    """The stored snapshot of ``scope``; None when there is none or it does not decode."""
    return stored_row(store, scope, Snapshot, _consistent)


def _consistent(snapshot: Snapshot) -> bool:
    """Whether the columns of ``snapshot`` line up (each decoded alone)."""
    count = len(snapshot.folders)
    files = len(snapshot.paths)
    return (
        len(snapshot.stats) == 4 * count
        and len(snapshot.listed_ns) == len(snapshot.skipped) == count
        and len(snapshot.files) == len(snapshot.subdirs) == count
        and all(0 <= index < count for index, _, _ in snapshot.watched)
        and all(0 <= index < count for index, _, _ in snapshot.entries)
        and len(snapshot.modules) == len(snapshot.is_package) == files
        and len(snapshot.roles) == len(snapshot.features) == files
    )


def save_snapshot(
    store: SnapshotStore, scope: str, records: Sequence[FolderRecord], layout: Layout
) -> None:
    """Keep the discovery of ``records`` and ``layout`` when every record in it can be trusted
    later (no symbolic link, every stat taken, every name valid UTF-8)."""
    snapshot = snapshot_of(records, layout)
    if snapshot is None:
        return
    try:
        text = dumps(snapshot, Snapshot)
        text.encode("utf-8")  # a name that is not valid UTF-8 cannot be stored as text
    except (Unencodable, UnicodeEncodeError):
        return
    store.put_discovery_snapshot(scope, text)
