"""The file pass: decode, parse once, walk once, and return facts and findings.

``analyze_file`` is a pure function of (file, bytes, settings): it never looks at other files, so
it runs in worker processes and its result is cached by content hash. Whatever depends on another
file travels as a :class:`~conformance.results.Candidate` (a finding with a condition) to the
project index. The parts: ``source`` (decoding), ``walker`` (the traversal), ``collect`` (facts),
``context`` (the rule API), ``positions`` (line and column numbers, locators).
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import List, Optional, Sequence, Tuple, Type

import libcst as cst

from conformance.conditions import Condition
from conformance.context import FileContext, FileState, PendingReport, file_facts
from conformance.diagnostics import Location, Violation
from conformance.index import ProjectIndex
from conformance.model import SourceFile
from conformance.parseguard import PRECHECK_HINT, prechecked
from conformance.plain import Packed, Unencodable
from conformance.positions import Request, fingerprint_text, scoped_node_spans, to_location
from conformance.recursion import deep_recursion
from conformance.results import AnalysisSettings, Candidate, FileResult, Replacement
from conformance.roles import role_matcher
from conformance.rules.base import FileRule
from conformance.rules.checker.unparsable_file import UnparsableFile
from conformance.scope import Resolver
from conformance.source import decode_source, noqa_comments, syntax_error_place
from conformance.walker import Walker


def parse_error(path: str, message: str, line: Optional[int], column: Optional[int]) -> Violation:
    """CNF901 for a file the checker cannot read, decode or parse."""
    return UnparsableFile.make_violation(
        path, Location(line, column, line, column), message, fingerprint_text=message
    )


def analyze_file(
    file: SourceFile,
    data: bytes,
    settings: AnalysisSettings,
    rule_classes: Sequence[Type[FileRule]],
    *,
    keep_fixes: bool = False,
) -> FileResult:
    """Decode, parse and check one file; never raises for bad input (CNF901 instead)."""
    try:
        source, encoding, bom = decode_source(data)
    except ValueError as error:
        return FileResult(file.path, None, (parse_error(file.path, str(error), 1, 1),))
    refused, tree = prechecked(
        source
    )  # what would crash libcst's parser, or keep it busy for minutes
    if refused is not None:
        message, line, column = refused
        finding = replace(parse_error(file.path, message, line, column), fix_hint=PRECHECK_HINT)
        return FileResult(file.path, None, (finding,), encoding=encoding, bom=bom)
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        line, column, message = syntax_error_place(
            source, error.raw_line, error.raw_column + 1, str(error.message)
        )
        return FileResult(
            file.path,
            None,
            (parse_error(file.path, f"cannot parse: {message}", line, column),),
            encoding=encoding,
            bom=bom,
        )
    except (RecursionError, MemoryError):
        message = "cannot parse: the file is nested too deeply"
        return FileResult(file.path, None, (parse_error(file.path, message, 1, 1),))
    # The walk is iterative; libcst's code generator and some rules recurse per nesting level.
    with deep_recursion():
        return _check(file, source, module, tree, settings, rule_classes, keep_fixes, encoding, bom)


def _check(
    file: SourceFile,
    source: str,
    module: cst.Module,
    tree: Optional[ast.Module],
    settings: AnalysisSettings,
    rule_classes: Sequence[Type[FileRule]],
    keep_fixes: bool,
    encoding: str,
    bom: bool,
) -> FileResult:
    roles = role_matcher(settings.config)
    state = FileState(Resolver(file.module, file.is_package))
    ctx = FileContext(file, module, settings, roles, state)
    in_scope_of_roles = file.role is not None or file.feature is not None
    rules = [
        rule_class(ctx)
        for rule_class in rule_classes
        if rule_class.applies_to == "all" or in_scope_of_roles
    ]
    Walker(ctx, state, rules).run(module)
    for rule in rules:
        rule.finish()

    facts = file_facts(file, state)
    local_index = ProjectIndex(
        [facts],
        project_packages=settings.project_packages,
        roles={file.module: (file.roles, file.feature)},
        role_for_module=roles.roles_for_module,
        complete=False,
    )
    kept: List[Tuple[PendingReport, Optional[Condition]]] = []
    for pending in state.pending:
        if pending.when is None:
            kept.append((pending, None))
            continue
        verdict = pending.when.evaluate(local_index)
        if verdict is True:
            describe = getattr(pending.when, "detail", None)
            if "{detail}" in pending.message and callable(describe):
                pending.message = pending.message.replace("{detail}", describe(local_index) or "")
            kept.append((pending, None))
        elif verdict is None:
            kept.append((pending, pending.when))

    def deferred(pending: PendingReport, condition: Optional[Condition]) -> bool:
        return condition is not None and pending.locator is not None and not keep_fixes

    targets: List[Request] = []
    statements: List[Request] = []  # only their first line is used
    for pending, condition in kept:
        if deferred(pending, condition):
            continue
        targets.append((pending.node, pending.units))
        if pending.statement is not None:
            statements.append((pending.statement, pending.units))
    spans = scoped_node_spans(module, source, tree, targets, statements) if targets else {}

    violations: List[Violation] = []
    candidates: List[Candidate] = []
    replacements: List[Replacement] = []
    for pending, condition in kept:
        span = spans.get(id(pending.node))
        if deferred(pending, condition):
            location = Location()  # located by the engine if the condition holds
        elif span:
            location = to_location(span)
        else:
            location = Location(1, 1, 1, 1)
        statement_span = spans.get(id(pending.statement)) if pending.statement is not None else None
        fingerprint = pending.fingerprint
        if fingerprint is None and not deferred(pending, condition):
            fingerprint = fingerprint_text(module, pending.node)
        violation = pending.rule.make_violation(
            file.path,
            location,
            pending.message,
            fix_hint=pending.fix_hint,
            fix=pending.fix_safety,
            statement_line=statement_span[0] if statement_span else None,
            fingerprint_text=fingerprint or "",
            tags=pending.tags,
        )
        if condition is None:
            violations.append(violation)
        else:
            locator = pending.locator if deferred(pending, condition) else None
            candidates.append(Candidate(violation, condition, locator))
        if keep_fixes and pending.replacement is not None:
            replacements.append(
                Replacement(
                    violation, pending.node, pending.replacement, condition, pending.imports
                )
            )

    return FileResult(
        path=file.path,
        facts=facts,
        violations=tuple(violations),
        candidates=tuple(candidates),
        noqa=noqa_comments(source),
        module=module if keep_fixes else None,
        replacements=tuple(replacements),
        encoding=encoding,
        bom=bom,
    )


def packed(result: FileResult) -> FileResult:
    """``result`` with its candidates held as text (``plain.Packed``): the run keeps every file's
    result until the decision, and the decoded candidates are most of its memory. Encoded once,
    where the file was analysed (a worker), and read once, when they are decided."""
    if not result.candidates or isinstance(result.candidates, Packed):
        return result
    try:
        return replace(result, candidates=Packed.of(result.candidates, Candidate))
    except Unencodable:
        return result  # a family fact that is not plain data: kept as it is (and not cached)
