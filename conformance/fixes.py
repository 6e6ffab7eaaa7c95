"""Autofix: apply the rules' replacement nodes, verify, repeat to a fixed point, write atomically.

The model is Fixit's ``apply_replacements`` with ruff's fix safety:

* A rule offers a fix by reporting a replacement node (``report(node, msg, replacement=new)``). A
  round applies every wanted fix of a file in **one** libcst transform that does not descend into
  a node it replaces: of two overlapping fixes the outer one (or, on the same node, the first by
  line, column and code) is applied and the other is left for the next round, where it is judged
  again on the new source.
* A fix is wanted when its finding is in the run's report (not suppressed, superseded or
  baselined; its condition held on the complete index) and its safety is allowed: ``safe``, or
  ``unsafe`` with ``--unsafe-fixes``.
* After a round the whole pipeline runs again on the in-memory sources (fixes may change facts
  other files depend on; the content-hash cache means only changed files are parsed), until no
  fix changes anything. A finding counts as fixed when a round applied fixes to its file and the
  next run no longer has it (an outer fix can remove findings inside it). A file that still changes after :data:`MAX_ROUNDS` rounds does not
  converge: it is left as it was and reported.
* Nothing is written before the rounds are over, and a file is only written when its bytes
  changed. Every fixed source must parse (with libcst, and with CPython's parser when the original
  did), re-encode in the file's encoding (PEP 263 cookie, BOM) and decode back to the same text;
  otherwise the file is left untouched and reported. Line endings are libcst's: a parsed module
  keeps each line's own ending and new lines use the file's ``default_newline``.
* A write is atomic (temporary file in the same folder, flush, fsync, ``os.replace``; mode and owner
  kept) and only happens when the file still holds the bytes the fixes were computed from.

CNF902 (unused suppression) is not reported by a rule hook but by the suppression step; its fix is
a comment edit (:func:`conformance.suppressions.comment_edit`), applied as a replacement of the
libcst comment node in the same transform.

Rules ask for imports their replacement needs with ``report(..., imports=(("typing",
"Annotated"),))``: after the transform, each missing import is added once per file, merged into
an existing top-level ``from typing import ...`` when there is one, else as a new statement in
the import block, in its isort section (:func:`conformance.fix_imports.add_import`). A fix whose
import would clash with a different module-level binding of the same name is not applied.

This module runs the rounds over the project; one file's fixes are applied and verified in
``fix_apply.py``, the imports they need in ``fix_imports.py``, files written in ``fix_writes.py``.
Only ``cli.py`` prints: this module returns the changes, the diffs and one-line problems.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Collection, Dict, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from conformance.confinement import inside_project
from conformance.diagnostics import FixSafety, Violation
from conformance.engine import RunOptions, run
from conformance.fix_apply import FileEdit, FileFixer, FixError, decoded
from conformance.fix_writes import write_file
from conformance.reading import read_source
from conformance.settings import Config

#: Rounds of fixing before a file that still changes is declared not to converge.
MAX_ROUNDS = 10


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileChange:
    """A file the fixes change: ``original`` and ``fixed`` bytes and how many findings the fixes
    removed. ``path`` is relative to the project root (POSIX)."""

    path: str
    original: bytes
    fixed: bytes
    fixes: int
    encoding: str = "utf-8"

    def diff(self) -> str:
        """A unified diff ``a/<path>`` -> ``b/<path>`` of the decoded text."""
        before = decoded(self.original, self.encoding)
        after = decoded(self.fixed, self.encoding)
        lines = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"a/{self.path}",
            f"b/{self.path}",
        )
        out: List[str] = []
        for line in lines:
            if line.endswith("\n"):
                out.append(line)
            else:
                out.append(line + "\n\\ No newline at end of file\n")
        return "".join(out)


@dataclass
class FixOutcome:
    """What a fix run did. ``problems`` are one-line notes for stderr, each naming a file that was
    left (partly) unfixed and why."""

    changes: List[FileChange] = field(default_factory=list)
    written: List[str] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)
    rounds: int = 0
    write: bool = True

    @property
    def fixed(self) -> int:
        """Findings fixed: in the files written (``--fix``) or that would be (``--diff``)."""
        if not self.write:
            return sum(change.fixes for change in self.changes)
        done = set(self.written)
        return sum(change.fixes for change in self.changes if change.path in done)

    def diff(self) -> str:
        return "".join(change.diff() for change in self.changes)


def fixable(violation: Violation, unsafe: bool) -> bool:
    """Whether a fix run applies this finding's fix (ruff's rule: safe, or unsafe when enabled)."""
    if violation.fix is FixSafety.SAFE:
        return True
    return unsafe and violation.fix is FixSafety.UNSAFE


# -- the run -----------------------------------------------------------------------------------


def fix_paths(
    config: Config,
    paths: Sequence[str],
    options: Optional[RunOptions] = None,
    *,
    unsafe: bool = False,
    write: bool = True,
    codes: Optional[Collection[str]] = None,
    max_rounds: int = MAX_ROUNDS,
) -> FixOutcome:
    """Fix ``paths``: rounds of check-and-apply on in-memory sources until nothing changes, then
    (with ``write``) write the changed files. ``codes`` limits the fixes to these rule codes
    (tests of one rule's fix). Raises what :func:`conformance.engine.run` raises."""
    from conformance.discovery import discover

    options = options if options is not None else RunOptions()
    layout = discover(config, paths)
    originals: Dict[str, bytes] = {}
    given = options.sources or {}
    for file in layout.files:
        if file.path in given:
            originals[file.path] = given[file.path]
            continue
        data, _ = read_source(os.path.join(layout.root, file.path))
        if data is not None:  # else the run reports it (CNF901)
            originals[file.path] = data
    current = dict(originals)
    fixed: Dict[str, int] = {}
    # Findings whose fixes the last round applied, per file: those absent from the next run
    # count as fixed (an outer fix may remove findings whose own fixes were never applied).
    expected_gone: Dict[str, Counter[Tuple[str, str, str]]] = {}
    encodings: Dict[str, str] = {}
    frozen: Set[str] = set()  # files given up on: never fixed further in this run
    outcome = FixOutcome(write=write)
    fixer: Optional[FileFixer] = None

    with _round_cache(options.cache_dir) as cache_dir:
        for number in range(max_rounds + 1):
            round_options = dataclasses.replace(options, cache_dir=cache_dir, sources=dict(current))
            result = run(config, paths, round_options)
            if expected_gone:
                present = _counts(result.violations)
                for path, before in expected_gone.items():
                    gone = before - present.get(path, Counter())
                    fixed[path] = fixed.get(path, 0) + sum(gone.values())
                expected_gone = {}
            wanted = _wanted(result.violations, unsafe, codes, frozen, current)
            if not wanted:
                break
            if fixer is None:
                fixer = FileFixer(config, paths, result)
            edits: Dict[str, FileEdit] = {}
            for path in sorted(wanted):
                try:
                    edit = fixer.fix(path, current[path], wanted[path])
                except FixError as error:
                    outcome.problems.append(f"{path}: {error}; file left unchanged")
                    frozen.add(path)
                    current[path] = originals[path]
                    fixed.pop(path, None)
                    continue
                if edit is not None:
                    edits[path] = edit
            if not edits:
                break
            if number == max_rounds:
                for path in sorted(edits):
                    outcome.problems.append(
                        f"{path}: fixes did not converge after {max_rounds} rounds; file left"
                        " unchanged (please report this)"
                    )
                    current[path] = originals[path]
                    fixed.pop(path, None)
                break
            outcome.rounds += 1
            for path, edit in edits.items():
                current[path] = edit.data
                expected_gone[path] = Counter(_identity(v) for v in wanted[path])
                encodings[path] = edit.encoding

    for path in sorted(current):
        if current[path] != originals[path]:
            outcome.changes.append(
                FileChange(
                    path,
                    originals[path],
                    current[path],
                    fixed.get(path, 0),
                    encodings.get(path, "utf-8"),
                )
            )
    if write:
        for change in outcome.changes:
            target = os.path.join(layout.root, change.path)
            if inside_project(layout.root, target):
                problem = write_file(target, change.original, change.fixed)
            else:
                problem = (
                    "a symbolic link to a file outside the project; not fixed (fix the file in"
                    " its own project)"
                )
            if problem is None:
                outcome.written.append(change.path)
            else:
                outcome.problems.append(f"{change.path}: {problem}")
    return outcome


@contextmanager
def _round_cache(cache_dir: Optional[str]) -> Iterator[str]:
    """The cache for the rounds: the user's, else a private one for this run only, so that a
    round parses only the files the previous round changed even with ``--no-cache``."""
    if cache_dir is not None:
        yield cache_dir
        return
    with tempfile.TemporaryDirectory(prefix="conformance-fix-") as private:
        yield private


def _identity(violation: Violation) -> Tuple[str, str, str]:
    """What identifies a finding across a fix round (its line may move; the flagged code's text,
    the fingerprint, changes when the finding was fixed)."""
    return (violation.code, violation.message, violation.fingerprint_text)


def _counts(violations: Sequence[Violation]) -> Dict[str, Counter[Tuple[str, str, str]]]:
    out: Dict[str, Counter[Tuple[str, str, str]]] = {}
    for violation in violations:
        out.setdefault(violation.path, Counter())[_identity(violation)] += 1
    return out


def _wanted(
    violations: Sequence[Violation],
    unsafe: bool,
    codes: Optional[Collection[str]],
    frozen: Set[str],
    current: Mapping[str, bytes],
) -> Dict[str, List[Violation]]:
    out: Dict[str, List[Violation]] = {}
    for violation in violations:
        if not fixable(violation, unsafe) or violation.location.line is None:
            continue
        if codes is not None and violation.code not in codes:
            continue
        if violation.path in frozen or violation.path not in current:
            continue
        out.setdefault(violation.path, []).append(violation)
    return out
