"""The default human report: findings grouped by file, a ``help:`` line per finding, a summary.

rich is imported inside :func:`render` so that machine formats never pay for it. User-supplied
text (paths, messages, hints, notes) is appended as :class:`rich.text.Text` spans, never parsed as
markup, so a message like ``Depends[Session]`` or ``[red]`` prints literally and ``:emoji:`` codes
stay as written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from conformance.diagnostics import FixSafety, Severity, Violation
from conformance.reporters import ReportContext
from conformance.reporters.concise import is_fix_applicable, location_prefix, printable_path

if TYPE_CHECKING:
    from rich.text import Text

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


def _finding_line(violation: Violation, context: ReportContext) -> Text:
    from rich.text import Text

    code_style = "bold red" if violation.severity is Severity.ERROR else "bold yellow"
    line = Text()
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


def _help_line(violation: Violation) -> Text:
    from rich.text import Text

    line = Text()
    line.append(_INDENT[:2])
    line.append("help", style="bold cyan")
    line.append(": " + _indent_continuation(violation.fix_hint))
    return line


def _fix_label(fixes: Sequence[FixSafety | None]) -> str:
    if FixSafety.SAFE in fixes:
        return "safe"
    if FixSafety.UNSAFE in fixes:
        return "unsafe"
    return "-"


def _statistics_rows(
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


def _statistics_table(violations: Sequence[Violation], context: ReportContext) -> list[Text]:
    """A plain aligned table, not a boxed rich.Table: no box-drawing characters for terminals
    without Unicode, no trailing padding for anyone diffing the output."""
    from rich.text import Text

    header = ("Count", "Code", "Name", "Fix")
    rows = _statistics_rows(violations, context)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def cells(row: tuple[str, str, str, str]) -> str:
        parts = [row[0].rjust(widths[0]), row[1].ljust(widths[1]), row[2].ljust(widths[2]), row[3]]
        return "  ".join(parts)

    table = [Text(cells(header), style="bold")]
    table.extend(Text(cells(row)) for row in rows)
    return table


def _summary(violations: Sequence[Violation], context: ReportContext) -> list[Text]:
    from rich.text import Text

    lines: list[Text] = []
    if context.fix_applied:
        lines.append(Text(f"Fixed {_plural(context.fix_applied, 'finding')}.", style="bold"))
    if violations:
        files = len({v.path for v in violations})
        found = f"Found {_plural(len(violations), 'finding')} in {_plural(files, 'file')}."
        lines.append(Text(found, style="bold"))
    else:
        lines.append(Text("All checks passed!", style="bold green"))
    safe = sum(1 for v in violations if v.fix is FixSafety.SAFE)
    unsafe = sum(1 for v in violations if v.fix is FixSafety.UNSAFE)
    if context.unsafe_fixes_enabled:
        fixable, hidden = safe + unsafe, 0
    else:
        fixable, hidden = safe, unsafe
    if fixable:
        fix_option = "--fix --unsafe-fixes" if context.unsafe_fixes_enabled and unsafe else "--fix"
        line = Text()
        line.append("[*]", style="cyan")
        line.append(f" {fixable} fixable with {fix_option}.")
        lines.append(line)
    if hidden:
        more = "more " if fixable else ""
        lines.append(Text(f"{hidden} {more}fixable with --unsafe-fixes."))
    lines.extend(Text(note, style="yellow") for note in context.notes)
    return lines


def render(violations: Sequence[Violation], context: ReportContext) -> str:
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
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
    for index, (path, found) in enumerate(_group_by_file(violations).items()):
        if index:
            console.print()
        console.print(Text(printable_path(path), style="bold underline"))
        for violation in found:
            console.print(_finding_line(violation, context))
            if violation.fix_hint:
                console.print(_help_line(violation))
    if violations:
        console.print()
    if context.show_statistics and violations:
        for line in _statistics_table(violations, context):
            console.print(line)
        console.print()
    for line in _summary(violations, context):
        console.print(line)
    return buffer.getvalue()
