"""Renderers: each output format is a module with a pure ``render(violations, context) -> str``.

Renderers never read files, environment or streams: ``cli.py`` hands them everything they need in a
:class:`ReportContext` and writes what they return. Input is already sorted, with paths relative
to ``ReportContext.base``; a renderer must keep that order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from conformance.diagnostics import FindingFix, Violation

FORMATS: Tuple[str, ...] = ("text", "concise", "json", "sarif", "github", "gitlab", "junit")


@dataclass(frozen=True)
class RuleInfo:
    """What a renderer may say about a rule (SARIF rule metadata, text summaries)."""

    code: str
    name: str
    summary: str
    docs: str  # the rule's full Markdown documentation ("" when ``load_docs`` gives it)
    url: str  # link to the rule's generated page
    fix: str = "none"  # "none", "safe" or "unsafe"
    default: bool = True
    #: gives the docs on demand: they live in the rule's class, and importing rule modules costs
    #: more than a warm run; only SARIF prints them
    load_docs: Optional[Callable[[], str]] = field(default=None, compare=False, repr=False)

    def full_docs(self) -> str:
        """The rule's full Markdown documentation."""
        if not self.docs and self.load_docs is not None:
            return self.load_docs()
        return self.docs


@dataclass(frozen=True)
class ReportContext:
    """Everything about the run that a renderer may print besides the findings."""

    tool_version: str
    rules: Mapping[str, RuleInfo] = field(default_factory=dict)  # code -> info, every known rule
    files_checked: int = 0
    color: bool = False  # the text renderer may use colour (terminal, FORCE_COLOR, not NO_COLOR)
    show_statistics: bool = False
    fix_applied: int = 0  # findings removed by --fix in this run
    unsafe_fixes_enabled: bool = False
    notes: Tuple[str, ...] = ()  # extra one-line notes for the text summary (e.g. warnings)
    # Absolute folder the findings' paths are relative to (the cwd; the repository root for SARIF
    # and GitLab); "" when unknown (a library caller rendering paths of its own).
    base: str = ""
    # Configuration and discovery warnings of the run (SARIF toolExecutionNotifications).
    warnings: Tuple[str, ...] = ()
    # A finding's fix as edits (JSON ``fix.edits``); findings without an entry have none known.
    fixes: Mapping[Violation, FindingFix] = field(default_factory=dict)
    # path -> the file's text, for the text format's code frames (files with findings only).
    sources: Mapping[str, str] = field(default_factory=dict)


def render(fmt: str, violations: Sequence[Violation], context: ReportContext) -> str:
    """Render ``violations`` in format ``fmt`` (one of :data:`FORMATS`). Imports lazily so that a
    run prints JSON without importing rich."""
    import importlib

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    module = importlib.import_module(f"conformance.reporters.{fmt}")
    result: str = module.render([_without_controls(v, fmt) for v in violations], context)
    if fmt in _JSON_FORMATS:
        result = _RAW_IN_STRUCTURED.sub(lambda m: f"\\u{ord(m.group()):04x}", result)
    elif fmt in _XML_FORMATS:
        result = _RAW_IN_STRUCTURED.sub(lambda m: f"&#x{ord(m.group()):x};", result)
    return result


# -- control characters -------------------------------------------------------------------------
# Messages quote the checked code (string literals as libcst evaluates them, suppression comments)
# and paths are file names: either may carry ESC, BEL or a bidirectional override, which a
# terminal or a CI log viewer would obey (set the window title, clear the screen, reorder the
# line). They are written as Python escapes (``\x1b``) in every format; the JSON and XML
# serialisers escape C0 themselves, and keep the exact value of a path.

#: C0 controls but tab and newline (messages may span lines; CR before LF is a line end), DEL, C1 controls, and the Unicode
#: characters that reorder or break text (bidirectional controls, line and paragraph separators).
_STEERING = re.compile(
    "\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)

#: Colour codes (SGR and other CSI sequences): the GitHub format drops them, as its log viewer
#: would render them; every other format escapes them like any control character.
ANSI_SEQUENCE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")

#: What JSON and XML serialisers leave raw (they escape C0): written as escapes of the format.
_RAW_IN_STRUCTURED = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)

_JSON_FORMATS = frozenset({"json", "sarif", "gitlab"})
_XML_FORMATS = frozenset({"junit"})


def printable(text: str) -> str:
    """``text`` with every character that steers a terminal written as a Python escape."""
    return _STEERING.sub(lambda m: repr(m.group())[1:-1], text)


def _without_controls(violation: Violation, fmt: str) -> Violation:
    message, hint = violation.message, violation.fix_hint
    if fmt == "github":
        message, hint = ANSI_SEQUENCE.sub("", message), ANSI_SEQUENCE.sub("", hint)
    message, hint = printable(message), printable(hint)
    # Structured formats keep the exact path (a tool opens the file by it); the others escape it.
    path = (
        violation.path if fmt in _JSON_FORMATS or fmt in _XML_FORMATS else printable(violation.path)
    )
    if (message, hint, path) == (violation.message, violation.fix_hint, violation.path):
        return violation
    return replace(violation, message=message, fix_hint=hint, path=path)


def statistics(violations: Sequence[Violation]) -> Dict[str, int]:
    """Count findings per code, for --statistics."""
    counts: Dict[str, int] = {}
    for violation in violations:
        counts[violation.code] = counts.get(violation.code, 0) + 1
    return dict(sorted(counts.items()))


def unique_fingerprints(
    violations: Sequence[Violation], digest: Callable[[Violation, int], str]
) -> List[str]:
    """One fingerprint per finding, unique within the report: ``digest(violation, 0)`` for the
    first finding of an identity, ``digest(violation, n)`` for its repeats (two identical calls in
    one file). Only repeats are salted, so a finding's fingerprint does not depend on others
    unless it repeats them; CI services merge findings that share a fingerprint."""
    seen: Dict[str, int] = {}
    used: Set[str] = set()
    out: List[str] = []
    for violation in violations:
        base = digest(violation, 0)
        occurrence = seen.get(base, 0)
        fingerprint = digest(violation, occurrence)
        while fingerprint in used:
            occurrence += 1
            fingerprint = digest(violation, occurrence)
        seen[base] = occurrence + 1
        used.add(fingerprint)
        out.append(fingerprint)
    return out
