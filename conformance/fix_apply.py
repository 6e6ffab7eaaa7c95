"""Applying fixes to one file: re-analyse it with its replacement nodes kept, apply the wanted
ones in one libcst transform (:class:`FileFixer`), add the imports they need, and verify that
the result parses and re-encodes. No file is written here (``fix_writes.py``); the rounds over
the project are ``fixes.py``'s."""

from __future__ import annotations

import ast
import codecs
import dataclasses
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import libcst as cst

from conformance.diagnostics import Violation
from conformance.engine import RunResult
from conformance.fix_imports import add_import, import_state
from conformance.recursion import deep_recursion
from conformance.settings import Config
from conformance.suppressions import UNUSED_CODE

ImportSpec = Tuple[str, Optional[str]]


class FixError(Exception):
    """A file's fixes cannot be applied safely; the file is left as it was."""


@dataclass(frozen=True)
class FileEdit:
    data: bytes
    encoding: str


class FileFixer:
    """Re-analyses one file with its fixes kept and applies the wanted ones."""

    def __init__(self, config: Config, paths: Sequence[str], result: RunResult) -> None:
        from conformance.discovery import covers_root, discover
        from conformance.engine import project_packages, selected_rules
        from conformance.results import AnalysisSettings
        from conformance.rules import specs

        # The same settings as engine.run (project packages of the whole project, whatever paths
        # are checked): a finding of this analysis matches the run's by (code, location); one
        # that does not match is simply not fixed.
        rules, file_rules, _ = selected_rules(config)
        whole = result.project_layout
        if whole is None:
            covered = covers_root(config.root, paths)
            whole = result.layout if covered else discover(config, [config.root])
        packages = project_packages(whole)
        self.settings = AnalysisSettings(config, tuple(r.code for r in rules), packages)
        self.file_rules = file_rules
        self.packages = packages
        self.files = {f.path: f for f in result.layout.files}
        self.names_to_codes = {spec.name: spec.code for spec in specs()}

    def fix(self, path: str, data: bytes, wanted: Sequence[Violation]) -> Optional[FileEdit]:
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
        return FileEdit(encode(text, result.encoding, result.bom), result.encoding)

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


def decoded(data: bytes, encoding: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    return data.decode(encoding, errors="replace")


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
