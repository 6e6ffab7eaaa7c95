"""Suppressions: ``# noqa: CODE`` comments and ``per-file-ignores``.

A ``# noqa: CNF201`` (codes or rule names, comma- or space-separated) on a finding's line, or on
the first line of the statement that holds it, suppresses those codes there. A blanket ``# noqa``
does not: it belongs to other linters, and architecture findings must not vanish under a comment
written for ruff. Codes of other tools in the same comment (``# noqa: E501, CNF201``) are left
alone. A CNF code in a comment that suppresses nothing, that is repeated, or that no rule has, is
reported as CNF902; :func:`remove_codes` and :func:`comment_edit` give the text of its safe fix.

The code list is the run of code-like words after ``noqa:`` (``E501``, ``CNF201``, or one of our
rule names); the first other word starts a free-text reason (``# noqa: CNF201 legacy endpoint``),
which is kept while codes remain and dropped with the directive when none does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from conformance.diagnostics import Location, Violation
from conformance.results import NoqaComment
from conformance.roles import glob_match
from conformance.rules.checker.unused_suppression import UnusedSuppression

UNUSED_CODE = UnusedSuppression.code

_NOQA_HEAD = re.compile(r"#\s*noqa\s*:\s*", re.I)
_TOKEN = re.compile(r"[A-Za-z0-9_\-]+")
_SEPARATOR = re.compile(r"[\s,]*")
#: Another tool's code (``E501``, ``RUF100``, ``B008``): letters then digits.
_TOOL_CODE = re.compile(r"[A-Za-z]+[0-9]+")
_OUR_CODE = re.compile(r"CNF[0-9]+", re.I)
#: What separates :attr:`Directive.raw` from the removable codes in a CNF902 fingerprint text.
_FIX_SEPARATOR = "|"


@dataclass(frozen=True)
class Directive:
    """One ``# noqa:`` comment's codes, normalised to rule codes."""

    path: str
    line: int
    column: int
    codes: Tuple[str, ...]  # our codes (from codes or rule names), in comment order
    unknown: Tuple[str, ...] = ()  # CNF-looking codes no rule has
    raw: str = ""

    @property
    def duplicates(self) -> Tuple[str, ...]:
        """Our codes named more than once (``CNF201, router-imports-repository``)."""
        seen: Set[str] = set()
        out: List[str] = []
        for code in self.codes:
            if code in seen and code not in out:
                out.append(code)
            seen.add(code)
        return tuple(out)


@dataclass
class SuppressionOutcome:
    kept: List[Violation] = field(default_factory=list)
    suppressed: List[Violation] = field(default_factory=list)
    unused: List[Violation] = field(default_factory=list)


@dataclass(frozen=True)
class _Parsed:
    """A comment split around its first ``noqa:`` directive."""

    prefix: str  # text before the directive (``# type: ignore  ``)
    head: str  # the directive word and colon, as written
    tokens: Tuple[str, ...]  # the code list
    comma: bool  # whether the code list is comma-separated
    rest: str  # a reason and/or another comment after the code list


def _parse(text: str, names_to_codes: Mapping[str, str]) -> Optional[_Parsed]:
    match = _NOQA_HEAD.search(text)
    if match is None:
        return None
    tokens: List[str] = []
    position = match.end()
    end = position
    while True:
        token = _TOKEN.match(text, position)
        if token is None:
            break
        word = token.group(0)
        if not (_TOOL_CODE.fullmatch(word) or word in names_to_codes):
            break  # the start of a free-text reason
        tokens.append(word)
        end = token.end()
        separator = _SEPARATOR.match(text, end)  # `[\s,]*` matches everywhere
        position = separator.end() if separator is not None else end
    if not tokens:
        return None
    region = text[match.end() : end]
    return _Parsed(
        text[: match.start()],
        text[match.start() : match.end()],
        tuple(tokens),
        "," in region,
        text[end:],
    )


def _our_code(token: str, names_to_codes: Mapping[str, str]) -> Optional[str]:
    """The rule code a token names (a CNF code, known or not, or one of our rule names)."""
    if token in names_to_codes:
        return names_to_codes[token]
    if _OUR_CODE.fullmatch(token):
        return token.upper()
    return None


def _names_to_codes() -> Dict[str, str]:
    from conformance.rules import specs

    return {spec.name: spec.code for spec in specs()}


def parse_directives(
    path: str, comments: Sequence[NoqaComment], names_to_codes: Dict[str, str], codes: Set[str]
) -> List[Directive]:
    """The ``# noqa: ...`` comments of one file that name at least one of our codes or names."""
    out: List[Directive] = []
    for comment in comments:
        parsed = _parse(comment.text, names_to_codes)
        if parsed is None:
            continue
        ours: List[str] = []
        unknown: List[str] = []
        for token in parsed.tokens:
            code = _our_code(token, names_to_codes)
            if code is None:
                continue
            if code in codes:
                ours.append(code)
            elif re.fullmatch(r"CNF\d+", code) and code not in unknown:
                unknown.append(code)
        if ours or unknown:
            out.append(
                Directive(
                    path,
                    comment.line,
                    comment.column,
                    tuple(ours),
                    tuple(unknown),
                    comment.text.strip(),
                )
            )
    return out


def remove_codes(
    comment_text: str,
    codes: Iterable[str],
    names_to_codes: Optional[Mapping[str, str]] = None,
) -> Optional[str]:
    """``comment_text`` (a whole comment token, from ``#``) without the given rule codes: the fix
    of CNF902. Pure.

    Tokens naming one of ``codes`` (by code, case-insensitively, or by rule name) are removed, and
    so is every repeat of a code already named. Other tools' codes, the free-text reason and any
    text around the directive stay. When the directive has no code left, it goes with its reason;
    the text before it and a further comment after it stay. Returns None when nothing of the
    comment is left (remove the comment), and ``comment_text`` unchanged when there is no
    ``noqa:`` directive or nothing to remove.
    """
    table = _names_to_codes() if names_to_codes is None else names_to_codes
    parsed = _parse(comment_text, table)
    if parsed is None:
        return comment_text
    drop = {c.upper() for c in codes}
    kept: List[str] = []
    seen: Set[str] = set()
    for token in parsed.tokens:
        code = _our_code(token, table)
        if code is not None and (code in drop or code in seen):
            continue
        if code is not None:
            seen.add(code)
        kept.append(token)
    if len(kept) == len(parsed.tokens):
        return comment_text
    if kept:
        joined = (", " if parsed.comma else " ").join(kept)
        return parsed.prefix + parsed.head + joined + parsed.rest
    pieces = [parsed.prefix.strip()]
    hash_at = parsed.rest.find("#")
    if hash_at >= 0:
        pieces.append(parsed.rest[hash_at:].strip())
    remaining = "  ".join(p for p in pieces if p)
    return remaining or None


@dataclass(frozen=True)
class CommentEdit:
    """The fix of one CNF902 finding: on ``line``, the comment spanning ``column`` to
    ``end_column`` (1-based, end exclusive; code points) reads ``old`` and becomes ``new`` (None:
    remove the comment and the blanks before it)."""

    line: int
    column: int
    end_column: int
    old: str
    new: Optional[str]


def comment_edit(
    violation: Violation, names_to_codes: Optional[Mapping[str, str]] = None
) -> Optional[CommentEdit]:
    """The comment edit that fixes a CNF902 finding (None for any other finding). Pure: derived
    from the finding alone, so it works on cached findings too."""
    if violation.code != UNUSED_CODE or violation.location.line is None:
        return None
    raw, sep, codes = violation.fingerprint_text.rpartition(_FIX_SEPARATOR)
    if not sep:
        return None
    column = violation.location.column or 1
    return CommentEdit(
        line=violation.location.line,
        column=column,
        end_column=column + len(raw),
        old=raw,
        new=remove_codes(raw, [c for c in codes.split(",") if c], names_to_codes),
    )


def edit_line(line_text: str, edit: CommentEdit) -> Optional[str]:
    """``line_text`` (one source line without its line break) with ``edit`` applied. Returns None
    when the line held nothing but the comment and the whole line should go. Raises ValueError
    when the line does not hold ``edit.old`` at ``edit.column`` (the file changed)."""
    start = edit.column - 1
    end = start + len(edit.old)
    if line_text[start:end] != edit.old:
        raise ValueError(f"line {edit.line} no longer holds `{edit.old}`")
    if edit.new is not None:
        return line_text[:start] + edit.new + line_text[end:]
    before = line_text[:start].rstrip()
    after = line_text[end:]
    if not before and not after.strip():
        return None
    return before + after


def per_file_ignored(path: str, code: str, table: Iterable[Tuple[str, Tuple[str, ...]]]) -> bool:
    """Whether ``per-file-ignores`` silences ``code`` in ``path`` (globs, code prefixes, names).

    ``path`` may be a file that does not exist (a missing required file) or a folder: a glob
    matches it, or a folder holding it (``cpv3/modules/legacy`` and ``cpv3/modules/legacy/*``
    both cover ``cpv3/modules/legacy/service.py``).
    """
    names: Optional[Dict[str, str]] = None
    for glob, selectors in table:
        if not (glob_match(glob, path) or glob_match(glob.rstrip("/") + "/**", path)):
            continue
        for selector in selectors:
            key = selector.strip().upper()
            if key == "ALL" or code.startswith(key):
                return True
            if not _OUR_CODE.match(key):
                names = _names_to_codes() if names is None else names
                if names.get(selector.strip()) == code:
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
    this run did not select may well be needed. Unknown CNF codes and repeated codes are always
    reported.
    """
    judged_codes = set(judged)
    by_line: Dict[Tuple[str, int], List[Directive]] = {}
    for directive in directives:
        by_line.setdefault((directive.path, directive.line), []).append(directive)
    used: Set[Tuple[str, int, str]] = set()
    outcome = SuppressionOutcome()
    for violation in violations:
        lines = {
            line for line in (violation.location.line, violation.statement_line) if line is not None
        }
        hit = False
        for line in lines:
            for directive in by_line.get((violation.path, line), ()):
                if violation.code in directive.codes:
                    used.add((directive.path, directive.line, violation.code))
                    hit = True
        (outcome.suppressed if hit else outcome.kept).append(violation)
    if report_unused:
        for directive in directives:
            stale: List[str] = []
            for code in directive.codes:
                if code in stale or code not in judged_codes:
                    continue
                if (directive.path, directive.line, code) not in used:
                    stale.append(code)
            duplicates = [c for c in directive.duplicates if c not in stale]
            problems = [f"unused suppression of {code}" for code in stale]
            problems += [f"duplicate suppression of {code}" for code in duplicates]
            problems += [f"unknown rule code {code}" for code in directive.unknown]
            if not problems:
                continue
            # Repeats are dropped by the fix whatever the list says; the list names the codes
            # whose every mention goes.
            removable = stale + list(directive.unknown)
            outcome.unused.append(
                UnusedSuppression.make_violation(
                    directive.path,
                    Location(
                        directive.line,
                        directive.column,
                        directive.line,
                        directive.column + len(directive.raw),
                    ),
                    f"{'; '.join(problems)} in `{directive.raw}`",
                    fix=UnusedSuppression.fix,
                    fingerprint_text=directive.raw + _FIX_SEPARATOR + ",".join(removable),
                )
            )
    return outcome
