"""The default human report: findings grouped by file, each with a code frame (the source lines,
a caret under the range, as ruff shows them) and a ``help:`` line when the hint adds something
the message does not say (once per file for the same hint), then a summary.

Lines are built as styled spans (:class:`Line`); rich renders them only when the report is in
colour (or has tabs, which rich expands by display cells), so a report to a file, a pipe or a CI
log never imports it. User-supplied text (paths, messages, hints, notes) becomes
:class:`rich.text.Text` spans, never parsed as markup, so a message like ``Depends[Session]`` or
``[red]`` prints literally and ``:emoji:`` codes stay as written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from conformance.diagnostics import FixSafety, Severity, Violation
from conformance.reporters import ReportContext
from conformance.reporters.concise import is_fix_applicable, location_prefix, printable_path

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


class Line:
    """One line of the report: its (text, style) spans, style "" for none."""

    __slots__ = ("spans",)

    def __init__(self, text: str = "", style: str = "") -> None:
        self.spans: list[tuple[str, str]] = [(text, style)] if text else []

    def append(self, text: str, style: str = "") -> None:
        self.spans.append((text, style))

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.spans)

    def rich(self) -> Text:
        from rich.text import Text

        line = Text()
        for text, style in self.spans:
            line.append(text, style=style or None)
        return line


#: The characters rich's Text drops (``rich.control.strip_control_codes``): the plain rendering
#: drops them too, so it prints what rich would.
_RICH_STRIPS = {7: None, 8: None, 11: None, 12: None, 13: None}

#: Wide enough that rich never wraps a long path or message; soft wrap disables wrapping anyway.
_WIDTH = 200
_INDENT = "    "


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _indent_continuation(text: str) -> str:
    """Continuation lines of a multi-line message stay visibly part of their finding; a lone CR
    would make a terminal overwrite the start of the line."""
    return ("\n" + _INDENT).join(text.splitlines())


def _group_by_file(violations: Sequence[Violation]) -> dict[str, list[Violation]]:
    """Keep the caller's order: files in order of first appearance, findings in input order."""
    groups: dict[str, list[Violation]] = {}
    for violation in violations:
        groups.setdefault(violation.path, []).append(violation)
    return groups


def _finding_line(violation: Violation, context: ReportContext) -> Line:
    code_style = "bold red" if violation.severity is Severity.ERROR else "bold yellow"
    line = Line()
    line.append(location_prefix(violation), style="bold")
    line.append(": ")
    line.append(violation.code, style=code_style)
    line.append(" ")
    if is_fix_applicable(violation, context.unsafe_fixes_enabled):
        # After the code, as ruff does, so `path:line:col: CODE` reads the same as --format concise.
        line.append("[*]", style="cyan")
        line.append(" ")
    line.append(_indent_continuation(violation.message))
    return line


#: Lines of a long range shown before and after the elision.
_FRAME_EDGE = 2
_TAB = "    "


def _frame_text(line: str) -> str:
    """A source line as printed: tabs expanded (so carets line up), control characters escaped
    (a stray escape sequence in a file must not reach the terminal)."""
    line = line.rstrip("\r\n").replace("\t", _TAB)
    if line.isprintable():
        return line
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in line)


def _frame(violation: Violation, source: str) -> list[Line]:
    """The code frame of a finding with a position: the lines of its range (long ranges elided
    in the middle), a gutter with line numbers, carets under the flagged columns."""
    from conformance.edits import split_lines

    location = violation.location
    if location.line is None:
        return []
    lines = split_lines(source)
    first = location.line
    last = max(first, location.end_line or first)
    if first > len(lines):
        return []
    last = min(last, len(lines))
    numbers = list(range(first, last + 1))
    if len(numbers) > 2 * _FRAME_EDGE + 1:
        numbers = numbers[:_FRAME_EDGE] + [0] + numbers[-_FRAME_EDGE:]
    width = len(str(last))
    gutter = " " * width + " |"
    out = [Line(gutter, "blue")]
    for number in numbers:
        if number == 0:
            out.append(Line(" " * width + " :", "blue"))
            continue
        raw = lines[number - 1].rstrip("\r\n")
        shown = _frame_text(raw)
        row = Line()
        row.append(f"{number:>{width}} | ", "blue")
        row.append(shown)
        out.append(row)
        if number not in (first, last):
            continue
        start_col = (location.column or 1) if number == first else len(raw) - len(raw.lstrip()) + 1
        if number == last and location.end_column is not None:
            end_col = location.end_column
        else:
            end_col = len(raw) + 1
        start = len(_frame_text(raw[: start_col - 1]))
        end = max(len(_frame_text(raw[: max(end_col - 1, 0)])), start + 1)
        carets = Line()
        carets.append(gutter + " ", "blue")
        carets.append(" " * start)
        carets.append("^" * (end - start), "bold red")
        out.append(carets)
    out.append(Line(gutter, "blue"))
    return out


def adds_to(hint: str, message: str) -> bool:
    """Whether a fix hint says something the message does not (a hint that repeats the message,
    or is part of it, is noise under it)."""

    def words(text: str) -> str:
        return " ".join(text.lower().replace("`", "").rstrip(".").split())

    said, hinted = words(message), words(hint)
    return bool(hinted) and hinted not in said


def _help_line(violation: Violation) -> Line:
    line = Line()
    line.append(_INDENT[:2])
    line.append("help", "bold cyan")
    line.append(": " + _indent_continuation(violation.fix_hint))
    return line


def _fix_label(fixes: Sequence[FixSafety | None]) -> str:
    if FixSafety.SAFE in fixes:
        return "safe"
    if FixSafety.UNSAFE in fixes:
        return "unsafe"
    return "-"


def statistics_rows(
    violations: Sequence[Violation], context: ReportContext
) -> list[tuple[str, str, str, str]]:
    """Rows of (count, code, name, fix), most frequent first, so adoption starts where it pays."""
    by_code: dict[str, list[Violation]] = {}
    for violation in violations:
        by_code.setdefault(violation.code, []).append(violation)
    ordered = sorted(by_code.items(), key=lambda item: (-len(item[1]), item[0]))
    rows: list[tuple[str, str, str, str]] = []
    for code, found in ordered:
        info = context.rules.get(code)
        name = info.name if info is not None else found[0].name
        rows.append((str(len(found)), code, name, _fix_label([v.fix for v in found])))
    return rows


def _statistics_table(violations: Sequence[Violation], context: ReportContext) -> list[Line]:
    """A plain aligned table, not a boxed rich.Table: no box-drawing characters for terminals
    without Unicode, no trailing padding for anyone diffing the output."""
    header = ("Count", "Code", "Name", "Fix")
    rows = statistics_rows(violations, context)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def cells(row: tuple[str, str, str, str]) -> str:
        parts = [row[0].rjust(widths[0]), row[1].ljust(widths[1]), row[2].ljust(widths[2]), row[3]]
        return "  ".join(parts)

    table = [Line(cells(header), "bold")]
    table.extend(Line(cells(row)) for row in rows)
    return table


def _summary(violations: Sequence[Violation], context: ReportContext) -> list[Line]:
    lines: list[Line] = []
    if context.fix_applied:
        lines.append(Line(f"Fixed {_plural(context.fix_applied, 'finding')}.", "bold"))
    if violations:
        files = len({v.path for v in violations})
        found = f"Found {_plural(len(violations), 'finding')} in {_plural(files, 'file')}."
        lines.append(Line(found, "bold"))
    else:
        lines.append(Line("All checks passed!", "bold green"))
    safe = sum(1 for v in violations if v.fix is FixSafety.SAFE)
    unsafe = sum(1 for v in violations if v.fix is FixSafety.UNSAFE)
    if context.unsafe_fixes_enabled:
        fixable, hidden = safe + unsafe, 0
    else:
        fixable, hidden = safe, unsafe
    if fixable:
        fix_option = "--fix --unsafe-fixes" if context.unsafe_fixes_enabled and unsafe else "--fix"
        line = Line()
        line.append("[*]", "cyan")
        line.append(f" {fixable} fixable with {fix_option}.")
        lines.append(line)
    if hidden:
        more = "more " if fixable else ""
        lines.append(Line(f"{hidden} {more}fixable with --unsafe-fixes."))
    lines.extend(Line(note, "yellow") for note in context.notes)
    return lines


def _console(buffer: io.StringIO, context: ReportContext) -> Console:
    from rich.console import Console

    return Console(
        file=buffer,
        force_terminal=context.color,
        no_color=not context.color,
        # Explicit: "auto" would consult TERM/COLORTERM, and a renderer must not read the env.
        color_system="standard" if context.color else None,
        width=_WIDTH,
        highlight=False,
        soft_wrap=True,
        emoji=False,
        markup=False,
        legacy_windows=False,
        force_jupyter=False,
        force_interactive=False,
        # rich otherwise reads NO_COLOR, FORCE_COLOR, TTY_COMPATIBLE, COLUMNS, ... from os.environ;
        # cli.py has already decided all of that and passed it in the context.
        _environ={},
    )


def render_statistics(violations: Sequence[Violation], context: ReportContext) -> str:
    """``--statistics`` alone: only the table (ruff's), nothing when there are no findings."""
    return _printed(_statistics_table(violations, context), context) if violations else ""


def render(violations: Sequence[Violation], context: ReportContext) -> str:
    # One print of the whole report: rich's per-call overhead, not the text, dominated the
    # time of a warm run with a few hundred findings.
    out: list[Line] = []
    for index, (path, found) in enumerate(_group_by_file(violations).items()):
        if index:
            out.append(Line())
        out.append(Line(printable_path(path), "bold underline"))
        helped: set[str] = set()
        for violation in found:
            out.append(_finding_line(violation, context))
            source = context.sources.get(violation.path)
            if source is not None:
                out.extend(_frame(violation, source))
            # the same help under several findings of one file is said once, at the first
            if adds_to(violation.fix_hint, violation.message) and violation.fix_hint not in helped:
                helped.add(violation.fix_hint)
                out.append(_help_line(violation))
    if violations:
        out.append(Line())
    if context.show_statistics and violations:
        out.extend(_statistics_table(violations, context))
        out.append(Line())
    out.extend(_summary(violations, context))
    return _printed(out, context)


def _printed(lines: Sequence[Line], context: ReportContext) -> str:
    """``lines`` as rich prints them. Without colour and tabs that is their plain text, so rich
    (its import and its renderer, most of a warm run's report) is skipped; tabs are expanded by
    rich, by display cells. One print for the whole report: rich's cost is per call."""
    if not context.color:
        plain = "\n".join(line.plain for line in lines).translate(_RICH_STRIPS) + "\n"
        if "\t" not in plain:
            return plain
    from rich.text import Text

    buffer = io.StringIO()
    _console(buffer, context).print(Text("\n").join(line.rich() for line in lines))
    return buffer.getvalue()
