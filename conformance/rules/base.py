"""The rule framework: what a rule is, how it reports, and its examples.

Two kinds of rule:

* :class:`FileRule` sees one parsed file. It defines hooks named after libcst node classes,
  ``visit_Call(self, node)`` and ``leave_ClassDef(self, node)``, which the walker calls during its
  single traversal of the file, and optionally ``finish()`` at the end. It reports with
  :meth:`FileRule.report`; a finding that depends on another file carries ``when=Condition``.
* :class:`ProjectRule` sees the whole project (layout, facts, index) once per run: module shape,
  import cycles, anything that needs every file.

Every rule documents itself in its docstring with the sections of :data:`DOC_SECTIONS` and carries
``VALID`` and ``INVALID`` examples, which the test suite runs for every rule. A docstring leaves out
the sections its attributes already say (``Fix`` without a fix, ``Options`` from ``options``):
:meth:`Rule.docs` writes them.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    ClassVar,
    Dict,
    Iterable,
    Mapping,
    Optional,
    Sequence,
    Tuple,
)

from conformance.diagnostics import FixSafety, Location, Severity, Violation
from conformance.settings import Option

if TYPE_CHECKING:
    import libcst as cst

    from conformance.conditions import Condition
    from conformance.context import FileContext
    from conformance.facts import FileFacts
    from conformance.index import ProjectIndex
    from conformance.project import Project

#: The sections every rule docstring has, in this order (ruff's rule documentation).
DOC_SECTIONS: Tuple[str, ...] = (
    "What it checks",
    "Why",
    "Example",
    "Use instead",
    "Fix",
    "Options",
)

DEFAULT_EXAMPLE_PATH = "cpv3/modules/users/router.py"


@dataclass(frozen=True)
class Expect:
    """One finding an INVALID example must produce. ``line``/``column`` are 1-based; both None
    for a finding about a whole file or folder. ``path`` defaults to the example's first file."""

    line: Optional[int]
    column: Optional[int]
    message: str
    path: Optional[str] = None


@dataclass(frozen=True)
class Example:
    """A small project tree for a rule's tests and docs.

    ``files`` maps relative paths to source (dedented automatically). ``expect`` lists the findings
    of this rule (INVALID examples; VALID ones expect none). ``fixed`` maps paths to the expected
    source after ``--fix`` (with ``unsafe`` also after ``--unsafe-fixes``). ``config`` is the body
    of a ``[tool.conformance]`` table for this example.
    """

    files: Mapping[str, str]
    expect: Sequence[Expect] = ()
    fixed: Mapping[str, str] = field(default_factory=dict)
    config: str = ""
    unsafe: bool = False
    note: str = ""

    @staticmethod
    def code(
        source: str,
        *expect: Expect,
        path: str = DEFAULT_EXAMPLE_PATH,
        fixed: Optional[str] = None,
        extra: Optional[Mapping[str, str]] = None,
        config: str = "",
        unsafe: bool = False,
        note: str = "",
    ) -> Example:
        """An example of one file (plus ``extra`` files), the common case."""
        files: Dict[str, str] = {path: dedent(source)}
        for extra_path, extra_source in (extra or {}).items():
            files[extra_path] = dedent(extra_source)
        return Example(
            files=files,
            expect=tuple(expect),
            fixed={path: dedent(fixed)} if fixed is not None else {},
            config=dedent(config),
            unsafe=unsafe,
            note=note,
        )


def dedent(source: str) -> str:
    """Dedent a triple-quoted example and drop its first newline."""
    text = textwrap.dedent(source)
    return text[1:] if text.startswith("\n") else text


class Rule:
    """Metadata every rule has. Subclasses set the class attributes; the docstring is the docs."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""  # kebab-case, reads after "no"/"allow": "router-imports-repository"
    summary: ClassVar[str] = ""  # one line, shown in listings and SARIF shortDescription
    fix_hint: ClassVar[str] = ""  # how to fix, shown under each finding
    default: ClassVar[bool] = True  # on without being selected by code or name
    fix: ClassVar[Optional[FixSafety]] = None  # the best fix safety the rule can offer
    catalog: ClassVar[str] = ""  # the RULES-CATALOG entry implemented, e.g. "STR001"
    severity: ClassVar[Severity] = Severity.ERROR
    #: codes whose finding on the same node this rule's finding replaces (the more specific wins)
    supersedes: ClassVar[Tuple[str, ...]] = ()
    #: "all": every Python file checked; "roles": only files in module packages or mapped to a role
    applies_to: ClassVar[str] = "all"
    #: roles the rule's premise needs: the rule is off where the configuration removes one
    #: (``repository = []``: no "move the query into the repository" without a repository layer)
    requires_roles: ClassVar[Tuple[str, ...]] = ()
    since: ClassVar[str] = "0.1.0"
    #: the family options the rule reads; its docs list them unless the docstring has ``## Options``
    options: ClassVar[Tuple[Option, ...]] = ()
    VALID: ClassVar[Sequence[Example]] = ()
    INVALID: ClassVar[Sequence[Example]] = ()

    @classmethod
    def docs(cls) -> str:
        """The rule's Markdown documentation: its docstring, dedented, with the sections it leaves
        out written from the attributes, every section in :data:`DOC_SECTIONS` order."""
        text = inspect.cleandoc(cls.__doc__ or "")
        sections = _split_sections(text)
        if sections is None:
            return text
        sections.setdefault("Fix", _generated_fix(cls))
        sections.setdefault("Options", _generated_options(cls.options))
        order = [name for name in DOC_SECTIONS if name in sections]
        order += [name for name in sections if name not in DOC_SECTIONS]
        return "\n\n".join(f"## {name}\n{sections[name]}" for name in order)

    @classmethod
    def make_violation(
        cls,
        path: str,
        location: Location,
        message: Optional[str] = None,
        *,
        fix_hint: Optional[str] = None,
        fix: Optional[FixSafety] = None,
        statement_line: Optional[int] = None,
        fingerprint_text: str = "",
        tags: Tuple[str, ...] = (),
    ) -> Violation:
        return Violation(
            path=path,
            location=location,
            code=cls.code,
            name=cls.name,
            message=message or cls.summary,
            fix_hint=cls.fix_hint if fix_hint is None else fix_hint,
            severity=cls.severity,
            fix=fix,
            statement_line=statement_line,
            fingerprint_text=fingerprint_text,
            tags=tags,
        )


def _split_sections(text: str) -> Optional[Dict[str, str]]:
    """``## Heading`` -> body, in the docstring's order; None when the text does not start with a
    heading (then it is kept as written)."""
    if not text.startswith("## "):
        return None
    sections: Dict[str, str] = {}
    for chunk in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = chunk.partition("\n")
        sections[heading.strip()] = body.strip("\n")
    return sections


def _generated_fix(rule: type[Rule]) -> str:
    if rule.fix is None:
        return "None."
    flag = "--fix" if rule.fix is FixSafety.SAFE else "--unsafe-fixes"
    return f"{rule.fix.value.capitalize()} (`{flag}`)."


def _generated_options(options: Sequence[Option]) -> str:
    if not options:
        return "None."
    lines = []
    for option in options:
        default = option.default
        if isinstance(default, tuple):
            default = list(default)
        lines.append(f"- `{option.key}` (default `{_toml(default)}`): {option.doc}")
    return "\n".join(lines)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return str(value)


class FileRule(Rule):
    """A rule run during the single traversal of one file. A fresh instance per file, so a rule
    may keep per-file state on ``self``."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def report(
        self,
        node: cst.CSTNode,
        message: Optional[str] = None,
        *,
        fix_hint: Optional[str] = None,
        when: Optional[Condition] = None,
        replacement: Optional[cst.CSTNode] = None,
        fix_safety: Optional[FixSafety] = None,
        fingerprint: Optional[str] = None,
        tags: Tuple[str, ...] = (),
        imports: Sequence[Tuple[str, Optional[str]]] = (),
    ) -> None:
        """Report a finding at ``node``.

        ``when``: a condition on other files; the finding stands only if it holds.
        ``replacement``: the node that fixes it (``libcst.RemovalSentinel.REMOVE`` removes the
        node); its safety is ``fix_safety`` or else the rule's ``fix``.
        ``fingerprint``: what identifies the finding apart from its line (default: node source).
        ``imports``: names the replacement needs, ``(module, name)`` for ``from module import
        name`` or ``(module, None)`` for ``import module``; the fix engine adds the missing ones
        once per file, in the file's import style (``docs/fixes.md``).
        """
        self.ctx.add_report(
            self,
            node,
            message or self.summary,
            fix_hint=self.hint() if fix_hint is None else fix_hint,
            when=when,
            replacement=replacement,
            fix_safety=fix_safety if fix_safety is not None else self.fix,
            fingerprint=fingerprint,
            tags=tags,
            imports=tuple(imports),
        )

    def hint(self) -> str:
        """The fix hint of this file's findings: ``fix_hint`` (written with the cpv3 file names,
        as the docs show it), or, in a rule that names a role's file, the hint with the
        configured name (``self.ctx.role_file("router")``)."""
        return self.fix_hint

    def function_end(self, node: cst.FunctionDef) -> None:
        """Called after a function's body was walked, while its scope (parameters, locals) is
        still active: the place for whole-function checks."""

    def class_end(self, node: cst.ClassDef) -> None:
        """Called after a class body was walked, while the class scope is still active."""

    def finish(self) -> None:
        """Called once after the traversal."""


class ProjectRule(Rule):
    """A rule run once per run over the whole project."""

    def check(self, project: Project) -> Iterable[Violation]:
        raise NotImplementedError

    def stands(self, violation: Violation, facts: FileFacts, index: ProjectIndex) -> bool:
        """Whether a finding of :meth:`check` on a checked Python file stands once the file's own
        facts are known: ``check`` sees the layout only, so what a file holds (CNF105 spares a
        file that only wires routers) is decided with the file, on the complete index, which
        tracks what this reads. Default: it stands."""
        return True
