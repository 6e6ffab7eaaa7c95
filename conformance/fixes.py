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
a comment edit (:func:`conformance.suppressions.comment_edit`), applied here as a replacement of
the libcst comment node in the same transform.

Rules ask for imports their replacement needs with ``report(..., imports=(("typing",
"Annotated"),))``: after the transform, each missing import is added once per file, merged into
an existing top-level ``from typing import ...`` when there is one, else as a new statement in
the import block, in its isort section (see :func:`add_import`). A fix whose import would clash
with a different module-level binding of the same name is not applied.

Only ``cli.py`` prints: this module returns the changes, the diffs and one-line problems.
"""

from __future__ import annotations

import ast
import codecs
import dataclasses
import difflib
import os
import stat
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Collection,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
)

import libcst as cst

from conformance.confinement import inside_project
from conformance.diagnostics import FixSafety, Violation
from conformance.engine import RunOptions, RunResult, run
from conformance.reading import read_source
from conformance.recursion import deep_recursion
from conformance.settings import Config
from conformance.suppressions import UNUSED_CODE

#: Rounds of fixing before a file that still changes is declared not to converge.
MAX_ROUNDS = 10

#: Test hook: called with the absolute path of a file after its new content is on disk in a
#: temporary file and right before the last look at the original (a concurrent change made here
#: must be detected). None in normal runs.
BEFORE_WRITE: Optional[Callable[[str], None]] = None

ImportSpec = Tuple[str, Optional[str]]


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
        before = _decoded(self.original, self.encoding)
        after = _decoded(self.fixed, self.encoding)
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


class FixError(Exception):
    """A file's fixes cannot be applied safely; the file is left as it was."""


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
    fixer: Optional[_FileFixer] = None

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
                fixer = _FileFixer(config, paths, result)
            edits: Dict[str, _Edit] = {}
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


@dataclass(frozen=True)
class _Edit:
    data: bytes
    encoding: str


class _FileFixer:
    """Re-analyses one file with its fixes kept and applies the wanted ones."""

    def __init__(self, config: Config, paths: Sequence[str], result: RunResult) -> None:
        from conformance.discovery import discover
        from conformance.engine import covers_root, project_packages, selected_rules
        from conformance.results import AnalysisSettings
        from conformance.rules import all_rules

        # The same settings as engine.run (project packages of the whole project, whatever paths
        # are checked): a finding of this analysis matches the run's by (code, location); one
        # that does not match is simply not fixed.
        rules, file_rules, _ = selected_rules(config)
        whole = (
            result.layout if covers_root(config.root, paths) else discover(config, [config.root])
        )
        packages = project_packages(whole)
        self.settings = AnalysisSettings(config, tuple(r.code for r in rules), packages)
        self.file_rules = file_rules
        self.packages = packages
        self.files = {f.path: f for f in result.layout.files}
        self.names_to_codes = {rule.name: rule.code for rule in all_rules()}

    def fix(self, path: str, data: bytes, wanted: Sequence[Violation]) -> Optional[_Edit]:
        """The file's bytes with the wanted fixes applied, or None when nothing changes."""
        # libcst's transformer and code generator recurse once per nesting level
        with deep_recursion():
            prepared = self._prepare(path, data)
            if prepared is None:
                return None
            text = self._apply(prepared, wanted)
        if text is None:
            return None
        result = prepared[0]
        return _Edit(encode(text, result.encoding, result.bom), result.encoding)

    def fix_each(self, path: str, data: bytes, wanted: Sequence[Violation]) -> Dict[Violation, str]:
        """For each wanted finding, the file's text with that finding's fix alone applied (one
        analysis of the file for all of them). A finding whose fix changes nothing, or cannot be
        applied safely, is left out."""
        out: Dict[Violation, str] = {}
        with deep_recursion():
            prepared = self._prepare(path, data)
            if prepared is None:
                return {}
            for violation in wanted:
                try:
                    text = self._apply(prepared, [violation])
                except FixError:
                    continue
                if text is not None:
                    out[violation] = text
        return out

    def _prepare(self, path: str, data: bytes) -> Optional[Tuple[Any, cst.Module]]:
        """The file analysed with its fixes kept: (result, module), None when it has none."""
        from conformance.filepass import analyze_file
        from conformance.source import decode_source

        file = self.files.get(path)
        if file is None:
            return None
        result = analyze_file(file, data, self.settings, self.file_rules, keep_fixes=True)
        module: Optional[cst.Module] = result.module
        if module is None:
            return None
        if module.code != decode_source(data)[0]:
            # libcst 1.x drops a blank line before a whitespace-only last line: a file it cannot
            # reproduce exactly would lose bytes outside the fixed nodes.
            raise FixError(
                "libcst does not reproduce this file byte for byte (blank or whitespace-only lines"
                " at its end?), so it is not fixed"
            )
        return result, module

    def _apply(
        self, prepared: Tuple[Any, cst.Module], wanted: Sequence[Violation]
    ) -> Optional[str]:
        """The module's text with the wanted fixes applied (verified), None when unchanged."""
        result, module = prepared
        keys = {(v.code, v.location) for v in wanted}
        chosen: Dict[int, Any] = {}
        needs: Dict[int, Tuple[ImportSpec, ...]] = {}
        for replacement in sorted(result.replacements, key=lambda r: r.violation.sort_key()):
            key = (replacement.violation.code, replacement.violation.location)
            target = id(replacement.node)
            if key not in keys or target in chosen:
                continue
            imports = tuple(replacement.imports)
            if any(import_state(result.facts, m, n) == "conflict" for m, n in imports):
                continue  # the name means something else here: adding the import would break it
            chosen[target] = replacement.new
            needs[target] = imports
        for target, new in _comment_fixes(
            module, [v for v in wanted if v.code == UNUSED_CODE], self.names_to_codes
        ):
            chosen.setdefault(target, new)
        if not chosen:
            return None

        applier = _Apply(chosen)
        try:
            fixed = module.visit(applier)
        except Exception as error:  # a replacement libcst cannot place (REMOVE outside a list)
            raise FixError(
                f"a fix could not be applied ({type(error).__name__}: {error})"
            ) from None
        if not isinstance(fixed, cst.Module):
            raise FixError("a fix removed the whole module")
        wanted_imports: List[ImportSpec] = []
        for target in applier.applied:
            for spec in needs.get(target, ()):
                if spec not in wanted_imports:
                    wanted_imports.append(spec)
        for module_name, name in wanted_imports:
            if import_state(result.facts, module_name, name) == "add":
                fixed = add_import(fixed, module_name, name, self.packages)

        source = module.code
        text = fixed.code
        if text == source:
            return None
        verify(source, text)
        # The bytes must be writable as --fix would write them.
        encode(text, result.encoding, result.bom)
        return text


class _Apply(cst.CSTTransformer):
    """Replace nodes by identity in one pass, never descending into a node being replaced (its
    nested fixes wait for the next round, judged on the new source)."""

    def __init__(self, replacements: Mapping[int, Any]) -> None:
        super().__init__()
        self.replacements = replacements
        self.applied: List[int] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) not in self.replacements

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        key = id(original_node)
        if key in self.replacements:
            self.applied.append(key)
            return self.replacements[key]
        return updated_node


# -- verification and encoding ------------------------------------------------------------------


def verify(original: str, fixed: str) -> None:
    """Raise :class:`FixError` unless ``fixed`` parses: with libcst always, and with CPython's own
    parser when ``original`` did (libcst also accepts syntax newer than the running Python)."""
    try:
        cst.parse_module(fixed)
    except Exception:
        raise FixError("the fixed source does not parse (a rule built an invalid node)") from None
    try:
        ast.parse(original)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    try:
        ast.parse(fixed)
    except (SyntaxError, ValueError) as error:
        detail = getattr(error, "msg", str(error))
        raise FixError(f"the fixed source is not valid Python ({detail})") from None


def encode(text: str, encoding: str, bom: bool) -> bytes:
    """``text`` in the file's encoding, with its BOM; must decode back to the same text."""
    from conformance.source import decode_source

    try:
        data = text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        raise FixError(f"the fixed source cannot be encoded as {encoding}") from None
    if bom:
        data = codecs.BOM_UTF8 + data
    try:
        again, _, _ = decode_source(data)
    except ValueError as error:
        raise FixError(f"the fixed source does not decode ({error})") from None
    if again != text:
        raise FixError("the fixed source does not decode to the same text")
    return data


def _decoded(data: bytes, encoding: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    return data.decode(encoding, errors="replace")


# -- writing --------------------------------------------------------------------------------------

_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def write_file(path: str, original: bytes, fixed: bytes) -> Optional[str]:
    """Replace the file at ``path`` by ``fixed`` atomically, if it still holds ``original``.

    Returns None when written, else why not (one line; the file is then untouched). Symbolic links
    are followed (the link stays a link); the mode is kept, and the owner when the process may set
    it. A file without any write permission bit is read-only by intent and is not written even
    by root, for whom the operating system would allow it.
    """
    real = os.path.realpath(path)
    try:
        status = os.stat(real)
    except OSError as error:
        return f"cannot write: {error.strerror or error}"
    if not stat.S_ISREG(status.st_mode):
        return "not a regular file any more; not written"
    if not status.st_mode & _WRITE_BITS or not os.access(real, os.W_OK):
        return "read-only file; not fixed (make it writable and run --fix again)"
    if _read_bytes(real) != original:
        return "changed on disk during the run; not overwritten (run --fix again)"
    folder = os.path.dirname(real) or "."
    temporary: Optional[str] = None
    try:
        try:
            handle, temporary = tempfile.mkstemp(
                dir=folder, prefix=f".{os.path.basename(real)}.", suffix=".conformance-tmp"
            )
        except OSError as error:
            return (
                f"cannot create a temporary file in its folder ({error.strerror or error});"
                " file left unchanged"
            )
        with os.fdopen(handle, "wb") as out:
            out.write(fixed)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        if hasattr(os, "chown") and (
            status.st_uid != os.stat(temporary).st_uid or status.st_gid != os.stat(temporary).st_gid
        ):
            try:
                os.chown(temporary, status.st_uid, status.st_gid)
            except OSError:
                pass  # not permitted: the file becomes ours, like any editor's save
        if BEFORE_WRITE is not None:
            BEFORE_WRITE(real)
        # The last look: someone may have saved the file since it was read at the start.
        if _read_bytes(real) != original:
            return "changed on disk during the run; not overwritten (run --fix again)"
        os.replace(temporary, real)
        temporary = None
        _fsync_folder(folder)
    except OSError as error:
        return f"cannot write ({error.strerror or error}); file left unchanged"
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
    return None


def _read_bytes(path: str) -> Optional[bytes]:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _fsync_folder(folder: str) -> None:
    """Make the rename durable (POSIX); best effort elsewhere."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# -- CNF902: unused suppressions ----------------------------------------------------------------


def _comment_fixes(
    module: cst.Module, violations: Sequence[Violation], names_to_codes: Mapping[str, str]
) -> List[Tuple[int, Any]]:
    """Replacements (target id, new node) for CNF902 findings: the comment node rewritten, or,
    when nothing of it is left, removed with the blanks before it (its whole line when it stood
    alone)."""
    if not violations:
        return []
    from conformance.positions import node_spans
    from conformance.suppressions import comment_edit

    edits = [e for e in (comment_edit(v, names_to_codes) for v in violations) if e is not None]
    if not edits:
        return []
    holders = _comment_holders(module)
    spans = node_spans(module, [comment for _, comment in holders])
    at: Dict[Tuple[int, int], Tuple[cst.CSTNode, cst.Comment]] = {}
    for holder, comment in holders:
        span = spans.get(id(comment))
        if span is not None:
            at[(span[0], span[1] + 1)] = (holder, comment)
    out: List[Tuple[int, Any]] = []
    for edit in edits:
        found = at.get((edit.line, edit.column))
        if found is None:
            continue
        holder, comment = found
        if comment.value.strip() != edit.old.strip():
            continue  # not the comment the finding is about: leave it
        if edit.new is not None:
            out.append((id(comment), cst.Comment(edit.new)))
        elif isinstance(holder, cst.EmptyLine):
            out.append((id(holder), cst.RemovalSentinel.REMOVE))
        elif isinstance(holder, cst.TrailingWhitespace):
            out.append(
                (id(holder), holder.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None))
            )
    return out


def _comment_holders(module: cst.Module) -> List[Tuple[cst.CSTNode, cst.Comment]]:
    """Every (EmptyLine or TrailingWhitespace, its comment) in the module."""
    out: List[Tuple[cst.CSTNode, cst.Comment]] = []
    stack: List[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.EmptyLine, cst.TrailingWhitespace)):
            if node.comment is not None:
                out.append((node, node.comment))
            continue
        for item in dataclasses.fields(node):
            value = getattr(node, item.name)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(v for v in value if isinstance(v, cst.CSTNode))
    return out


# -- imports a fix needs ---------------------------------------------------------------------------

#: Modules whose names are interchangeable for an import already present.
_SAME_NAMES = {"typing": "typing_extensions", "typing_extensions": "typing"}


def import_state(facts: Any, module: str, name: Optional[str]) -> str:
    """Whether the file already binds what ``from module import name`` (or ``import module``)
    would bind at module level: ``"present"``, ``"add"`` (free), or ``"conflict"`` (the name is
    bound to something else, so adding the import would change the meaning of the file)."""
    if facts is None:
        return "conflict"
    bound = name if name is not None else module.split(".", 1)[0]
    if name is None:
        targets = {module}
    else:
        targets = {f"{module}.{name}"}
        other = _SAME_NAMES.get(module)
        if other is not None:
            targets.add(f"{other}.{name}")
    runtime = [
        fact
        for fact in facts.imports
        if fact.alias == bound and fact.module_level and not fact.type_only and not fact.dynamic
    ]
    for fact in runtime:
        same = (
            (fact.module == module and fact.name is None)
            if name is None
            else fact.target in targets
        )
        if not same:
            return "conflict"
    if runtime:
        return "present"
    if bound in facts.names:
        type_only_same = any(
            fact.alias == bound and fact.type_only and fact.target in targets
            for fact in facts.imports
        )
        return "add" if type_only_same else "conflict"
    return "add"


def add_import(
    module: cst.Module, module_name: str, name: Optional[str], project_packages: Sequence[str] = ()
) -> cst.Module:
    """``module`` with ``from module_name import name`` (``import module_name`` when ``name`` is
    None), in the file's style:

    * merged into an existing top-level ``from module_name import ...`` of the import block, at
      its sorted position when its names are sorted (ruff/isort order, or case-insensitive), else
      at the end; a parenthesised multi-line list gets one name per line like its neighbours;
    * else as a new statement in the import block, in its section (future, standard library, third
      party, first party: isort's), at its sorted position when the section is sorted, else after
      the section; a new section gets a blank line before it;
    * with no import at all, after the module docstring, followed by a blank line (two before a
      definition).

    The caller checks :func:`import_state` first; this only places the statement.
    """
    body: List[Any] = list(module.body)
    block = _import_block(body)
    if name is not None:
        for index in block:
            statement = body[index]
            assert isinstance(statement, cst.SimpleStatementLine)
            for position, small in enumerate(statement.body):
                if (
                    isinstance(small, cst.ImportFrom)
                    and not small.relative
                    and small.module is not None
                    and _dotted(small.module) == module_name
                    and not isinstance(small.names, cst.ImportStar)
                ):
                    smalls = list(statement.body)
                    smalls[position] = _with_name(small, name)
                    body[index] = statement.with_changes(body=smalls)
                    return module.with_changes(body=body)

    new_statement = cst.SimpleStatementLine(
        body=[
            cst.ImportFrom(
                module=_attribute_chain(module_name),
                names=[cst.ImportAlias(name=cst.Name(name))],
            )
            if name is not None
            else cst.Import(names=[cst.ImportAlias(name=_attribute_chain(module_name))])
        ]
    )
    section = _section(module_name, 0, project_packages)
    entries = [_entry(body[i], i, project_packages) for i in block]
    if not entries:
        return _insert_first_import(module, body, new_statement)
    same = [e for e in entries if e[1] == section]
    kind = 1 if name is not None else 0
    key = (kind, module_name.lower())
    if same:
        keys = [(e[2], e[3]) for e in same]
        if keys == sorted(keys):
            for number, entry in enumerate(same):
                if (entry[2], entry[3]) > key:
                    if number == 0:
                        return _insert_before(module, body, entry[0], new_statement)
                    return _insert_at(module, body, entry[0], new_statement, blank=False)
        return _insert_at(module, body, same[-1][0] + 1, new_statement, blank=False)
    earlier = [e for e in entries if e[1] < section]
    later = [e for e in entries if e[1] > section]
    if earlier and (not later or later[0][0] > earlier[-1][0]):
        return _insert_at(module, body, earlier[-1][0] + 1, new_statement, blank=True)
    if later and not earlier:
        return _insert_before(module, body, later[0][0], new_statement, separate=True)
    return _insert_at(module, body, entries[-1][0] + 1, new_statement, blank=True)  # unordered


def _import_block(body: Sequence[cst.BaseStatement]) -> List[int]:
    """Indexes of the top-level import statements at the start of the module (after the
    docstring; ``if TYPE_CHECKING:`` and ``try:`` blocks of imports do not end the block)."""
    out: List[int] = []
    for index, statement in enumerate(body):
        if isinstance(statement, cst.SimpleStatementLine):
            if all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body):
                out.append(index)
                continue
            if index == 0 and _is_docstring(statement):
                continue
            break
        if isinstance(statement, (cst.If, cst.Try)) and _only_imports(statement):
            continue
        break
    return out


def _only_imports(statement: cst.CSTNode) -> bool:
    blocks: List[cst.BaseSuite] = []
    if isinstance(statement, cst.If):
        blocks.append(statement.body)
        if isinstance(statement.orelse, cst.Else):
            blocks.append(statement.orelse.body)
        elif isinstance(statement.orelse, cst.If):
            return _only_imports(statement.orelse)
    elif isinstance(statement, cst.Try):
        blocks.append(statement.body)
        blocks.extend(handler.body for handler in statement.handlers)
    for block in blocks:
        if not isinstance(block, cst.IndentedBlock):
            return False
        for inner in block.body:
            if not isinstance(inner, cst.SimpleStatementLine):
                return False
            if not all(isinstance(s, (cst.Import, cst.ImportFrom, cst.Pass)) for s in inner.body):
                return False
    return True


def _is_docstring(statement: cst.SimpleStatementLine) -> bool:
    return (
        len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _entry(
    statement: cst.BaseStatement, index: int, project_packages: Sequence[str]
) -> Tuple[int, int, int, str]:
    """(index, section, kind: 0 ``import``/1 ``from``, lower-cased module) of an import line."""
    assert isinstance(statement, cst.SimpleStatementLine)
    first = statement.body[0]
    if isinstance(first, cst.Import):
        name = _dotted(first.names[0].name) or ""
        return index, _section(name, 0, project_packages), 0, name.lower()
    assert isinstance(first, cst.ImportFrom)
    named = (_dotted(first.module) if first.module is not None else None) or ""
    level = len(first.relative)
    return index, _section(named, level, project_packages), 1, named.lower()


def _section(module_name: str, level: int, project_packages: Sequence[str]) -> int:
    top = module_name.split(".", 1)[0]
    if top == "__future__":
        return 0
    if level or top in project_packages:
        return 3
    if top in _stdlib_names():
        return 1
    return 2


def _stdlib_names() -> Collection[str]:
    names = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return names  # type: ignore[no-any-return]
    return _STDLIB_FALLBACK  # Python 3.9


_STDLIB_FALLBACK = frozenset(
    """abc argparse ast asyncio base64 collections concurrent contextlib contextvars copy csv
    dataclasses datetime decimal enum functools hashlib hmac http importlib inspect io ipaddress
    itertools json logging math operator os pathlib pickle platform random re secrets shutil
    signal socket sqlite3 string struct subprocess sys tempfile textwrap threading time timeit
    traceback types typing unittest urllib uuid warnings weakref zoneinfo""".split()
)


def _dotted(node: cst.CSTNode) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr.value}" if inner else None
    return None


def _attribute_chain(dotted: str) -> Any:
    parts = dotted.split(".")
    node: Any = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def _order_keys() -> List[Callable[[str], Any]]:
    def by_type(name: str) -> Any:
        kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
        return (kind, name)

    return [by_type, str.lower, lambda name: name]


def _contains_comment(node: cst.CSTNode) -> bool:
    stack: List[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Comment):
            return True
        for item in dataclasses.fields(current):
            value = getattr(current, item.name)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(v for v in value if isinstance(v, cst.CSTNode))
    return False


def _with_name(statement: cst.ImportFrom, name: str) -> cst.ImportFrom:
    """``from m import a, b`` with ``name`` added, keeping the statement's separators."""
    assert not isinstance(statement.names, cst.ImportStar)
    aliases = list(statement.names)
    names = [_dotted(alias.name) or "" for alias in aliases]
    index = len(aliases)
    for key in _order_keys():
        keys = [key(n) for n in names]
        if keys == sorted(keys):
            index = next((i for i, k in enumerate(keys) if k > key(name)), len(aliases))
            break
    between = _between_separator(statement, aliases)
    new = cst.ImportAlias(name=cst.Name(name))
    if index < len(aliases):
        aliases.insert(index, new.with_changes(comma=between))
    else:
        last = aliases[-1]
        aliases[-1] = last.with_changes(comma=between)
        aliases.append(new.with_changes(comma=last.comma))
    return statement.with_changes(names=aliases)


def _between_separator(statement: cst.ImportFrom, aliases: Sequence[cst.ImportAlias]) -> cst.Comma:
    """The comma that separates two names in this statement, without any comment."""
    for alias in aliases[:-1]:
        comma = alias.comma
        if isinstance(comma, cst.Comma) and not _contains_comment(comma):
            return comma
    lpar = statement.lpar
    if lpar is not None and isinstance(lpar.whitespace_after, cst.ParenthesizedWhitespace):
        after = lpar.whitespace_after.with_changes(
            first_line=cst.TrailingWhitespace(), empty_lines=()
        )
        return cst.Comma(whitespace_after=after)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _insert_at(
    module: cst.Module,
    body: List[Any],
    index: int,
    statement: cst.SimpleStatementLine,
    *,
    blank: bool,
) -> cst.Module:
    if blank:
        statement = statement.with_changes(leading_lines=[cst.EmptyLine()])
    body.insert(index, statement)
    return module.with_changes(body=body)


def _insert_before(
    module: cst.Module,
    body: List[Any],
    index: int,
    statement: cst.SimpleStatementLine,
    *,
    separate: bool = False,
) -> cst.Module:
    """Insert before ``body[index]``, taking over its leading blank lines and comments (the
    section's header); with ``separate`` it starts a new section, so the old statement gets a
    blank line of its own."""
    following = body[index]
    statement = statement.with_changes(leading_lines=following.leading_lines)
    lines = [cst.EmptyLine()] if separate else []
    body[index] = following.with_changes(leading_lines=lines)
    body.insert(index, statement)
    return module.with_changes(body=body)


def _insert_first_import(
    module: cst.Module, body: List[Any], statement: cst.SimpleStatementLine
) -> cst.Module:
    """The module's first import: after the docstring, before the code, blank lines around."""
    index = (
        1 if body and isinstance(body[0], cst.SimpleStatementLine) and _is_docstring(body[0]) else 0
    )
    if index == 1:
        statement = statement.with_changes(leading_lines=[cst.EmptyLine()])
    if index < len(body):
        following = body[index]
        wanted = 2 if isinstance(following, (cst.FunctionDef, cst.ClassDef)) else 1
        blanks = 0
        for line in following.leading_lines:
            if line.comment is not None:
                break
            blanks += 1
        if blanks < wanted:
            extra = [cst.EmptyLine() for _ in range(wanted - blanks)]
            body[index] = following.with_changes(
                leading_lines=extra + list(following.leading_lines)
            )
    body.insert(index, statement)
    return module.with_changes(body=body)
