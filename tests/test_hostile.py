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


def _non_utf8_folders(root: Path) -> None:
    """A module package, a plain folder and a module's sub-folder, each with a name that is not
    valid UTF-8."""
    tree(
        root,
        {
            "cpv3/modules/shop/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
            "cpv3/modules/shop/service.py": "",
        },
    )
    base = os.fsencode(str(root))
    for folder in (b"/cpv3/modules/bad\xffmod", b"/cpv3/other\xfe", b"/cpv3/modules/shop/sub\xfd"):
        os.makedirs(base + folder)
    for name in (b"/cpv3/modules/bad\xffmod/router.py", b"/cpv3/other\xfe/thing.py"):
        with open(base + name, "wb") as handle:
            handle.write(b"x = 1\n")
    with open(base + b"/cpv3/modules/shop/sub\xfd/deep.py", "wb") as handle:
        handle.write(b"")


@pytest.mark.skipif(sys.platform == "darwin", reason="APFS only stores UTF-8 names")
@pytest.mark.parametrize("fmt", ["text", "concise", "json", "sarif", "github", "gitlab", "junit"])
def test_folder_name_that_is_not_utf8_is_reported_escaped(tmp_path: Path, fmt: str) -> None:
    _non_utf8_folders(tmp_path)
    result = run_cli(["check", ".", "--format", fmt], tmp_path)
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    shown = urllib.parse.unquote(result.stdout) if fmt == "sarif" else result.stdout
    shown = shown.replace("\\\\", "\\")  # JSON doubles the backslash
    assert "cpv3/modules/bad\\xffmod/router.py" in shown
    assert "cpv3/other\\xfe/thing.py" in shown
    assert "sub\\xfd" in shown  # the module's sub-folder (CNF103), escaped
    assert "not read: the folder name is not valid UTF-8" in result.stdout
    assert "bad\\xffmod'" not in shown  # never taken for a module package


@pytest.mark.skipif(sys.platform == "darwin", reason="APFS only stores UTF-8 names")
def test_folder_name_that_is_not_utf8_does_not_stop_fix_graph_or_init(tmp_path: Path) -> None:
    _non_utf8_folders(tmp_path)
    fixed = run_cli(["check", ".", "--fix"], tmp_path)
    assert fixed.returncode == 1 and "internal error" not in fixed.stderr, fixed.stderr
    graph = run_cli(["graph", ".", "--format", "json"], tmp_path)
    assert graph.returncode == 0, graph.stderr
    init = run_cli(["init", "."], tmp_path)
    assert init.returncode == 0, init.stderr
    assert "\\udc" not in init.stdout and "xff" not in init.stdout


# -- items 1 and 3: code that would crash libcst's parser or keep it busy for minutes ---------

#: name -> source that CPython refuses or that nests past the checker's limit (SIGSEGV in
#: libcst's native parser before, or minutes of parsing).
DEEP_SOURCES = {
    "parens": "x = " + "(" * 2000 + "1" + ")" * 2000 + "\n",
    "brackets": "x = " + "[" * 5000 + "1" + "]" * 5000 + "\n",
    "calls": "x = " + "f(" * 5000 + "1" + ")" * 5000 + "\n",
    "attributes": "x = a" + ".b" * 20000 + "\n",
    "terms": "x = " + " + ".join(["a"] * 50000) + "\n",
    "negations": "x = " + "not " * 20000 + "1\n",
    "conjunctions": "x = " + " and ".join(["a"] * 20000) + "\n",
    "lambdas": "x = " + "lambda: " * 5000 + "1\n",
    "fstrings": "x = " + "f'{" * 5000 + "1" + "}'" * 5000 + "\n",
    "query_chain": "x = q" + ".where(c)" * 3000 + "\n",
    # each statement within the depth limit, together too much work (the bound of item 3)
    "many_deep_statements": "".join("x = " + "not " * 900 + "1\n" for _ in range(10)),
}

#: Plausible code near the limits: checked, not refused (issue 19 item 2).
PLAUSIBLE_SOURCES = {
    "query_chain": "x = q" + ".where(c)" * 300 + "\n",
    "elif": "if a:\n    pass\n" + "elif a:\n    pass\n" * 500,
    "concatenation": "x = " + " ".join(['"a"'] * 500) + "\n",
    "attributes": "x = a" + ".b" * 500 + "\n",
}


def deep_tree(root: Path, extra: int = 0) -> Path:
    files = {f"deep_{name}.py": text for name, text in DEEP_SOURCES.items()}
    files.update({f"plausible_{name}.py": text for name, text in PLAUSIBLE_SOURCES.items()})
    files.update({f"filler_{n:02d}.py": "import os\n" for n in range(extra)})
    return tree(root, files)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_deep_code_is_reported_and_the_run_goes_on(tmp_path: Path, jobs: str) -> None:
    # 40 more files so that -j 2 really uses worker processes
    deep_tree(tmp_path, extra=40 if jobs == "2" else 0)
    result = run_cli(["check", ".", "-q", "-j", jobs], tmp_path, timeout=HANG_TIMEOUT)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "internal error" not in result.stderr and "BrokenProcessPool" not in result.stderr
    refused = {line.split(":", 1)[0] for line in cnf901_lines(result)}
    assert refused == {f"deep_{name}.py" for name in DEEP_SOURCES}, result.stdout
    lines = cnf901_lines(result)
    assert any("too many nested parentheses" in line for line in lines)
    assert any("nested 6,003 levels deep (the limit is 1,000)" in line for line in lines)
    assert any("too much nesting to parse in bounded time" in line for line in lines)


def test_a_worker_that_dies_costs_only_its_file(tmp_path: Path) -> None:
    """Under a small stack (some CI containers), libcst's parser overflows on code the pre-check
    accepts: the worker dies, the file is reported, the rest is checked."""
    resource = pytest.importorskip("resource")
    files = {f"filler_{n:02d}.py": "import os\n" for n in range(40)}
    files["deep.py"] = "x = " + "not " * 950 + "1\n"
    files["broken.py"] = "def f(:\n"
    tree(tmp_path, files)

    def small_stack() -> None:
        resource.setrlimit(resource.RLIMIT_STACK, (512 * 1024, 512 * 1024))

    result = run_cli(
        ["check", ".", "-q", "-j", "2"], tmp_path, timeout=HANG_TIMEOUT, preexec=small_stack
    )
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = cnf901_lines(result)
    assert lines[0].startswith("broken.py:1:7: CNF901 cannot parse")
    assert lines[1:] in (
        ["deep.py:1:1: CNF901 not checked: the parser crashed on this file (its process died)"],
        [],  # a stack that holds the parse after all
    )


# -- item 9: a baseline nested too deeply ------------------------------------------------------


def test_deeply_nested_baseline_is_a_one_line_error(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    tree(
        tmp_path,
        {
            "pyproject.toml": '[tool.conformance]\nbaseline = "base.json"\n',
            "base.json": '{"version": 1, "entries": ' + deep + "}",
            "a.py": "",
        },
    )
    line = one_line_error(run_cli(["check", "."], tmp_path))
    assert line.startswith("error: baseline base.json: not a conformance baseline (JSON nested")


# -- item 11: no writes outside the project ----------------------------------------------------

FIXABLE = "import os  # noqa: CNF301\n"  # an unused suppression (CNF902, a safe fix)


def fixable_tree(root: Path) -> str:
    """A project whose ``outside.py`` is a link to a fixable file outside it; returns the text of
    that file. The same code inside the project (``inside.py``, and ``link.py`` linking to it) is
    fixed."""
    project = root / "project"
    tree(project, {"inside.py": FIXABLE})
    (root / "elsewhere.py").write_text(FIXABLE, encoding="utf-8")
    (project / "outside.py").symlink_to(root / "elsewhere.py")
    (project / "link.py").symlink_to(project / "inside.py")
    return FIXABLE


def test_fix_never_writes_through_a_link_that_leaves_the_project(tmp_path: Path) -> None:
    original = fixable_tree(tmp_path)
    project = tmp_path / "project"
    result = run_cli(["check", ".", "--fix"], project)
    assert (tmp_path / "elsewhere.py").read_text(encoding="utf-8") == original
    assert "outside.py: a symbolic link to a file outside the project; not fixed" in result.stderr
    assert (project / "inside.py").read_text(encoding="utf-8") == "import os\n"
    assert (project / "link.py").is_symlink()


@pytest.mark.parametrize("where", ["../outside.json", "ABSOLUTE"])
def test_baseline_outside_the_project_is_not_written(tmp_path: Path, where: str) -> None:
    project = tmp_path / "project"
    target = tmp_path / "outside.json"
    key = str(target) if where == "ABSOLUTE" else where
    tree(project, {"pyproject.toml": f"[tool.conformance]\nbaseline = {key!r}\n", "a.py": ""})
    line = one_line_error(run_cli(["check", ".", "--update-baseline"], project))
    assert "outside the project root; not written" in line
    assert not target.exists()
    line = one_line_error(run_cli(["check", ".", "--update-baseline", "--baseline", key], project))
    assert "outside the project root; not written" in line
    assert not target.exists()


def test_baseline_inside_the_project_through_a_link_is_written(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "pyproject.toml": '[tool.conformance]\nbaseline = "link.json"\n',
            "cpv3/modules/users/__init__.py": "",
        },
    )
    (tmp_path / "store").mkdir()
    (tmp_path / "link.json").symlink_to(tmp_path / "store" / "base.json")
    result = run_cli(["check", ".", "--update-baseline"], tmp_path)
    assert result.returncode == 0, result.stderr


# -- item 12: control characters never reach the output ----------------------------------------

ROUTER_WITH_CONTROLS = (
    "from fastapi import APIRouter\n\n"
    'router = APIRouter(prefix="\\x1b]0;title\\x07users/", tags=["users"])\n\n\n'
    '@router.get("/\\x1b[2J{item_id}")\n'
    "async def get_item() -> None:\n"
    "    pass\n\n"
    "import os  # noqa: CNF999\x1b[2J\x07 \u202e \x9b\n"
)


BIDI_AND_SEPARATORS = (
    "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def raw_controls(text: str) -> List[str]:
    """Characters that steer a terminal, left raw in ``text`` (tab and newline are fine)."""
    return [
        ch
        for ch in text
        if (ord(ch) < 32 and ch not in "\n\t")
        or 0x7F <= ord(ch) <= 0x9F
        or ch in BIDI_AND_SEPARATORS
    ]


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "sarif", "github", "gitlab", "junit"])
def test_no_output_format_lets_a_control_character_through(tmp_path: Path, fmt: str) -> None:
    package = "cpv3/modules/users/"
    files = {package + name: "" for name in ("__init__.py", "models.py", "schemas.py")}
    files.update({package + "repository.py": "", package + "service.py": ""})
    files[package + "router.py"] = ROUTER_WITH_CONTROLS
    files["evil\x1b[2J\x07.py"] = "import os  # noqa: CNF301\n"
    tree(tmp_path, files)
    result = run_cli(["check", ".", "--format", fmt], tmp_path)
    assert result.returncode == 1, result.stderr
    assert raw_controls(result.stdout) == [] and raw_controls(result.stderr) == []
    shown = urllib.parse.unquote(result.stdout) if fmt == "sarif" else result.stdout
    shown = shown.replace("\\\\", "\\")  # JSON doubles backslashes
    assert "\\x1b]0;title\\x07users/" in shown  # the evaluated literal, escaped
    # the comment text (GitHub drops colour and cursor sequences before escaping the rest)
    comment = (
        "CNF999\\x07 \\u202e \\x9b" if fmt == "github" else "CNF999\\x1b[2J\\x07 \\u202e \\x9b"
    )
    assert comment in shown
    if fmt in ("text", "concise", "github"):
        assert "evil\\x1b[2J\\x07.py" in shown  # the file name
    if fmt == "text":
        listed = run_cli(["check", ".", "--show-files"], tmp_path)
        assert raw_controls(listed.stdout) == [] and "evil\\x1b[2J\\x07.py" in listed.stdout


# -- item 13: `[*]` only where --fix applies the fix -------------------------------------------


def _examples_without_fix() -> List[object]:
    from conformance.rules import all_rules

    return [
        pytest.param(rule, example, id=f"{rule.code}-{number}")
        for rule in all_rules()
        for number, example in enumerate(rule.INVALID)
        if not example.fixed
    ]


@pytest.mark.parametrize(("rule", "example"), _examples_without_fix())
def test_an_example_without_a_fix_marks_nothing_fixable(
    tmp_path: Path, rule: object, example: object
) -> None:
    """A finding marked ``[*]`` (with --unsafe-fixes) is one that --fix fixes. The examples with
    ``fixed=`` are covered by test_fix_examples; this runs the others, mostly the ones whose
    note says why there is no fix."""
    from conformance.config import validate
    from conformance.engine import RunOptions, run
    from conformance.fixes import fix_paths, fixable

    write_tree(tmp_path, example.files)  # type: ignore[attr-defined]
    code = rule.code  # type: ignore[attr-defined]
    config = validate({"extend-select": [code]}, root=str(tmp_path), source=None)
    if example.config:  # type: ignore[attr-defined]
        pytest.skip("configured examples are covered by test_rule_examples")
    result = run(config, [str(tmp_path)], RunOptions(jobs=1))
    marked = {(v.path, v.message) for v in result.violations if v.code == code and fixable(v, True)}
    if not marked:
        return
    fix_paths(config, [str(tmp_path)], RunOptions(jobs=1), unsafe=True, codes={code})
    after = run(config, [str(tmp_path)], RunOptions(jobs=1))
    left = {(v.path, v.message) for v in after.violations if v.code == code} & marked
    assert left == set(), "marked fixable, but --fix left them"


def test_cnf301_marks_fixable_only_what_fix_applies(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "deps.py": (
                "from fastapi import Depends\n\n\ndef get_db() -> None:\n    return None\n\n\n"
                "def search(a=Depends(get_db), b: int = Depends(get_db)) -> None:\n"
                "    return None\n"
            )
        },
    )
    checked = run_cli(["check", ".", "--select", "CNF301", "--unsafe-fixes"], tmp_path)
    assert checked.returncode == 1 and "CNF301" in checked.stdout, checked.stdout
    assert "[*]" not in checked.stdout and "fixable" not in checked.stdout
    diff = run_cli(["check", ".", "--select", "CNF301", "--diff", "--unsafe-fixes"], tmp_path)
    assert diff.returncode == 0 and "No fixes available." in diff.stderr
