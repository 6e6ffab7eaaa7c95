"""The fix engine (``conformance/fixes.py`` and ``fix_apply``/``fix_imports``/``fix_writes``):
rounds, overlaps, convergence, verification, imports, CNF902, and the promise never to lose data
(atomic writes, untouched files, encodings, line endings, read-only files, files changed during the
run), in-process and through the real CLI.

A few rules exist only here (``CNF99x``, opt-in, registered for the duration of a test) so that the
engine is tested apart from any family's rules.
"""

from __future__ import annotations

import ast
import io
import json
import os
import resource
import signal
import stat
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping, Optional, Sequence, Tuple, Type, Union

import libcst as cst
import pytest

from conformance import fix_writes
from conformance.config import validate
from conformance.diagnostics import FixSafety
from conformance.engine import RunOptions
from conformance.fix_imports import add_import
from conformance.fixes import FixOutcome, fix_paths
from conformance.rules.base import FileRule, Rule

from .conftest import REPO_ROOT, dedent, run_main, write_tree

# -- rules for these tests only ------------------------------------------------------------------


class RenameOld(FileRule):
    """Test rule: ``old(...)`` becomes ``new(...)``, importing ``new`` from ``mylib``."""

    code = "CNF991"
    name = "test-rename-old"
    summary = "old() is deprecated"
    fix = FixSafety.SAFE
    default = False

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "old":
            self.report(
                node,
                "old() is deprecated: call new()",
                replacement=node.with_changes(func=cst.Name("new")),
                imports=(("mylib", "new"),),
            )


class Unwrap(FileRule):
    """Test rule: ``unwrap(x)`` becomes ``x`` (nests: the outer fix first)."""

    code = "CNF992"
    name = "test-unwrap"
    summary = "unwrap() is useless"
    fix = FixSafety.SAFE
    default = False

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "unwrap" and node.args:
            self.report(node, "unwrap() is useless", replacement=node.args[0].value)


class Risky(FileRule):
    """Test rule with an unsafe fix: ``risky(x)`` becomes ``x``."""

    code = "CNF993"
    name = "test-risky"
    summary = "risky() call"
    fix = FixSafety.UNSAFE
    default = False

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "risky" and node.args:
            self.report(node, "risky() call", replacement=node.args[0].value)


class Spin(FileRule):
    """Test rule whose fix never converges: ``spin = N`` becomes ``spin = N + 1``."""

    code = "CNF994"
    name = "test-spin"
    summary = "spin"
    fix = FixSafety.SAFE
    default = False

    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target
        if isinstance(target, cst.Name) and target.value == "spin":
            if isinstance(node.value, cst.Integer):
                new = cst.Integer(str(int(node.value.value) + 1))
                self.report(node.value, "spin", replacement=new)


class Broken(FileRule):
    """Test rule whose fixes are wrong: ``broken()`` becomes ``lambda()`` (does not parse) and
    ``gone`` is removed where no removal is possible."""

    code = "CNF995"
    name = "test-broken"
    summary = "broken"
    fix = FixSafety.SAFE
    default = False

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "broken":
            self.report(node, "broken", replacement=node.with_changes(func=cst.Name("lambda")))

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Name) and node.value.value == "gone":
            self.report(node.value, "broken", replacement=cst.RemovalSentinel.REMOVE)


TEST_RULES: Sequence[Type[Rule]] = (RenameOld, Unwrap, Risky, Spin, Broken)


@contextmanager
def registered_test_rules() -> Iterator[None]:
    """Register the test rules (rows of the rule table) for the duration of the block."""
    from conformance.rules import _registry
    from conformance.rules.spec import spec_of

    saved = _registry.RULES
    rows = (*saved, *(spec_of(rule) for rule in TEST_RULES))
    _registry.RULES = tuple(sorted(rows, key=lambda row: row.code))
    try:
        yield
    finally:
        _registry.RULES = saved


@pytest.fixture
def with_test_rules() -> Iterator[None]:
    with registered_test_rules():
        yield


FileData = Union[str, bytes]


def write_files(root: Path, files: Mapping[str, FileData]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))


def fix_tree(
    root: Path,
    files: Mapping[str, FileData],
    select: Sequence[str] = ("CNF991",),
    **kwargs: object,
) -> FixOutcome:
    write_files(root, files)
    config = validate({"extend-select": list(select)}, root=str(root), source=None)
    return fix_paths(config, [str(root)], RunOptions(jobs=1), **kwargs)  # type: ignore[arg-type]


def text(root: Path, rel: str) -> str:
    return (root / rel).read_bytes().decode("utf-8")


def leftovers(root: Path) -> list:
    return [p.name for p in root.rglob("*") if "conformance-tmp" in p.name]


# -- rounds, overlaps, safety ---------------------------------------------------------------------

CORE = "cpv3/core/util.py"


def test_safe_fix_applied_and_import_added(tmp_path: Path, with_test_rules: None) -> None:
    source = dedent(
        """
        from mylib import thing

        value = old(1) + old(2)  # keep this comment
        text = "old(3)"
        """
    )
    outcome = fix_tree(tmp_path, {CORE: source})
    assert text(tmp_path, CORE) == dedent(
        """
        from mylib import new, thing

        value = new(1) + new(2)  # keep this comment
        text = "old(3)"
        """
    )
    assert outcome.fixed == 2
    assert outcome.written == [CORE]
    assert outcome.problems == []


def test_only_the_checked_paths_are_fixed(tmp_path: Path, with_test_rules: None) -> None:
    files = {CORE: "x = old(1)\n", "cpv3/core/other.py": "y = old(2)\n"}
    write_files(tmp_path, files)
    config = validate({"extend-select": ["CNF991"]}, root=str(tmp_path), source=None)
    outcome = fix_paths(config, [str(tmp_path / CORE)], RunOptions(jobs=1))
    assert outcome.written == [CORE]
    assert text(tmp_path, CORE) == "from mylib import new\n\nx = new(1)\n"
    assert text(tmp_path, "cpv3/core/other.py") == "y = old(2)\n"


def test_nested_fixes_take_several_rounds(tmp_path: Path, with_test_rules: None) -> None:
    outcome = fix_tree(tmp_path, {CORE: "x = unwrap(unwrap(unwrap(1)))\n"}, select=["CNF992"])
    assert text(tmp_path, CORE) == "x = 1\n"
    assert outcome.fixed == 3
    assert outcome.rounds == 3  # outer first; each inner one is judged again on the new source


def test_unsafe_fixes_need_the_flag(tmp_path: Path, with_test_rules: None) -> None:
    files = {CORE: "x = risky(1)\n"}
    outcome = fix_tree(tmp_path, files, select=["CNF993"])
    assert outcome.changes == [] and text(tmp_path, CORE) == "x = risky(1)\n"
    outcome = fix_tree(tmp_path, files, select=["CNF993"], unsafe=True)
    assert text(tmp_path, CORE) == "x = 1\n"
    assert outcome.fixed == 1


def test_diff_mode_writes_nothing(tmp_path: Path, with_test_rules: None) -> None:
    source = "from mylib import thing\nvalue = old(1)\n"
    outcome = fix_tree(tmp_path, {CORE: source}, write=False)
    assert text(tmp_path, CORE) == source
    assert outcome.written == [] and outcome.fixed == 1
    assert outcome.diff() == (
        f"--- a/{CORE}\n"
        f"+++ b/{CORE}\n"
        "@@ -1,2 +1,2 @@\n"
        "-from mylib import thing\n"
        "-value = old(1)\n"
        "+from mylib import new, thing\n"
        "+value = new(1)\n"
    )


def test_codes_limit_the_fixes(tmp_path: Path, with_test_rules: None) -> None:
    fix_tree(
        tmp_path,
        {CORE: "x = unwrap(old(1))  # noqa: CNF113\n"},
        select=["CNF991", "CNF992"],
        codes={"CNF902"},
    )
    assert text(tmp_path, CORE) == "x = unwrap(old(1))\n"


def test_suppressed_finding_is_not_fixed(tmp_path: Path, with_test_rules: None) -> None:
    source = "value = old(1)  # noqa: CNF991\n"
    outcome = fix_tree(tmp_path, {CORE: source})
    assert outcome.changes == []
    assert text(tmp_path, CORE) == source


def test_import_clash_keeps_the_finding(tmp_path: Path, with_test_rules: None) -> None:
    source = "from other import new\n\nvalue = old(1)\n"
    outcome = fix_tree(tmp_path, {CORE: source})
    assert outcome.changes == []  # `new` means something else here
    source = "def new():\n    pass\n\n\nvalue = old(1)\n"
    assert fix_tree(tmp_path, {CORE: source}).changes == []


def test_import_already_present_is_not_repeated(tmp_path: Path, with_test_rules: None) -> None:
    source = "from mylib import new\n\nvalue = old(1)\n"
    fix_tree(tmp_path, {CORE: source})
    assert text(tmp_path, CORE) == "from mylib import new\n\nvalue = new(1)\n"


def test_non_converging_file_is_left_untouched(tmp_path: Path, with_test_rules: None) -> None:
    files = {CORE: "spin = 0\n", "cpv3/core/other.py": "x = unwrap(1)\n"}
    outcome = fix_tree(tmp_path, files, select=["CNF994", "CNF992"], max_rounds=4)
    assert text(tmp_path, CORE) == "spin = 0\n"
    assert text(tmp_path, "cpv3/core/other.py") == "x = 1\n"
    assert outcome.problems == [
        f"{CORE}: fixes did not converge after 4 rounds; file left unchanged (please report this)"
    ]
    assert outcome.fixed == 1


def test_fix_that_breaks_the_syntax_is_refused(tmp_path: Path, with_test_rules: None) -> None:
    files = {CORE: "x = broken()\ny = unwrap(2)\n", "cpv3/core/ok.py": "z = unwrap(3)\n"}
    outcome = fix_tree(tmp_path, files, select=["CNF995", "CNF992"])
    assert text(tmp_path, CORE) == "x = broken()\ny = unwrap(2)\n"
    assert text(tmp_path, "cpv3/core/ok.py") == "z = 3\n"
    assert len(outcome.problems) == 1
    assert outcome.problems[0].startswith(f"{CORE}: the fixed source does not parse")


def test_removal_outside_a_list_is_refused(tmp_path: Path, with_test_rules: None) -> None:
    source = "def f(gone):\n    x = gone\n    return x\n"
    outcome = fix_tree(tmp_path, {CORE: source}, select=["CNF995"])
    assert text(tmp_path, CORE) == source
    assert len(outcome.problems) == 1
    assert "a fix could not be applied" in outcome.problems[0]


def test_file_libcst_cannot_reproduce_is_not_fixed(tmp_path: Path) -> None:
    source = "import os  # noqa: CNF113\n\n \n"  # libcst 1.x would drop the blank line
    outcome = fix_tree(tmp_path, {CORE: source}, select=[])
    assert text(tmp_path, CORE) == source
    assert len(outcome.problems) == 1
    assert outcome.problems[0].startswith(f"{CORE}: libcst does not reproduce this file")


# -- CNF902 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("import os  # noqa: CNF113\n", "import os\n"),
        ("import os  # noqa: CNF113, E501\n", "import os  # noqa: E501\n"),
        ("import os  # noqa: E501, CNF113 legacy\n", "import os  # noqa: E501 legacy\n"),
        ("import os  # type: ignore  # noqa: CNF113\n", "import os  # type: ignore\n"),
        ("import os  # noqa: CNF113  # type: ignore\n", "import os  # type: ignore\n"),
        ("x = 1\n# noqa: CNF113\ny = 2\n", "x = 1\ny = 2\n"),
        ("def f():\n    # noqa: CNF113\n    return 1\n", "def f():\n    return 1\n"),
        ("x = (\n    1,  # noqa: CNF113\n)\n", "x = (\n    1,\n)\n"),
        ("import os  # noqa: CNF999\n", "import os\n"),
        ("import os  # noqa: E501\n", "import os  # noqa: E501\n"),
        ('s = "# noqa: CNF113"\n', 's = "# noqa: CNF113"\n'),
    ],
)
def test_unused_suppression_fix(tmp_path: Path, before: str, after: str) -> None:
    fix_tree(tmp_path, {CORE: before}, select=[])
    assert text(tmp_path, CORE) == after


def test_used_suppression_is_kept(tmp_path: Path, with_test_rules: None) -> None:
    source = "value = old(1)  # noqa: CNF991, CNF113\n"
    fix_tree(tmp_path, {CORE: source})
    assert text(tmp_path, CORE) == "value = old(1)  # noqa: CNF991\n"


# -- never lose data --------------------------------------------------------------------------------


def test_crlf_and_bom_are_kept(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbfimport os  # noqa: CNF113\r\n\r\ndef f():\r\n    return 1\r\n"
    fix_tree(tmp_path, {CORE: data}, select=[])
    assert (tmp_path / CORE).read_bytes() == (
        b"\xef\xbb\xbfimport os\r\n\r\ndef f():\r\n    return 1\r\n"
    )


def test_latin1_cookie_is_kept(tmp_path: Path) -> None:
    data = b'# -*- coding: latin-1 -*-\nname = "caf\xe9"  # noqa: CNF113\n'
    fix_tree(tmp_path, {CORE: data}, select=[])
    assert (tmp_path / CORE).read_bytes() == b'# -*- coding: latin-1 -*-\nname = "caf\xe9"\n'


def test_new_lines_use_the_files_line_ending(tmp_path: Path, with_test_rules: None) -> None:
    fix_tree(tmp_path, {CORE: b"import os\r\n\r\nvalue = old(1)\r\n"})
    assert (tmp_path / CORE).read_bytes() == (
        b"import os\r\n\r\nfrom mylib import new\r\n\r\nvalue = new(1)\r\n"
    )


def test_mixed_line_endings_are_kept_line_by_line(tmp_path: Path) -> None:
    data = b"a = 1\r\nb = 2  # noqa: CNF113\nc = 3\r\n"
    fix_tree(tmp_path, {CORE: data}, select=[])
    assert (tmp_path / CORE).read_bytes() == b"a = 1\r\nb = 2\nc = 3\r\n"


def test_untouched_files_keep_mtime_and_inode(tmp_path: Path) -> None:
    files = {CORE: "import os  # noqa: CNF113\n", "cpv3/core/clean.py": "x = 1\n"}
    write_files(tmp_path, files)
    clean = tmp_path / "cpv3/core/clean.py"
    past = time.time() - 3600
    os.utime(clean, (past, past))
    before = clean.stat()
    fix_tree(tmp_path, {}, select=[])
    after = clean.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert text(tmp_path, CORE) == "import os\n"


def test_write_is_a_rename_that_keeps_the_mode(tmp_path: Path) -> None:
    write_files(tmp_path, {CORE: "import os  # noqa: CNF113\n"})
    target = tmp_path / CORE
    target.chmod(0o640)
    inode = target.stat().st_ino
    fix_tree(tmp_path, {}, select=[])
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.stat().st_ino != inode  # replaced by a rename, never truncated in place
    assert leftovers(tmp_path) == []


def test_symlink_stays_a_link(tmp_path: Path) -> None:
    write_files(tmp_path, {"real/util.py": "import os  # noqa: CNF113\n"})
    link = tmp_path / CORE
    link.parent.mkdir(parents=True)
    link.symlink_to(tmp_path / "real/util.py")
    config = validate({}, root=str(tmp_path), source=None)
    fix_paths(config, [str(tmp_path / "cpv3")], RunOptions(jobs=1))
    assert link.is_symlink()
    assert (tmp_path / "real/util.py").read_text() == "import os\n"


def test_read_only_file_is_reported_not_written(tmp_path: Path) -> None:
    source = "import os  # noqa: CNF113\n"
    write_files(tmp_path, {CORE: source})
    target = tmp_path / CORE
    target.chmod(0o444)  # no write bit: read-only by intent, even for root
    outcome = fix_tree(tmp_path, {}, select=[])
    assert target.read_text() == source
    assert outcome.written == [] and outcome.fixed == 0
    assert outcome.problems == [
        f"{CORE}: read-only file; not fixed (make it writable and run --fix again)"
    ]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root may create files in a read-only folder; see the RLIMIT_FSIZE test for a real"
    " write failure as root",
)
def test_read_only_folder_is_reported(tmp_path: Path) -> None:  # pragma: no cover - non-root
    source = "import os  # noqa: CNF113\n"
    write_files(tmp_path, {CORE: source})
    folder = tmp_path / "cpv3/core"
    folder.chmod(0o555)
    try:
        outcome = fix_tree(tmp_path, {}, select=[])
    finally:
        folder.chmod(0o755)
    assert (tmp_path / CORE).read_text() == source
    assert len(outcome.problems) == 1 and "temporary file" in outcome.problems[0]


def test_file_changed_during_the_run_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path, {CORE: "import os  # noqa: CNF113\n"})
    saved_by_someone = "import os  # noqa: CNF113\nx = 'edited meanwhile'\n"

    def concurrent_save(path: str) -> None:  # another process saves the file meanwhile
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(saved_by_someone)

    monkeypatch.setattr(fix_writes, "BEFORE_WRITE", concurrent_save)
    outcome = fix_tree(tmp_path, {}, select=[])
    assert text(tmp_path, CORE) == saved_by_someone
    assert outcome.written == []
    assert outcome.problems == [
        f"{CORE}: changed on disk during the run; not overwritten (run --fix again)"
    ]
    assert leftovers(tmp_path) == []


def test_file_replaced_by_a_folder_during_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path, {CORE: "import os  # noqa: CNF113\n"})

    def replace_by_folder(path: str) -> None:
        os.unlink(path)
        os.mkdir(path)

    monkeypatch.setattr(fix_writes, "BEFORE_WRITE", replace_by_folder)
    outcome = fix_tree(tmp_path, {}, select=[])
    assert (tmp_path / CORE).is_dir()
    assert len(outcome.problems) == 1 and "not overwritten" in outcome.problems[0]
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="POSIX only")
def test_failed_write_leaves_the_file_and_no_temporary(tmp_path: Path) -> None:
    """A real write failure, whoever runs the tests: the CLI runs with a file-size limit (as on a
    full disk), so writing the temporary file fails with EFBIG after the original was read."""
    padding = "".join(f"# line {n:04d} of padding to make the file large\n" for n in range(200))
    source = "import os  # noqa: CNF113\n" + padding
    write_tree(tmp_path, {"pyproject.toml": "[project]\nname = 'demo'\n", CORE: source})

    def limit() -> None:  # pragma: no cover - runs in the child
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "check", "--fix", "--no-cache"],
        cwd=str(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=300,
    )
    assert len(source.encode()) > 4096
    assert (tmp_path / CORE).read_text() == source
    assert f"warning: {CORE}: cannot write (File too large); file left unchanged" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.returncode == 1  # the finding is still there
    assert leftovers(tmp_path) == []


# -- imports ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "module", "name", "after"),
    [
        (
            "from typing import List, Optional\n",
            "typing",
            "Annotated",
            "from typing import Annotated, List, Optional\n",
        ),
        (
            "from pydantic import BaseModel, Field, validator\n",
            "pydantic",
            "field_validator",
            "from pydantic import BaseModel, Field, field_validator, validator\n",
        ),
        (
            "from pydantic import BaseModel, Field\n",
            "pydantic",
            "ConfigDict",
            "from pydantic import BaseModel, ConfigDict, Field\n",
        ),
        (
            "from typing import Optional, List\n",
            "typing",
            "Annotated",
            "from typing import Optional, List, Annotated\n",
        ),
        (
            "from typing import (\n    List,\n    Optional,\n)\n",
            "typing",
            "Annotated",
            "from typing import (\n    Annotated,\n    List,\n    Optional,\n)\n",
        ),
        (
            "from typing import (\n    List,\n    Optional,\n)\n",
            "typing",
            "TypeVar",
            "from typing import (\n    List,\n    Optional,\n    TypeVar,\n)\n",
        ),
        (
            "from typing import (  # why\n    List,  # list\n    Optional\n)\n",
            "typing",
            "TypeVar",
            "from typing import (  # why\n    List,  # list\n    Optional,\n    TypeVar\n)\n",
        ),
        (
            "import os\n\nfrom fastapi import Depends\n\nx = 1\n",
            "typing",
            "Annotated",
            "import os\nfrom typing import Annotated\n\nfrom fastapi import Depends\n\nx = 1\n",
        ),
        (
            "from fastapi import APIRouter, Depends\nfrom sqlalchemy import select\n\nx = 1\n",
            "typing",
            "Annotated",
            "from typing import Annotated\n\nfrom fastapi import APIRouter, Depends\n"
            "from sqlalchemy import select\n\nx = 1\n",
        ),
        (
            "import os\n\nfrom fastapi import Depends\nfrom sqlalchemy import select\n",
            "pydantic",
            "ConfigDict",
            "import os\n\nfrom fastapi import Depends\nfrom pydantic import ConfigDict\n"
            "from sqlalchemy import select\n",
        ),
        (
            "import pydantic as pd\n\n\nclass A(pd.BaseModel):\n    pass\n",
            "pydantic",
            "ConfigDict",
            "import pydantic as pd\nfrom pydantic import ConfigDict\n\n\n"
            "class A(pd.BaseModel):\n    pass\n",
        ),
        (
            '"""Doc."""\nfrom __future__ import annotations\n\nfrom cpv3.core import db\n',
            "sqlalchemy.orm",
            "mapped_column",
            '"""Doc."""\nfrom __future__ import annotations\n\n'
            "from sqlalchemy.orm import mapped_column\n\nfrom cpv3.core import db\n",
        ),
        (
            '"""Doc."""\n\n\nclass A:\n    pass\n',
            "typing",
            "Annotated",
            '"""Doc."""\n\nfrom typing import Annotated\n\n\nclass A:\n    pass\n',
        ),
        ("x = 1\n", "typing", None, "import typing\n\nx = 1\n"),
        (
            "import typing\nif typing.TYPE_CHECKING:\n    from typing import List\n",
            "typing",
            "Annotated",
            "import typing\nfrom typing import Annotated\n"
            "if typing.TYPE_CHECKING:\n    from typing import List\n",
        ),
    ],
)
def test_add_import(before: str, module: str, name: Optional[str], after: str) -> None:
    result = add_import(cst.parse_module(before), module, name, ("cpv3",))
    assert result.code == after


# -- the CLI ----------------------------------------------------------------------------------------


def _project(root: Path, files: Mapping[str, str]) -> None:
    write_tree(root, {"pyproject.toml": "[project]\nname = 'demo'\n", **files})


def test_cli_diff_fix_and_idempotence(tmp_path: Path) -> None:
    _project(tmp_path, {CORE: "import os  # noqa: CNF113\nimport sys  # noqa: CNF113, E501\n"})
    diff = run_main(["check", "--diff"], tmp_path)
    assert diff.returncode == 1, diff.stderr
    assert diff.stdout == (
        f"--- a/{CORE}\n+++ b/{CORE}\n@@ -1,2 +1,2 @@\n"
        "-import os  # noqa: CNF113\n-import sys  # noqa: CNF113, E501\n"
        "+import os\n+import sys  # noqa: E501\n"
    )
    assert "Would fix 2 findings in 1 file." in diff.stderr
    assert "CNF113" in text(tmp_path, CORE)

    report = run_main(["check"], tmp_path)
    assert "[*] 2 fixable with --fix." in report.stdout

    fixed = run_main(["check", "--fix"], tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Fixed 2 findings." in fixed.stdout
    assert "All checks passed!" in fixed.stdout
    assert text(tmp_path, CORE) == "import os\nimport sys  # noqa: E501\n"

    again = run_main(["check", "--diff"], tmp_path)
    assert (again.returncode, again.stdout) == (0, "")
    assert "No fixes available." in again.stderr


def _main(root: Path, *args: str) -> Tuple[int, str, str]:
    """The CLI in-process (so that the test rules are registered)."""
    from conformance.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(["check", "--no-cache", "--jobs", "1", *args, str(root)], out, err)
    return code, out.getvalue(), err.getvalue()


def test_cli_unsafe_fixes_flag(tmp_path: Path, with_test_rules: None) -> None:
    _project(tmp_path, {CORE: "x = risky(1)\ny = unwrap(2)\n"})
    select = ("--extend-select", "CNF992,CNF993")
    code, out, _ = _main(tmp_path, *select)
    assert code == 1
    assert "[*] 1 fixable with --fix." in out
    assert "1 more fixable with --unsafe-fixes." in out

    code, out, _ = _main(tmp_path, *select, "--unsafe-fixes")  # alone: the report only
    assert "[*] 2 fixable with --fix --unsafe-fixes." in out
    assert text(tmp_path, CORE) == "x = risky(1)\ny = unwrap(2)\n"

    code, out, _ = _main(tmp_path, *select, "--fix")
    assert code == 1
    assert "Fixed 1 finding." in out
    assert "1 fixable with --unsafe-fixes." in out
    assert text(tmp_path, CORE) == "x = risky(1)\ny = 2\n"

    code, out, _ = _main(tmp_path, *select, "--fix", "--unsafe-fixes")
    assert code == 0
    assert "Fixed 1 finding." in out and "All checks passed!" in out
    assert text(tmp_path, CORE) == "x = 1\ny = 2\n"


def test_cli_reports_what_it_could_not_fix(tmp_path: Path, with_test_rules: None) -> None:
    _project(tmp_path, {CORE: "spin = 0\n"})
    code, out, err = _main(tmp_path, "--extend-select", "CNF994", "--fix")
    assert code == 1
    assert f"warning: {CORE}: fixes did not converge after 10 rounds" in err
    assert text(tmp_path, CORE) == "spin = 0\n"
    assert "Fixed" not in out


def test_cli_diff_applies_as_a_patch(tmp_path: Path) -> None:
    source = "import os  # noqa: CNF113\nx = 1\n"
    _project(tmp_path, {CORE: source})
    patch = run_main(["check", "--diff"], tmp_path).stdout
    (tmp_path / "fix.patch").write_text(patch)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "apply", "fix.patch"], check=True)
    assert text(tmp_path, CORE) == "import os\nx = 1\n"


def test_cli_json_report_after_fix(tmp_path: Path) -> None:
    _project(tmp_path, {CORE: "import os  # noqa: CNF113\n"})
    result = run_main(["check", "--fix", "--format", "json"], tmp_path)
    document = json.loads(result.stdout)
    assert document["findings"] == []
    assert result.returncode == 0


# -- a tree of v1-style modules, fixed through the CLI ---------------------------------------------

V1_SCHEMAS = dedent(
    """
    from pydantic import BaseModel, Extra, Field, validator


    class UserIn(BaseModel):
        name: str = Field(..., regex="^[a-z]+$", min_items=None)

        class Config:
            extra = Extra.forbid
            orm_mode = True

        @validator("name")
        def strip_name(cls, value):
            return value.strip()


    class UserOut(BaseModel):
        id: int

        class Config:
            orm_mode = True
    """
)

V1_SERVICE = dedent(
    """
    from cpv3.modules.users.schemas import UserOut


    def render(user: UserOut) -> dict:
        return user.dict(exclude_unset=True)  # noqa: CNF113


    def load(payload: dict) -> UserOut:
        return UserOut.parse_obj(payload)
    """
)

V1_ROUTER = dedent(
    """
    from fastapi import APIRouter, Depends, Query

    from cpv3.modules.users.service import render

    router = APIRouter(prefix="/users", tags=["users"])


    def get_limit() -> int:
        return 10


    @router.get("/")
    async def list_users(limit: int = Depends(get_limit), q: str = Query(None, regex="^a")):
        return []
    """
)


def test_v1_tree_is_fixed_and_stays_fixed(tmp_path: Path) -> None:
    files = {f"cpv3/modules/users/{name}.py": "" for name in ("__init__", "models", "repository")}
    files["cpv3/modules/users/schemas.py"] = V1_SCHEMAS
    files["cpv3/modules/users/service.py"] = V1_SERVICE
    files["cpv3/modules/users/router.py"] = V1_ROUTER
    _project(tmp_path, files)
    before = json.loads(run_main(["check", "--format", "json"], tmp_path).stdout)["findings"]
    fixable_codes = {f["code"] for f in before if f["fix"] and f["fix"]["applicability"] == "safe"}
    assert "CNF902" in fixable_codes

    result = run_main(["check", "--fix", "--format", "json"], tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert not [line for line in result.stderr.splitlines() if line.startswith("warning: cpv3")]
    after = json.loads(result.stdout)["findings"]
    for rel in files:
        ast.parse((tmp_path / rel).read_text(encoding="utf-8"), rel)
    # No finding that --fix fixes is left, and every fixable code of before is gone or unfixable.
    assert [f for f in after if f["fix"] and f["fix"]["applicability"] == "safe"] == []
    assert len(after) < len(before)
    fixed_text = (tmp_path / "cpv3/modules/users/service.py").read_text(encoding="utf-8")
    assert "# noqa: CNF113" not in fixed_text

    again = run_main(["check", "--diff"], tmp_path)
    assert (again.returncode, again.stdout) == (0, ""), again.stdout
