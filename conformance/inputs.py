"""The run's inputs: every file's cache key, known from its ``stat`` when the store recorded it,
else by reading and hashing the file (``cache.py`` holds the rows and the racy-timestamp rule).

The warm run's first cost after discovery: one ``stat`` per file, compared field by field with
the row stored when the file was last hashed; only a file whose ``stat`` differs is read.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, List, Mapping, Optional, Tuple

from conformance.model import Layout, SourceFile

if TYPE_CHECKING:
    from conformance.cache import FileStat


@dataclass
class Input:
    """One file of the run: its cache key and, once read, its bytes.

    ``data`` is None when the file was not read (its ``stat`` matched the store, so its digest is
    known without reading) or could not be read (``reason`` then says why). ``stat`` is the row to
    record for the next run, None when nothing new was learnt.
    """

    file: SourceFile
    key: str
    data: Optional[bytes] = None
    reason: Optional[str] = None
    stat: Optional[FileStat] = None

    @property
    def readable(self) -> bool:
        return self.reason is None


def read_file(root: str, file: SourceFile) -> Tuple[Optional[bytes], Optional[str], Optional[Any]]:
    """The bytes of a file, why they cannot be read, and the ``stat`` taken before reading (a
    change after the ``stat`` then shows as a different ``stat`` on the next run). Only regular
    files of bounded size are read (conformance/reading.py)."""
    from conformance.reading import read_regular

    return read_regular(os.path.join(root, file.path))


def unreadable(file: SourceFile, error: Optional[str]) -> Input:
    reason = error or "cannot read"
    key = "!" + hashlib.sha256(f"{file.path}\0{reason}".encode()).hexdigest()
    return Input(file, key, None, reason)


def read_inputs(
    layout: Layout,
    digest: str,
    sources: Optional[Mapping[str, bytes]],
    known: Optional[Mapping[str, FileStat]] = None,
) -> List[Input]:
    """Every file's cache key. A file whose ``stat`` (size, mtime_ns, inode, ctime_ns) equals the
    one ``known`` recorded when it was last hashed is not read (one ``stat`` call, compared
    field by field); every other file is read and hashed, and its ``stat`` recorded if it was
    older than the timestamp granularity when read (``cache.RACY_SECONDS``)."""
    from conformance.cache import RACY_SECONDS, content_digest, content_key

    inputs: List[Input] = []
    append = inputs.append
    known = known or {}
    stat_of = os.stat
    prefix = os.path.join(layout.root, "")
    trusted_before = int((time.time() - RACY_SECONDS) * 1e9)
    not_valid = dict(layout.unreadable)
    for file in layout.files:
        path = file.path
        role = ",".join(file.roles)
        if path in not_valid:  # a name that is not valid UTF-8 (shown escaped)
            append(unreadable(file, not_valid[path]))
            continue
        if sources is not None and path in sources:
            key = content_key(digest, path, file.module, role, content_digest(sources[path]))
            append(Input(file, key, sources[path]))
            continue
        row = known.get(path)
        if row is not None:
            try:
                status = stat_of(prefix + path)
            except OSError:
                status = None
            if (
                status is not None
                and status.st_mtime_ns == row[1]
                and status.st_size == row[0]
                and status.st_ino == row[2]
                and status.st_ctime_ns == row[3]
            ):
                append(Input(file, content_key(digest, path, file.module, role, row[4])))
                continue
        data, error, status = read_file(layout.root, file)
        if data is None:
            append(unreadable(file, error))
            continue
        data_digest = content_digest(data)
        key = content_key(digest, path, file.module, role, data_digest)
        stat = None
        if status is not None and status.st_mtime_ns < trusted_before:
            stat = (
                status.st_size,
                status.st_mtime_ns,
                status.st_ino,
                status.st_ctime_ns,
                data_digest,
            )
        append(Input(file, key, data, stat=stat))
    return inputs


def reread(root: str, item: Input, digest: str) -> Input:
    """An input known by its ``stat`` only, read now (its result was not in the store). Keyed
    by what was read: if the file changed since its ``stat``, the old key must not get the new
    result."""
    from conformance.cache import content_digest, content_key

    data, error, _ = read_file(root, item.file)
    if data is None:
        return unreadable(item.file, error)
    file = item.file
    key = content_key(digest, file.path, file.module, ",".join(file.roles), content_digest(data))
    return Input(file, key, data)
