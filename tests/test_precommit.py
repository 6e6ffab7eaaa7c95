"""The pre-commit hooks through real ``pre-commit``, in temporary git repositories.

pre-commit installs a hook repository by cloning it at a commit and pip-installing it into a fresh
virtualenv, which needs the package index (the only network these tests use; set
``CONFORMANCE_SKIP_PRECOMMIT=1`` where pip cannot reach it). The environment is built once for the
module: every test shares one ``PRE_COMMIT_HOME``.

What is installed is this checkout's working tree as it is now (tracked and untracked files that
git does not ignore), committed into a snapshot repository. ``pre-commit try-repo`` would commit only
tracked changes (a new, untracked ``.pre-commit-hooks.yaml`` would be missing) and builds a fresh
store on every call; a snapshot plus a real ``.pre-commit-config.yaml`` tests what users run, once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from .conftest import REPO_ROOT, git_init, run_cli, write_tree

SIX = ("__init__.py", "models.py", "schemas.py", "repository.py", "service.py", "router.py")
ROUTER = 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/x", tags=["x"])\n'
QUERY = 'from sqlalchemy import select\n\n\ndef names():\n    return select("users")\n'
SQL = "select() builds SQL in service.py"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def _git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=str(cwd),
        env=dict(os.environ, **GIT_ENV),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _checkout_files() -> List[str]:
    """This checkout's files as git sees them: tracked or untracked, not ignored, present."""
    listing = _git(REPO_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return sorted({p for p in listing.split("\0") if p and (REPO_ROOT / p).is_file()})


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    """A git repository holding a snapshot of the working tree under test; its path and commit."""
    if os.environ.get("CONFORMANCE_SKIP_PRECOMMIT"):
        pytest.skip("CONFORMANCE_SKIP_PRECOMMIT is set (pre-commit cannot pip-install the hook)")
    pytest.importorskip("pre_commit")
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for rel in _checkout_files():
        target = snapshot / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / rel, target)
    assert (snapshot / ".pre-commit-hooks.yaml").is_file()
    git_init(snapshot)
    return {"repo": str(snapshot), "rev": _git(snapshot, "rev-parse", "HEAD").strip()}


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path: Path, hook_repo: Dict[str, str]) -> Path:
    """A committed cpv3 project (modules users and billing, clean) whose .pre-commit-config.yaml
    uses both hooks of the snapshot."""
    files: Dict[str, str] = {}
    for module in ("users", "billing"):
        for name in SIX:
            files[f"cpv3/modules/{module}/{name}"] = ""
        files[f"cpv3/modules/{module}/router.py"] = ROUTER
    files["cpv3/__init__.py"] = ""
    files["README.md"] = "# demo\n"
    # Structure and checker rules only: other families' rules must not change these findings.
    files["pyproject.toml"] = '[tool.conformance]\nselect = ["CNF1", "CNF9"]\n'
    files[".gitignore"] = ".conformance_cache/\n"
    files[".pre-commit-config.yaml"] = (
        "repos:\n"
        f"  - repo: {hook_repo['repo']}\n"
        f"    rev: {hook_repo['rev']}\n"
        "    hooks:\n"
        "      - id: conformance\n"
        "      - id: conformance-full\n"
    )
    write_tree(tmp_path, files)
    git_init(tmp_path)
    return tmp_path


def pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    """``pre-commit run ARGS`` in ``project``, as a commit would run it (staged files)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_")}
    env.update(GIT_ENV, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", NO_COLOR="1")
    env.pop("PYTHONPATH", None)  # the hook must run from its own environment
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", *args],
        cwd=str(project),
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def stage(project: Path, files: Dict[str, str]) -> None:
    write_tree(project, files)
    _git(project, "add", "-A")


def test_hook_fails_on_a_staged_violation_and_passes_once_fixed(
    project: Path, pre_commit_home: Path
) -> None:
    stage(project, {"cpv3/modules/users/service.py": QUERY})
    result = pre_commit(project, pre_commit_home, "conformance")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "conformance" in output and "Failed" in output
    assert f"cpv3/modules/users/service.py:5:12: CNF113 {SQL}" in output

    stage(project, {"cpv3/modules/users/service.py": "class UserService:\n    pass\n"})
    result = pre_commit(project, pre_commit_home, "conformance")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_a_staged_file_brings_its_package_and_pyproject_brings_everything(
    project: Path, pre_commit_home: Path
) -> None:
    # Committed violations in both packages...
    write_tree(
        project,
        {"cpv3/modules/users/service.py": QUERY, "cpv3/modules/billing/service.py": QUERY},
    )
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "legacy")

    # ...a commit touching users/router.py checks the users package whole, and only it.
    stage(project, {"cpv3/modules/users/router.py": ROUTER + "# touched\n"})
    result = pre_commit(project, pre_commit_home, "conformance")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cpv3/modules/users/service.py:5:12: CNF113" in result.stdout
    assert "billing" not in result.stdout
    _git(project, "commit", "-q", "-m", "touch", "--no-verify")

    # A configuration change can change any finding: everything is checked.
    stage(project, {"pyproject.toml": '[tool.conformance]\nselect = ["CNF1", "CNF9"]\n\n'})
    result = pre_commit(project, pre_commit_home, "conformance")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cpv3/modules/users/service.py:5:12: CNF113" in result.stdout
    assert "cpv3/modules/billing/service.py:5:12: CNF113" in result.stdout


def test_deleting_service_py_fails_the_full_hook(project: Path, pre_commit_home: Path) -> None:
    _git(project, "rm", "-q", "cpv3/modules/users/service.py")
    # pre-commit never passes a deleted file: the filename-driven hook has nothing to run on...
    result = pre_commit(project, pre_commit_home, "conformance")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Skipped" in result.stdout
    # ...which is what the whole-tree hook is for.
    result = pre_commit(project, pre_commit_home, "conformance-full")
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "cpv3/modules/users/__init__.py: CNF101 module 'users' has no service.py" in result.stdout
    )


def test_renames_non_python_files_and_excluded_files(project: Path, pre_commit_home: Path) -> None:
    # Only non-Python files staged: the filename hook is skipped, the full hook passes.
    stage(project, {"README.md": "# demo\n\nmore\n"})
    result = pre_commit(project, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    _git(project, "commit", "-q", "-m", "docs", "--no-verify")

    # A rename passes the new name: its package is checked and misses the old name.
    _git(project, "mv", "cpv3/modules/billing/service.py", "cpv3/modules/billing/services.py")
    result = pre_commit(project, pre_commit_home, "conformance")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cpv3/modules/billing/__init__.py: CNF101" in result.stdout
    assert "cpv3/modules/billing/services.py: CNF102" in result.stdout
    _git(project, "mv", "cpv3/modules/billing/services.py", "cpv3/modules/billing/service.py")

    # A staged file under an excluded folder (migrations, by default) is not checked even though
    # pre-commit names it.
    stage(project, {"migrations/versions/0001_init.py": "def broken(:\n"})
    result = pre_commit(project, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr


# -- what the hooks rely on, through the CLI alone (no pre-commit needed) ----------------------


def test_cli_with_what_pre_commit_may_pass(tmp_path: Path) -> None:
    files = {f"cpv3/modules/users/{name}": "" for name in SIX}
    files["cpv3/modules/users/router.py"] = ROUTER
    files["README.md"] = "# demo\n"
    files["pyproject.toml"] = '[tool.conformance]\nselect = ["CNF1", "CNF9"]\n'
    write_tree(tmp_path, files)
    git_init(tmp_path)

    # Only non-Python files: nothing to check, exit 0.
    result = run_cli(["check", "README.md"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr

    # No file names at all (pass_filenames: false): the whole tree.
    (tmp_path / "cpv3/modules/users/service.py").unlink()
    result = run_cli(["check"], tmp_path)
    assert result.returncode == 1
    assert "cpv3/modules/users/__init__.py: CNF101" in result.stdout

    # A file name pre-commit would never pass (it drops deleted files) is a usage error, on one
    # line, not a crash.
    result = run_cli(["check", "cpv3/modules/users/service.py"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_both_hooks_work_in_a_monorepo_with_the_backend_in_a_sub_folder(
    tmp_path: Path, hook_repo: Dict[str, str], pre_commit_home: Path
) -> None:
    # The layout this project was made for: cofee_backend/ beside other apps, the configuration
    # in cofee_backend/pyproject.toml, .pre-commit-config.yaml at the repository root.
    files: Dict[str, str] = {}
    for module in ("users", "billing"):
        for name in SIX:
            files[f"cofee_backend/cpv3/modules/{module}/{name}"] = ""
        files[f"cofee_backend/cpv3/modules/{module}/router.py"] = ROUTER
    files["cofee_backend/cpv3/__init__.py"] = ""
    files["cofee_backend/pyproject.toml"] = '[tool.conformance]\nselect = ["CNF1", "CNF9"]\n'
    files["web/build.py"] = "print('another app')\n"
    files[".gitignore"] = ".conformance_cache/\n"
    files[".pre-commit-config.yaml"] = (
        "repos:\n"
        f"  - repo: {hook_repo['repo']}\n"
        f"    rev: {hook_repo['rev']}\n"
        "    hooks:\n"
        "      - id: conformance\n"
        "      - id: conformance-full\n"
    )
    write_tree(tmp_path, files)
    git_init(tmp_path)

    stage(tmp_path, {"cofee_backend/cpv3/modules/users/service.py": QUERY})
    result = pre_commit(tmp_path, pre_commit_home, "conformance")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"cofee_backend/cpv3/modules/users/service.py:5:12: CNF113 {SQL}" in result.stdout
    _git(tmp_path, "commit", "-q", "-m", "query", "--no-verify")

    _git(tmp_path, "rm", "-q", "cofee_backend/cpv3/modules/billing/service.py")
    result = pre_commit(tmp_path, pre_commit_home, "conformance-full")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cofee_backend/cpv3/modules/billing/__init__.py: CNF101" in result.stdout
    assert "no module package" not in result.stdout


def test_the_documented_repo_local_recipe_installs_from_a_path(
    tmp_path: Path, hook_repo: Dict[str, str], pre_commit_home: Path
) -> None:
    # docs/ci.md: before a release, `repo: local` with the checker in additional_dependencies
    # (a git URL there; a path here, which pip treats the same way).
    files: Dict[str, str] = {}
    for name in SIX:
        files[f"cpv3/modules/users/{name}"] = ""
    files["cpv3/modules/users/router.py"] = ROUTER
    files["pyproject.toml"] = '[tool.conformance]\nselect = ["CNF1"]\n'
    files[".gitignore"] = ".conformance_cache/\n"
    files[".pre-commit-config.yaml"] = (
        "repos:\n"
        "  - repo: local\n"
        "    hooks:\n"
        "      - id: conformance-full\n"
        "        name: conformance (whole tree)\n"
        "        entry: conformance check\n"
        "        language: python\n"
        f"        additional_dependencies: ['{hook_repo['repo']}']\n"
        "        pass_filenames: false\n"
        "        always_run: true\n"
        "        require_serial: true\n"
    )
    write_tree(tmp_path, files)
    git_init(tmp_path)
    result = pre_commit(tmp_path, pre_commit_home, "conformance-full")
    assert result.returncode == 0, result.stdout + result.stderr
    _git(tmp_path, "rm", "-q", "cpv3/modules/users/service.py")
    result = pre_commit(tmp_path, pre_commit_home, "conformance-full")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cpv3/modules/users/__init__.py: CNF101" in result.stdout
