"""Writes stay inside the project. A checker run on pull requests writes what the repository's
content asks for (``--fix`` rewrites the files it checks, ``--update-baseline`` the file the
``baseline`` key names): a symbolic link to ``~/.bashrc`` committed as ``x.py``, or
``baseline = "../../x.json"``, must not make it write anywhere else. Links are resolved before the
check, so a link to another file of the project is fine.
"""

from __future__ import annotations

import os


def inside_project(root: str, path: str) -> bool:
    """Whether ``path``, with every symbolic link resolved, lies below the project ``root``."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)
