"""The content-hash cache of file-pass results, and the run-level manifest of a warm run.

A file's cached result is keyed by everything that can change it: the checker's own code (a digest
of the package's source files, so an edited rule never serves stale results, installed or not), the
digest of the analysis settings (effective configuration, selected rules, project packages), the
file's path, module name and role, and the SHA-256 of its bytes. Whatever depends on *other* files
is not in the cached result at all: it travels as conditions and is re-decided from the index on
every run (see ``conditions.py``), so a change elsewhere can never leave a stale finding.

Three kinds of entries live in the cache folder, all written atomically (a temporary file of this
process, then a rename), so two runs at once never leave a torn entry, and all validated on load, so
a corrupt or truncated entry reads as a miss and is rewritten:

* ``ab/cdef...``: one pickled ``(key, result)`` per file result, the fallback that survives
  interrupted runs and branch switches;
* ``runs/<scope>.files``: the manifest of the last run of that scope (project root, checked paths,
  settings): ``path -> (key, result)`` in one file, so a warm run unpickles one file instead of
  thousands;
* ``runs/<scope>.outcome``: the findings of the last run of that scope with the digest of all its
  inputs (every file's key and the layout). The run after confirmation and suppression is a pure
  function of those inputs, so when the digest matches, a warm run reuses the findings without
  loading any file result (and without importing libcst).

Nothing is keyed by modification times: content hashing of a large tree costs a fraction of a
second, and it is always right.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from conformance.version import __version__

CACHE_DIR_NAME = ".conformance_cache"
_FORMAT = 2  # bump when the pickled shape changes incompatibly
_RUNS = "runs"
_MANIFEST_SUFFIX = ".files"
_OUTCOME_SUFFIX = ".outcome"
_STALE_RUN_SECONDS = 30 * 24 * 3600  # manifests of scopes unused this long are removed

_TOOL_DIGEST: Optional[str] = None


def tool_digest() -> str:
    """Digest of the checker's code: its version and every source file of the package.

    Reading and hashing the package costs about a millisecond; it makes the cache correct while
    rules are edited in a checkout, where the version number does not change.
    """
    global _TOOL_DIGEST
    if _TOOL_DIGEST is None:
        digest = hashlib.sha256(f"{_FORMAT}\0{__version__}\0".encode())
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


def content_key(settings_digest: str, path: str, module: str, role: str, data: bytes) -> str:
    """The cache key of one file's result."""
    digest = hashlib.sha256()
    for part in (tool_digest(), settings_digest, path, module, role):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()


def run_key(keys: Iterable[str], layout_digest: str) -> str:
    """Digest of everything a run's findings depend on: each file's key and the layout."""
    digest = hashlib.sha256(f"{tool_digest()}\0{layout_digest}\0".encode())
    for key in keys:
        digest.update(key.encode("ascii"))
    return digest.hexdigest()


def _load(path: str) -> Any:
    """Unpickle a file; None when it is missing, truncated or corrupt."""
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception:  # any damage at all reads as a miss
        return None


def _store(path: str, value: object) -> bool:
    """Pickle ``value`` to ``path`` atomically: a temporary file of this process, then a rename.
    Readers see the old entry or the new one, never a part. False when the disk refused."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temporary, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        return True
    except OSError:  # a read-only or full disk only costs speed
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return False


class Cache:
    """A cache folder: per-file results (two-level fan-out by key prefix) and run manifests."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._prepared = False
        self._folders: Set[str] = set()

    # -- per-file entries --------------------------------------------------------------------

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], key[2:])

    def get(self, key: str) -> Optional[object]:
        """The value stored under ``key``, or None (missing, damaged, or written by another
        format)."""
        entry = _load(self._path(key))
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == key:
            value: object = entry[1]
            return value
        return None

    def put(self, key: str, value: object) -> None:
        self._prepare()
        folder = os.path.join(self.directory, key[:2])
        if folder not in self._folders:
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError:
                return
            self._folders.add(folder)
        _store(self._path(key), (key, value))

    # -- run manifests -----------------------------------------------------------------------

    def _run_path(self, scope: str, suffix: str) -> str:
        return os.path.join(self.directory, _RUNS, scope + suffix)

    def manifest(self, scope: str) -> Dict[str, Tuple[str, object]]:
        """``path -> (key, result)`` of the last run of ``scope``; empty when there is none or
        it is damaged. An entry is used only when its key equals the file's key now."""
        data = _load(self._run_path(scope, _MANIFEST_SUFFIX))
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return {}
        files = data.get("files")
        if not isinstance(files, dict):
            return {}
        return files

    def put_manifest(self, scope: str, files: Dict[str, Tuple[str, object]]) -> None:
        if self._prepare_runs():
            _store(self._run_path(scope, _MANIFEST_SUFFIX), {"format": _FORMAT, "files": files})

    def outcome(self, scope: str, key: str) -> Optional[Any]:
        """The findings stored by the last run of ``scope`` if its inputs had digest ``key``."""
        data = _load(self._run_path(scope, _OUTCOME_SUFFIX))
        if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("key") != key:
            return None
        return data.get("value")

    def put_outcome(self, scope: str, key: str, value: object) -> None:
        if self._prepare_runs():
            _store(
                self._run_path(scope, _OUTCOME_SUFFIX),
                {"format": _FORMAT, "key": key, "value": value},
            )

    def _prepare_runs(self) -> bool:
        self._prepare()
        folder = os.path.join(self.directory, _RUNS)
        if folder in self._folders:
            return True
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            return False
        self._folders.add(folder)
        self._prune_runs(folder)
        return True

    @staticmethod
    def _prune_runs(folder: str) -> None:
        """Remove manifests of scopes not run for a month (other configurations, old paths)."""
        limit = time.time() - _STALE_RUN_SECONDS
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        if entry.stat().st_mtime < limit:
                            os.unlink(entry.path)
                    except OSError:
                        pass
        except OSError:
            pass

    def _prepare(self) -> None:
        """Create the folder with a .gitignore of its own, so it never shows up in git."""
        if self._prepared:
            return
        self._prepared = True
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
            try:  # atomically too: a concurrent run or git never sees it half written
                with open(temporary, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.replace(temporary, marker)
            except OSError:
                pass
