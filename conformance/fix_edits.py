"""A finding's fix as text edits (ruff's JSON ``fix.edits``), for agents and editors that apply
one fix at a time without running ``--fix``.

The edits are derived, not hand-made: the file is analysed once with its fixes kept, each
finding's fix is applied alone exactly as a ``--fix`` round applies it (same transform, imports,
verification), and the difference between the two texts becomes the edits
(:func:`conformance.edits.text_edits`). So applying a finding's edits gives what ``--fix`` writes
for that finding (tested).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from conformance.diagnostics import Edit, FindingFix, Violation
from conformance.edits import fix_message, text_edits

if TYPE_CHECKING:
    from conformance.engine import RunResult
    from conformance.settings import Config


def finding_fixes(
    config: Config,
    paths: Sequence[str],
    result: RunResult,
    sources: Mapping[str, bytes],
    cache_dir: Optional[str] = None,
    only: Optional[Set[str]] = None,
) -> Dict[Violation, FindingFix]:
    """The edits of every finding of ``result`` that has a fix (safe or unsafe). ``sources``
    gives file contents by project-relative path where they are not (or not only) on disk
    (unsaved text); other files are read. Files whose fixes cannot be applied safely (see
    :mod:`conformance.fixes`) are left out. With ``cache_dir``, a file's edits are kept there by
    its content, so that a warm ``--format json`` run parses nothing."""
    by_file: Dict[str, List[Violation]] = {}
    for violation in result.violations:
        if violation.fix is None or violation.location.line is None:
            continue
        if only is None or violation.path in only:
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
            from conformance.fix_apply import FileFixer, FixError
            from conformance.source import decode_source

            if fixer is None:
                fixer = FileFixer(config, paths, result)
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
    from conformance.version import __version__

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
