"""Hostile input (issue 19): odd files, broken configuration and baselines, writes outside the
project, control characters. The real CLI on temporary trees; the cases that used to hang are
bounded by the harness's timeout, never by a speed assertion."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import pytest

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
