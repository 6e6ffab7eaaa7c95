"""The cache through the real CLI: a warm run reports exactly what a cold run reports, whatever
changed in between (another file's base class, the configuration), and a damaged or concurrently
written cache is never trusted and never left damaged."""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from conformance import cache as cache_module

from .conftest import REPO_ROOT, dedent, git_init, run_cli, write_tree

SIX = ("__init__.py", "models.py", "schemas.py", "repository.py", "service.py", "router.py")

ROUTER = dedent(
    """
    from fastapi import APIRouter

    from cpv3.core.schemas import Schema

    router = APIRouter(prefix="/users", tags=["users"])


    class UserOut(Schema):
        id: int
    """
)

PYDANTIC_BASE = "import pydantic as pd\n\n\nclass Schema(pd.BaseModel):\n    pass\n"
PLAIN_BASE = "class Schema(object):\n    pass\n"
CNF110 = "CNF110 Pydantic model UserOut is defined in router.py"


def project(root: Path) -> Path:
    files = {"pyproject.toml": "[project]\nname = 'demo'\n"}
    files.update({f"cpv3/modules/users/{name}": "" for name in SIX})
    files["cpv3/__init__.py"] = ""
    files["cpv3/core/__init__.py"] = ""
    files["cpv3/core/schemas.py"] = PYDANTIC_BASE
    files["cpv3/modules/users/router.py"] = ROUTER
    write_tree(root, files)
    git_init(root)
    return root


def check(root: Path, *args: str, env: Optional[Dict[str, str]] = None) -> str:
    """stdout of a concise check; fails the test on an internal error."""
    result = run_cli(["check", "--format", "concise", *args], root, env=env)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    out: str = result.stdout
    return out


def uncached(root: Path) -> str:
    return check(root, "--no-cache")


def cache_files(folder: Path) -> List[Path]:
    return [
        path
        for path in folder.rglob("*")
        if path.is_file() and path.name not in (".gitignore", "CACHEDIR.TAG")
    ]


# -- invalidation ---------------------------------------------------------------------------


def test_base_class_in_another_file_changes_findings_on_the_next_warm_run(tmp_path: Path) -> None:
    root = project(tmp_path)
    cold = check(root)
    assert CNF110 in cold
    assert check(root) == cold  # warm, nothing changed

    (root / "cpv3/core/schemas.py").write_text(PLAIN_BASE, encoding="utf-8")
    warm = check(root)
    assert CNF110 not in warm
    assert warm == uncached(root)

    (root / "cpv3/core/schemas.py").write_text(PYDANTIC_BASE, encoding="utf-8")
    back = check(root)  # both versions of schemas.py are cached now
    assert CNF110 in back
    assert back == cold


def test_a_configuration_change_changes_findings_on_a_warm_run(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert CNF110 in check(root)
    config = root / "pyproject.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[tool.conformance]\nignore = ["CNF110"]\n',
        encoding="utf-8",
    )
    warm = check(root)
    assert CNF110 not in warm
    assert warm == uncached(root)


def test_a_role_change_in_the_configuration_reaches_the_file_pass(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert CNF110 in check(root)
    config = root / "pyproject.toml"
    # router.py now plays the schemas role, where Pydantic models belong.
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[tool.conformance.roles]\nschemas = ["schemas.py", "router.py"]\n'
        + "router = []\n",
        encoding="utf-8",
    )
    warm = check(root)
    assert warm == uncached(root)
    assert CNF110 not in warm


def test_a_new_file_changes_the_outcome(tmp_path: Path) -> None:
    root = project(tmp_path)
    before = check(root)
    write_tree(root, {"cpv3/modules/users/utils.py": "X = 1\n"})
    after = check(root)
    assert after != before
    assert after == uncached(root)


def test_content_key_covers_the_checker_code(monkeypatch: object) -> None:
    data = cache_module.content_digest(b"x = 1\n")
    key = cache_module.content_key("settings", "a.py", "a", "", data)
    monkeypatch.setattr(cache_module, "_TOOL_DIGEST", "another build")  # type: ignore[attr-defined]
    assert cache_module.content_key("settings", "a.py", "a", "", data) != key


# -- the warm run equals the cold run ----------------------------------------------------------


def test_a_warm_run_reports_exactly_what_the_cold_run_reported(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    shutil.copytree(
        REPO_ROOT / "examples" / "shop",
        root,
        ignore=shutil.ignore_patterns(".conformance_cache", "__pycache__", ".test-cache"),
    )
    git_init(root)
    outputs = []
    for args in (["--no-cache"], [], [], ["--jobs", "1"]):
        result = run_cli(["check", "--format", "json", *args], root)
        assert result.returncode == 1, result.stderr
        outputs.append((result.stdout, result.stderr))
    assert outputs[0] == outputs[1] == outputs[2] == outputs[3]
    assert '"CNF' in outputs[0][0]


# -- damage and concurrency -------------------------------------------------------------------


def database(folder: Path) -> Path:
    return folder / cache_module.DATABASE_NAME


def rows(folder: Path, table: str) -> List[Tuple[object, ...]]:
    with closing(sqlite3.connect(str(database(folder)))) as db:
        return list(db.execute(f"SELECT * FROM {table}"))


def _damage(folder: Path, how: str) -> None:
    path = database(folder)
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(b"\x80\x05garbage" + data[::-1][:64])
    else:  # a page every run reads overwritten (the first of the outcomes, which a warm run
        # reads): a database file that SQLite finds malformed
        with closing(sqlite3.connect(str(path))) as db:
            size = db.execute("PRAGMA page_size").fetchone()[0]
            (page,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'outcomes'")
        start = (page[0] - 1) * size
        path.write_bytes(data[:start] + b"\xff" * size + data[start + size :])


def _intact(folder: Path) -> None:
    """The store is a sound database of our tables, nothing temporary left behind."""
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    with closing(sqlite3.connect(str(database(folder)))) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        assert {"results", "files", "outcomes", "locations", "meta"} <= tables


def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    root = project(tmp_path)
    folder = root / ".test-cache"
    expected = check(root)
    assert CNF110 in expected
    for how in ("truncate", "empty", "garbage", "page"):
        _damage(folder, how)
        assert check(root) == expected, how
        _intact(folder)
        assert check(root) == expected, how


def test_rows_of_the_wrong_shape_read_as_misses(tmp_path: Path) -> None:
    """Well-formed JSON holding the wrong kind of value, in every table: no run crashes, none
    reports anything but what a run without cache reports, and the rows are rewritten."""
    root = project(tmp_path)
    folder = root / ".test-cache"
    expected = check(root)
    wrong = ['"text"', "[1, 2, 3]", "{}", "null", '[["x"], "y"]', "[" * 50_000, "1e999"]
    for value in wrong:
        with closing(sqlite3.connect(str(database(folder)))) as db, db:
            db.execute("UPDATE results SET value = ?", (value,))
            db.execute("UPDATE outcomes SET value = ?", (value,))
            db.execute("UPDATE locations SET value = ?", (value,))
            db.execute("UPDATE snapshots SET value = ?", (value,))
            db.execute("UPDATE files SET digest = ?, size = 'x'", (value,))
        assert check(root) == expected, value
        assert check(root) == expected, value
    # a value of the right shape except for one field deep inside: a line number as text
    with closing(sqlite3.connect(str(database(folder)))) as db, db:
        for key, text in list(db.execute("SELECT key, value FROM results")):
            db.execute(
                "UPDATE results SET value = ? WHERE key = ?", (text.replace("[1,", '["1",'), key)
            )
        db.execute("DELETE FROM outcomes")
    assert check(root) == expected
    assert uncached(root) == expected


def test_a_run_after_an_edit_with_old_timestamps_sees_the_edit(tmp_path: Path) -> None:
    """Files unchanged since the last run are known by their stat and not read; an edited file
    is hashed again even when its timestamp is older than the last run."""
    root = project(tmp_path)
    old = 1_600_000_000
    for path in root.rglob("*.py"):
        os.utime(path, (old, old))
    assert CNF110 in check(root)
    folder = root / ".test-cache"
    assert len(rows(folder, "files")) == len(list((root / "cpv3").rglob("*.py")))
    schemas = root / "cpv3/core/schemas.py"
    schemas.write_text(PLAIN_BASE, encoding="utf-8")
    os.utime(schemas, (old + 5, old + 5))
    warm = check(root)
    assert CNF110 not in warm
    assert warm == uncached(root)


def _known_by_stat(tmp_path: Path) -> Tuple[Path, Path, str]:
    """A project whose files are old enough to be trusted by their stat after one run, the
    schemas file of it, and the run's report."""
    root = project(tmp_path)
    old = 1_600_000_000
    for path in root.rglob("*.py"):
        os.utime(path, (old, old))
    report = check(root)
    assert CNF110 in report
    return root, root / "cpv3/core/schemas.py", report


#: PLAIN_BASE padded by a comment to the length of PYDANTIC_BASE: the edit keeps the size
SAME_SIZE_PLAIN = "#" * (len(PYDANTIC_BASE) - len(PLAIN_BASE) - 1) + "\n" + PLAIN_BASE


def test_an_edit_that_keeps_size_mtime_and_inode_is_seen(tmp_path: Path) -> None:
    """Rewritten in place with its modification time set back: the change time tells."""
    root, schemas, _ = _known_by_stat(tmp_path)
    before = schemas.stat()
    with open(schemas, "r+b") as handle:
        handle.write(SAME_SIZE_PLAIN.encode())
    os.utime(schemas, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = schemas.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    warm = check(root)
    assert CNF110 not in warm and warm == uncached(root)


def test_an_edit_that_keeps_size_and_mtime_but_not_the_inode_is_seen(tmp_path: Path) -> None:
    """Written beside and renamed over (what editors and git do), the old time copied."""
    root, schemas, _ = _known_by_stat(tmp_path)
    before = schemas.stat()
    replacement = schemas.with_name("schemas.py.new")
    replacement.write_text(SAME_SIZE_PLAIN, encoding="utf-8")
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, schemas)
    assert schemas.stat().st_ino != before.st_ino
    warm = check(root)
    assert CNF110 not in warm and warm == uncached(root)


def test_an_edit_that_keeps_the_size_is_seen(tmp_path: Path) -> None:
    root, schemas, _ = _known_by_stat(tmp_path)
    schemas.write_text(SAME_SIZE_PLAIN, encoding="utf-8")
    warm = check(root)
    assert CNF110 not in warm and warm == uncached(root)


def test_files_known_by_their_stat_are_not_read_and_a_bad_row_is_a_miss(tmp_path: Path) -> None:
    """The warm run hashes nothing; a stat row of the wrong shape costs that file a read."""
    root, _, report = _known_by_stat(tmp_path)
    folder = root / ".test-cache"
    env = dict(os.environ, CONFORMANCE_CACHE_DIR=str(folder))
    script = dedent(
        """
        import hashlib, sys
        from conformance import cache
        from conformance.cli import main

        hashed = []
        def content_digest(data):
            hashed.append(1)
            return hashlib.sha256(data).hexdigest()
        cache.content_digest = content_digest
        main(["check", "--format", "concise"])
        sys.stderr.write(f"HASHED {len(hashed)}\\n")
        """
    )
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")

    def hashed_by_a_run() -> int:
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=str(root),
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert "Traceback" not in result.stderr, result.stderr
        assert result.stdout == report
        line = [x for x in result.stderr.splitlines() if x.startswith("HASHED ")][-1]
        return int(line.split()[1])

    assert hashed_by_a_run() == 0
    total = len(list(root.rglob("*.py")))
    for column, value in (("digest", "F" * 64), ("digest", "0" * 63), ("inode", "x")):
        with closing(sqlite3.connect(str(database(folder)))) as db, db:
            db.execute(
                f"UPDATE files SET {column} = ? WHERE path = ?", (value, "cpv3/core/schemas.py")
            )
        assert hashed_by_a_run() == 1, column  # that file only, and its row written again
        assert hashed_by_a_run() == 0, column
    assert len(rows(folder, "files")) == total


class _Payload:
    """Unpickling this writes a file: what a committed cache folder could do to a checker that
    unpickles it."""

    def __init__(self, canary: Path) -> None:
        self.canary = canary

    def __reduce__(self) -> Tuple[object, Tuple[str, ...]]:
        return (exec, (f"open({str(self.canary)!r}, 'w').write('ran')",))


def test_nothing_read_from_the_cache_folder_runs_code(tmp_path: Path) -> None:
    """A cache folder from someone else (committed, restored by CI): pickled payloads where the
    old cache kept pickles, inside the store's rows, and a store with a trigger of its own."""
    root = project(tmp_path)
    folder = root / ".test-cache"
    expected = uncached(root)
    canary = tmp_path / "canary"
    payload = pickle.dumps(_Payload(canary))
    assert check(root) == expected
    # the rows hold pickles
    with closing(sqlite3.connect(str(database(folder)))) as db, db:
        for table in ("results", "outcomes", "locations", "snapshots"):
            db.execute(f"UPDATE {table} SET value = ?", (payload,))
    assert check(root) == expected
    # pickles where the previous cache format kept its entries
    for name in ("ab/cdef0123", "runs/0123.files", "runs/0123.outcome"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(payload)
    assert check(root) == expected
    # a database with a trigger and a view that are not ours
    with closing(sqlite3.connect(str(database(folder)))) as db, db:
        db.execute("CREATE TABLE loot (x)")
        db.execute(
            "CREATE TRIGGER steal AFTER INSERT ON results BEGIN INSERT INTO loot VALUES (1); END"
        )
        db.execute("CREATE VIEW peek AS SELECT * FROM results")
    (root / "cpv3/core/schemas.py").write_text(PLAIN_BASE, encoding="utf-8")
    assert check(root) == uncached(root)
    with closing(sqlite3.connect(str(database(folder)))) as db:
        names = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert not names & {"loot", "steal", "peek"}, "a store that is not ours is replaced"
    assert not canary.exists(), "code from the cache folder ran"


def _start(root: Path, env: Dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "conformance", "check", "--format", "concise", "--jobs", "1"],
        cwd=str(root),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_runs_at_once_never_leave_a_corrupt_cache(tmp_path: Path) -> None:
    root = project(tmp_path)
    folder = tmp_path / "shared-cache"
    env = dict(os.environ)
    for name in ("FORCE_COLOR", "NO_COLOR", "CONFORMANCE_FORMAT"):
        env.pop(name, None)
    env["CONFORMANCE_CACHE_DIR"] = str(folder)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    schemas = root / "cpv3/core/schemas.py"
    for round_number in range(4):
        # alternate the other file so each round writes new entries, manifests and outcomes
        schemas.write_text(PLAIN_BASE if round_number % 2 else PYDANTIC_BASE, encoding="utf-8")
        expected = uncached(root)
        first, second = _start(root, env), _start(root, env)
        for process in (first, second):
            out, err = process.communicate(timeout=300)
            assert process.returncode in (0, 1), err
            assert "Traceback" not in err
            assert out == expected, f"round {round_number}"
        _intact(folder)
        assert check(root, env={"CONFORMANCE_CACHE_DIR": str(folder)}) == expected


# -- where the cache lives ---------------------------------------------------------------------


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    root = project(tmp_path)
    check(root, "--no-cache")
    assert not (root / ".test-cache").exists()


def test_the_default_cache_folder_ignores_itself(tmp_path: Path) -> None:
    root = project(tmp_path)
    check(root, env={"CONFORMANCE_CACHE_DIR": ""})
    folder = root / ".conformance_cache"
    assert folder.is_dir()
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    status = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""


def test_conformance_cache_dir_is_honoured(tmp_path: Path) -> None:
    root = project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    check(root, env={"CONFORMANCE_CACHE_DIR": str(elsewhere)})
    assert cache_files(elsewhere)
    assert not (root / ".conformance_cache").exists()


def test_the_facts_of_a_stored_result_read_alone_equal_the_whole(tmp_path: Path) -> None:
    """The index loads only the facts of stored results (not their findings): what it reads is
    the facts of the whole result, and a row of another shape is a miss."""
    from conformance.config import validate
    from conformance.engine import selected_rules
    from conformance.facts import FileFacts
    from conformance.filepass import analyze_file
    from conformance.model import SourceFile
    from conformance.plain import dumps
    from conformance.results import AnalysisSettings, FileResult

    config = validate({}, root=str(tmp_path), source=None)
    rules, file_rules, _ = selected_rules(config)
    settings = AnalysisSettings(config, tuple(r.code for r in rules), ())
    source = b"from fastapi import HTTPException\n\n\nclass UserService:\n    pass\n"
    file = SourceFile("cpv3/modules/users/service.py", "cpv3.modules.users.service", False)
    result = analyze_file(file, source, settings, file_rules)
    assert result.facts is not None and result.facts.classes

    store = cache_module.Cache(str(tmp_path / "cache"))
    store.put_result("good", dumps(result, FileResult))
    store.put_result("bad", '["only", "two"]')
    store.commit()
    read = store.fields(["good", "bad", "absent"], FileResult, "facts")
    store.close()
    assert read == {"good": result.facts}
    assert isinstance(read["good"], FileFacts)


def test_a_result_whose_candidates_are_packed_reads_and_stores_the_same(tmp_path: Path) -> None:
    """A run holds each file's candidates packed until the decision: they read back as the
    same candidates, cross processes intact, and store the same row as the unpacked result."""
    from conformance.config import validate
    from conformance.engine import selected_rules
    from conformance.filepass import analyze_file, packed
    from conformance.model import SourceFile
    from conformance.plain import Packed, dumps, loads
    from conformance.results import AnalysisSettings, FileResult

    config = validate({}, root=str(tmp_path), source=None)
    rules, file_rules, _ = selected_rules(config)
    settings = AnalysisSettings(config, tuple(r.code for r in rules), ("cpv3",))
    source = (
        b"from cpv3.modules.orders.service import OrderService\n\n\nclass UserService:\n    pass\n"
    )
    file = SourceFile(
        "cpv3/modules/users/service.py", "cpv3.modules.users.service", False, ("service",), "users"
    )
    result = analyze_file(file, source, settings, file_rules)
    assert result.candidates  # for the index to decide: the import may close a cycle

    small = packed(result)
    assert isinstance(small.candidates, Packed)
    assert len(small.candidates) == len(result.candidates)
    assert tuple(small.candidates) == tuple(result.candidates)
    assert small.candidates[0] == result.candidates[0]
    assert small == result  # equal results, whichever way their candidates are held
    assert pickle.loads(pickle.dumps(small)) == result  # from a worker to the main process
    assert dumps(small, FileResult) == dumps(result, FileResult)
    assert loads(dumps(small, FileResult), FileResult) == result
    assert packed(small) is small
