"""Import cycles (CNF206) decided incrementally: the import graph is kept per module package
between runs, an edit resolves again the imports of the packages it changed only, and the
findings are those of a run without cache after every edit (an edge added or removed, a module
package renamed, a module file deleted, an import under ``TYPE_CHECKING``), in memory (a
long-lived process) and through the cache store (the command line)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from conformance.config import load_config
from conformance.engine import EngineState, RunOptions, run
from conformance.rules.layering import _cycles

from .conftest import sync_tree

PACKAGES = 30


def tree(*, extra: Optional[Dict[str, str]] = None, config: str = "") -> Dict[str, str]:
    """``PACKAGES`` module packages in a chain: each service imports the next two packages'
    services (no cycle), each router its own service and schemas."""
    files = {
        "pyproject.toml": "[project]\nname = 'demo'\n" + config,
        "cpv3/__init__.py": "",
        "cpv3/core/__init__.py": "",
        "cpv3/core/db.py": "def get_db() -> None:\n    pass\n",
        "cpv3/modules/__init__.py": "",
    }
    for number in range(PACKAGES):
        name = f"m{number:02d}"
        later = [f"m{n:02d}" for n in (number + 1, number + 2) if n < PACKAGES]
        files[f"cpv3/modules/{name}/__init__.py"] = ""
        files[f"cpv3/modules/{name}/schemas.py"] = "class Out:\n    pass\n"
        files[f"cpv3/modules/{name}/service.py"] = (
            "from cpv3.core.db import get_db\n"
            + "".join(
                f"from cpv3.modules.{other}.service import Service as S{other}\n" for other in later
            )
            + "\n\nclass Service:\n    pass\n"
        )
        files[f"cpv3/modules/{name}/router.py"] = (
            f"from cpv3.modules.{name}.schemas import Out\n"
            f"from cpv3.modules.{name}.service import Service\n"
        )
    files.update(extra or {})
    return files


#: m05's service importing m03's: closes m03 -> m04 -> m05 -> m03 (and m03 -> m05 -> m03)
BACK_EDGE = "from cpv3.modules.m03.service import Service as Back\n"


def with_back_edge(files: Dict[str, str], line: str = BACK_EDGE) -> Dict[str, str]:
    service = "cpv3/modules/m05/service.py"
    return {**files, service: line + files[service]}


Finding = Tuple[str, Optional[int], str, str]


def cold(root: Path) -> List[Finding]:
    return check(root, RunOptions())


def check(root: Path, options: RunOptions) -> List[Finding]:
    config = load_config(str(root), str(root / "pyproject.toml"))
    result = run(config, [str(root)], options)
    return [(v.path, v.location.line, v.code, v.message) for v in result.violations]


def cycles(found: List[Finding]) -> List[Finding]:
    return [f for f in found if f[2] == "CNF206"]


def renamed(files: Dict[str, str], old: str, new: str) -> Dict[str, str]:
    """The module package ``old`` renamed to ``new`` (its folder and every import of it)."""
    return {
        path.replace(f"/{old}/", f"/{new}/"): text.replace(f".{old}.", f".{new}.")
        for path, text in files.items()
    }


STEPS: List[Tuple[str, Any]] = [
    ("an edge closes a cycle", lambda files: with_back_edge(files)),
    ("the edge removed", lambda files: files),
    ("the edge again", lambda files: with_back_edge(files)),
    ("a package on the cycle renamed", lambda files: renamed(with_back_edge(files), "m04", "m44")),
    (
        "the file closing it deleted",
        lambda files: {
            p: t for p, t in with_back_edge(files).items() if p != "cpv3/modules/m05/service.py"
        },
    ),
    (
        "the edge under TYPE_CHECKING",
        lambda files: with_back_edge(
            files,
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    " + BACK_EDGE,
        ),
    ),
    ("back to the start", lambda files: files),
]


@pytest.mark.parametrize("store", ["memory", "cache"])
@pytest.mark.parametrize(
    "config", ["", "[tool.conformance]\ncycles-include-type-checking = true\n"]
)
def test_warm_runs_follow_edges_and_packages_as_a_cold_run(
    tmp_path: Path, store: str, config: str
) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    base = tree(config=config)
    sync_tree(root, base)
    state = EngineState()
    options = (
        RunOptions(state=state) if store == "memory" else RunOptions(cache_dir=str(root / ".cache"))
    )
    assert check(root, options) == cold(root) and not cycles(cold(root))
    seen = set()
    for name, step in STEPS:
        sync_tree(root, step(base))
        expected = cold(root)
        assert check(root, options) == expected, name
        seen.add((name, bool(cycles(expected))))
    # the steps do what they say: cycles come and go
    assert ("an edge closes a cycle", True) in seen and ("the edge removed", False) in seen
    assert ("the file closing it deleted", False) in seen
    assert ("the edge under TYPE_CHECKING", bool(config)) in seen


def test_a_cycle_is_reported_on_the_import_closing_it(tmp_path: Path) -> None:
    sync_tree(tmp_path, with_back_edge(tree()))
    found = cycles(check(tmp_path, RunOptions(state=EngineState())))
    assert ("cpv3/modules/m05/service.py", 1, "CNF206") in {f[:3] for f in found}
    assert any("m03 -> m05 -> m03" in f[3] for f in found)


class Counted:
    """Counts how many imports the cycle rule resolves to their module package."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = _cycles._package_of_import

        def counting(index: Any, fact: Any) -> Any:
            self.calls += 1
            return real(index, fact)

        monkeypatch.setattr(_cycles, "_package_of_import", counting)

    def since(self) -> int:
        calls, self.calls = self.calls, 0
        return calls


@pytest.mark.parametrize("store", ["memory", "cache"])
def test_an_edited_import_resolves_only_its_package_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    """The work of an import edit is bounded by what it changed: the imports of the edited
    package, and of the packages whose imports went through its names (m03 and m04 import m05's
    service), not the project's."""
    sync_tree(tmp_path, tree())
    counted = Counted(monkeypatch)
    options = (
        RunOptions(state=EngineState())
        if store == "memory"
        else RunOptions(cache_dir=str(tmp_path / ".cache"))
    )
    check(tmp_path, options)
    everything = counted.since()
    assert everything == 2 * PACKAGES + 1  # every distinct import of the project, once
    sync_tree(tmp_path, with_back_edge(tree()))
    expected = cycles(cold(tmp_path))
    counted.since()
    assert cycles(check(tmp_path, options)) == expected != []
    added = counted.since()
    sync_tree(tmp_path, tree())
    assert cycles(check(tmp_path, options)) == []
    removed = counted.since()
    # m05's router (2 names) and service (4 with the new one), then what m03 and m04 import
    # that the others did not (3): each name resolved once per run
    assert added <= 9 and removed <= 9, (added, removed)


def test_a_run_after_a_cold_one_without_the_graph_stored_still_finds_the_cycle(
    tmp_path: Path,
) -> None:
    """The graph's parts are kept with the records; a store from before they were (or one that
    lost them) is decided whole again."""
    cache = tmp_path / "cache"
    root = tmp_path / "tree"
    root.mkdir()
    sync_tree(root, tree())
    options = RunOptions(cache_dir=str(cache))
    check(root, options)
    import sqlite3

    with sqlite3.connect(str(cache / "cache.sqlite3")) as db:
        db.execute("DELETE FROM memos WHERE name LIKE 'layering.imports:%'")
    sync_tree(root, with_back_edge(tree()))
    assert check(root, options) == cold(root) and cycles(cold(root))


def stored_memos(cache: Path) -> List[Tuple[str, str]]:
    import sqlite3

    with sqlite3.connect(str(cache / "cache.sqlite3")) as db:
        return sorted(db.execute("SELECT name, value FROM memos").fetchall())


def test_a_run_stores_the_memos_a_fresh_run_would_after_every_edit(tmp_path: Path) -> None:
    """A run writes only the memos that changed and deletes the ones it no longer keeps: after
    every edit the store holds what a run into an empty store writes."""
    root = tmp_path / "tree"
    root.mkdir()
    sync_tree(root, tree())
    warm = RunOptions(cache_dir=str(tmp_path / "warm"))
    check(root, warm)
    memo_names = {name for name, _ in stored_memos(tmp_path / "warm")}
    assert any(name.startswith("layering.imports:") for name in memo_names), memo_names
    for number, (name, step) in enumerate(STEPS):
        sync_tree(root, step(tree()))
        check(root, warm)
        fresh = tmp_path / f"fresh{number}"
        check(root, RunOptions(cache_dir=str(fresh)))
        assert stored_memos(tmp_path / "warm") == stored_memos(fresh), name
