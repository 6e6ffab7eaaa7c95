"""Start-up and progress behaviour a user notices, without wall-clock assertions: a warm run does
not import libcst, rich or any rule module (rules are known by their generated table), a progress
bar appears on a terminal for long cold runs only, and never in pipes or CI."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from conformance.progress import MIN_FILES, ProgressBar, wants_progress

from .conftest import REPO_ROOT, dedent, git_init, run_cli, write_tree

SIX = ("__init__.py", "models.py", "schemas.py", "repository.py", "service.py", "router.py")

#: Runs conformance.cli.main in-process and reports which heavy modules it imported: libcst,
#: rich, the index and the incremental decision (a run that reuses its stored findings decides
#: nothing), and every module of the rules package but its generated table and the table's row
#: type (the rule classes, the families' helpers, the rule base class).
WRAPPER = dedent(
    """
    import sys

    from conformance.cli import main

    code = main(sys.argv[1:])
    heavy = ("libcst", "rich", "conformance.index", "conformance.incremental")
    loaded = [name for name in heavy if name in sys.modules]
    loaded += sorted(
        name
        for name in sys.modules
        if name.startswith("conformance.rules.")
        and name not in ("conformance.rules._registry", "conformance.rules.spec")
    )
    sys.stderr.write("LOADED " + ",".join(loaded) + "\\n")
    sys.exit(code)
    """
)


def project(root: Path) -> Path:
    files = {"pyproject.toml": "[project]\nname = 'demo'\n"}
    files.update({f"cpv3/modules/users/{name}": "" for name in SIX})
    files["cpv3/__init__.py"] = ""
    files["cpv3/core/__init__.py"] = ""
    files["cpv3/core/schemas.py"] = (
        "import pydantic\n\n\nclass Schema(pydantic.BaseModel):\n    pass\n"
    )
    files["cpv3/modules/users/router.py"] = dedent(
        """
        from fastapi import APIRouter

        from cpv3.core.schemas import Schema

        router = APIRouter(prefix="/users", tags=["users"])


        class UserOut(Schema):
            id: int
        """
    )
    write_tree(root, files)
    git_init(root)
    return root


def _env(root: Path, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = dict(os.environ)
    for name in ("FORCE_COLOR", "NO_COLOR", "CONFORMANCE_FORMAT", "CI"):
        env.pop(name, None)
    env["CONFORMANCE_CACHE_DIR"] = str(root / ".test-cache")
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


def checked(root: Path, *args: str) -> Tuple[List[str], str]:
    """(the heavy modules a check imported, its report), via the wrapper script in a fresh
    interpreter. With ``--jobs 1``: the run analyses in its own process (a worker started ahead
    would import the file pass instead, ``tests/test_prestart.py``)."""
    script = root / ".wrapper.py"
    script.write_text(WRAPPER, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), "check", "--jobs", "1", *args],
        cwd=str(root),
        env=_env(root),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("LOADED ")]
    assert lines, result.stderr
    return [name for name in lines[-1][len("LOADED ") :].split(",") if name], result.stdout


def loaded_modules(root: Path, *args: str) -> List[str]:
    """The heavy modules a check imported."""
    return checked(root, *args)[0]


# -- lazy imports -----------------------------------------------------------------------------


def test_a_warm_concise_run_imports_no_heavy_module(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert "libcst" in loaded_modules(root, "--format", "concise")  # cold: it parses
    assert loaded_modules(root, "--format", "concise") == []


def test_a_warm_json_run_imports_no_heavy_module(tmp_path: Path) -> None:
    root = project(tmp_path)
    loaded_modules(root, "--format", "json")
    assert loaded_modules(root, "--format", "json") == []


@pytest.mark.parametrize("fmt", ["concise", "json", "text"])
def test_a_warm_run_imports_no_rule_module_and_reports_what_the_cold_run_did(
    tmp_path: Path, fmt: str
) -> None:
    """Selection, the settings digest, suppressions and the report's rule names come from the
    generated rule table; a rule's class is imported only to analyse a file."""
    root = project(tmp_path)
    cold_modules, cold = checked(root, "--format", fmt)
    assert "conformance.rules.layering.router_imports_repository" in cold_modules
    warm_modules, warm = checked(root, "--format", fmt)
    assert [m for m in warm_modules if m.startswith("conformance.rules")] == []
    assert warm == cold and "CNF" in warm  # the findings are there, named as before


def test_a_warm_sarif_run_still_gives_each_reported_rule_its_docs(tmp_path: Path) -> None:
    import json

    root = project(tmp_path)
    checked(root, "--format", "sarif")
    _, report = checked(root, "--format", "sarif")
    rules = json.loads(report)["runs"][0]["tool"]["driver"]["rules"]
    assert rules
    for rule in rules:
        assert rule["help"]["markdown"].startswith("## What it checks"), rule["id"]


def test_one_changed_file_imports_libcst_again(tmp_path: Path) -> None:
    root = project(tmp_path)
    loaded_modules(root, "--format", "concise")
    (root / "cpv3/modules/users/service.py").write_text("# edited\n", encoding="utf-8")
    assert "libcst" in loaded_modules(root, "--format", "concise")
    assert "libcst" not in loaded_modules(root, "--format", "concise")


# -- progress: the decision -------------------------------------------------------------------


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_progress_only_on_a_terminal_outside_ci() -> None:
    assert wants_progress(_Stream(True), {})
    assert not wants_progress(_Stream(False), {})
    assert not wants_progress(_Stream(True), {"CI": "true"})
    assert not wants_progress(_Stream(True), {"GITHUB_ACTIONS": "true"})
    assert not wants_progress(_Stream(True), {"TERM": "dumb"})
    assert not wants_progress(_Stream(True), {}, quiet=True)
    assert wants_progress(_Stream(True), {"CI": ""})  # set but empty: not CI


def test_no_bar_for_a_few_files() -> None:
    stream = _Stream(True)
    with ProgressBar(stream) as bar:
        for done in range(1, MIN_FILES):
            bar(done, MIN_FILES - 1)
    assert not bar.shown
    assert stream.getvalue() == ""


def test_a_bar_for_many_files_is_removed_at_the_end() -> None:
    stream = _Stream(True)
    with ProgressBar(stream) as bar:
        for done in range(0, MIN_FILES + 1, 50):
            bar(done, MIN_FILES)
    assert bar.shown


# -- progress: end to end -----------------------------------------------------------------------


def big_project(root: Path) -> Path:
    """More files than MIN_FILES, each tiny, so a cold run is still quick."""
    files = {"pyproject.toml": "[project]\nname = 'demo'\n", "cpv3/__init__.py": ""}
    files.update({f"cpv3/modules/users/{name}": "" for name in SIX})
    files["cpv3/lib/__init__.py"] = ""
    for number in range(MIN_FILES + 20):
        files[f"cpv3/lib/part{number:04d}.py"] = f"VALUE_{number} = {number}\n"
    write_tree(root, files)
    git_init(root)
    return root


def test_piped_output_has_no_progress(tmp_path: Path) -> None:
    root = big_project(tmp_path)
    result = run_cli(["check", "--no-cache", "--jobs", "1"], root)
    assert result.returncode in (0, 1), result.stderr
    assert "parsing" not in result.stderr
    assert "\x1b" not in result.stderr


def _run_on_pty(root: Path, env: Dict[str, str]) -> str:
    """stderr of a cold check whose stderr is a pseudo-terminal (stdout stays a pipe)."""
    import pty
    import select

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance", "check", "--no-cache", "--jobs", "1"],
        cwd=str(root),
        env=env,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    chunks: List[bytes] = []
    while True:
        ready, _, _ = select.select([controller], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the child exited
                break
            if not chunk:
                break
            chunks.append(chunk)
        elif process.poll() is not None:
            break
    process.communicate(timeout=300)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminals: Linux only")
def test_a_terminal_shows_a_bar_unless_ci_is_set(tmp_path: Path) -> None:
    root = big_project(tmp_path)
    assert "parsing" in _run_on_pty(root, _env(root, {"TERM": "xterm"}))
    assert "parsing" not in _run_on_pty(root, _env(root, {"TERM": "xterm", "CI": "1"}))
