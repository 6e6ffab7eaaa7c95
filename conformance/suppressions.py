"""Suppressions: ``# noqa: CODE`` comments and ``per-file-ignores``.

A ``# noqa: CNF201`` (codes or rule names, comma- or space-separated) on a finding's line, or on
the first line of the statement that holds it, suppresses those codes there. A blanket ``# noqa``
does not: it belongs to other linters, and architecture findings must not vanish under a comment
written for ruff. Codes of other tools in the same comment (``# noqa: E501, CNF201``) are left
alone. A CNF code in a comment that suppresses nothing, or that no rule has, is reported as CNF902.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from conformance.diagnostics import FixSafety, Location, Violation
from conformance.filepass import NoqaComment
from conformance.roles import glob_match

UNUSED_CODE = "CNF902"
UNUSED_NAME = "unused-suppression"

_NOQA_CODES = re.compile(
    r"#\s*noqa\s*:\s*(?P<codes>[A-Za-z0-9_\-]+(?:[\s,]+[A-Za-z0-9_\-]+)*)", re.I
)


@dataclass(frozen=True)
class Directive:
    """One ``# noqa:`` comment's codes, normalised to rule codes."""

    path: str
    line: int
    column: int
    codes: Tuple[str, ...]  # our codes (from codes or rule names), in comment order
    unknown: Tuple[str, ...] = ()  # CNF-looking codes no rule has
    raw: str = ""


@dataclass
class SuppressionOutcome:
    kept: List[Violation] = field(default_factory=list)
    suppressed: List[Violation] = field(default_factory=list)
    unused: List[Violation] = field(default_factory=list)


def parse_directives(
    path: str, comments: Sequence[NoqaComment], names_to_codes: Dict[str, str], codes: Set[str]
) -> List[Directive]:
    """The ``# noqa: ...`` comments of one file that name at least one of our codes or names."""
    out: List[Directive] = []
    for comment in comments:
        match = _NOQA_CODES.search(comment.text)
        if not match:
            continue
        ours: List[str] = []
        unknown: List[str] = []
        for token in re.split(r"[\s,]+", match.group("codes").strip()):
            if not token:
                continue
            upper = token.upper()
            if upper in codes:
                ours.append(upper)
            elif token in names_to_codes:
                ours.append(names_to_codes[token])
            elif re.fullmatch(r"CNF\d{3}", upper):
                unknown.append(upper)
        if ours or unknown:
            out.append(
                Directive(
                    path, comment.line, comment.column, tuple(ours), tuple(unknown), comment.text
                )
            )
    return out


def per_file_ignored(path: str, code: str, table: Iterable[Tuple[str, Tuple[str, ...]]]) -> bool:
    """Whether ``per-file-ignores`` silences ``code`` in ``path`` (globs, code prefixes, names)."""
    for glob, selectors in table:
        if not (glob_match(glob, path) or glob_match(glob.rstrip("/") + "/**", path)):
            continue
        for selector in selectors:
            key = selector.strip().upper()
            if key == "ALL" or code.startswith(key):
                return True
    return False


def apply_noqa(
    violations: Sequence[Violation],
    directives: Sequence[Directive],
    report_unused: bool,
    judged: Iterable[str] = (),
) -> SuppressionOutcome:
    """Split findings into kept and suppressed; report directives' codes that suppressed nothing.

    Only codes in ``judged`` (the rules that ran) can be called unused: a comment for a rule that
    this run did not select may well be needed.
    """
    judged_codes = set(judged)
    by_line: Dict[Tuple[str, int], List[Directive]] = {}
    for directive in directives:
        by_line.setdefault((directive.path, directive.line), []).append(directive)
    used: Set[Tuple[str, int, str]] = set()
    outcome = SuppressionOutcome()
    for violation in violations:
        lines = {violation.location.line, violation.statement_line} - {None}
        hit = False
        for line in lines:
            for directive in by_line.get((violation.path, line), ()):  # type: ignore[arg-type]
                if violation.code in directive.codes:
                    used.add((directive.path, directive.line, violation.code))
                    hit = True
        (outcome.suppressed if hit else outcome.kept).append(violation)
    if report_unused:
        for directive in directives:
            stale = [
                c
                for c in directive.codes
                if c in judged_codes and (directive.path, directive.line, c) not in used
            ]
            problems = [f"unused suppression of {code}" for code in stale]
            problems += [f"unknown rule code {code}" for code in directive.unknown]
            if not problems:
                continue
            outcome.unused.append(
                Violation(
                    path=directive.path,
                    location=Location(
                        directive.line,
                        directive.column,
                        directive.line,
                        directive.column + len(directive.raw),
                    ),
                    code=UNUSED_CODE,
                    name=UNUSED_NAME,
                    message=f"{'; '.join(problems)} in `{directive.raw.strip()}`",
                    fix_hint="remove the code from the comment (or the whole comment)",
                    fix=FixSafety.SAFE,
                    fingerprint_text=directive.raw.strip()
                    + "|"
                    + ",".join(stale + list(directive.unknown)),
                )
            )
    return outcome
