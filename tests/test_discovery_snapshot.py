"""The discovery snapshot (``conformance/discovery_cache.py``): a warm run does not list an unchanged
tree again, lists again only the folders that changed, and reports exactly what a run without cache
reports after any change to the tree's shape, its ``.gitignore`` files, a nested project or the
configuration.

Timestamps are set into the past after every edit (the folders and files the edit touched get a
new, older time), so that what is exercised is the ``stat`` comparison, not the distrust of recent
timestamps; one test covers that distrust on its own.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest

from conformance import cache as cache_module
from conformance.session import Session

from .conftest import run_main, write_tree

SIX = ("__init__.py", "models.py", "schemas.py", "repository.py", "service.py", "router.py")
PAST = 1_600_000_000  # seconds: older than any run of the tests


def make_project(root: Path) -> Path:
    files: Dict[str, str] = {
        "pyproject.toml": "[project]\nname = 'demo'\n\n[tool.conformance]\n",
        ".gitignore": "build/\n",
        "cpv3/__init__.py": "",
        "cpv3/core/__init__.py": "",
        "cpv3/core/db.py": "X = 1\n",
        "cpv3/modules/users/helpers.py": "X = 1\n",  # CNF102: an extra file
        # a folder with a pyproject.toml of its own, but no [tool.conformance]: part of the project
        "plugins/pyproject.toml": "[project]\nname = 'plugins'\n",
        "plugins/cpv3/modules/pay/helpers.py": "X = 1\n",
    }
    for module in ("users", "orders", "billing"):
        for name in SIX:
            files[f"cpv3/modules/{module}/{name}"] = ""
    for name in SIX:  # not a module package of this project (the globs start at its root)
        files[f"plugins/cpv3/modules/pay/{name}"] = ""
    write_tree(root, files)
    age(root)
    return root


class Clock:
    """Stamps for ``age``: each call gives an older-than-now time that no earlier call gave."""

    def __init__(self) -> None:
        self.stamp = PAST

    def next(self) -> int:
        self.stamp += 10
        return self.stamp


_CLOCK = Clock()


def age(root: Path) -> None:
    """Move every folder and file modified in the last minute (what an edit touched) into the
    past, to a time none of them had before."""
    stamp = _CLOCK.next()
    recent = time.time() - 60
    for folder, subdirs, names in os.walk(root):
        for name in [*subdirs, *names]:
            path = os.path.join(folder, name)
            if os.lstat(path).st_mtime > recent:
                os.utime(path, (stamp, stamp), follow_symlinks=False)
    if os.stat(root).st_mtime > recent:
        os.utime(root, (stamp, stamp))


def check(root: Path, cache: Path, *args: str) -> str:
    result = run_main(
        ["check", "--format", "concise", *args], root, env={"CONFORMANCE_CACHE_DIR": str(cache)}
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return result.stdout


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> List[str]:
    """The folders below ``tmp_path`` that anything in this process lists, as they are listed."""
    listed: List[str] = []
    real = os.scandir

    def counting(path: Any = ".") -> Any:
        if str(path).startswith(str(tmp_path)):
            listed.append(os.path.relpath(str(path), str(tmp_path)).replace(os.sep, "/"))
        return real(path)

    monkeypatch.setattr(os, "scandir", counting)
    return listed


# -- an unchanged tree is not listed again -------------------------------------------------------


def test_an_unchanged_tree_is_not_listed_again(tmp_path: Path, listings: List[str]) -> None:
    root, cache = make_project(tmp_path / "proj"), tmp_path / "cache"
    listings.clear()
    cold = check(root, cache)
    walked = len(listings)
    # eleven folders, each listed once by the search for nested projects, once by discovery
    assert walked == 2 * 11, listings
    listings.clear()
    assert check(root, cache) == cold
    assert listings == []
    # options discovery does not read keep the snapshot
    assert "CNF112" not in check(root, cache, "--select", "CNF102")
    assert listings == []
    # without the cache, every folder is listed
    assert check(root, cache, "--no-cache") == cold
    assert len(listings) == walked


def test_only_the_changed_folder_is_listed_again(tmp_path: Path, listings: List[str]) -> None:
    root, cache = make_project(tmp_path / "proj"), tmp_path / "cache"
    check(root, cache)
    # an editor saving by atomic rename: the folder changes, what discovery takes from it not
    target = root / "cpv3/modules/users/service.py"
    temporary = target.with_name("service.py.tmp")
    temporary.write_text("Y = 2\n", encoding="utf-8")
    os.replace(temporary, target)
    age(root)
    listings.clear()
    warm = check(root, cache)
    assert listings == ["proj/cpv3/modules/users"] * 2  # nested projects, discovery
    assert warm == check(root, cache, "--no-cache")
    # a new module file: that folder again, and only it
    (root / "cpv3/modules/billing/extra.py").write_text("", encoding="utf-8")
    age(root)
    listings.clear()
    warm = check(root, cache)
    assert listings == ["proj/cpv3/modules/billing"] * 2
    assert "billing/extra.py: CNF102" in warm
    assert warm == check(root, cache, "--no-cache")


def test_the_language_server_does_not_list_an_unchanged_tree(
    tmp_path: Path, listings: List[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path / "proj")
    monkeypatch.setenv("CONFORMANCE_CACHE_DIR", str(tmp_path / "cache"))
    session = Session(incremental=True)
    first = session.check([str(root)])[0].violations
    listings.clear()
    assert session.check([str(root)])[0].violations == first
    assert listings == []
    # every check discovers the tree again: a new file is seen by the next one
    (root / "cpv3/modules/billing/extra.py").write_text("", encoding="utf-8")
    age(root)
    listings.clear()
    found = session.check([str(root)])[0].violations
    assert "cpv3/modules/billing/extra.py" in {v.path for v in found}
    assert listings == ["proj/cpv3/modules/billing"] * 2


# -- whatever changes, the warm run reports what a run without cache reports ---------------------


def _add_module_file(root: Path) -> None:
    (root / "cpv3/modules/billing/extra.py").write_text("", encoding="utf-8")


def _remove_module_file(root: Path) -> None:
    (root / "cpv3/modules/billing/service.py").unlink()


def _rename_folder(root: Path) -> None:
    (root / "cpv3/modules/users").rename(root / "cpv3/modules/accounts")


def _add_sub_folder(root: Path) -> None:
    write_tree(root, {"cpv3/modules/billing/parts/a.py": ""})


def _gitignore_ignores_a_file(root: Path) -> None:
    # edited in place: the folder does not change, the .gitignore's stat does
    with open(root / ".gitignore", "a", encoding="utf-8") as handle:
        handle.write("cpv3/modules/users/helpers.py\n")


def _nested_gitignore_ignores_a_file(root: Path) -> None:
    (root / "cpv3/modules/users/.gitignore").write_text("helpers.py\n", encoding="utf-8")


def _add_nested_project(root: Path) -> None:
    # plugins/ is then checked as a project of its own: its module package is judged
    (root / "plugins/conformance.toml").write_text("", encoding="utf-8")


def _nested_pyproject_gets_a_table(root: Path) -> None:
    # edited in place: its folder does not change; its content decided it was no project
    with open(root / "plugins/pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[tool.conformance]\n")


def _change_exclude(root: Path) -> None:
    path = root / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + 'extend-exclude = ["cpv3/modules/billing"]\n', encoding="utf-8")


def _add_virtualenv_marker(root: Path) -> None:
    (root / "cpv3/modules/billing/pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")


def _replace_folder_keeping_its_time(root: Path) -> None:
    # a copy tool that keeps the folder's timestamp (rsync -t): its inode and ctime change
    folder = root / "cpv3/modules/billing"
    stat = os.stat(folder)
    shutil.rmtree(folder)
    write_tree(root, {f"cpv3/modules/billing/{name}": "" for name in SIX[:3]})
    os.utime(folder, ns=(stat.st_atime_ns, stat.st_mtime_ns))


EDITS: Dict[str, Callable[[Path], None]] = {
    "add a module file": _add_module_file,
    "remove a module file": _remove_module_file,
    "rename a module folder": _rename_folder,
    "add a sub-folder": _add_sub_folder,
    "a .gitignore ignores a file": _gitignore_ignores_a_file,
    "a new nested .gitignore": _nested_gitignore_ignores_a_file,
    "a nested project appears": _add_nested_project,
    "a nested pyproject.toml gets a table": _nested_pyproject_gets_a_table,
    "exclude changes": _change_exclude,
    "a folder becomes a virtualenv": _add_virtualenv_marker,
    "a folder replaced, its time kept": _replace_folder_keeping_its_time,
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_warm_run_after_a_change_reports_what_a_cold_run_reports(
    tmp_path: Path, edit: str
) -> None:
    root, cache = make_project(tmp_path / "proj"), tmp_path / "cache"
    before = check(root, cache)
    assert check(root, cache) == before  # the snapshot is in the cache, and trusted
    EDITS[edit](root)
    age(root)
    warm = check(root, cache)
    assert warm != before, "the edit changes the findings"
    assert warm == check(root, cache, "--no-cache")
    assert check(root, cache) == warm  # and the snapshot stored after the change holds


def test_a_symlinked_folder_is_walked_as_without_cache(tmp_path: Path) -> None:
    """A link's target can change without its folder changing: such a tree is discovered
    afresh each time (and still reported exactly)."""
    root, cache = make_project(tmp_path / "proj"), tmp_path / "cache"
    shared = tmp_path / "proj/cpv3/shared"
    write_tree(shared, {"__init__.py": "", "a.py": "X = 1\n"})
    os.symlink(shared, root / "cpv3/modules/billing/linked")
    age(root)
    before = check(root, cache)
    assert before == check(root, cache, "--no-cache")
    (shared / "b.py").write_text("", encoding="utf-8")
    age(root)
    assert check(root, cache) == check(root, cache, "--no-cache")


# -- timestamps too recent to trust --------------------------------------------------------------


def test_a_folder_modified_just_before_it_was_listed_is_listed_again(
    tmp_path: Path, listings: List[str]
) -> None:
    """Within the timestamp granularity, a folder can change again without its ``stat``
    changing: a folder modified within two seconds of its listing is listed on every run
    until it is older."""
    root, cache = make_project(tmp_path / "proj"), tmp_path / "cache"
    folder = root / "cpv3/modules/billing"
    now = time.time_ns()
    os.utime(folder, ns=(now, now))
    check(root, cache)
    listings.clear()
    before = check(root, cache)
    assert listings == ["proj/cpv3/modules/billing"] * 2
    # a file added in the same timestamp tick: the folder's time is what it was
    (folder / "extra.py").write_text("", encoding="utf-8")
    os.utime(folder, ns=(now, now))
    listings.clear()
    warm = check(root, cache)
    assert listings == ["proj/cpv3/modules/billing"] * 2
    assert "billing/extra.py: CNF102" in warm and warm != before
    assert warm == check(root, cache, "--no-cache")
    # once older, the folder is trusted again: listed once more (to store it), then no more
    age(root)
    check(root, cache)
    listings.clear()
    assert check(root, cache) == warm
    assert listings == []


# -- a snapshot that does not decode is a miss ---------------------------------------------------


def _snapshot_rows(cache: Path) -> List[Tuple[str, str]]:
    with closing(sqlite3.connect(str(cache / cache_module.DATABASE_NAME))) as db:
        return list(db.execute("SELECT scope, value FROM snapshots"))


@pytest.mark.parametrize(
    "damage",
    [
        "garbage",
        "truncated",
        "wrong shape",
        "a stat as text",
        "columns of different lengths",
    ],
)
def test_a_damaged_snapshot_is_a_miss(tmp_path: Path, listings: List[str], damage: str) -> None:
    root, cache = make_project(tmp_path / "proj"), tmp_path / "cache"
    check(root, cache)
    _add_module_file(root)
    age(root)
    expected = check(root, cache, "--no-cache")
    rows = _snapshot_rows(cache)
    assert len(rows) == 2  # the project's discovery, the search for nested projects
    for scope, value in rows:
        damaged = {
            "garbage": "\x80not json",
            "truncated": value[: len(value) // 2],
            "wrong shape": '[["x"], "y"]',
            "a stat as text": value.replace(",[", ',["1",', 1),
            "columns of different lengths": value.replace('["."', '[".", "more"', 1),
        }[damage]
        assert damaged != value
        with closing(sqlite3.connect(str(cache / cache_module.DATABASE_NAME))) as db, db:
            db.execute("UPDATE snapshots SET value = ? WHERE scope = ?", (damaged, scope))
    listings.clear()
    assert check(root, cache) == expected
    assert len(listings) == 2 * 11, "the tree was walked again"
    assert not set(_snapshot_rows(cache)) & set(rows), "both rewritten"
    listings.clear()
    assert check(root, cache) == expected
    assert listings == []
