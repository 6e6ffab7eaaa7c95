"""The baseline: findings a team has accepted for now, so that only new ones fail a check.

``conformance check --update-baseline`` records the current findings in ``.conformance-baseline.json``
(or the ``baseline`` path of the configuration, or ``--baseline FILE``); ``--baseline FILE`` or the
``baseline`` key hides the recorded findings on later runs and reports everything else.

An entry identifies findings by path, code and a fingerprint of the flagged source text (or of the
message, for findings without one) that does not depend on the line number, so an edit above a
finding keeps it hidden; ``count`` says how many such findings the file may hold, so a second,
identical violation in the same file is reported. Entries that no longer match are reported as
CNF903 (stale-baseline-entry): the file only shrinks, and ``--update-baseline`` prunes them.

The file is written for diffs: sorted, one entry per line, no timestamps, and written again byte
for byte when nothing changed. A run that checks only some paths (the pre-commit hook) judges and
rewrites only the entries under those paths; the others are kept as they are.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from conformance.diagnostics import Location, Violation
from conformance.model import Layout

BASELINE_FILE = ".conformance-baseline.json"
FORMAT_VERSION = 1
TOOL_NAME = "module-conformance"
#: The code of ``rules/checker/stale_baseline_entry.py`` (its class is imported only to report
#: a stale entry: a warm run imports no rule module; its examples fail if the two differ).
STALE_CODE = "CNF903"
#: Configuration files: given as a path, they mean "check everything" (as in discovery).
_CONFIG_FILE_NAMES = frozenset({"pyproject.toml", "conformance.toml"})


class BaselineError(Exception):
    """A baseline file that cannot be used; the message is one line, naming the file."""


@dataclass(frozen=True, order=True)
class Entry:
    """Up to ``count`` findings of ``code`` in ``path`` with this ``fingerprint``. ``message`` is
    for the reader of the file only: matching ignores it."""

    path: str
    code: str
    fingerprint: str
    count: int = 1
    message: str = ""

    @property
    def key(self) -> Tuple[str, str, str]:
        return (self.path, self.code, self.fingerprint)


@dataclass(frozen=True)
class Baseline:
    """A loaded baseline. ``display`` is how findings name the file (relative to the project root
    when it lies inside); ``lines`` maps an entry's key to its 1-based line in the file."""

    entries: Tuple[Entry, ...] = ()
    display: str = BASELINE_FILE
    lines: Tuple[Tuple[Tuple[str, str, str], int], ...] = field(default=(), compare=False)

    def line_of(self, entry: Entry) -> Optional[int]:
        for key, line in self.lines:
            if key == entry.key:
                return line
        return None


def fingerprint(violation: Violation) -> str:
    """What identifies a finding within its file apart from its position: the code and the
    flagged text without whitespace (a call wrapped over three lines is the same finding)."""
    text = "".join((violation.fingerprint_text or violation.message).split())
    digest = hashlib.sha256(f"{violation.code}\0{text}".encode()).hexdigest()
    return digest[:16]


def display_path(path: str, root: str) -> str:
    """``path`` relative to ``root`` with forward slashes, or as given when it lies outside."""
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute, os.path.abspath(root))
    except ValueError:  # pragma: no cover - another drive on Windows
        return path
    if rel == ".." or rel.startswith(".." + os.sep):
        return path.replace(os.sep, "/")
    return rel.replace(os.sep, "/")


# -- reading and writing -------------------------------------------------------------------


def load(path: str, root: str) -> Baseline:
    """Read a baseline file; :class:`BaselineError` with a one-line reason if it is missing,
    unreadable, not JSON or not a baseline."""
    shown = display_path(path, root)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise BaselineError(
            f"baseline {shown}: no such file (create it with --update-baseline)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise BaselineError(f"baseline {shown}: cannot read: {reason}") from None
    return parse(text, shown)


def parse(text: str, shown: str = BASELINE_FILE) -> Baseline:
    """Parse the text of a baseline file (``shown`` names it in errors and findings)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(
            f"baseline {shown}: not valid JSON (line {error.lineno}, column {error.colno}:"
            f" {error.msg}); fix it or write it again with --update-baseline"
        ) from None
    except RecursionError:  # json recurses per nesting level: not the shape of a baseline
        raise BaselineError(
            f"baseline {shown}: not a conformance baseline (JSON nested too deeply); write it"
            " again with --update-baseline"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise BaselineError(f'baseline {shown}: not a conformance baseline (no "entries" list)')
    version = data.get("version")
    if version != FORMAT_VERSION:
        raise BaselineError(
            f"baseline {shown}: unsupported version {version!r} (this conformance reads version"
            f" {FORMAT_VERSION})"
        )
    entries: Dict[Tuple[str, str, str], Entry] = {}
    for position, item in enumerate(data["entries"], start=1):
        entry = _entry(item)
        if entry is None:
            raise BaselineError(
                f"baseline {shown}: entry {position} is not an object with string path, code and"
                " fingerprint and a positive integer count"
            )
        previous = entries.get(entry.key)
        if previous is not None:
            entry = Entry(*entry.key, previous.count + entry.count, previous.message)
        entries[entry.key] = entry
    return Baseline(tuple(sorted(entries.values())), shown, _lines(text))


def _entry(item: Any) -> Optional[Entry]:
    if not isinstance(item, dict):
        return None
    path, code, print_ = item.get("path"), item.get("code"), item.get("fingerprint")
    count, message = item.get("count"), item.get("message", "")
    if not (isinstance(path, str) and isinstance(code, str) and isinstance(print_, str)):
        return None
    if not (path and code and print_):
        return None
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return None
    return Entry(path, code, print_, count, message if isinstance(message, str) else "")


def _lines(text: str) -> Tuple[Tuple[Tuple[str, str, str], int], ...]:
    """Where each entry sits in a file written by :func:`dump` (one entry per line), so a stale
    entry's finding points at its line. A reformatted file just gives no lines."""
    out: List[Tuple[Tuple[str, str, str], int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().rstrip(",")
        if not stripped.startswith("{") or '"fingerprint"' not in stripped:
            continue
        try:
            item = json.loads(stripped)
        except json.JSONDecodeError:
            continue
        entry = _entry(item)
        if entry is not None:
            out.append((entry.key, number))
    return tuple(out)


def dump(entries: Iterable[Entry]) -> str:
    """The file's text: sorted entries, one per line, so a diff shows one line per change."""
    ordered = sorted(entries)
    rows = [
        json.dumps(
            {
                "path": e.path,
                "code": e.code,
                "fingerprint": e.fingerprint,
                "count": e.count,
                "message": e.message,
            },
            ensure_ascii=False,
        )
        for e in ordered
    ]
    head = f'{{\n  "version": {FORMAT_VERSION},\n  "tool": "{TOOL_NAME}",\n  "entries": ['
    if not rows:
        return head + "]\n}\n"
    return head + "\n" + ",\n".join(f"    {row}" for row in rows) + "\n  ]\n}\n"


def write(path: str, entries: Iterable[Entry]) -> bool:
    """Write the baseline atomically; return whether the file changed (an unchanged baseline is
    not touched, so its modification time means something)."""
    text = dump(entries)
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                return False
    except (OSError, UnicodeDecodeError):
        pass
    folder = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(folder, f".{os.path.basename(path)}.tmp{os.getpid()}")
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(temporary, path)
    return True


# -- matching ------------------------------------------------------------------------------


def entries_of(violations: Iterable[Violation]) -> List[Entry]:
    """The entries that record ``violations`` (one per path, code and fingerprint, counted)."""
    counts: Dict[Tuple[str, str, str], int] = {}
    messages: Dict[Tuple[str, str, str], str] = {}
    for violation in sorted(violations, key=Violation.sort_key):
        if violation.code == STALE_CODE:
            continue
        key = (violation.path, violation.code, fingerprint(violation))
        counts[key] = counts.get(key, 0) + 1
        messages.setdefault(key, " ".join(violation.message.split()))
    return sorted(Entry(*key, count, messages[key]) for key, count in counts.items())


@dataclass(frozen=True)
class Scope:
    """Which entries a run can judge: those of the codes that ran (or that no rule has any more),
    under the paths it checked."""

    codes: FrozenSet[str]
    known: FrozenSet[str]
    files: FrozenSet[str]
    folders: Tuple[str, ...]  # "." for the whole tree

    def judges(self, entry: Entry) -> bool:
        if entry.code in self.known and entry.code not in self.codes:
            return False
        if entry.path in self.files:
            return True
        return any(
            folder == "." or entry.path == folder or entry.path.startswith(folder + "/")
            for folder in self.folders
        )


def scope_of(layout: Layout, paths: Sequence[str], codes: Iterable[str]) -> Scope:
    """The scope of a run over ``paths`` (absolute): the folders given, the module packages
    checked (a file given inside a package brings the package), the files checked."""
    from conformance.rules import specs

    folders: Set[str] = {package.path for package in layout.packages}
    for path in paths:
        if os.path.isdir(path) or os.path.basename(path) in _CONFIG_FILE_NAMES:
            folder = path if os.path.isdir(path) else layout.root
            rel = os.path.relpath(os.path.abspath(folder), layout.root).replace(os.sep, "/")
            if not rel.startswith(".."):
                folders.add(rel)
    return Scope(
        codes=frozenset(codes),
        known=frozenset(spec.code for spec in specs()),
        files=frozenset(file.path for file in layout.files),
        folders=tuple(sorted(folders)),
    )


@dataclass
class Outcome:
    """What applying a baseline did: the findings still reported (new ones, plus CNF903 for
    stale entries) and how many were hidden."""

    kept: List[Violation]
    hidden: int = 0
    stale: List[Tuple[Entry, int]] = field(default_factory=list)  # (entry, occurrences missing)


def apply(
    baseline: Baseline, violations: Sequence[Violation], scope: Scope, report_stale: bool
) -> Outcome:
    """Hide up to ``count`` findings per entry (the first ones in report order), keep the rest,
    and report the judged entries that matched fewer findings than recorded."""
    budget = {entry.key: entry.count for entry in baseline.entries}
    outcome = Outcome(kept=[])
    unmatched: List[Violation] = []
    for violation in sorted(violations, key=Violation.sort_key):
        key = (violation.path, violation.code, fingerprint(violation))
        if budget.get(key, 0) > 0:
            budget[key] -= 1
            outcome.hidden += 1
        else:
            unmatched.append(violation)
    # A renamed module (users/ -> accounts/): entries of files that no longer exist match the
    # same finding (code and text) in a file of the same name elsewhere, so a rename does not
    # turn its baselined findings into new ones.
    moved: Dict[Tuple[str, str, str], List[Tuple[str, str, str]]] = {}
    for entry in baseline.entries:
        if budget[entry.key] > 0 and entry.path not in scope.files and scope.judges(entry):
            name = entry.path.rsplit("/", 1)[-1]
            moved.setdefault((name, entry.code, entry.fingerprint), []).append(entry.key)
    for violation in unmatched:
        name = violation.path.rsplit("/", 1)[-1]
        keys = moved.get((name, violation.code, fingerprint(violation)), [])
        found = next((k for k in keys if budget[k] > 0), None)
        if found is not None:
            budget[found] -= 1
            outcome.hidden += 1
        else:
            outcome.kept.append(violation)
    for entry in baseline.entries:
        left = budget[entry.key]
        if left > 0 and scope.judges(entry):
            outcome.stale.append((entry, left))
    if report_stale:
        outcome.kept.extend(stale_finding(baseline, entry, left) for entry, left in outcome.stale)
    return outcome


def stale_finding(baseline: Baseline, entry: Entry, missing: int) -> Violation:
    """The CNF903 finding for an entry that matched ``missing`` findings fewer than recorded."""
    if missing == entry.count:
        what = "no longer occurs"
    else:
        what = f"now matches {entry.count - missing} of {entry.count} recorded findings"
    from conformance.rules.checker.stale_baseline_entry import StaleBaselineEntry

    line = baseline.line_of(entry)
    return StaleBaselineEntry.make_violation(
        baseline.display,
        Location(line, 1 if line else None, line, None),
        f"baselined {entry.code} in {entry.path} {what}",
        fingerprint_text=f"{entry.path}|{entry.code}|{entry.fingerprint}",
    )


def updated(
    previous: Optional[Baseline], violations: Sequence[Violation], scope: Scope
) -> List[Entry]:
    """The entries of a baseline rewritten after a run: the previous entries this run could not
    judge, plus every current finding."""
    kept = [e for e in (previous.entries if previous else ()) if not scope.judges(e)]
    merged: Dict[Tuple[str, str, str], Entry] = {e.key: e for e in kept}
    for entry in entries_of(violations):
        old = merged.get(entry.key)
        merged[entry.key] = entry if old is None else Entry(*entry.key, old.count + entry.count)
    return sorted(merged.values())
