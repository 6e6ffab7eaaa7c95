"""The real CLI in a subprocess on real files in temporary git repositories: exit codes, bad input,
encodings, configuration errors, output shape."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .conftest import dedent, git_init, run_cli, run_main, write_tree

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

SIX = ("__init__.py", "models.py", "schemas.py", "repository.py", "service.py", "router.py")

ROUTER = dedent(
    """
    from fastapi import APIRouter

    router = APIRouter(prefix="/users", tags=["users"])
    """
)


def module_tree(root: Path, name: str = "users", **overrides: str) -> None:
    files = {f"cpv3/modules/{name}/{f}": "" for f in SIX}
    files[f"cpv3/modules/{name}/router.py"] = ROUTER.replace("users", name)
    for file_name, text in overrides.items():
        files[f"cpv3/modules/{name}/{file_name}"] = text
    write_tree(root, files)


def clean_project(tmp_path: Path) -> Path:
    write_tree(tmp_path, {"pyproject.toml": "[project]\nname = 'demo'\n"})
    module_tree(tmp_path)
    git_init(tmp_path)
    return tmp_path


def assert_one_line_error(stderr: str) -> None:
    assert "Traceback" not in stderr
    assert stderr.strip(), "an error must be explained on stderr"
    for line in stderr.strip().splitlines():
        assert line.startswith("error: "), line


# -- exit codes ---------------------------------------------------------------------------------


def test_clean_tree_exits_zero_and_says_so(tmp_path: Path) -> None:
    clean_project(tmp_path)
    result = run_main(["check"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout


def test_findings_exit_one_and_exit_zero_flag_overrides(tmp_path: Path) -> None:
    clean_project(tmp_path)
    (tmp_path / "cpv3/modules/users/utils.py").write_text("x = 1\n")
    result = run_main(["check"], tmp_path)
    assert result.returncode == 1
    assert "CNF102" in result.stdout
    assert run_main(["check", "--exit-zero"], tmp_path).returncode == 0


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    clean_project(tmp_path)
    result = run_main(["check", "does/not/exist"], tmp_path)
    assert result.returncode == 2
    assert_one_line_error(result.stderr)
    assert "does/not/exist" in result.stderr


def test_unknown_select_code_is_a_usage_error(tmp_path: Path) -> None:
    clean_project(tmp_path)
    result = run_main(["check", "--select", "CNF999"], tmp_path)
    assert result.returncode == 2
    assert_one_line_error(result.stderr)
    assert "CNF999" in result.stderr


def test_missing_config_file_is_a_usage_error(tmp_path: Path) -> None:
    clean_project(tmp_path)
    result = run_main(["check", "--config", "nope.toml"], tmp_path)
    assert result.returncode == 2
    assert_one_line_error(result.stderr)


def test_no_module_package_warns_and_exits_zero(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[project]\nname='x'\n", "app/main.py": "x = 1\n"})
    git_init(tmp_path)
    result = run_main(["check"], tmp_path)
    assert result.returncode == 0
    # said first, in the report itself, pointing at what to do
    first = result.stdout.splitlines()[0]
    assert first.startswith("warning: no module package found")
    assert "cpv3/modules/*" in first and "conformance init" in first
    concise = run_main(["check", "--format", "concise"], tmp_path)
    assert concise.stdout == ""
    assert "no module package found" in concise.stderr


# -- configuration errors -------------------------------------------------------------------------


def test_every_config_problem_is_reported_at_once(tmp_path: Path) -> None:
    clean_project(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        dedent(
            """
            [tool.conformance]
            modulse = ["cpv3/modules/*"]
            respect-gitignore = "yes"
            select = ["CNF1", "CNF777"]
            required-files = "router.py"

            [tool.conformance.layers]
            router = ["service", "controllers"]
            """
        )
    )
    result = run_main(["check"], tmp_path)
    assert result.returncode == 2
    assert_one_line_error(result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 5, lines
    text = result.stderr
    assert "unknown key 'modulse' (did you mean 'modules'?)" in text
    assert "respect-gitignore must be true or false, got a string" in text
    assert "unknown rule code or selector 'CNF777'" in text
    assert "required-files must be a list of strings" in text
    assert "unknown role 'controllers'" in text


def test_invalid_toml_is_one_line(tmp_path: Path) -> None:
    clean_project(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.conformance\nmodules = 1\n")
    result = run_main(["check"], tmp_path)
    # a broken pyproject.toml without a readable table still names the file and the problem
    assert result.returncode == 2
    assert_one_line_error(result.stderr)
    assert "pyproject.toml" in result.stderr and "invalid TOML" in result.stderr


def test_config_is_found_above_the_path_and_paths_are_relative_to_the_cwd(tmp_path: Path) -> None:
    clean_project(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname="x"\n[tool.conformance]\nallowed-extra-files = ["notes.md"]\n'
    )
    (tmp_path / "cpv3/modules/users/notes.md").write_text("hi\n")
    (tmp_path / "cpv3/modules/users/utils.py").write_text("x = 1\n")
    result = run_main(["check", "--format", "concise", "."], tmp_path / "cpv3" / "modules")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "users/utils.py: CNF102 extra file utils.py in module 'users'"
    ]


# -- bad input files ------------------------------------------------------------------------------


def test_unparsable_file_is_a_finding_and_the_run_goes_on(tmp_path: Path) -> None:
    clean_project(tmp_path)
    module_tree(tmp_path, "orders", **{"service.py": "def broken(:\n    pass\n", "utils.py": ""})
    result = run_main(["check", "--format", "concise"], tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("cpv3/modules/orders/service.py:1:12: CNF901 cannot parse")
        for line in lines
    )
    assert any("CNF102 extra file utils.py in module 'orders'" in line for line in lines)
    assert "Traceback" not in result.stderr


def test_non_utf8_file_is_reported_with_its_line(tmp_path: Path) -> None:
    clean_project(tmp_path)
    (tmp_path / "cpv3/modules/users/service.py").write_bytes(b"x = 1\ny = '\xff\xfe'\n")
    result = run_main(["check", "--format", "concise"], tmp_path)
    assert result.returncode == 1
    assert (
        "cpv3/modules/users/service.py:1:1: CNF901 cannot decode as UTF-8: invalid byte 0xff on line 2"
        in result.stdout
    )


def test_bom_crlf_empty_and_latin1_files_are_fine(tmp_path: Path) -> None:
    clean_project(tmp_path)
    base = tmp_path / "cpv3/modules/users"
    (base / "router.py").write_bytes(b"\xef\xbb\xbf" + ROUTER.encode().replace(b"\n", b"\r\n"))
    (base / "models.py").write_bytes(b"")
    (base / "schemas.py").write_bytes(
        "# -*- coding: latin-1 -*-\nNAME = 'café'\n".encode("latin-1")
    )
    (base / "service.py").write_bytes(
        b"\r\n\r\nimport sqlalchemy as sa\r\n\r\nQ = sa.select(1)\r\n"
    )
    result = run_main(["check", "--format", "concise", "--select", "CNF1,CNF9"], tmp_path)
    # only the SQL in service.py: line 5 (CRLF counted once), column 5 (BOM-free file)
    assert result.stdout.splitlines() == [
        "cpv3/modules/users/service.py:5:5: CNF113 sa.select() builds SQL in service.py"
    ], result.stdout + result.stderr


def test_bom_does_not_shift_columns(tmp_path: Path) -> None:
    clean_project(tmp_path)
    text = "import sqlalchemy as sa\nQ = sa.select(1)\n"
    (tmp_path / "cpv3/modules/users/service.py").write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = run_main(["check", "--format", "concise", "--select", "CNF113"], tmp_path)
    assert result.stdout.startswith("cpv3/modules/users/service.py:2:5: CNF113")


def test_unreadable_file_is_reported_not_crashed_on(tmp_path: Path) -> None:
    clean_project(tmp_path)
    os.symlink(tmp_path / "nowhere.py", tmp_path / "cpv3/modules/users/dangling.py")
    result = run_main(["check", "--format", "concise"], tmp_path)
    assert "Traceback" not in result.stderr
    assert "cpv3/modules/users/dangling.py: CNF901 cannot read" in result.stdout


def test_checked_code_is_never_imported_or_executed(tmp_path: Path) -> None:
    clean_project(tmp_path)
    canary = tmp_path / "CANARY"
    payload = f"open({str(canary)!r}, 'w').write('executed')\n"
    (tmp_path / "cpv3/modules/users/service.py").write_text(payload)
    (tmp_path / "cpv3/modules/users/__init__.py").write_text(payload)
    (tmp_path / "conftest.py").write_text(payload)
    (tmp_path / "cpv3/__init__.py").write_text(payload)
    for jobs in ("1", "2"):
        run_cli(["check", "--jobs", jobs, "--no-cache"], tmp_path)
    assert not canary.exists()


# -- output -------------------------------------------------------------------------------------


def test_json_report_has_the_documented_fields(tmp_path: Path) -> None:
    clean_project(tmp_path)
    (tmp_path / "cpv3/modules/users/utils.py").write_text("x = 1\n")
    result = run_main(["check", "--format", "json"], tmp_path)
    payload = json.loads(result.stdout)
    assert payload["version"] == 1
    finding = payload["findings"][0]
    assert finding["path"] == "cpv3/modules/users/utils.py"
    assert finding["code"] == "CNF102" and finding["name"] == "extra-module-file"
    for key in ("line", "column", "end_line", "end_column", "message", "fix_hint", "severity"):
        assert key in finding


def test_color_only_when_asked(tmp_path: Path) -> None:
    clean_project(tmp_path)
    (tmp_path / "cpv3/modules/users/utils.py").write_text("x = 1\n")
    piped = run_main(["check"], tmp_path)
    assert "\x1b[" not in piped.stdout
    forced = run_cli(["check"], tmp_path, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    both = run_cli(["check"], tmp_path, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in both.stdout


def test_output_is_deterministic_across_runs_and_worker_counts(tmp_path: Path) -> None:
    clean_project(tmp_path)
    for number in range(12):
        module_tree(
            tmp_path,
            f"m{number:02d}",
            **{"utils.py": "import sqlalchemy as sa\nQ = sa.select(1)\n"},
        )
    outputs = {
        run_cli(["check", "--format", "concise", "--no-cache", "--jobs", jobs], tmp_path).stdout
        for jobs in ("1", "2", "2")
    }
    assert len(outputs) == 1
    lines = outputs.pop().splitlines()
    assert lines == sorted(
        lines,
        key=lambda line: (
            line.split(":")[0],
            int(line.split(":")[1]) if line.split(":")[1].isdigit() else 0,
        ),
    )
    assert len(lines) == 12


def test_output_file_and_quiet(tmp_path: Path) -> None:
    clean_project(tmp_path)
    (tmp_path / "cpv3/modules/users/utils.py").write_text("x = 1\n")
    result = run_main(["check", "--output-file", "report.txt", "--format", "concise"], tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert "CNF102" in (tmp_path / "report.txt").read_text()
    quiet = run_main(["check", "-q"], tmp_path)
    assert quiet.stdout.count("\n") == 1 and "Found" not in quiet.stdout


def test_show_files_and_show_settings(tmp_path: Path) -> None:
    clean_project(tmp_path)
    write_tree(
        tmp_path,
        {"migrations/versions/0001.py": "x = 1\n", ".venv/lib/x.py": "", "ignored/a.py": ""},
    )
    (tmp_path / ".gitignore").write_text("ignored/\n")
    files = run_main(["check", "--show-files"], tmp_path)
    assert files.returncode == 0
    assert "cpv3/modules/users/router.py  [router]" in files.stdout
    assert "module package: cpv3/modules/users" in files.stdout
    assert "migrations" not in files.stdout and ".venv" not in files.stdout
    assert "ignored/a.py" not in files.stdout
    settings = run_main(["check", "--show-settings"], tmp_path)
    assert 'modules = ["cpv3/modules/*"]' in settings.stdout
    table = tomllib.loads(settings.stdout)["tool"]["conformance"]  # valid TOML, paste-able
    assert table["roles"]["router"] == ["router.py"]
    assert table["router-classes"] == [] and table["async-session-classes"] == []


def test_rules_and_explain(tmp_path: Path) -> None:
    listing = run_main(["rules", "--format", "json"], tmp_path)
    rules = json.loads(listing.stdout)
    codes = [rule["code"] for rule in rules]
    assert codes == sorted(codes) and "CNF101" in codes and "CNF901" in codes
    explained = run_main(["explain", "extra-module-file"], tmp_path)
    assert explained.returncode == 0 and explained.stdout.startswith("# CNF102 `extra-module-file`")
    assert "## Why" in explained.stdout
    assert "- Source: `conformance/rules/structure/extra_module_file.py`" in explained.stdout
    unknown = run_main(["explain", "CNF000"], tmp_path)
    assert unknown.returncode == 2
    assert_one_line_error(unknown.stderr)


def test_statistics(tmp_path: Path) -> None:
    clean_project(tmp_path)
    (tmp_path / "cpv3/modules/users/utils.py").write_text("x = 1\n")
    (tmp_path / "cpv3/modules/users/crud.py").write_text("x = 1\n")
    result = run_main(["check", "--statistics"], tmp_path)
    assert "CNF102" in result.stdout and "2" in result.stdout


def test_a_partial_run_still_sees_the_whole_project(tmp_path: Path) -> None:
    """What the pre-commit hook runs: one file, whose finding depends on a base class elsewhere."""
    clean_project(tmp_path)
    write_tree(
        tmp_path,
        {
            "cpv3/core/schemas.py": "from pydantic import BaseModel\n\nclass Schema(BaseModel):\n    pass\n",
            "cpv3/modules/users/service.py": "from cpv3.core.schemas import Schema\n\nclass UserOut(Schema):\n    id: int\n",
        },
    )
    module_tree(tmp_path, "orders", **{"utils.py": "x = 1\n"})
    result = run_main(
        ["check", "--format", "concise", "--select", "CNF1", "cpv3/modules/users/service.py"],
        tmp_path,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "cpv3/modules/users/service.py:3:7: CNF110 Pydantic model UserOut is defined in service.py"
    ]  # and nothing about the orders module, which was not asked for
