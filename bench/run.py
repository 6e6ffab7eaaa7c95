"""Benchmark the checker against bare parsing on generated cpv3 trees; print a Markdown table.

Why measure baselines in the same run: absolute seconds depend on the machine, so the goals are
stated as ratios to what any libcst-based tool must pay anyway (read the files, parse them), and
those baselines are measured seconds before the checker, on the same tree, with the same worker
count. Every figure is the median of ``--repeat`` wall-clock runs of a fresh subprocess, so
interpreter start-up and imports are included exactly as a user would pay them.

Usage::

    python bench/run.py --modules 100 [--modules 1000] [--repeat 5] [--jobs 1,2]

Stdlib only (plus libcst in the measured child processes). If the ``conformance`` package cannot
run yet, its rows print ``n/a`` with the reason instead of failing the whole benchmark.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Callable, Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# Child scripts. They are written to files (not passed with ``-c``) because multiprocessing's
# spawn start method (macOS, Windows) must re-import the main module by path.

READ_HASH_SCRIPT = """\
import hashlib
import sys

with open(sys.argv[1], encoding="utf-8") as listing:
    paths = listing.read().splitlines()
digest = hashlib.sha256()
for path in paths:
    with open(path, "rb") as handle:
        digest.update(hashlib.sha256(handle.read()).digest())
print(len(paths), digest.hexdigest())
"""

AST_SCRIPT = """\
import ast
import sys

with open(sys.argv[1], encoding="utf-8") as listing:
    paths = listing.read().splitlines()
for path in paths:
    with open(path, "rb") as handle:
        ast.parse(handle.read(), path)
print(len(paths))
"""

LIBCST_SCRIPT = """\
import sys

import libcst


def parse(path):
    with open(path, "rb") as handle:
        module = libcst.parse_module(handle.read())
    return len(module.body)  # small result: the tree itself never crosses processes


def main():
    with open(sys.argv[1], encoding="utf-8") as listing:
        paths = listing.read().splitlines()
    jobs = int(sys.argv[2])
    if jobs == 1:
        total = sum(map(parse, paths))
    else:
        from multiprocessing import Pool

        with Pool(jobs) as pool:
            total = sum(pool.map(parse, paths))  # default chunking, like a simple map
    print(len(paths), total)


if __name__ == "__main__":
    main()
"""

MAXRSS_WRAPPER = """\
import resource
import subprocess
import sys

code = subprocess.run(sys.argv[2:]).returncode
usage = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, kilobytes elsewhere
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write(str(usage * scale))
sys.exit(code)
"""


# --------------------------------------------------------------------------------------------
# Measurement primitives
# --------------------------------------------------------------------------------------------


@dataclass
class Timing:
    """Median of the repetitions, or ``None`` with the reason when the command could not run."""

    runs: List[float] = field(default_factory=list)
    error: str = ""

    @property
    def median(self) -> Optional[float]:
        return statistics.median(self.runs) if self.runs and not self.error else None


@dataclass
class Memory:
    """Peak memory of one run: the largest single process, and the sampled sum over the tree."""

    largest_mb: Optional[float] = None
    total_mb: Optional[float] = None
    total_kind: str = ""
    error: str = ""


def first_line(text: str) -> str:
    """The most telling line of an error output, for a table cell."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    return lines[-1][:120]


def failure(
    code: int, stderr: str, ok_codes: Sequence[int], strict_traceback: bool
) -> Optional[str]:
    """Why a run counts as failed, or None.

    ``strict_traceback``: an uncaught exception exits 1, the same code as "violations found",
    so for the checker a traceback on stderr marks the run as an error, not as findings.
    """
    if code not in ok_codes:
        return f"exit {code}: {first_line(stderr)}"
    if strict_traceback and "Traceback (most recent call last)" in stderr:
        return f"crashed (exit {code}): {first_line(stderr)}"
    return None


def run_timed(
    cmd: Sequence[str],
    repeat: int,
    env: Dict[str, str],
    timeout: float,
    ok_codes: Sequence[int] = (0,),
    strict_traceback: bool = False,
    before: Optional[Callable[[int], None]] = None,
) -> Timing:
    """Median-of-N wall clock of a subprocess; the first failing run stops the series."""
    timing = Timing()
    for index in range(repeat):
        if before is not None:
            before(index)
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                list(cmd),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            timing.error = f"timeout after {timeout:.0f} s"
            return timing
        except OSError as exc:
            timing.error = f"cannot run: {exc}"
            return timing
        elapsed = time.perf_counter() - start
        reason = failure(
            proc.returncode, proc.stderr.decode("utf-8", "replace"), ok_codes, strict_traceback
        )
        if reason:
            timing.error = reason
            return timing
        timing.runs.append(elapsed)
    return timing


def gnu_time() -> Optional[str]:
    """Path of a GNU ``time`` that supports ``-v -o`` (BSD/macOS ``time`` does not)."""
    path = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    if path is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "time.txt"
        try:
            subprocess.run(
                [path, "-v", "-o", str(out), sys.executable, "-c", "pass"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
                timeout=60,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        text = out.read_text(encoding="utf-8", errors="replace") if out.exists() else ""
        return path if "Maximum resident set size" in text else None


def descendants(root: int) -> List[int]:
    """PIDs of ``root`` and all its descendants (Linux /proc), for summing worker memory."""
    parents: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        # Field 4 is the parent pid; the command name (field 2) may contain spaces or parens.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) >= 2:
            parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, ()))
    return found


def process_kb(pid: int) -> Tuple[int, str]:
    """Proportional set size of one process (shared pages split fairly), else its RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]), "PSS"
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]), "RSS"
    except OSError:
        pass
    return 0, ""


def run_memory(
    cmd: Sequence[str], env: Dict[str, str], timeout: float, time_path: Optional[str]
) -> Memory:
    """Peak memory of one run of ``cmd``.

    The largest process comes from the kernel (``ru_maxrss`` via GNU ``time -v``, else a fresh
    Python parent reading ``RUSAGE_CHILDREN``): exact, but it is the maximum of one process,
    not the sum over workers. The sum is sampled every 20 ms from /proc (Linux only), using PSS
    so pages that forked workers share are not counted twice; short peaks can be missed.
    """
    memory = Memory()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "peak.txt"
        if time_path:
            wrapped = [time_path, "-v", "-o", str(out), *cmd]
        else:
            script = Path(tmp) / "maxrss.py"
            script.write_text(MAXRSS_WRAPPER, encoding="utf-8")
            wrapped = [sys.executable, str(script), str(out), *cmd]
        sampling = Path("/proc/self/stat").exists()
        peak_total = 0
        kinds = set()
        try:
            proc = subprocess.Popen(
                wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
            )
        except OSError as exc:
            memory.error = f"cannot run: {exc}"
            return memory
        errors: List[bytes] = []
        stream = proc.stderr
        assert stream is not None  # stderr=PIPE
        # Drain stderr concurrently: a chatty child must never block on a full pipe.
        reader = threading.Thread(target=lambda: errors.append(stream.read()), daemon=True)
        reader.start()
        deadline = time.monotonic() + timeout
        while proc.poll() is None:
            if time.monotonic() > deadline:
                proc.kill()
                memory.error = f"timeout after {timeout:.0f} s"
                return memory
            if sampling:
                total = 0
                for pid in descendants(proc.pid):
                    kb, kind = process_kb(pid)
                    total += kb
                    if kind:
                        kinds.add(kind)
                peak_total = max(peak_total, total)
            time.sleep(0.02)
        reader.join(timeout=5)
        stderr = b"".join(errors).decode("utf-8", "replace")
        reason = failure(proc.returncode, stderr, (0, 1), strict_traceback=True)
        if reason:
            memory.error = reason
            return memory
        text = out.read_text(encoding="utf-8", errors="replace") if out.exists() else ""
        if time_path:
            match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
            if match:
                memory.largest_mb = int(match.group(1)) / 1024
        elif text.strip().isdigit():
            memory.largest_mb = int(text.strip()) / (1024 * 1024)
        if peak_total:
            memory.total_mb = peak_total / 1024
            memory.total_kind = "PSS" if kinds == {"PSS"} else "RSS"
    return memory


# --------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------


def load_generator() -> ModuleType:
    """Import bench/generate.py by path, so the benchmark runs from any working directory."""
    spec = importlib.util.spec_from_file_location(
        "conformance_bench_generate", HERE / "generate.py"
    )
    if spec is None or spec.loader is None:
        raise SystemExit("cannot load bench/generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module through sys.modules
    spec.loader.exec_module(module)
    return module


def child_env(cache_dir: Path) -> Dict[str, str]:
    """Environment for every child: the repo on the path (works before ``pip install``), and a
    private cache directory so the benchmark never reads or pollutes a user's cache."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])]
    )
    env["CONFORMANCE_CACHE_DIR"] = str(cache_dir)
    env.pop("CONFORMANCE_FORMAT", None)
    # Some sandboxes set this: every checker run would then recompile the rule modules, which a
    # user's installed package never does.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def ruff_command() -> Optional[List[str]]:
    """How to invoke ruff: importable in this interpreter, else on PATH, else not at all."""
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    path = shutil.which("ruff")
    return [path] if path else None


def conformance_problem(env: Dict[str, str]) -> Optional[str]:
    """Why ``python -m conformance`` cannot run, or None.

    Checked up front because a missing module also exits 1, which would read as "findings".
    """
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('conformance') is None)"
    proc = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, check=False, timeout=120
    )
    if proc.returncode != 0:
        return "conformance package not importable"
    return None


@dataclass
class SizeResult:
    """All figures for one tree size."""

    modules: int
    files: int = 0
    lines: int = 0
    megabytes: float = 0.0
    timings: Dict[str, Timing] = field(default_factory=dict)
    memory: Dict[str, Memory] = field(default_factory=dict)


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


def bench_size(
    generator: ModuleType,
    modules: int,
    args: argparse.Namespace,
    jobs: Sequence[int],
    time_path: Optional[str],
    ruff: Optional[List[str]],
) -> SizeResult:
    """Generate one tree and run every scenario on it."""
    result = SizeResult(modules)
    work = Path(tempfile.mkdtemp(prefix=f"conformance-bench-{modules}-"))
    try:
        tree = work / "tree"
        summary = generator.generate(tree, modules, 0.1, args.seed, 0.0)
        paths = sorted(str(path) for path in tree.rglob("*.py"))
        result.files, result.megabytes = summary.files, summary.bytes / 1e6
        result.lines = summary.lines
        listing = work / "files.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        scripts = {}
        for name, text in (
            ("read_hash", READ_HASH_SCRIPT),
            ("ast", AST_SCRIPT),
            ("libcst", LIBCST_SCRIPT),
        ):
            # Prefixed names: a script called ast.py or libcst.py would shadow the real module.
            scripts[name] = work / f"bench_{name}.py"
            scripts[name].write_text(text, encoding="utf-8")
        env = child_env(work / "cache-unused")
        log(f"[{modules} modules] {summary.files} files, {summary.lines} lines in {tree}")

        def timed(
            key: str,
            cmd: Sequence[str],
            run_env: Optional[Dict[str, str]] = None,
            checker: bool = False,
            before: Optional[Callable[[int], None]] = None,
        ) -> Timing:
            timing = run_timed(
                cmd,
                args.repeat,
                env if run_env is None else run_env,
                args.timeout,
                ok_codes=(0, 1) if checker else (0,),
                strict_traceback=checker,
                before=before,
            )
            shown = f"{timing.median:.3f} s" if timing.median is not None else timing.error
            log(f"[{modules} modules] {key}: {shown}")
            result.timings[key] = timing
            return timing

        py = sys.executable
        # A first, unmeasured pass puts the files in the OS page cache for every scenario.
        run_timed([py, str(scripts["read_hash"]), str(listing)], 1, env, args.timeout)
        timed("startup", [py, "-c", "import libcst"])
        timed("read_hash", [py, str(scripts["read_hash"]), str(listing)])
        timed("ast", [py, str(scripts["ast"]), str(listing)])
        for count in jobs:
            timed(f"libcst_{count}", [py, str(scripts["libcst"]), str(listing), str(count)])

        check = [py, "-m", "conformance", "check", str(tree)]
        problem = conformance_problem(env)
        if problem is None:
            # Unmeasured probe: fails fast if the checker crashes, and compiles its .pyc files.
            probe = run_timed(
                [*check, "--no-cache", "--jobs", str(jobs[0])],
                1,
                env,
                args.timeout,
                ok_codes=(0, 1),
                strict_traceback=True,
            )
            problem = probe.error or None
        checker_keys = [f"cold_{count}" for count in jobs] + ["warm", "one_changed"]
        if problem is not None:
            log(f"[{modules} modules] conformance: n/a ({problem})")
            for key in checker_keys:
                result.timings[key] = Timing(error=problem)
            result.memory["cold"] = Memory(error=problem)
            result.memory["warm"] = Memory(error=problem)
        else:
            for count in jobs:
                timed(f"cold_{count}", [*check, "--no-cache", "--jobs", str(count)], checker=True)
            warm_env = child_env(work / "cache")
            fill = run_timed(
                check, 1, warm_env, args.timeout, ok_codes=(0, 1), strict_traceback=True
            )
            if fill.error:
                result.timings["warm"] = Timing(error=fill.error)
                result.timings["one_changed"] = Timing(error=fill.error)
            else:
                timed("warm", check, warm_env, checker=True)
                log(f"[{modules} modules] memory, warm run")
                result.memory["warm"] = run_memory(check, warm_env, args.timeout, time_path)
                target = sorted(tree.glob("cpv3/modules/*/service.py"))[0]

                def touch(index: int) -> None:
                    with target.open("a", encoding="utf-8", newline="\n") as handle:
                        handle.write(f"# bench edit {index}\n")

                timed("one_changed", check, warm_env, checker=True, before=touch)
                log(f"[{modules} modules] memory, one file changed")
                touch(args.repeat + 1)
                result.memory["one_changed"] = run_memory(check, warm_env, args.timeout, time_path)
            log(f"[{modules} modules] memory, cold --jobs {jobs[-1]}")
            result.memory["cold"] = run_memory(
                [*check, "--no-cache", "--jobs", str(jobs[-1])], env, args.timeout, time_path
            )

        if ruff is not None:
            ruff_timing = run_timed(
                [*ruff, "check", "--no-cache", "--isolated", str(tree)],
                args.repeat,
                env,
                args.timeout,
                ok_codes=(0, 1),
            )
            result.timings["ruff"] = ruff_timing
            log(f"[{modules} modules] ruff: {seconds(ruff_timing.median)} {ruff_timing.error}")
        else:
            result.timings["ruff"] = Timing(error="ruff not found")
    finally:
        if args.keep:
            log(f"[{modules} modules] kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return result


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def shorten(text: str, limit: int = 60) -> str:
    """Keep error cells narrow; the full message is in the progress log on stderr."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def seconds(value: Optional[float]) -> str:
    """A duration cell."""
    if value is None:
        return "n/a"
    return f"{value:.3f} s" if value < 10 else f"{value:.2f} s"


def ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    """numerator / denominator, or None when either side is missing."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def verdict(value: Optional[float], limit: float, at_most: bool) -> str:
    """`` ok`` / `` MISS`` suffix for a cell that has a goal."""
    if value is None:
        return ""
    passed = value <= limit if at_most else value >= limit
    return " ok" if passed else " MISS"


def report(results: Sequence[SizeResult], jobs: Sequence[int]) -> str:
    """The Markdown table: one column per tree size, medians first, then ratios and memory."""
    header = ["scenario", "goal"] + [f"{result.modules} modules" for result in results]
    rows: List[List[str]] = []

    def add(name: str, goal: str, cells: Sequence[str]) -> None:
        rows.append([name, goal, *cells])

    def med(result: SizeResult, key: str) -> Optional[float]:
        timing = result.timings.get(key)
        return timing.median if timing else None

    def cell(result: SizeResult, key: str) -> str:
        timing = result.timings.get(key)
        if timing is None:
            return "n/a"
        if timing.error:
            return f"n/a ({shorten(timing.error)})"
        return seconds(timing.median)

    add(
        "tree: files / lines / MB",
        "",
        [f"{r.files} / {r.lines} / {r.megabytes:.1f}" for r in results],
    )
    add("python start-up + import libcst", "", [cell(r, "startup") for r in results])
    add("(a) read + sha256 all files", "", [cell(r, "read_hash") for r in results])
    add("(b) ast.parse all files", "", [cell(r, "ast") for r in results])
    for count in jobs:
        add(f"(c) libcst parse, {count} proc", "", [cell(r, f"libcst_{count}") for r in results])
    for count in jobs:
        add(
            f"(d) check cold --no-cache --jobs {count}",
            "",
            [cell(r, f"cold_{count}") for r in results],
        )
    add("(e) check warm, nothing changed", "", [cell(r, "warm") for r in results])
    add("(f) check warm, one file changed", "", [cell(r, "one_changed") for r in results])
    add("(g) ruff check --no-cache (reference)", "", [cell(r, "ruff") for r in results])

    def fmt_ratio(value: Optional[float], goal: str = "") -> str:
        if value is None:
            return "n/a"
        return f"{value:.2f}x{goal}"

    for count in jobs:
        cells = []
        for r in results:
            value = ratio(med(r, f"cold_{count}"), med(r, f"libcst_{count}"))
            cells.append(fmt_ratio(value, verdict(value, 1.3, True)))
        add(f"cold check / libcst parse, {count} proc", "<= 1.3x", cells)
    base = jobs[0]
    for count in jobs[1:]:
        cells = []
        for r in results:
            value = ratio(med(r, f"cold_{base}"), med(r, f"cold_{count}"))
            mark = verdict(value, 1.7, False) if r.modules >= 1000 else ""
            cells.append(fmt_ratio(value, mark))
        add(f"speed-up check jobs {base} -> {count}", ">= 1.7x (1,000 mod.)", cells)
        cells = [
            fmt_ratio(ratio(med(r, f"libcst_{base}"), med(r, f"libcst_{count}"))) for r in results
        ]
        add(f"speed-up libcst parse {base} -> {count} (reference)", "", cells)
    largest = max(results, key=lambda r: r.modules)
    smallest = min(results, key=lambda r: r.modules)

    def at_largest(r: SizeResult, value: Optional[float], limit: float) -> str:
        """Goals about the 1,000-module tree are marked on the largest tree of the run."""
        mark = verdict(value, limit, True) if r is largest and r.modules >= 1000 else ""
        return fmt_ratio(value, mark)

    add(
        "warm, nothing changed / ruff",
        "<= 0.3x (1,000 mod.)",
        [at_largest(r, ratio(med(r, "warm"), med(r, "ruff")), 0.3) for r in results],
    )
    add(
        "one file changed / ruff",
        "<= 0.5x (1,000 mod.)",
        [at_largest(r, ratio(med(r, "one_changed"), med(r, "ruff")), 0.5) for r in results],
    )
    add(
        f"one file changed / the same on {smallest.modules} modules",
        "<= 2x (1,000 mod.)",
        [
            at_largest(r, ratio(med(r, "one_changed"), med(smallest, "one_changed")), 2.0)
            for r in results
        ],
    )

    def mem_cells(key: str, attr: str, limit: Optional[float]) -> List[str]:
        cells = []
        for r in results:
            memory = r.memory.get(key)
            if memory is None:
                cells.append("n/a")
            elif memory.error:
                cells.append(f"n/a ({shorten(memory.error)})")
            else:
                value = getattr(memory, attr)
                if value is None:
                    cells.append("n/a")
                else:
                    suffix = f" {memory.total_kind}" if attr == "total_mb" else ""
                    marked = limit is not None and r.modules >= 1000
                    mark = verdict(value, limit, True) if limit is not None and marked else ""
                    cells.append(f"{value:.0f} MB{suffix}" + mark)
        return cells

    last = jobs[-1]
    add(
        f"(h) peak RSS, largest process, cold --jobs {last}",
        "<= 300 MB (1,000 mod.)",
        mem_cells("cold", "largest_mb", 300),
    )
    add(
        f"(h) peak memory, sum of processes, cold --jobs {last}",
        "",
        mem_cells("cold", "total_mb", None),
    )
    add(
        "(h) peak RSS, warm, nothing changed",
        "<= 200 MB (1,000 mod.)",
        mem_cells("warm", "largest_mb", 200),
    )
    add(
        "(h) peak RSS, one file changed",
        "<= 200 MB (1,000 mod.)",
        mem_cells("one_changed", "largest_mb", 200),
    )

    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "| " + " | ".join(text.ljust(width) for text, width in zip(header, widths)) + " |",
        "|" + "|".join("-" * (width + 2) for width in widths) + "|",
    ]
    for row in rows:
        lines.append(
            "| " + " | ".join(text.ljust(width) for text, width in zip(row, widths)) + " |"
        )
    return "\n".join(lines)


def versions() -> List[str]:
    """Context lines printed above the table: figures mean little without them."""
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    cpus = f"{os.cpu_count()} CPUs" + (f" ({affinity} usable)" if affinity is not None else "")
    lines = [
        f"Python {platform.python_version()} ({platform.python_implementation()}) "
        f"on {platform.system()} {platform.machine()}, {cpus}",
    ]
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover - Python < 3.8
        return lines
    parts = []
    for name in ("libcst", "module-conformance", "ruff"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} not installed")
    lines.append(", ".join(parts))
    return lines


def parse_jobs(text: str) -> List[int]:
    """``1,2`` -> [1, 2]; the first value is the baseline of the speed-up rows."""
    try:
        values = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of integers: {text}"
        ) from None
    if not values or values[0] < 1:
        raise argparse.ArgumentTypeError("worker counts must be positive")
    return values


def main(argv: Optional[Sequence[str]] = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--modules",
        type=int,
        action="append",
        help="tree size; repeat for several (default: 50, 200 and 1000, the goals' sizes)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per scenario (median)")
    parser.add_argument(
        "--jobs", type=parse_jobs, default=[1, 2], help="worker counts, e.g. 1,2 (default)"
    )
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds before one run is abandoned"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated trees")
    args = parser.parse_args(argv)
    sizes = args.modules or [50, 200, 1000]
    if args.repeat < 1 or any(size < 1 for size in sizes):
        parser.error("--repeat and --modules must be positive")

    for line in versions():
        print(line)
    sys.stdout.flush()  # keep the header above the progress lines on a shared terminal
    time_path = gnu_time()
    ruff = ruff_command()
    generator = load_generator()
    results = [bench_size(generator, size, args, args.jobs, time_path, ruff) for size in sizes]
    print(f"Median of {args.repeat} run(s) per row, wall clock, each run a fresh process.")
    print()
    print(report(results, args.jobs))
    print()
    largest = "GNU time -v" if time_path else "ru_maxrss of RUSAGE_CHILDREN in a fresh parent"
    print(
        f"Memory: 'largest process' is the kernel's peak RSS of the biggest single process "
        f"({largest}); 'sum of processes' samples /proc every 20 ms and adds the main process "
        "and its workers (PSS, so shared pages count once; may miss short peaks)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
