"""A progress bar for long cold runs: on a terminal only, and only when there is a lot to parse.

The engine reports ``(done, total)`` of the files it parses; :class:`ProgressBar` decides on the
first report whether a bar is worth showing, so a warm run (nothing parsed) never imports rich.
The bar goes to stderr and is removed when the run ends, so the report on stdout is unchanged.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, TextIO

#: Below this many files to parse a cold run ends before a bar would tell anything.
MIN_FILES = 300

#: Environment variables that mean "not an interactive session" (CI systems set ``CI``).
_CI_VARIABLES = ("CI", "CONTINUOUS_INTEGRATION", "BUILD_NUMBER", "GITHUB_ACTIONS", "GITLAB_CI")


def wants_progress(stream: TextIO, environ: Mapping[str, str], quiet: bool = False) -> bool:
    """Whether a progress bar may be shown on ``stream``: a terminal, not CI, not ``--quiet``,
    not ``TERM=dumb``."""
    if quiet:
        return False
    if any(environ.get(name) for name in _CI_VARIABLES):
        return False
    if environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):  # a closed or detached stream
        return False


class ProgressBar:
    """The ``progress`` callback of :class:`conformance.engine.RunOptions`; use as a context
    manager so the bar is removed before the report is printed."""

    def __init__(self, stream: TextIO, min_files: int = MIN_FILES) -> None:
        self.stream = stream
        self.min_files = min_files
        self.shown = False
        self._decided = False
        self._progress: Optional[Any] = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self._decided:
            self._decided = True
            if total >= self.min_files:
                self._start(total)
        if self._progress is not None:
            self._progress.update(self._task, completed=done, total=total)

    def _start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        console = Console(file=self.stream, stderr=True)
        self._progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task("parsing", total=total)
        self._progress.start()
        self.shown = True

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
