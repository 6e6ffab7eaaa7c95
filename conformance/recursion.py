"""Room for deep but valid code in the parts that recurse over the syntax tree.

The walker is iterative, but libcst's code generator (positions, fingerprints, fixes) and a few
rules recurse once per nesting level: a 500-branch ``elif`` or a 300-call ``.where()`` chain needs
more than Python's default limit of 1000 frames. The limit is raised while a file is analysed, to a
depth the interpreter's C stack holds (Python 3.11 and later do not use the C stack for Python
calls; older versions do, so they get less room).
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from typing import Iterator

#: Frames allowed while a file is analysed.
DEEP_LIMIT = 20_000 if sys.version_info >= (3, 11) else 6_000

_lock = threading.Lock()
_depth = 0
_saved = 0


@contextmanager
def deep_recursion() -> Iterator[None]:
    """Raise the recursion limit to :data:`DEEP_LIMIT` for the duration (re-entrant, and shared
    by threads: the limit is restored when the last user leaves)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = sys.getrecursionlimit()
            if _saved < DEEP_LIMIT:
                sys.setrecursionlimit(DEEP_LIMIT)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                sys.setrecursionlimit(_saved)
