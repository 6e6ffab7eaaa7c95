"""Fuzzing (issue 19): random valid programs from hypothesmith, each checked by the real engine
as a file of a module package and fixed with every fix (unsafe ones too). No exception, no
CNF901 for a program CPython parses, every fixed file parses, and a second ``--fix`` changes
nothing. The seed is fixed (``derandomize``) and the count bounded, so CI runs the same programs
every time; ``CONFORMANCE_FUZZ_EXAMPLES`` runs more of them locally."""

from __future__ import annotations

import ast
import os
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conformance.config import load_config
from conformance.engine import RunOptions, run
from conformance.fixes import fix_paths

hypothesmith = pytest.importorskip("hypothesmith")

EXAMPLES = int(os.environ.get("CONFORMANCE_FUZZ_EXAMPLES", "40"))
ROLES = ("router.py", "service.py", "repository.py", "models.py", "schemas.py", "__init__.py")


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(source=hypothesmith.from_grammar(), role=st.sampled_from(ROLES))
def test_random_programs_are_checked_and_fixed_without_a_crash(source: str, role: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        package = root / "cpv3" / "modules" / "users"
        package.mkdir(parents=True)
        for name in ROLES:
            (package / name).write_text("", encoding="utf-8")
        target = package / role
        try:
            target.write_bytes(source.encode("utf-8"))
        except UnicodeEncodeError:  # a lone surrogate in a string: no file holds that
            assume(False)
        config = load_config(str(root), None)
        paths = [str(root)]

        result = run(config, paths, RunOptions(jobs=1))
        if _parses(source):
            unparsable = [v for v in result.violations if v.code == "CNF901"]
            assert not unparsable, unparsable

        first = fix_paths(config, paths, RunOptions(jobs=1), unsafe=True)
        for change in first.changes:
            assert _parses(change.fixed.decode("utf-8")), (change.path, change.fixed)
        second = fix_paths(config, paths, RunOptions(jobs=1), unsafe=True, write=False)
        assert not second.changes, [(c.path, c.fixed) for c in second.changes]
