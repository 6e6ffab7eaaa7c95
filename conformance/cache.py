"""The content-hash cache of file-pass results.

A file's cached result is keyed by everything that can change it: the tool version, the digest of
the analysis settings (effective configuration, selected rules, project packages), the file's
path, module name and role, and the SHA-256 of its bytes. Whatever depends on *other* files is not
in the cached result at all: it travels as conditions and is re-decided from the index on every run
(see ``conditions.py``), so a change elsewhere can never leave a stale finding.

Entries are pickles written atomically (temporary file + rename), so two runs at once never leave
a torn entry; a corrupt or truncated entry reads as a miss and is rewritten.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from typing import Optional

from conformance import __version__

CACHE_DIR_NAME = ".conformance_cache"
_FORMAT = 1  # bump when the pickled shape changes incompatibly


def content_key(settings_digest: str, path: str, module: str, role: str, data: bytes) -> str:
    """The cache key of one file's result."""
    digest = hashlib.sha256()
    for part in (str(_FORMAT), __version__, settings_digest, path, module, role):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()


class Cache:
    """A folder of pickled results, two-level fan-out by key prefix."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._prepared = False

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], key[2:])

    def get(self, key: str) -> Optional[object]:
        try:
            with open(self._path(key), "rb") as handle:
                value: object = pickle.load(handle)
                return value
        except FileNotFoundError:
            return None
        except Exception:
            return None

    def put(self, key: str, value: object) -> None:
        self._prepare()
        path = self._path(key)
        folder = os.path.dirname(path)
        try:
            os.makedirs(folder, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except OSError:
            return  # a read-only or full disk only costs speed

    def _prepare(self) -> None:
        """Create the folder with a .gitignore of its own, so it never shows up in git."""
        if self._prepared:
            return
        self._prepared = True
        try:
            os.makedirs(self.directory, exist_ok=True)
            marker = os.path.join(self.directory, ".gitignore")
            if not os.path.exists(marker):
                with open(marker, "w", encoding="utf-8") as handle:
                    handle.write("# created by module-conformance\n*\n")
            tag = os.path.join(self.directory, "CACHEDIR.TAG")
            if not os.path.exists(tag):
                with open(tag, "w", encoding="utf-8") as handle:
                    handle.write("Signature: 8a477f597d28d172789f06886806bc55\n")
        except OSError:
            pass
