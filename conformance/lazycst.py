"""``libcst``, imported on first use.

Rule modules refer to libcst node classes only inside their hooks, which run after a file is parsed.
Importing libcst costs about a quarter of a second; a warm run that serves every file from the
cache never parses, so rule modules import this stand-in instead::

    if TYPE_CHECKING:
        import libcst as cst
    else:
        from conformance import lazycst as cst
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    import libcst

    value = getattr(libcst, name)
    globals()[name] = value  # later lookups skip this function
    return value
