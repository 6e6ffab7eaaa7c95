"""Hostile input (issue 19): odd files, broken configuration and baselines, writes outside the
project, control characters. The real CLI on temporary trees; the cases that used to hang are
bounded by the harness's timeout, never by a speed assertion."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Dict, List

import pytest

from conformance.reading import MAX_FILE_BYTES
from tests.conftest import git_init, run_cli, write_tree

#: A run that used to hang (a FIFO, a device, a huge expression) must end well before this.
HANG_TIMEOUT = 120


def one_line_error(result: object) -> str:
    """The single ``error:`` line of a run that exited 2."""
    assert result.returncode == 2, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    lines = [line for line in result.stderr.splitlines() if line.strip()]  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "internal error" not in lines[0] and "Traceback" not in result.stderr  # type: ignore[attr-defined]
    return lines[0]


def tree(root: Path, files: Dict[str, str]) -> Path:
    write_tree(root, files)
    git_init(root)
    return root


# -- item 7: exclude patterns and .gitignore -----------------------------------------------


@pytest.mark.parametrize(
    ("key", "pattern"), [("exclude", "!"), ("exclude", "\\\\"), ("extend-exclude", "a\\\\")]
)
def test_invalid_exclude_pattern_names_the_key(tmp_path: Path, key: str, pattern: str) -> None:
    tree(tmp_path, {"pyproject.toml": f'[tool.conformance]\n{key} = ["{pattern}"]\n', "a.py": ""})
    line = one_line_error(run_cli(["check", "."], tmp_path))
    assert f"[tool.conformance].{key}: invalid pattern" in line


def test_lone_bang_in_gitignore_is_skipped_like_git_does(tmp_path: Path) -> None:
    tree(tmp_path, {".gitignore": "!\nignored.py\n", "a.py": "", "ignored.py": ""})
    result = run_cli(["check", ".", "--show-files"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["a.py"]


# -- item 8: a conformance table that is not a table, an empty --select --------------------


@pytest.mark.parametrize(
    ("text", "got"),
    [
        ("[tool]\nconformance = 1\n", "an integer"),
        ('[[tool.conformance]]\nselect = ["CNF1"]\n', "an array of tables"),
        ('[tool]\nconformance = "CNF1"\n', "a string"),
    ],
)
def test_conformance_key_that_is_not_a_table_is_an_error(
    tmp_path: Path, text: str, got: str
) -> None:
    tree(tmp_path, {"pyproject.toml": text, "a.py": ""})
    line = one_line_error(run_cli(["check", "."], tmp_path))
    assert line == f"error: pyproject.toml: [tool.conformance] must be a table, got {got}"


@pytest.mark.parametrize("flag", ["--select", "--extend-select", "--ignore"])
@pytest.mark.parametrize("value", ["", " ", ","])
def test_empty_rule_selection_on_the_command_line_is_an_error(
    tmp_path: Path, flag: str, value: str
) -> None:
    tree(tmp_path, {"a.py": ""})
    line = one_line_error(run_cli(["check", ".", flag, value], tmp_path))
    assert line == f"error: {flag}: empty rule selection (name codes, prefixes or ALL)"


# -- items 4-6: what sits at a .py path ------------------------------------------------------


def cnf901_lines(result: subprocess.CompletedProcess) -> List[str]:  # type: ignore[type-arg]
    return sorted(line for line in result.stdout.splitlines() if ": CNF901 " in line)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("mode", [[], ["--fix"], ["-j", "2"]])
def test_fifo_and_device_are_reported_not_read(tmp_path: Path, mode: List[str]) -> None:
    tree(tmp_path, {"a.py": "import os\n"})
    os.mkfifo(tmp_path / "pipe.py")  # reading it would wait for a writer forever
    if os.path.exists("/dev/zero"):  # reading it would never end
        (tmp_path / "zero.py").symlink_to("/dev/zero")
    result = run_cli(["check", ".", "-q", *mode], tmp_path, timeout=HANG_TIMEOUT)
    assert result.returncode == 1, result.stderr
    expected = ["pipe.py: CNF901 not read: a FIFO, not a regular file"]
    if os.path.exists("/dev/zero"):
        expected.append("zero.py: CNF901 not read: a character device, not a regular file")
    assert cnf901_lines(result) == expected


def test_file_over_the_size_limit_is_reported_not_read(tmp_path: Path) -> None:
    tree(tmp_path, {"a.py": "import os\n"})
    (tmp_path / "huge.py").write_bytes(b"x = 1\n" * (MAX_FILE_BYTES // 6 + 1))
    result = run_cli(["check", ".", "-q"], tmp_path, timeout=HANG_TIMEOUT)
    assert result.returncode == 1, result.stderr
    [line] = cnf901_lines(result)
    assert line.startswith("huge.py: CNF901 not read: 4.0 MiB, larger than the 4 MiB limit")


def test_symlink_loop_is_reported(tmp_path: Path) -> None:
    tree(tmp_path, {"a.py": "import os\n"})
    (tmp_path / "one.py").symlink_to("two.py")
    (tmp_path / "two.py").symlink_to("one.py")
    result = run_cli(["check", ".", "-q"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert cnf901_lines(result) == [
        "one.py: CNF901 cannot read: a symbolic link loop",
        "two.py: CNF901 cannot read: a symbolic link loop",
    ]


@pytest.mark.skipif(sys.platform == "darwin", reason="APFS only stores UTF-8 names")
@pytest.mark.parametrize("fmt", ["concise", "json", "sarif", "github", "gitlab", "junit"])
def test_file_name_that_is_not_utf8_is_reported_escaped(tmp_path: Path, fmt: str) -> None:
    tree(tmp_path, {"a.py": "import os\n"})
    folder = os.fsencode(str(tmp_path))
    with open(folder + b"/bad\xff.py", "wb") as handle:
        handle.write(b"x = 1\n")
    result = run_cli(["check", ".", "--format", fmt], tmp_path)
    assert result.returncode == 1, result.stderr
    shown = urllib.parse.unquote(result.stdout) if fmt == "sarif" else result.stdout
    assert "bad\\xff.py" in shown.replace("\\\\", "\\")  # JSON doubles the backslash
    assert "not read: the file name is not valid UTF-8" in result.stdout
