"""Reading a file that discovery listed, defensively: whatever sits at a ``.py`` path of a
checked tree (a FIFO, a symlink to a device, a symlink loop, a file of gigabytes) is either read
as a regular file of bounded size or reported with a one-line reason, never waited on or read
without end. The reason becomes a CNF901 finding for that file; the run goes on.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import Optional, Tuple

#: Larger files are not read (CNF901): no hand-written module comes near it, and what does (data
#: dumps, generated code) is better excluded than parsed on every run.
MAX_FILE_BYTES = 4 * 1024 * 1024

#: The hint of a CNF901 finding for a file that was not read.
READ_HINT = (
    "only regular, readable files with a UTF-8 name and at most 4 MiB are checked: fix the file"
    " or exclude it (`extend-exclude`)"
)

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def read_source(path: str, limit: int = MAX_FILE_BYTES) -> Tuple[Optional[bytes], Optional[str]]:
    """(bytes, None) for a regular file of at most ``limit`` bytes, else (None, why not)."""
    data, reason, _ = read_regular(path, limit)
    return data, reason


def read_regular(
    path: str, limit: int = MAX_FILE_BYTES
) -> Tuple[Optional[bytes], Optional[str], Optional[os.stat_result]]:
    """(bytes, None, the file's ``stat`` before reading) for a regular file of at most ``limit``
    bytes, else (None, why not, None).

    Opened without blocking (opening a FIFO for reading would wait for a writer), checked with
    ``fstat`` on the open descriptor (no race between the check and the read), and read at most
    ``limit + 1`` bytes (a file that grows while read is still bounded).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return None, "cannot read: a symbolic link loop", None
        return None, f"cannot read: {error.strerror or error}", None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return None, f"not read: {_kind(status.st_mode)}, not a regular file", None
        if status.st_size > limit:
            return None, _too_large(status.st_size, limit), None
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, min(limit + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            return None, _too_large(size, limit), None
        return b"".join(chunks), None, status
    except OSError as error:
        return None, f"cannot read: {error.strerror or error}", None
    finally:
        os.close(descriptor)


def _too_large(size: int, limit: int) -> str:
    mib = 1024 * 1024
    return (
        f"not read: {size / mib:.1f} MiB, larger than the {limit // mib} MiB limit"
        " (exclude generated files)"
    )
