"""The session of a long-lived caller (the language server): the layout of the last check reused
while no file event came, and the engine state filled between checks, without changing what a
check finds."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conformance.config import load_config
from conformance.engine import RunOptions, run
from conformance.session import Session

from .conftest import run_main, sync_tree
from .test_incremental_cycles import BACK_EDGE, tree

SERVICE = "cpv3/modules/m05/service.py"
ROUTER = "cpv3/modules/m05/router.py"
HELPERS = "cpv3/modules/m05/helpers.py"
INIT = "cpv3/modules/m05/__init__.py"
LEGACY = (
    "from pydantic import BaseModel\n\n\nclass Legacy(BaseModel):\n    id: int\n\n"
    "    class Config:\n        orm_mode = True\n"
)

Finding = Tuple[str, object, str, str]


def cold(root: Path, sources: Dict[str, bytes]) -> List[Finding]:
    """A run without cache or state, with ``sources`` (relative paths) as unsaved texts."""
    config = load_config(str(root), str(root / "pyproject.toml"))
    result = run(config, [str(root)], RunOptions(sources=sources))
    return [(v.path, v.location, v.code, v.message) for v in result.violations]


def checked(session: Session, root: Path, rel: str, text: bytes) -> List[Finding]:
    path = str(root / rel)
    (part,) = session.check([path], {path: text})
    return [(v.path, v.location, v.code, v.message) for v in part.violations]


def cycle_files(found: List[Finding]) -> List[str]:
    return sorted({f[0] for f in found if f[2] == "CNF206"})


def test_a_session_told_of_file_events_walks_the_tree_again_only_after_one(
    tmp_path: Path,
) -> None:
    sync_tree(tmp_path, tree())
    session = Session(incremental=True, cache=False)
    session.tree_events = True
    text = (tmp_path / SERVICE).read_bytes()
    assert cycle_files(checked(session, tmp_path, SERVICE, text)) == []
    # a file created with no event told: the last check's layout stands
    (tmp_path / HELPERS).write_text(BACK_EDGE, encoding="utf-8")
    assert cycle_files(checked(session, tmp_path, SERVICE, text)) == []
    session.tree_changed()
    assert cycle_files(checked(session, tmp_path, SERVICE, text)) == [HELPERS]
    # deleted, told: gone
    (tmp_path / HELPERS).unlink()
    session.tree_changed()
    assert cycle_files(checked(session, tmp_path, SERVICE, text)) == []


def test_a_checked_file_the_kept_layout_does_not_list_is_seen(tmp_path: Path) -> None:
    sync_tree(tmp_path, tree())
    session = Session(incremental=True, cache=False)
    session.tree_events = True
    checked(session, tmp_path, SERVICE, (tmp_path / SERVICE).read_bytes())
    (tmp_path / HELPERS).write_text(BACK_EDGE, encoding="utf-8")
    # opened in the editor: it is a file of the project, event or not
    found = checked(session, tmp_path, HELPERS, BACK_EDGE.encode())
    assert cycle_files(found) == [HELPERS]


def test_without_file_events_every_check_walks_the_tree(tmp_path: Path) -> None:
    sync_tree(tmp_path, tree())
    session = Session(incremental=True, cache=False)
    text = (tmp_path / SERVICE).read_bytes()
    checked(session, tmp_path, SERVICE, text)
    (tmp_path / HELPERS).write_text(BACK_EDGE, encoding="utf-8")
    assert cycle_files(checked(session, tmp_path, SERVICE, text)) == [HELPERS]


#: CNF115 (opt-in) asks whether a router is included anywhere: every file's facts, when decided
CONFIG = '[tool.conformance]\nextend-select = ["CNF115"]\n'
ROUTE = "\n\n@router.get('/')\nasync def read() -> int:\n    return 1\n"


def stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str = CONFIG
) -> Tuple[Path, Path, Dict[str, str]]:
    """A tree whose store a command-line check filled, the session's store."""
    root, store = tmp_path / "tree", tmp_path / "store"
    root.mkdir()
    files = tree(config=config)
    files[ROUTER] = "from fastapi import APIRouter\n\n" + files[ROUTER] + "\nrouter = APIRouter()\n"
    sync_tree(root, files)
    run_main(["check", "."], root, env={"CONFORMANCE_CACHE_DIR": str(store)})
    monkeypatch.setenv("CONFORMANCE_CACHE_DIR", str(store))
    return root, store, files


def test_checks_between_the_steps_of_a_fill_find_what_a_cold_run_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conformance import warmup

    # the default rules: an edit's checks load a few files' facts, the fill the others
    root, _, files = stored(tmp_path, monkeypatch, config="")
    monkeypatch.setattr(warmup, "FILES_PER_STEP", 10)  # many steps, a check after each
    session = Session(incremental=True)
    session.tree_events = True
    original = files[SERVICE].encode()
    edited = (BACK_EDGE + files[SERVICE]).encode()
    # the package's __init__.py, which no other file imports from: a check after its edit loads
    # a few files' facts, the fill the others
    init = str(root / INIT)
    legacy = LEGACY.encode()
    path = str(root / SERVICE)
    assert checked(session, root, SERVICE, original) == cold(root, {SERVICE: original})
    steps = session.fill([path], {path: original})
    number = 0
    while next(steps, StopIteration) is not StopIteration:
        text = legacy if number % 2 == 0 else b""
        (part,) = session.check([init], {init: text, path: original})
        found = [(v.path, v.location, v.code, v.message) for v in part.violations]
        assert found == cold(root, {INIT: text, SERVICE: original}), f"check {number}"
        assert ("CNF403" in {f[2] for f in found if f[0] == INIT}) == bool(text)
        number += 1
    assert number > 10  # the fill had many steps, each with a check after it
    for text in (edited, original, edited):
        found = checked(session, root, SERVICE, text)
        assert found == cold(root, {SERVICE: text})
        assert bool(cycle_files(found)) == (text == edited)


@pytest.mark.parametrize("fill", [True, False])
def test_after_the_fill_the_first_edit_needs_nothing_from_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fill: bool
) -> None:
    """The first check after opening is decided from the store; an edit that asks about every
    file (a new route: is the router included anywhere?) then needs every file's facts. Filled
    beforehand, they are in memory: with the store gone, only the edited file is parsed."""
    root, store, files = stored(tmp_path, monkeypatch)
    session = Session(incremental=True)
    path = str(root / ROUTER)
    original = files[ROUTER].encode()
    (part,) = session.check([path], {path: original})
    assert part.result.parsed == 0  # decided from the store
    if fill:
        for _ in session.fill([path], {path: original}):
            pass
    shutil.rmtree(store)
    edited = original + ROUTE.encode()
    (part,) = session.check([path], {path: edited})
    found = [(v.path, v.location, v.code, v.message) for v in part.violations]
    assert found == cold(root, {ROUTER: edited})
    if fill:
        assert part.result.parsed == 1
    else:
        assert part.result.parsed == len(part.result.project_layout.files)  # type: ignore[union-attr]


def test_a_session_reads_a_file_again_only_when_its_stat_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose ``stat`` matches the one recorded when it was hashed is not read again: the
    rows a long-lived session learns are kept in memory (its checks of unsaved texts do not
    write them to the store), and a file edited on disk is read again."""
    import os

    from conformance import inputs

    sync_tree(tmp_path, tree())
    for path in tmp_path.rglob("*.py"):
        os.utime(path, (1_600_000_000, 1_600_000_000))  # long ago: the rows are trusted
    monkeypatch.setenv("CONFORMANCE_CACHE_DIR", str(tmp_path / ".cache"))
    reads: List[str] = []
    real = inputs.read_file

    def counting(root: str, file: object) -> object:
        reads.append(file.path)  # type: ignore[attr-defined]
        return real(root, file)  # type: ignore[arg-type]

    monkeypatch.setattr(inputs, "read_file", counting)
    session = Session(incremental=True)
    text = (tmp_path / SERVICE).read_bytes()
    first = checked(session, tmp_path, SERVICE, text)
    assert len(reads) > 100  # every file, hashed once
    reads.clear()
    assert checked(session, tmp_path, SERVICE, text) == first
    assert reads == []
    (tmp_path / HELPERS).write_text(BACK_EDGE, encoding="utf-8")
    session.tree_changed()
    assert cycle_files(checked(session, tmp_path, SERVICE, text)) == [HELPERS]
    assert reads == [HELPERS]
