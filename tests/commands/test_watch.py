"""``check --watch``: a real process re-checks after a real file change and stops on Ctrl-C."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import List

import pytest

from tests.agent_tree import FILES, agent_tree
from tests.conftest import REPO_ROOT

pytest.importorskip("watchfiles", reason="--watch needs the watch extra (watchfiles)")

WAIT = 60.0  # generous upper bound per step on a loaded machine; never reached when it works


def _lines_until(lines: queue.Queue[str], seen: List[str], marker: str) -> None:
    while True:
        line = lines.get(timeout=WAIT)
        seen.append(line)
        if marker in line:
            return


def test_watch_checks_again_after_a_change_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    root = agent_tree(tmp_path)
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), CONFORMANCE_CACHE_DIR=str(root / ".c"))
    env.pop("FORCE_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance", "check", "--watch", "--format", "concise"],
        cwd=str(root),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Ctrl-C must reach it whatever the test process inherited (a SIGINT ignored by the
        # runner's worker would be ignored by the child too, which then never stops)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stream = process.stdout
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    seen: List[str] = []
    try:
        _lines_until(lines, seen, "Watching for file changes")
        assert any("models.py:13:12: CNF503" in line for line in seen)
        path = root / "cpv3/modules/users/models.py"
        path.write_text(
            FILES["cpv3/modules/users/models.py"].replace(
                "name = Column(String(64), nullable=False)", "name: Mapped[str]"
            ),
            encoding="utf-8",
        )
        seen.clear()
        _lines_until(lines, seen, "Watching for file changes")
        assert not any("models.py" in line for line in seen)
        assert any("router.py:13:35: CNF301" in line for line in seen)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
