"""The file-pass worker started ahead (``conformance/prestart.py``): it analyses what the run's
own process would, a run that uses it never imports libcst itself, a worker that dies leaves the
run's findings whole, and no worker outlives its run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conformance import prestart
from conformance.filepass import analyze_file, packed
from conformance.model import SourceFile
from conformance.results import AnalysisSettings
from conformance.rules import load_file_rules, selected_specs
from conformance.settings import Config

from .conftest import REPO_ROOT, git_init, run_cli

SHOP = REPO_ROOT / "examples" / "shop"
ROUTER = "cpv3/modules/products/router.py"


def shop(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns(".conformance_cache"))
    git_init(root)
    return root


def test_the_worker_analyses_as_the_run_would(tmp_path: Path) -> None:
    root = shop(tmp_path)
    config = Config(root=str(root))
    codes = tuple(spec.code for spec in selected_specs(["ALL"], [], []))
    settings = AnalysisSettings(config, codes, ("cpv3",))
    files = [
        SourceFile(ROUTER, "cpv3.modules.products.router", False, ("router",), "products"),
        SourceFile(
            "cpv3/modules/products/service.py",
            "cpv3.modules.products.service",
            False,
            ("service",),
            "products",
        ),
    ]
    batch = [(file, (root / file.path).read_bytes()) for file in files]
    worker = prestart.start()
    assert worker is not None
    try:
        found = worker.analyze(batch, settings, codes)
        again = worker.analyze(batch[:1], settings, codes)  # it serves the run's every request
    finally:
        worker.close()
    rules = load_file_rules(codes)
    expected = [packed(analyze_file(file, data, settings, rules)) for file, data in batch]
    assert found == expected and again == expected[:1]
    assert any(v.code == "CNF301" for v in expected[0].violations)


def test_a_worker_that_died_answers_none_and_is_closed() -> None:
    worker = prestart.start()
    assert worker is not None
    worker.process.kill()
    worker.process.wait()
    assert worker.analyze([], AnalysisSettings(Config(root="."), (), ()), ()) is None
    assert not worker.alive


def test_closing_stops_the_worker_at_once() -> None:
    worker = prestart.start()
    assert worker is not None
    worker.close()
    worker.close()  # idempotent
    assert worker.process.poll() is not None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_worker_exits_when_its_run_is_killed(tmp_path: Path) -> None:
    """A run killed by the system (or a kill -9 of a hook) leaves no worker behind."""
    code = (
        "import sys, time\n"
        "from conformance import prestart\n"
        "worker = prestart.start()\n"
        "print(worker.process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    run = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    assert run.stdout is not None
    pid = int(run.stdout.readline())
    run.kill()
    run.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _running(pid):
        time.sleep(0.05)
    assert not _running(pid), "the worker outlived its run"


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting for init counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_run_that_uses_it_does_not_import_libcst_and_finds_the_same(tmp_path: Path) -> None:
    """The point of the worker: the run's process reads the cache and decides while another
    process imports libcst; after an edit, the findings are those of a run without cache."""
    root = shop(tmp_path)
    cache = tmp_path / "cache"
    code = (
        "import sys\n"
        "from conformance import prestart\n"
        "from conformance.config import load_config\n"
        "from conformance.engine import RunOptions, run\n"
        f"root = {str(root)!r}\n"
        "config = load_config(root, root + '/pyproject.toml')\n"
        "worker = prestart.start()\n"
        f"options = RunOptions(jobs=2, cache_dir={str(cache)!r}, prestarted=worker)\n"
        "result = run(config, [root], options)\n"
        "worker.close()\n"
        "print('libcst' in sys.modules, result.parsed)\n"
        "for v in result.violations:\n"
        "    print(v.path, v.location.line, v.location.column, v.code, v.message)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))

    def check() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        return done.stdout.splitlines()

    check()  # fills the cache (analysed in this process: the worker only takes a few files)
    router = root / ROUTER
    router.write_text(router.read_text(encoding="utf-8") + "\n\ndef added():\n    pass\n")
    first, *findings = check()
    assert first == "False 1", "the edited file was analysed by the worker, libcst not imported"
    cold = run_cli(["check", ".", "--no-cache", "--format", "concise"], root)
    expected = sorted(line.split(":")[0] for line in cold.stdout.splitlines() if line)
    assert sorted(line.split(" ")[0] for line in findings) == expected


def test_the_command_line_after_an_edit_equals_a_run_without_the_worker(tmp_path: Path) -> None:
    root = shop(tmp_path)
    assert run_cli(["check", ".", "--jobs", "2"], root).returncode == 1  # fills the cache
    router = root / ROUTER
    router.write_text(router.read_text(encoding="utf-8") + "\n\nx: int = 1\n")
    with_worker = run_cli(["check", ".", "--jobs", "2"], root)
    in_process = run_cli(["check", ".", "--jobs", "1"], root)
    without_cache = run_cli(["check", ".", "--no-cache"], root)
    assert with_worker.stdout == in_process.stdout == without_cache.stdout
    assert with_worker.stderr == "" and with_worker.returncode == 1


def test_ctrl_c_is_for_the_run_not_the_worker() -> None:
    """SIGINT reaches a terminal's whole process group: the worker ignores it (no traceback from
    a second process), the run decides."""
    worker = prestart.start()
    assert worker is not None
    try:
        time.sleep(1.0)  # past the worker's first lines
        os.kill(worker.process.pid, signal.SIGINT)
        time.sleep(0.2)
        assert worker.process.poll() is None
    finally:
        worker.close()


@pytest.mark.skipif(not prestart.worthwhile(2), reason="needs two usable cores")
def test_the_worker_started_before_parsing_is_kept_only_when_the_flags_want_it() -> None:
    """The command line starts the worker from its raw arguments, before parsing them; the
    parsed flags decide: a worker they do not want is stopped at once, and plain spellings of
    the flags that never want one start none."""
    code = (
        "import json, sys\n"
        "from conformance import cli\n"
        "parser = cli._parser()\n"
        "for argv in json.loads(sys.argv[1]):\n"
        "    early = cli._early_worker(argv)\n"
        "    args = parser.parse_args(argv)\n"
        "    used = cli._prestart(args, early) if args.command == 'check' else None\n"
        "    stopped = early is not None and early.process.poll() is not None\n"
        "    print(early is not None, used is not None and used is early, stopped)\n"
        "    if used is not None:\n"
        "        used.close()\n"
    )
    trials = [
        ["check", "."],
        ["check", "-qj1", "."],  # one worker wanted: only parsing tells
        ["check", "-j", "1", "."],
        ["check", "--jobs=1", "."],
        ["check", "--no-cache", "."],
        ["check", "--fix", "."],
        ["rules"],
    ]
    import json

    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(trials)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert done.stdout.splitlines() == [
        "True True False",
        "True False True",
        "False False False",
        "False False False",
        "False False False",
        "False False False",
        "False False False",
    ]
