"""A file-pass worker started ahead: a process that imports libcst, the file pass and the file
rules while the run reads its cache, and analyses the few files an edit changed.

An edit's run from the command line spends about 0.2 s importing libcst and the rules before it
can analyse the one file that changed, after as long reading the cache and deciding what changed;
on a second core both happen at once. The worker is started at the beginning of a cached run
(``cli.py``) only where that pays: at least two usable cores and ``--jobs`` not 1. A run that has
nothing to analyse stops it unused; a run with many files to analyse stops it and uses its worker
pool.

It is a new interpreter (``subprocess``, the same executable and ``sys.path``), not a fork: a
forked child would share the run's memory, and the run would pay a copy of every page it writes
afterwards, more than a warm run with nothing to analyse can spare. It talks over its standard
input and output (pickled values, one after the other: both ends are this program), never writes
to the run's streams (its own are moved to the null device), ignores Ctrl-C (the run stops it) and
never outlives the run: it exits when its input closes, or is killed.

What it returns is what an analysis in the run's own process returns (``engine.analyze_files``
passes the same arguments); a worker that died (a crash of libcst's native parser) answers None,
and the run analyses those files one process each, as after a crash in its pool.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from typing import IO, TYPE_CHECKING, Any, List, NoReturn, Optional, Sequence, Tuple

if TYPE_CHECKING:
    import subprocess

    from conformance.model import SourceFile
    from conformance.results import AnalysisSettings, FileResult, NodeLocator, Place

#: What the new interpreter runs: the run's import path first (the run may have been started
#: from a checkout, or with a path of its own), then the worker.
_BOOT = (
    "import pickle, sys\n"
    "sys.path[:] = pickle.load(sys.stdin.buffer)\n"
    "from conformance.prestart import serve\n"
    "serve()\n"
)


def _usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def worthwhile(jobs: int) -> bool:
    """Whether a worker started ahead can shorten a run of ``jobs`` workers on this machine."""
    return jobs > 1 and _usable_cores() > 1 and bool(sys.executable)


class _Channel:
    """Pickled values over a pair of pipes, one after the other."""

    def __init__(self, reading: IO[bytes], writing: IO[bytes]) -> None:
        self._in = reading
        self._out = writing

    def send(self, value: object) -> None:
        pickle.dump(value, self._out, protocol=pickle.HIGHEST_PROTOCOL)
        self._out.flush()

    def recv(self) -> Any:
        """The next value; EOFError once the other end is closed."""
        return pickle.load(self._in)

    def close(self) -> None:
        for stream in (self._out, self._in):
            try:
                stream.close()
            except OSError:
                pass


class Prestarted:
    """The run's end of a worker started ahead (:func:`start`)."""

    def __init__(self, process: subprocess.Popen[bytes], connection: _Channel) -> None:
        self.process = process
        self._connection: Optional[_Channel] = connection

    @property
    def alive(self) -> bool:
        return self._connection is not None

    def analyze(
        self,
        batch: Sequence[Tuple[SourceFile, bytes]],
        settings: AnalysisSettings,
        codes: Tuple[str, ...],
    ) -> Optional[List[FileResult]]:
        """The packed results of ``batch`` analysed in the worker with the file rules ``codes``;
        None if the worker is gone or dies meanwhile (it is then closed)."""
        reply = self._ask(("analyze", list(batch), settings, codes))
        results: Optional[List[FileResult]] = reply
        return results

    def locate(self, data: bytes, locators: Sequence[NodeLocator]) -> Optional[List[Place]]:
        """``positions.locate(data, locators)`` computed in the worker (the places of an edited
        file's confirmed cross-file findings need its parse); None if the worker is gone."""
        reply = self._ask(("locate", data, list(locators)))
        places: Optional[List[Place]] = reply
        return places

    def _ask(self, request: Tuple[Any, ...]) -> Optional[List[Any]]:
        connection = self._connection
        if connection is None:
            return None
        try:
            connection.send(request)
            reply: Any = connection.recv()
        except (OSError, EOFError, pickle.UnpicklingError):
            self.close()
            return None
        if not isinstance(reply, list):
            self.close()  # the worker could not import the file pass: not used again
            return None
        return reply

    def close(self) -> None:
        """Stop the worker (at once: a worker still importing has nothing to finish) and reap it.
        Idempotent."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        connection.close()
        try:
            self.process.kill()
            self.process.wait()
        except OSError:
            pass


#: Flags after which a check never uses a worker started ahead (their plain spellings).
_NO_WORKER_FLAGS = frozenset(
    {"--no-cache", "--fix", "--diff", "--show-settings", "--show-files", "--watch", "-h", "--help"}
    | {"-j1", "--jobs=1"}
)


def may_want(argv: Sequence[str]) -> bool:
    """Whether the unparsed arguments of a check may want a worker: False when a plain spelling
    of a flag says no. A guess that lets the worker start before the arguments are parsed (the
    parser imports the reporters); the parsed flags decide (:func:`settle`), so that what the
    guess misses (``-qj1``, an abbreviation such as ``--no-c``) only costs a worker stopped."""
    for position, token in enumerate(argv):
        if token in _NO_WORKER_FLAGS:
            return False
        if token in ("-j", "--jobs") and argv[position + 1 : position + 2] == ["1"]:
            return False
    return True


def settle(early: Optional[Prestarted], wanted: bool) -> Optional[Prestarted]:
    """The run's worker once its flags are parsed: ``early`` (started from the raw arguments)
    if one is ``wanted`` and it is alive, else a new one if wanted, else none (``early``
    stopped)."""
    if early is not None:
        if wanted and early.alive:
            return early
        early.close()
        return None
    return start() if wanted else None


def start() -> Optional[Prestarted]:
    """Start the worker; None where that fails (the run then analyses in its own process)."""
    import subprocess

    try:
        process = subprocess.Popen(
            # -I: no environment variables, user site or current folder: the path is the run's
            [sys.executable, "-I", "-c", _BOOT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except (OSError, ValueError):
        return None
    assert process.stdin is not None and process.stdout is not None
    connection = _Channel(process.stdout, process.stdin)
    try:
        connection.send(list(sys.path))
    except OSError:
        connection.close()
        process.kill()
        process.wait()
        return None
    return Prestarted(process, connection)


def serve() -> NoReturn:
    """The worker's life: import, then analyse each batch it is sent, until its input closes.
    Leaves by ``os._exit``: nothing of the interpreter's shutdown is needed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C is for the run
    # Requests are read through the same buffered stream the boot read the path from (it may
    # hold the first request already). Replies go out on a descriptor of their own: what
    # anything writes to the standard output goes to the null device, not into a reply.
    writing = os.fdopen(os.dup(1), "wb")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    connection = _Channel(sys.stdin.buffer, writing)
    code = 0
    try:
        try:
            from conformance.filepass import analyze_file, packed
            from conformance.positions import locate
            from conformance.rules import load_file_rules, specs
            from conformance.rules.spec import FILE

            load_file_rules(spec.code for spec in specs() if spec.kind == FILE)
        except Exception:
            connection.send(None)  # the answer to the first request: analyse elsewhere
            raise
        while True:
            try:
                request = connection.recv()
            except EOFError:
                break
            if request[0] == "locate":
                connection.send(list(locate(request[1], request[2])))
                continue
            _, batch, settings, codes = request
            rules = load_file_rules(codes)
            connection.send(
                [packed(analyze_file(file, data, settings, rules)) for file, data in batch]
            )
    except BaseException:
        code = 1
    finally:
        os._exit(code)
