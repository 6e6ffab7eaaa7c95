"""Writing a fixed file: atomically (temporary file in the same folder, flush, fsync,
``os.replace``; mode and owner kept), and only when the file still holds the bytes the fixes were
computed from. Pure I/O; the decisions are ``fixes.py``'s."""

from __future__ import annotations

import os
import stat
import tempfile
from typing import Callable, Optional

#: Test hook: called with the absolute path of a file after its new content is on disk in a
#: temporary file and right before the last look at the original (a concurrent change made here
#: must be detected). None in normal runs.
BEFORE_WRITE: Optional[Callable[[str], None]] = None


_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def write_file(path: str, original: bytes, fixed: bytes) -> Optional[str]:
    """Replace the file at ``path`` by ``fixed`` atomically, if it still holds ``original``.

    Returns None when written, else why not (one line; the file is then untouched). Symbolic links
    are followed (the link stays a link); the mode is kept, and the owner when the process may set
    it. A file without any write permission bit is read-only by intent and is not written even
    by root, for whom the operating system would allow it.
    """
    real = os.path.realpath(path)
    try:
        status = os.stat(real)
    except OSError as error:
        return f"cannot write: {error.strerror or error}"
    if not stat.S_ISREG(status.st_mode):
        return "not a regular file any more; not written"
    if not status.st_mode & _WRITE_BITS or not os.access(real, os.W_OK):
        return "read-only file; not fixed (make it writable and run --fix again)"
    if _read_bytes(real) != original:
        return "changed on disk during the run; not overwritten (run --fix again)"
    folder = os.path.dirname(real) or "."
    temporary: Optional[str] = None
    try:
        try:
            handle, temporary = tempfile.mkstemp(
                dir=folder, prefix=f".{os.path.basename(real)}.", suffix=".conformance-tmp"
            )
        except OSError as error:
            return (
                f"cannot create a temporary file in its folder ({error.strerror or error});"
                " file left unchanged"
            )
        with os.fdopen(handle, "wb") as out:
            out.write(fixed)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        if hasattr(os, "chown") and (
            status.st_uid != os.stat(temporary).st_uid or status.st_gid != os.stat(temporary).st_gid
        ):
            try:
                os.chown(temporary, status.st_uid, status.st_gid)
            except OSError:
                pass  # not permitted: the file becomes ours, like any editor's save
        if BEFORE_WRITE is not None:
            BEFORE_WRITE(real)
        # The last look: someone may have saved the file since it was read at the start.
        if _read_bytes(real) != original:
            return "changed on disk during the run; not overwritten (run --fix again)"
        os.replace(temporary, real)
        temporary = None
        _fsync_folder(folder)
    except OSError as error:
        return f"cannot write ({error.strerror or error}); file left unchanged"
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
    return None


def _read_bytes(path: str) -> Optional[bytes]:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _fsync_folder(folder: str) -> None:
    """Make the rename durable (POSIX); best effort elsewhere."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
