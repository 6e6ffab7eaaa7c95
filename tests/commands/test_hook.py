"""``conformance hook claude-code`` driven as Claude Code drives it: the hook event JSON on stdin
(fixtures in tests/data/claude-code, shaped as Claude Code's hooks reference shows them), the
exit code and the two streams."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest

from tests.agent_tree import FILES, OVERLAP_WARNING, agent_tree, with_overlapping_roles
from tests.conftest import REPO_ROOT, run_cli, write_tree

EVENTS = REPO_ROOT / "tests" / "data" / "claude-code"


def event(name: str, project: Path, file_path: str = "", **changes: Any) -> str:
    text = (EVENTS / f"{name}.json").read_text(encoding="utf-8")
    text = text.replace("PROJECT_DIR", str(project)).replace("FILE_PATH", file_path)
    data: Dict[str, Any] = json.loads(text)
    data.update(changes)
    return json.dumps(data)


def hook(project: Path, stdin: str, cwd: Path | None = None) -> Any:
    return run_cli(["hook", "claude-code"], cwd or project, input_text=stdin)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return agent_tree(tmp_path / "repo")


@pytest.mark.parametrize("name", ["post-tool-use-write", "post-tool-use-edit"])
def test_findings_in_the_edited_package_go_to_the_model(tree: Path, name: str) -> None:
    path = tree / "cpv3/modules/users/service.py"
    result = hook(tree, event(name, tree, str(path)))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "conformance: 5 findings in the module package of cpv3/modules/users/service.py;"
        " fix them before going on:"
    )
    assert "\ncpv3/modules/users/models.py:13:12: CNF503 [*] " in result.stderr
    assert any(line.startswith("  fix: ") for line in lines)
    assert "`conformance check --fix cpv3/modules/users/models.py" in result.stderr
    assert lines[-1].startswith("Rule documentation: `conformance explain CNF301`")


#: The files of the tree's module package that make it clean.
CLEAN = {
    "cpv3/modules/users/models.py": FILES["cpv3/modules/users/models.py"].replace(
        "name = Column(String(64), nullable=False)", "name: Mapped[str]"
    ),
    "cpv3/modules/users/schemas.py": "from pydantic import BaseModel\n\n\nclass UserIn(BaseModel):\n    name: str\n",
    "cpv3/modules/users/router.py": 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/users", tags=["users"])\n',
}


def test_a_clean_package_is_silent(tree: Path) -> None:
    write_tree(tree, CLEAN)
    path = tree / "cpv3/modules/users/router.py"
    result = hook(tree, event("post-tool-use-edit", tree, str(path)))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_findings_come_with_the_projects_warnings_which_alone_say_nothing(tree: Path) -> None:
    with_overlapping_roles(tree)
    path = tree / "cpv3/modules/users/router.py"
    result = hook(tree, event("post-tool-use-edit", tree, str(path)))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"warning: {OVERLAP_WARNING}"
    # the package made clean: exit 0 and silence, warnings or not
    admin = 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/admin", tags=["admin"])\n'
    write_tree(tree, {**CLEAN, "cpv3/modules/users/admin_api.py": admin})
    result = hook(tree, event("post-tool-use-edit", tree, str(path)))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_relative_file_path_is_read_from_the_events_cwd(tree: Path, tmp_path: Path) -> None:
    result = hook(
        tree, event("post-tool-use-write", tree, "cpv3/modules/users/models.py"), cwd=tmp_path
    )
    assert result.returncode == 2 and "models.py:13:12: CNF503" in result.stderr


@pytest.mark.parametrize(
    "file_path", ["README.md", "cpv3/modules/users/missing.py", "pyproject.toml"]
)
def test_not_python_or_missing_is_exit_0(tree: Path, file_path: str) -> None:
    (tree / "README.md").write_text("# demo\n", encoding="utf-8")
    result = hook(tree, event("post-tool-use-write", tree, str(tree / file_path)))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_file_outside_every_project_is_exit_0(tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    loose.mkdir()
    path = loose / "script.py"
    path.write_text("import os\n", encoding="utf-8")
    result = hook(loose, event("post-tool-use-write", loose, str(path)))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_stop_hook_checks_the_whole_project(tree: Path) -> None:
    result = hook(tree, event("stop", tree))
    assert result.returncode == 2
    assert result.stderr.startswith("conformance: 5 findings in the project;")
    again = hook(tree, event("stop", tree, stop_hook_active=True))
    assert (again.returncode, again.stderr) == (0, "")  # never keeps Claude going forever


@pytest.mark.parametrize("stdin", ["", "not json", "[1, 2]"])
def test_bad_input_is_a_one_line_non_blocking_error(tree: Path, stdin: str) -> None:
    result = hook(tree, stdin)
    assert result.returncode == 1 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_broken_configuration_is_a_one_line_non_blocking_error(tree: Path) -> None:
    (tree / "pyproject.toml").write_text(
        '[tool.conformance]\nselect = ["NOPE999"]\n', encoding="utf-8"
    )
    path = tree / "cpv3/modules/users/models.py"
    result = hook(tree, event("post-tool-use-write", tree, str(path)))
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and "NOPE999" in result.stderr


# -- --install ----------------------------------------------------------------------------------


def test_install_merges_into_existing_settings(tree: Path) -> None:
    settings = tree / ".claude" / "settings.json"
    settings.parent.mkdir()
    existing = {
        "permissions": {"allow": ["Bash(npm run lint)"]},
        "hooks": {
            "PostToolUse": [
                {"matcher": "Write", "hooks": [{"type": "command", "command": "prettier --write"}]}
            ],
            "Notification": [{"hooks": [{"type": "command", "command": "notify-send hi"}]}],
        },
    }
    settings.write_text(json.dumps(existing), encoding="utf-8")
    result = run_cli(["hook", "claude-code", "--install", "--stop"], tree)
    assert result.returncode == 0, result.stderr
    merged = json.loads(settings.read_text(encoding="utf-8"))
    assert merged["permissions"] == existing["permissions"]
    assert merged["hooks"]["Notification"] == existing["hooks"]["Notification"]
    post = merged["hooks"]["PostToolUse"]
    assert post[0] == existing["hooks"]["PostToolUse"][0]
    assert post[1] == {
        "matcher": "Edit|MultiEdit|Write",
        "hooks": [{"type": "command", "command": "conformance hook claude-code"}],
    }
    assert merged["hooks"]["Stop"] == [
        {"hooks": [{"type": "command", "command": "conformance hook claude-code"}]}
    ]
    again = run_cli(["hook", "claude-code", "--install", "--stop"], tree)
    assert again.returncode == 0 and "already installed" in again.stdout
    assert json.loads(settings.read_text(encoding="utf-8")) == merged


def test_install_creates_the_settings_file(tree: Path) -> None:
    result = run_cli(["hook", "claude-code", "--install"], tree)
    assert result.returncode == 0
    data = json.loads((tree / ".claude/settings.json").read_text(encoding="utf-8"))
    assert list(data["hooks"]) == ["PostToolUse"]


def test_install_never_overwrites_a_file_it_cannot_read(tree: Path) -> None:
    settings = tree / ".claude" / "settings.json"
    settings.parent.mkdir()
    settings.write_text("{ not json", encoding="utf-8")
    result = run_cli(["hook", "claude-code", "--install"], tree)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert settings.read_text(encoding="utf-8") == "{ not json"
