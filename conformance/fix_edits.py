"""A finding's fix as text edits (ruff's JSON ``fix.edits``), for agents and editors that apply
one fix at a time without running ``--fix``.

The edits are derived, not hand-made: the file is analysed once with its fixes kept, each
finding's fix is applied alone exactly as a ``--fix`` round applies it (same transform, imports,
verification), and the difference between the two texts becomes the edits. So applying a
finding's edits gives what ``--fix`` writes for that finding (tested).
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import json
import os
import pickle
import re
import tempfile
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple

from conformance.diagnostics import Edit, FindingFix, Violation

if TYPE_CHECKING:
    from conformance.settings import Config
    from conformance.engine import RunResult

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> List[str]:
    """The lines of ``text`` with their endings (``\\n``, ``\\r\\n``, ``\\r``: Python's own line
    breaks, not ``str.splitlines``' form feeds and Unicode separators)."""
    return _LINE.findall(text)


class _Positions:
    """Offset <-> 1-based (row, column) in one text."""

    def __init__(self, text: str) -> None:
        lines = split_lines(text)
        self.starts = [0]
        for line in lines:
            self.starts.append(self.starts[-1] + len(line))
        # A last line without a line break has no next row: its end is on that line.
        self.open_end = bool(lines) and not lines[-1].endswith(("\n", "\r"))
        self.length = len(text)

    def position(self, offset: int) -> Tuple[int, int]:
        index = min(bisect.bisect_right(self.starts, offset), len(self.starts)) - 1
        if index == len(self.starts) - 1 and self.open_end:
            index -= 1
        return index + 1, offset - self.starts[index] + 1

    def offset(self, row: int, column: int) -> int:
        if row - 1 >= len(self.starts):
            return self.length
        return min(self.starts[row - 1] + column - 1, self.length)


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _word_at(text: str, index: int) -> bool:
    return 0 <= index < len(text) and _word(text[index])


def text_edits(before: str, after: str) -> Tuple[Edit, ...]:
    """Minimal edits (changed line blocks, trimmed to the changed characters) turning ``before``
    into ``after``, in order and not overlapping."""
    old_lines, new_lines = split_lines(before), split_lines(after)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    positions = _Positions(before)
    edits: List[Edit] = []
    line_starts = positions.starts
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old = "".join(old_lines[i1:i2])
        new = "".join(new_lines[j1:j2])
        prefix = 0
        limit = min(len(old), len(new))
        while prefix < limit and old[prefix] == new[prefix]:
            prefix += 1
        # Whole words: `Column` -> `mapped_column` reads as that, not as `C` -> `mapped_c`.
        while (
            0 < prefix
            and _word(old[prefix - 1])
            and (_word_at(old, prefix) or _word_at(new, prefix))
        ):
            prefix -= 1
        suffix = 0
        while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
            suffix += 1
        while (
            0 < suffix
            and _word(old[-suffix])
            and (_word_at(old, len(old) - suffix - 1) or _word_at(new, len(new) - suffix - 1))
        ):
            suffix -= 1
        start = line_starts[i1] + prefix
        end = line_starts[i1] + len(old) - suffix
        row, column = positions.position(start)
        end_row, end_column = positions.position(end)
        edits.append(Edit(new[prefix : len(new) - suffix], row, column, end_row, end_column))
    return tuple(edits)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with ``edits`` applied (the consumer's side, used by the tests and the LSP)."""
    positions = _Positions(text)
    spans = sorted(
        (positions.offset(e.row, e.column), positions.offset(e.end_row, e.end_column), e.content)
        for e in edits
    )
    out: List[str] = []
    cursor = 0
    for start, end, content in spans:
        out.append(text[cursor:start])
        out.append(content)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def fix_message(violation: Violation) -> str:
    """What applying the fix does, for a menu entry or an agent: the finding's hint when it has
    one, else the rule's code."""
    if violation.fix_hint:
        return violation.fix_hint[:1].upper() + violation.fix_hint[1:]
    return f"Apply the fix for {violation.code}"


def finding_fixes(
    config: Config,
    paths: Sequence[str],
    result: RunResult,
    sources: Mapping[str, bytes],
    cache_dir: Optional[str] = None,
) -> Dict[Violation, FindingFix]:
    """The edits of every finding of ``result`` that has a fix (safe or unsafe). ``sources``
    gives file contents by project-relative path where they are not (or not only) on disk
    (unsaved text); other files are read. Files whose fixes cannot be applied safely (see
    :mod:`conformance.fixes`) are left out. With ``cache_dir``, a file's edits are kept there by
    its content, so that a warm ``--format json`` run parses nothing."""
    by_file: Dict[str, List[Violation]] = {}
    for violation in result.violations:
        if violation.fix is not None and violation.location.line is not None:
            by_file.setdefault(violation.path, []).append(violation)
    out: Dict[Violation, FindingFix] = {}
    fixer: Any = None
    for path, wanted in sorted(by_file.items()):
        data = sources.get(path)
        if data is None:
            try:
                with open(os.path.join(config.root, path), "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
        key = _cache_key(config, path, data, wanted) if cache_dir else None
        known = _cached(cache_dir, key, wanted)
        if known is None:
            from conformance.fixes import FixError, _FileFixer
            from conformance.source import decode_source

            if fixer is None:
                fixer = _FileFixer(config, paths, result)
            try:
                texts = fixer.fix_each(path, data, wanted)
            except FixError:
                texts = {}
            before = decode_source(data)[0]
            known = {v: FindingFix(fix_message(v), text_edits(before, t)) for v, t in texts.items()}
            _store(cache_dir, key, wanted, known)
        out.update(known)
    return out


# -- the cache of edits: one small JSON file per (settings, file content, findings) ------------


def _cache_key(config: Config, path: str, data: bytes, wanted: Sequence[Violation]) -> str:
    from conformance import __version__

    digest = hashlib.sha256()
    digest.update(pickle.dumps((__version__, config, path), protocol=4))
    digest.update(data)
    for violation in wanted:
        digest.update(repr(_identity(violation)).encode("utf-8"))
    return digest.hexdigest()


def _identity(violation: Violation) -> Tuple[object, ...]:
    return (violation.code, violation.location, violation.message)


def _cache_file(cache_dir: str, key: str) -> str:
    return os.path.join(cache_dir, "fix-edits", key[:2], key + ".json")


def _cached(
    cache_dir: Optional[str], key: Optional[str], wanted: Sequence[Violation]
) -> Optional[Dict[Violation, FindingFix]]:
    if not cache_dir or not key:
        return None
    try:
        with open(_cache_file(cache_dir, key), encoding="utf-8") as handle:
            stored = json.load(handle)
        out: Dict[Violation, FindingFix] = {}
        for index, entry in stored.items():
            edits = tuple(Edit(e[0], e[1], e[2], e[3], e[4]) for e in entry["edits"])
            out[wanted[int(index)]] = FindingFix(str(entry["message"]), edits)
        return out
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


def _store(
    cache_dir: Optional[str],
    key: Optional[str],
    wanted: Sequence[Violation],
    known: Mapping[Violation, FindingFix],
) -> None:
    if not cache_dir or not key:
        return
    payload = {
        str(index): {
            "message": known[v].message,
            "edits": [
                [e.content, e.row, e.column, e.end_row, e.end_column] for e in known[v].edits
            ],
        }
        for index, v in enumerate(wanted)
        if v in known
    }
    target = _cache_file(cache_dir, key)
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(payload, out)
        os.replace(temporary, target)
    except OSError:
        return  # a cache that cannot be written only costs time
