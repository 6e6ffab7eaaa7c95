"""``conformance check --watch``: check, then check again whenever a Python file or the
configuration of the project changes, clearing the terminal between runs (ruff's ``--watch``).

watchfiles (the ``watch`` extra) does the waiting: native file-system events, debounced, so that
an editor's save of several files gives one run. Ctrl-C ends the loop with exit 0.
"""

from __future__ import annotations

import argparse
import os
from typing import Callable, TextIO

from conformance.discovery import CONFIG_FILE_NAMES

#: Clear the screen and move the cursor home (what `clear` prints).
CLEAR = "\x1b[2J\x1b[H"

EXIT_ERROR = 2


def _relevant(path: str) -> bool:
    name = os.path.basename(path)
    if ".conformance_cache" in path.replace(os.sep, "/").split("/"):
        return False
    return name.endswith(".py") or name in CONFIG_FILE_NAMES or name == ".gitignore"


def watch(
    check: Callable[[], int], args: argparse.Namespace, stdout: TextIO, stderr: TextIO
) -> int:
    """Run ``check`` now and after every change under the project root; returns on Ctrl-C."""
    if args.fix or args.diff or args.stdin_filename is not None or args.update_baseline:
        stderr.write(
            "error: --watch only reports: it cannot be combined with --fix, --diff,"
            " --stdin-filename or --update-baseline\n"
        )
        return EXIT_ERROR
    try:
        import watchfiles
    except ImportError:
        stderr.write("error: --watch needs watchfiles: pip install 'module-conformance[watch]'\n")
        return EXIT_ERROR
    from conformance.config import find_config

    paths = args.paths or ["."]
    root = find_config(paths[0])[0]
    terminal = bool(getattr(stdout, "isatty", None) and stdout.isatty())
    # Armed before the first check, so that a change saved while a check runs is not missed;
    # the short timeout only lets the loop notice empty rounds.
    changes_stream = watchfiles.watch(
        root,
        watch_filter=lambda _change, path: _relevant(path),
        yield_on_timeout=True,
        rust_timeout=200,
    )
    first = True
    try:
        next(changes_stream)
        while True:
            if terminal:
                stdout.write(CLEAR)
            code = check()
            if code == EXIT_ERROR and first:
                return code  # a bad command line or configuration: nothing to watch for
            first = False
            stderr.write("Watching for file changes (Ctrl-C to stop).\n")
            stdout.flush()
            stderr.flush()
            for changes in changes_stream:
                if changes:
                    break
            else:  # the watcher stopped by itself
                return 0
    except KeyboardInterrupt:
        return 0
