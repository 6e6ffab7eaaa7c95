"""Shared test helpers: temporary projects (``write_tree``, ``git_init``, ``project``), the real CLI
in-process (``run_main``, the ``cli`` fixture) and in a subprocess (``run_cli``: only for what a
process shows: exit codes on a crash, streams, workers, pre-commit)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Mapping, Optional, Sequence

import pytest

from conformance.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    """Write ``files`` (relative path -> text) under ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def sync_tree(root: Path, files: Mapping[str, str], stamp: Optional[int] = None) -> None:
    """Make the tree under ``root`` exactly ``files`` (the ``.cache`` folder kept): files not
    listed are removed, with the folders they leave empty. With ``stamp``, every file written
    gets that modification time (in the past: an unchanged file keeps its older one, so only a
    stat change reveals an edit)."""
    for path in sorted(root.rglob("*"), reverse=True):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(".cache") or rel in files:
            continue
        if path.is_file():
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for rel, text in files.items():
        path = root / rel
        if stamp is not None and path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if stamp is not None:
            os.utime(path, (stamp, stamp))


def git_init(root: Path) -> None:
    """Make ``root`` a git repository with everything committed."""
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(
        ["git", "-C", str(root), "commit", "-q", "-m", "init", "--allow-empty"], check=True, env=env
    )


def run_cli(
    args: Sequence[str],
    cwd: Path,
    env: Optional[Dict[str, str]] = None,
    input_text: Optional[str] = None,
    timeout: float = 300,
    preexec: Optional[Callable[[], None]] = None,
) -> subprocess.CompletedProcess:
    """Run ``python -m conformance ARGS`` in a subprocess, as a user would."""
    full_env = dict(os.environ)
    full_env.pop("FORCE_COLOR", None)
    full_env.pop("NO_COLOR", None)
    full_env.pop("CONFORMANCE_FORMAT", None)
    full_env["CONFORMANCE_CACHE_DIR"] = str(cwd / ".test-cache")
    full_env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "conformance", *args],
        cwd=str(cwd),
        env=full_env,
        capture_output=True,
        text=True,
        input=input_text,
        timeout=timeout,
        preexec_fn=preexec,  # e.g. a resource limit of the child only
    )


_WORD = re.compile(r"[a-z0-9_]+")

#: names a help line must not make up: it speaks of the code's own names, or of none
PLACEHOLDER = re.compile(r"\bThe[A-Z]\w*|\bthe_[a-z]\w*|\b(?:Foo|Bar|MyService)\b")


def shared_words(message: str, hint: str, length: int = 4) -> Optional[str]:
    """The first run of ``length`` words (letters, digits, ``_``; case and punctuation ignored)
    that ``hint`` repeats from ``message``; None when it repeats none."""
    said, hinted = _WORD.findall(message.lower()), _WORD.findall(hint.lower())
    runs = {tuple(said[i : i + length]) for i in range(len(said) - length + 1)}
    for i in range(len(hinted) - length + 1):
        if tuple(hinted[i : i + length]) in runs:
            return " ".join(hinted[i : i + length])
    return None


def dedent(text: str) -> str:
    text = textwrap.dedent(text)
    return text[1:] if text.startswith("\n") else text


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder with a pyproject.toml and a git repository."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    return tmp_path


@dataclass(frozen=True)
class CliResult:
    """What one in-process ``conformance`` command returned and wrote (the names of
    ``subprocess.CompletedProcess``, so a test reads the same either way)."""

    returncode: int
    stdout: str
    stderr: str


CliRunner = Callable[..., CliResult]


def run_main(args: Sequence[str], cwd: Path, env: Optional[Mapping[str, str]] = None) -> CliResult:
    """Run ``conformance ARGS`` through ``cli.main`` in this process, in ``cwd``, with the
    environment ``run_cli`` gives a subprocess (restored afterwards). For everything but what
    only a process shows: its exit on a crash, real streams and terminals, workers, pre-commit."""
    saved_cwd, saved_env = os.getcwd(), dict(os.environ)
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        os.chdir(cwd)
        for name in ("FORCE_COLOR", "NO_COLOR", "CONFORMANCE_FORMAT"):
            os.environ.pop(name, None)
        os.environ["CONFORMANCE_CACHE_DIR"] = str(cwd / ".test-cache")
        os.environ.update(env or {})
        # argparse writes usage errors to sys.stderr and exits: the same streams, the same code
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(list(args), stdout=stdout, stderr=stderr)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return CliResult(code, stdout.getvalue(), stderr.getvalue())


@pytest.fixture
def cli() -> CliRunner:
    """``cli(args, cwd, env=None)``: :func:`run_main` as a fixture."""
    return run_main
