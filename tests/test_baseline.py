"""The baseline through the real CLI on real files in temporary git repositories: recording,
hiding, line shifts, repeats, stale entries (CNF903), pruning, partial runs, bad files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List

from conformance.baseline import BASELINE_FILE, Entry, dump, parse

from .conftest import dedent, git_init, run_main, write_tree

SIX = ("__init__.py", "models.py", "schemas.py", "repository.py", "service.py", "router.py")
ROUTER = 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/x", tags=["x"])\n'
#: The structure and checker families only: the findings these tests count must not change
#: when rules of other families are added.
SELECT = 'select = ["CNF1", "CNF9"]\n'
QUERY_SERVICE = dedent(
    """
    from sqlalchemy import select


    class UserService:
        async def names(self):
            return select("users")
    """
)
SQL_MESSAGE = "select() builds SQL in service.py"


def make_project(root: Path, config: str = "", **modules: Dict[str, str]) -> Path:
    """A git repository with ``[tool.conformance]`` (body ``config``) and module packages: each
    keyword is a module name mapping file names to sources (the six files exist, empty)."""
    table = f"[project]\nname = 'demo'\n\n[tool.conformance]\n{SELECT}{config}"
    files = {"pyproject.toml": table}
    for name, overrides in (modules or {"users": {}}).items():
        for file_name in SIX:
            files[f"cpv3/modules/{name}/{file_name}"] = ""
        files[f"cpv3/modules/{name}/router.py"] = ROUTER
        for file_name, text in overrides.items():
            files[f"cpv3/modules/{name}/{file_name}"] = text
    write_tree(root, files)
    git_init(root)
    return root


def findings(root: Path, *args: str) -> List[Dict[str, object]]:
    result = run_main(["check", "--format", "json", *args], root)
    assert result.returncode in (0, 1), result.stderr
    found: List[Dict[str, object]] = json.loads(result.stdout)["findings"]
    return found


def codes_at(found: List[Dict[str, object]]) -> List[tuple]:
    return [(f["path"], f["line"], f["code"]) for f in found]


def test_update_writes_a_sorted_readable_file_and_clears_the_report(tmp_path: Path) -> None:
    service_b = QUERY_SERVICE + '\n    async def ids(self):\n        return select("ids")\n'
    make_project(
        tmp_path,
        users={"service.py": QUERY_SERVICE},
        billing={"service.py": service_b, "utils.py": "x = 1\n"},
    )
    result = run_main(["check", "--update-baseline"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout
    assert f"baseline {BASELINE_FILE} updated: 4 entries, 4 findings" in result.stderr

    text = (tmp_path / BASELINE_FILE).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[:4] == [
        "{",
        '  "version": 1,',
        '  "tool": "module-conformance",',
        '  "entries": [',
    ]
    rows = [json.loads(line.strip().rstrip(",")) for line in lines[4:-2]]
    assert [(r["path"], r["code"]) for r in rows] == [
        ("cpv3/modules/billing/service.py", "CNF113"),
        ("cpv3/modules/billing/service.py", "CNF113"),
        ("cpv3/modules/billing/utils.py", "CNF102"),
        ("cpv3/modules/users/service.py", "CNF113"),
    ]
    assert rows == sorted(rows, key=lambda r: (r["path"], r["code"], r["fingerprint"]))
    assert all(set(r) == {"path", "code", "fingerprint", "count", "message"} for r in rows)
    assert all(r["count"] == 1 for r in rows)
    assert "line" not in text  # nothing positional: line shifts leave the file alone

    # Stable: a second update writes nothing new, byte for byte.
    again = run_main(["check", "--update-baseline"], tmp_path)
    assert again.returncode == 0
    assert "unchanged" in again.stderr
    assert (tmp_path / BASELINE_FILE).read_text(encoding="utf-8") == text


def test_baseline_hides_recorded_findings_across_line_shifts_but_not_a_second_one(
    tmp_path: Path,
) -> None:
    make_project(tmp_path, users={"service.py": QUERY_SERVICE})
    assert run_main(["check", "--update-baseline"], tmp_path).returncode == 0

    hidden = run_main(["check", "--baseline", BASELINE_FILE], tmp_path)
    assert hidden.returncode == 0, hidden.stdout + hidden.stderr
    assert "note: 1 finding hidden by the baseline" in hidden.stderr

    service = tmp_path / "cpv3/modules/users/service.py"
    service.write_text("# a comment line\n" * 20 + QUERY_SERVICE, encoding="utf-8")
    shifted = run_main(["check", "--baseline", BASELINE_FILE], tmp_path)
    assert shifted.returncode == 0, shifted.stdout  # the same finding, 20 lines lower

    # Re-indenting it (a class body moved into a function) keeps it the same finding too.
    service.write_text(QUERY_SERVICE.replace("return select", "return  select"))
    assert run_main(["check", "--baseline", BASELINE_FILE], tmp_path).returncode == 0

    # A second, identical violation in the same file is new: reported.
    service.write_text(
        QUERY_SERVICE + '\n    async def again(self):\n        return select("users")\n',
        encoding="utf-8",
    )
    found = findings(tmp_path, "--baseline", BASELINE_FILE)
    assert codes_at(found) == [("cpv3/modules/users/service.py", 9, "CNF113")]
    assert found[0]["message"] == SQL_MESSAGE

    # The same violation in another file is new too.
    service.write_text(QUERY_SERVICE, encoding="utf-8")
    (tmp_path / "cpv3/modules/users/repository.py").write_text("", encoding="utf-8")
    (tmp_path / "cpv3/modules/users/router.py").write_text(
        ROUTER + '\nfrom sqlalchemy import select\n\nQUERY = select("users")\n', encoding="utf-8"
    )
    found = findings(tmp_path, "--baseline", BASELINE_FILE)
    assert codes_at(found) == [("cpv3/modules/users/router.py", 7, "CNF113")]


def test_findings_without_a_line_can_be_baselined(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "cpv3/modules/users/service.py").unlink()
    assert codes_at(findings(tmp_path)) == [("cpv3/modules/users/__init__.py", None, "CNF101")]
    assert run_main(["check", "--update-baseline"], tmp_path).returncode == 0
    assert run_main(["check", "--baseline", BASELINE_FILE], tmp_path).returncode == 0


def test_stale_entries_are_reported_until_update_prunes_them(tmp_path: Path) -> None:
    two = QUERY_SERVICE + '\n    async def again(self):\n        return select("users")\n'
    make_project(tmp_path, users={"service.py": two, "utils.py": "x = 1\n"})
    assert run_main(["check", "--update-baseline"], tmp_path).returncode == 0
    text = (tmp_path / BASELINE_FILE).read_text(encoding="utf-8")
    assert '"count": 2' in text

    # One of the two identical queries is fixed: the entry is partly stale.
    (tmp_path / "cpv3/modules/users/service.py").write_text(QUERY_SERVICE, encoding="utf-8")
    # The extra file is gone: that entry is stale as a whole.
    (tmp_path / "cpv3/modules/users/utils.py").unlink()
    result = run_main(["check", "--baseline", BASELINE_FILE, "--format", "concise"], tmp_path)
    assert result.returncode == 1
    line_of = {
        row: number for number, row in enumerate(text.splitlines(), start=1) if '"path"' in row
    }
    utils_line = next(n for row, n in line_of.items() if "utils.py" in row)
    service_line = next(n for row, n in line_of.items() if "service.py" in row)
    assert result.stdout.splitlines() == [
        f"{BASELINE_FILE}:{service_line}:1: CNF903 baselined CNF113 in"
        " cpv3/modules/users/service.py now matches 1 of 2 recorded findings",
        f"{BASELINE_FILE}:{utils_line}:1: CNF903 baselined CNF102 in"
        " cpv3/modules/users/utils.py no longer occurs",
    ]

    # Stale entries can be silenced (the baseline then stops being a ratchet).
    quiet = run_main(["check", "--baseline", BASELINE_FILE, "--ignore", "CNF903"], tmp_path)
    assert quiet.returncode == 0, quiet.stdout

    updated = run_main(["check", "--update-baseline", "--baseline", BASELINE_FILE], tmp_path)
    assert updated.returncode == 0
    assert "1 entry, 1 finding" in updated.stderr
    pruned = (tmp_path / BASELINE_FILE).read_text(encoding="utf-8")
    assert "utils.py" not in pruned and '"count": 1' in pruned
    assert run_main(["check", "--baseline", BASELINE_FILE], tmp_path).returncode == 0


def test_baseline_key_in_the_configuration(tmp_path: Path) -> None:
    make_project(
        tmp_path, config='baseline = "ci/accepted.json"\n', users={"service.py": QUERY_SERVICE}
    )
    (tmp_path / "ci").mkdir()
    # The key names where --update-baseline writes...
    assert run_main(["check", "--update-baseline"], tmp_path).returncode == 0
    assert (tmp_path / "ci/accepted.json").is_file()
    assert not (tmp_path / BASELINE_FILE).exists()
    # ...and what every run reads, from any working directory below the root.
    assert run_main(["check"], tmp_path).returncode == 0
    assert run_main(["check", "."], tmp_path / "cpv3").returncode == 0
    # --baseline wins over the key.
    (tmp_path / "other.json").write_text(dump([]), encoding="utf-8")
    assert codes_at(findings(tmp_path, "--baseline", "other.json")) == [
        ("cpv3/modules/users/service.py", 6, "CNF113")
    ]


def test_partial_runs_judge_and_rewrite_only_what_they_checked(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        users={"service.py": QUERY_SERVICE},
        billing={"service.py": QUERY_SERVICE},
    )
    assert run_main(["check", "--update-baseline"], tmp_path).returncode == 0
    before = (tmp_path / BASELINE_FILE).read_text(encoding="utf-8")

    # billing is fixed, but a run over users alone (the pre-commit hook) cannot know it.
    (tmp_path / "cpv3/modules/billing/service.py").write_text("", encoding="utf-8")
    users_file = "cpv3/modules/users/router.py"
    assert run_main(["check", "--baseline", BASELINE_FILE, users_file], tmp_path).returncode == 0
    assert run_main(["check", "--update-baseline", users_file], tmp_path).returncode == 0
    assert (tmp_path / BASELINE_FILE).read_text(encoding="utf-8") == before

    # A run over billing, or the whole tree, does.
    result = run_main(["check", "--baseline", BASELINE_FILE, "cpv3/modules/billing"], tmp_path)
    assert result.returncode == 1 and "CNF903" in result.stdout
    assert "billing" in result.stdout and "users/service.py" not in result.stdout

    # Staging pyproject.toml means "everything": it judges every entry.
    result = run_main(["check", "--baseline", BASELINE_FILE, "pyproject.toml"], tmp_path)
    assert result.returncode == 1 and "CNF903" in result.stdout

    # Entries of rules a run does not select are neither judged nor dropped.
    assert run_main(["check", "--select", "CNF102", "--update-baseline"], tmp_path).returncode == 0
    assert (tmp_path / BASELINE_FILE).read_text(encoding="utf-8") == before


def test_bad_baseline_files_are_one_line_usage_errors(tmp_path: Path) -> None:
    make_project(tmp_path, users={"service.py": QUERY_SERVICE})
    cases = {
        "missing.json": None,
        "corrupt.json": '{"version": 1, "entries": [',
        "wrong.json": '["not", "a", "baseline"]',
        "future.json": '{"version": 99, "entries": []}',
        "bad-entry.json": '{"version": 1, "entries": [{"path": "x.py", "count": 0}]}',
    }
    for name, text in cases.items():
        if text is not None:
            (tmp_path / name).write_text(text, encoding="utf-8")
        result = run_main(["check", "--baseline", name], tmp_path)
        assert result.returncode == 2, (name, result.stdout, result.stderr)
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: baseline {name}: "), lines
        assert "Traceback" not in result.stderr

    # The configured file is as explicit as --baseline: missing is an error, not "no baseline".
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.conformance]\n{SELECT}baseline = "missing.json"\n', encoding="utf-8"
    )
    result = run_main(["check"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: baseline missing.json: no such file")
    # ...but --update-baseline creates it.
    assert run_main(["check", "--update-baseline"], tmp_path).returncode == 0
    assert run_main(["check"], tmp_path).returncode == 0

    # Updating over a corrupt file refuses rather than guessing what it held.
    result = run_main(["check", "--update-baseline", "--baseline", "corrupt.json"], tmp_path)
    assert result.returncode == 2 and "not valid JSON" in result.stderr


def test_file_format_round_trips() -> None:
    entries = [
        Entry("b.py", "CNF113", "00ff", 2, 'm\u00fc "quoted"'),
        Entry("a b/\u00e4.py", "CNF101", "ab12", 1, ""),
    ]
    text = dump(entries)
    assert text == dump(reversed(entries))
    loaded = parse(text)
    assert list(loaded.entries) == sorted(entries)
    assert loaded.line_of(sorted(entries)[0]) == 5
    assert parse(dump([])).entries == ()
