"""The cache store: one SQLite database of plain data in the cache folder.

What it holds, each row addressable by its key so a run loads what it needs and nothing else:

* ``results``: one file-pass result per *content key*. The key covers everything that can change
  the result: the checker's own code (a digest of the package's source files, so an edited rule
  never serves stale results, installed or not), the digest of the analysis settings, the file's
  path, module name and role, and the SHA-256 of its bytes. Whatever depends on *other* files is
  not in the result: it travels as conditions, re-decided on the index (``conditions.py``).
* ``files``: per run scope (project root and settings) and path, the ``stat`` of the file when it
  was last hashed (size, ``mtime_ns``, inode, ``ctime_ns``) and its SHA-256: a file whose ``stat``
  did not change is not read again, as git and mypy do. The content hash stays the truth: a file
  is trusted by its ``stat`` only when it was older than a few seconds when hashed (a file written
  within the timestamp granularity of the last hash is hashed again: git's "racily clean"
  entries); the change time, which no one can set back, catches a rewrite that kept size and
  inode and set the modification time back. A warm run reads a scope's rows in one query.
* ``outcomes``: the findings of the last run of a scope with the digest of all its inputs; a warm
  run with nothing changed reuses them without loading any file result (nor importing libcst).
* ``decided``: per run scope and path, the file's final findings with the index keys its
  verdicts read (``incremental.py``); a scope's rows always describe one run (a generation number
  in ``meta``: a run writes its rows only if no other run wrote the scope since it read it).
* ``memos``: per run scope, values derived from the whole project (an import graph) with the
  index keys they read, written with the ``decided`` rows of the same run.
* ``locations``: positions of confirmed cross-file findings, by file content.
* ``snapshots``: per project root and discovery settings, what the last discovery of the whole
  project saw, folder by folder, with each folder's ``stat`` (``discovery_cache.py``): an
  unchanged tree is not listed again.

Plain data only, never pickle: a cache folder can come from someone else (committed to a
repository, restored from a shared CI cache), and reading it must never run code. Values are JSON
of plain values (``plain.py``), decoded against the expected types; a row of the wrong shape is a
miss. The database itself is checked before use: a file that is not a database, or one with tables,
views or triggers that this checker did not create, is replaced by a fresh one (``trusted_schema``
is off, and the checker registers no SQL functions, so nothing in the file can call out).

SQLite gives the rest: transactions (a run's writes land together or not at all, a killed run never
leaves a torn row), concurrent readers with one writer (write-ahead log; a run that cannot get the
write lock within a few seconds skips writing, which only costs speed), indexed lookups. Any error
of the store reads as a miss: the cache can make a run faster, never wrong, never failed.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sqlite3
import time
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from conformance.version import __version__

CACHE_DIR_NAME = ".conformance_cache"
DATABASE_NAME = "cache.sqlite3"
SCHEMA_VERSION = 6  # bump when a table or a stored value's shape changes incompatibly

#: A file modified this close to the moment it was hashed may change again within the timestamp
#: granularity of the file system: its ``stat`` is not trusted on the next run.
RACY_SECONDS = 2.0

#: Rows not written or confirmed for this long are removed (other configurations, old contents).
STALE_SECONDS = 30 * 24 * 3600

_BUSY_TIMEOUT_MS = 5000
_CHUNK = 500  # keys per ``IN (...)`` query (SQLite's host-parameter limit is 999 on old builds)

_TABLES: Dict[str, str] = {
    "meta": "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "results": (
        "CREATE TABLE results (key TEXT PRIMARY KEY, value TEXT NOT NULL, stamp INTEGER NOT NULL)"
        " WITHOUT ROWID"
    ),
    "files": (
        "CREATE TABLE files (scope TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL,"
        " mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,"
        " digest TEXT NOT NULL, PRIMARY KEY (scope, path)) WITHOUT ROWID"
    ),
    "outcomes": (
        "CREATE TABLE outcomes (scope TEXT PRIMARY KEY, key TEXT NOT NULL, value TEXT NOT NULL,"
        " stamp INTEGER NOT NULL) WITHOUT ROWID"
    ),
    "decided": (
        "CREATE TABLE decided (scope TEXT NOT NULL, path TEXT NOT NULL, value TEXT NOT NULL,"
        " PRIMARY KEY (scope, path)) WITHOUT ROWID"
    ),
    "memos": (
        "CREATE TABLE memos (scope TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,"
        " PRIMARY KEY (scope, name)) WITHOUT ROWID"
    ),
    "locations": (
        "CREATE TABLE locations (key TEXT PRIMARY KEY, value TEXT NOT NULL,"
        " stamp INTEGER NOT NULL) WITHOUT ROWID"
    ),
    "snapshots": (
        "CREATE TABLE snapshots (scope TEXT PRIMARY KEY, value TEXT NOT NULL,"
        " stamp INTEGER NOT NULL) WITHOUT ROWID"
    ),
}

#: (size, mtime_ns, inode, ctime_ns, sha256 hex of the bytes) of a file when it was last hashed
FileStat = Tuple[int, int, int, int, str]

_STATS_QUERY = "SELECT path, size, mtime_ns, inode, ctime_ns, digest FROM files WHERE scope = ?"
#: What :func:`content_digest` writes: a stored digest of any other form is a miss.
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}").fullmatch

_TOOL_DIGEST: Optional[str] = None


def tool_digest() -> str:
    """Digest of the checker's code: its version and every source file of the package.

    Reading and hashing the package costs about a millisecond; it makes the cache correct while
    rules are edited in a checkout, where the version number does not change.
    """
    global _TOOL_DIGEST
    if _TOOL_DIGEST is None:
        digest = hashlib.sha256(f"{SCHEMA_VERSION}\0{__version__}\0".encode())
        package = os.path.dirname(os.path.abspath(__file__))
        sources: List[str] = []
        for folder, subdirs, files in os.walk(package):
            subdirs[:] = sorted(d for d in subdirs if d != "__pycache__")
            sources.extend(os.path.join(folder, name) for name in files if name.endswith(".py"))
        for path in sorted(sources):
            digest.update(os.path.relpath(path, package).encode("utf-8") + b"\0")
            try:
                with open(path, "rb") as handle:
                    digest.update(hashlib.sha256(handle.read()).digest())
            except OSError:
                digest.update(b"?")
        _TOOL_DIGEST = digest.hexdigest()
    return _TOOL_DIGEST


def content_digest(data: bytes) -> str:
    """SHA-256 of a file's bytes (what the ``files`` table remembers per ``stat``)."""
    return hashlib.sha256(data).hexdigest()


_KEY_PREFIXES: Dict[Tuple[str, str], Any] = {}


def content_key(settings_digest: str, path: str, module: str, role: str, data_digest: str) -> str:
    """The cache key of one file's result (``data_digest``: :func:`content_digest` of its bytes):
    SHA-256 of the checker's digest, the settings digest, the path, module, role and data digest,
    each followed by NUL."""
    return _content_key(tool_digest(), settings_digest, path, module, role, data_digest)


@functools.lru_cache(maxsize=1 << 16)  # a long-lived process asks again for every file per check
def _content_key(
    tool: str, settings_digest: str, path: str, module: str, role: str, data_digest: str
) -> str:
    # The hash of the first two is computed once and copied (a warm run keys thousands of files).
    prefix = _KEY_PREFIXES.get((tool, settings_digest))
    if prefix is None:
        prefix = hashlib.sha256(f"{tool}\0{settings_digest}\0".encode())
        _KEY_PREFIXES[(tool, settings_digest)] = prefix
    digest = prefix.copy()
    digest.update(f"{path}\0{module}\0{role}\0{data_digest}\0".encode())
    return str(digest.hexdigest())


def run_key(keys: Iterable[str], layout_digest: str) -> str:
    """Digest of everything a run's findings depend on: each file's key and the layout."""
    digest = hashlib.sha256(f"{tool_digest()}\0{layout_digest}\0".encode())
    for key in keys:
        digest.update(key.encode("ascii"))
    return digest.hexdigest()


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class Cache:
    """The store of one cache folder. Opened on first use; every method degrades to a miss (reads)
    or a no-op (writes) when the store cannot be used."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.path = os.path.join(directory, DATABASE_NAME)
        self._db: Optional[sqlite3.Connection] = None
        self._opened = False
        self._stamp = int(time.time())
        self._results: List[Tuple[str, str]] = []
        self._locations: List[Tuple[str, str]] = []
        self._stats: List[Tuple[str, List[Tuple[str, FileStat]], List[str]]] = []
        self._outcome: Optional[Tuple[str, str, str]] = None
        self._decided: Optional[
            Tuple[str, int, List[Tuple[str, str]], List[str], List[Tuple[str, str]], List[str]]
        ] = None

    # -- opening ---------------------------------------------------------------------------------

    def _connection(self) -> Optional[sqlite3.Connection]:
        if self._opened:
            return self._db
        self._opened = True
        self._prepare_folder()
        self._db = self._open()
        if self._db is None and os.path.exists(self.path):
            # Not a database, damaged, or not ours: start again (only costs speed).
            self._discard()
            self._db = self._open()
        return self._db

    def _open(self) -> Optional[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except (sqlite3.Error, OSError):
            return None
        try:
            db.execute("PRAGMA trusted_schema = OFF")
            db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            if not self._schema_is_ours(db):
                db.close()
                return None
            try:
                db.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError:
                pass  # read-only folder or a file system without shared memory: rollback journal
            db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error:
            db.close()
            return None
        return db

    def _schema_is_ours(self, db: sqlite3.Connection) -> bool:
        """True when the database holds exactly our tables (creating them in an empty one)."""
        rows = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        if not rows:
            try:
                db.execute("BEGIN IMMEDIATE")
                if not db.execute("SELECT 1 FROM sqlite_master").fetchall():
                    for sql in _TABLES.values():
                        db.execute(sql)
                    db.execute(
                        "INSERT INTO meta VALUES ('schema', ?), ('pruned', ?)",
                        (str(SCHEMA_VERSION), str(self._stamp)),
                    )
                db.execute("COMMIT")
            except sqlite3.OperationalError:
                _rollback(db)
                return False
            rows = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        found = {(kind, name): sql for kind, name, sql in rows if not name.startswith("sqlite_")}
        expected = {("table", name): sql for name, sql in _TABLES.items()}
        if found != expected:
            return False
        version = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        return version is not None and version[0] == str(SCHEMA_VERSION)

    def _discard(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(self.path + suffix)
            except OSError:
                pass

    def _prepare_folder(self) -> None:
        """Create the folder with a .gitignore of its own, so it never shows up in git."""
        try:
            os.makedirs(self.directory, exist_ok=True)
        except OSError:
            return
        for name, text in (
            (".gitignore", "# created by module-conformance\n*\n"),
            ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"),
        ):
            marker = os.path.join(self.directory, name)
            if os.path.exists(marker):
                continue
            temporary = f"{marker}.{os.getpid()}.tmp"
            try:  # atomically: a concurrent run or git never sees it half written
                with open(temporary, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.replace(temporary, marker)
            except OSError:
                pass

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None
        self._opened = False

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------------

    def _query(self, sql: str, parameters: Sequence[Any] = ()) -> List[Tuple[Any, ...]]:
        db = self._connection()
        if db is None:
            return []
        try:
            return db.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            self._failed(error)
            return []

    def _failed(self, error: sqlite3.Error) -> None:
        """A busy or read-only store is left alone; a damaged one is replaced by a fresh one."""
        if isinstance(error, sqlite3.OperationalError) or not isinstance(
            error, sqlite3.DatabaseError
        ):
            return
        self.close()
        self._discard()

    def file_stats(self, scope: str) -> Dict[str, FileStat]:
        """``path -> (size, mtime_ns, inode, ctime_ns, digest)`` recorded by the last runs of
        ``scope``, in one query, as the rows come (a warm run reads thousands). A row whose
        digest is not a SHA-256 is left out; one whose other fields are not integers never
        equals a file's ``stat`` (compared field by field): either way the file is read and
        hashed, and its row written again."""
        return {
            row[0]: row[1:]
            for row in self._query(_STATS_QUERY, (scope,))
            if type(row[5]) is str and _HEX_DIGEST(row[5])
        }

    def values(self, table: str, keys: Sequence[str], kind: Any) -> Dict[str, Any]:
        """``key -> value`` of the rows of ``keys`` that decode as ``kind`` (others are misses)."""
        if table not in ("results", "locations"):
            raise ValueError(table)
        out: Dict[str, Any] = {}
        for chunk in _chunks(sorted(set(keys))):
            marks = ",".join("?" * len(chunk))
            rows = self._query(f"SELECT key, value FROM {table} WHERE key IN ({marks})", chunk)
            out.update(_decoded(rows, kind))
        return out

    def fields(self, keys: Sequence[str], kind: type, name: str) -> Dict[str, Any]:
        """``key -> field name`` of the stored file results of ``keys`` (of type ``kind``),
        decoding only that field (rows that do not decode are misses)."""
        from conformance.plain import Malformed, loads_field

        out: Dict[str, Any] = {}
        for chunk in _chunks(sorted(set(keys))):
            marks = ",".join("?" * len(chunk))
            rows = self._query(f"SELECT key, value FROM results WHERE key IN ({marks})", chunk)
            for key, text in rows:
                if type(key) is not str or type(text) is not str:
                    continue
                try:
                    out[key] = loads_field(text, kind, name)
                except Malformed:
                    continue
        return out

    def decided(self, scope: str, kind: Any) -> Tuple[int, Dict[str, Any]]:
        """(generation, ``path -> record``) of ``scope``, read in one transaction; a row that
        does not decode as ``kind`` is left out (its file is then decided again)."""
        db = self._connection()
        if db is None:
            return 0, {}
        try:
            db.execute("BEGIN")
            row = db.execute("SELECT value FROM meta WHERE name = ?", (_generation(scope),))
            found = row.fetchone()
            rows = db.execute("SELECT path, value FROM decided WHERE scope = ?", (scope,))
            texts = rows.fetchall()
            db.execute("COMMIT")
        except sqlite3.Error as error:
            _rollback(db)
            self._failed(error)
            return 0, {}
        generation = int(found[0]) if found is not None and str(found[0]).isdigit() else 0
        return generation, _decoded(texts, kind)

    def memos(self, scope: str, kind: Any) -> Dict[str, Any]:
        """``name -> memo`` of ``scope`` (those that decode as ``kind``)."""
        return _decoded(
            self._query("SELECT name, value FROM memos WHERE scope = ?", (scope,)), kind
        )

    def outcome(self, scope: str, key: str, kind: Any) -> Any:
        """The findings stored by the last run of ``scope`` if its inputs had digest ``key``."""
        from conformance.plain import Malformed, loads

        rows = self._query("SELECT key, value FROM outcomes WHERE scope = ?", (scope,))
        if not rows or rows[0][0] != key or type(rows[0][1]) is not str:
            return None
        try:
            return loads(rows[0][1], kind)
        except Malformed:
            return None

    def discovery_snapshot(self, scope: str) -> Optional[str]:
        """The discovery snapshot (JSON text) stored for ``scope`` by this version of the
        checker."""
        rows = self._query("SELECT value FROM snapshots WHERE scope = ?", (_snapshot_key(scope),))
        return rows[0][0] if rows and type(rows[0][0]) is str else None

    # -- writing ---------------------------------------------------------------------------------

    def put_discovery_snapshot(self, scope: str, text: str) -> None:
        """Store the discovery snapshot of ``scope`` now, in a transaction of its own (discovery
        runs before the run that commits the rest; a busy store skips it)."""
        db = self._connection()
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?)",
                (_snapshot_key(scope), text, self._stamp),
            )
            db.execute("COMMIT")
        except sqlite3.Error as error:
            _rollback(db)
            self._failed(error)

    def put_result(self, key: str, text: str) -> None:
        """Queue a file result (JSON text) for :meth:`commit`."""
        self._results.append((key, text))

    def put_location(self, key: str, text: str) -> None:
        self._locations.append((key, text))

    def put_stats(
        self, scope: str, rows: Sequence[Tuple[str, FileStat]], gone: Sequence[str]
    ) -> None:
        """Queue the ``stat`` rows of ``scope`` that changed and the paths no longer there."""
        self._stats.append((scope, list(rows), list(gone)))

    def put_decided(
        self,
        scope: str,
        generation: int,
        rows: Sequence[Tuple[str, str]],
        gone: Sequence[str],
        memos: Sequence[Tuple[str, str]] = (),
        memos_gone: Sequence[str] = (),
    ) -> None:
        """Queue the records of a run that read ``generation`` of ``scope``, like its memos: the
        ones it changed and the names it no longer keeps. Written only if no other run wrote the
        scope in between (then the other run's records stay, whole): the rows not written are
        then those of ``generation``, the ones the run read."""
        self._decided = (scope, generation, list(rows), list(gone), list(memos), list(memos_gone))

    def put_outcome(self, scope: str, key: str, text: str) -> None:
        self._outcome = (scope, key, text)

    def commit(self) -> bool:
        """Write everything queued in one transaction. False when the store refused (busy,
        read-only, damaged): the run is then just not cached."""
        results, locations, stats, outcome = (
            self._results,
            self._locations,
            self._stats,
            self._outcome,
        )
        decided, self._decided = self._decided, None
        self._results, self._locations, self._stats, self._outcome = [], [], [], None
        if not (results or locations or outcome or decided or any(r or g for _, r, g in stats)):
            return True
        db = self._connection()
        if db is None:
            return False
        stamp = self._stamp
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                [(key, text, stamp) for key, text in results],
            )
            db.executemany(
                "INSERT OR REPLACE INTO locations VALUES (?, ?, ?)",
                [(key, text, stamp) for key, text in locations],
            )
            for scope, rows, gone in stats:
                db.executemany(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(scope, path, *stat) for path, stat in rows],
                )
                db.executemany(
                    "DELETE FROM files WHERE scope = ? AND path = ?", [(scope, p) for p in gone]
                )
            if decided is not None:
                self._write_decided(db, *decided)  # skipped when another run's records won
            if outcome is not None:
                db.execute("INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?)", (*outcome, stamp))
            self._prune(db)
            db.execute("COMMIT")
            return True
        except sqlite3.Error as error:
            _rollback(db)
            self._failed(error)
            return False

    @staticmethod
    def _write_decided(
        db: sqlite3.Connection,
        scope: str,
        generation: int,
        rows: Sequence[Tuple[str, str]],
        gone: Sequence[str],
        memos: Sequence[Tuple[str, str]],
        memos_gone: Sequence[str],
    ) -> bool:
        name = _generation(scope)
        found = db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        now = int(found[0]) if found is not None and str(found[0]).isdigit() else 0
        if now != generation:
            return False
        db.executemany(
            "INSERT OR REPLACE INTO decided VALUES (?, ?, ?)",
            [(scope, path, text) for path, text in rows],
        )
        db.executemany(
            "DELETE FROM decided WHERE scope = ? AND path = ?", [(scope, p) for p in gone]
        )
        db.executemany(
            "INSERT OR REPLACE INTO memos VALUES (?, ?, ?)",
            [(scope, key, text) for key, text in memos],
        )
        db.executemany(
            "DELETE FROM memos WHERE scope = ? AND name = ?", [(scope, n) for n in memos_gone]
        )
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, str(generation + 1)))
        return True

    def touch(self, scope: str, table: str, keys: Sequence[str]) -> None:
        """Mark the rows a run of ``scope`` used as used now, so pruning keeps them; at most once a
        day per scope (a warm run then costs one indexed read here)."""
        if table not in ("results", "locations") or not keys:
            return
        name = f"touched:{table}:{scope}"
        row = self._query("SELECT value FROM meta WHERE name = ?", (name,))
        last = int(row[0][0]) if row and str(row[0][0]).isdigit() else 0
        if self._stamp - last < 24 * 3600:
            return
        db = self._connection()
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            for chunk in _chunks(sorted(set(keys))):
                marks = ",".join("?" * len(chunk))
                db.execute(
                    f"UPDATE {table} SET stamp = ? WHERE key IN ({marks})", (self._stamp, *chunk)
                )
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, str(self._stamp)))
            db.execute("COMMIT")
        except sqlite3.Error:
            _rollback(db)

    def _prune(self, db: sqlite3.Connection) -> None:
        """Remove rows unused for a month, at most once a day (inside the caller's transaction)."""
        row = db.execute("SELECT value FROM meta WHERE name = 'pruned'").fetchone()
        last = int(row[0]) if row is not None and str(row[0]).isdigit() else 0
        if self._stamp - last < 24 * 3600:
            return
        limit = self._stamp - STALE_SECONDS
        for table in ("results", "locations", "outcomes", "snapshots"):
            db.execute(f"DELETE FROM {table} WHERE stamp < ?", (limit,))
        db.execute("DELETE FROM files WHERE scope NOT IN (SELECT scope FROM outcomes)")
        db.execute("DELETE FROM decided WHERE scope NOT IN (SELECT scope FROM outcomes)")
        db.execute("DELETE FROM memos WHERE scope NOT IN (SELECT scope FROM outcomes)")
        db.execute(
            "DELETE FROM meta WHERE name LIKE 'touched:%' AND CAST(value AS INTEGER) < ?", (limit,)
        )
        db.execute("INSERT OR REPLACE INTO meta VALUES ('pruned', ?)", (str(self._stamp),))


class Stores:
    """The stores of the projects a caller reaches before it runs them (the search for nested
    projects, each project's discovery): one per cache folder, opened on first use, all closed
    together. ``folder_of`` gives a project root's cache folder, None for no cache."""

    def __init__(self, folder_of: Callable[[str], Optional[str]]) -> None:
        self._folder_of = folder_of
        self._open: Dict[str, Cache] = {}

    def of(self, root: str) -> Optional[Cache]:
        folder = self._folder_of(root)
        if folder is None:
            return None
        found = self._open.get(folder)
        if found is None:
            found = self._open[folder] = Cache(folder)
        return found

    def close(self) -> None:
        for store in self._open.values():
            store.close()
        self._open.clear()

    def __enter__(self) -> Stores:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _decoded(rows: Iterable[Tuple[Any, ...]], kind: Any) -> Dict[str, Any]:
    """``key -> value`` of (key, JSON text) rows whose value decodes as ``kind``; a row of any
    other shape is left out (a miss)."""
    from conformance.plain import Malformed, loads

    out: Dict[str, Any] = {}
    for key, text in rows:
        if type(key) is not str or type(text) is not str:
            continue
        try:
            out[key] = loads(text, kind)
        except Malformed:
            continue
    return out


def _snapshot_key(scope: str) -> str:
    """A snapshot's row: its scope and the checker's code (another version may walk otherwise)."""
    return hashlib.sha256(
        f"{tool_digest()}\0{scope}".encode("utf-8", "surrogateescape")
    ).hexdigest()


def _generation(scope: str) -> str:
    return f"generation:{scope}"


def _rollback(db: sqlite3.Connection) -> None:
    try:
        db.execute("ROLLBACK")
    except sqlite3.Error:
        pass
