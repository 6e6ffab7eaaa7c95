"""``--register``: add the new router to the app, next to the existing ``include_router`` calls,
when exactly one file outside the module packages makes them, all in one block on one object."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple

from conformance.snapshot import Snapshot


class RegisterError(Exception):
    """The app's ``include_router`` calls cannot be found unambiguously."""


@dataclass(frozen=True)
class Registration:
    path: Optional[str]  # the app file (relative), None when not found unambiguously
    import_line: str
    call_line: str


@dataclass(frozen=True)
class _Site:
    """One ``X.include_router(...)`` statement: its receiver, block, last line, indentation."""

    receiver: str
    block: int
    end_line: int  # 1-based last line of the statement
    indent: str


@dataclass(frozen=True)
class _AppFile:
    sites: Tuple[_Site, ...]
    last_import_line: int  # 1-based last line of the last module-level import, 0 if none
    newline: str


def app_files(snapshot: Snapshot) -> List[str]:
    """Paths of the files outside module packages that call ``X.include_router(...)`` (found
    as text, then confirmed on the parsed file)."""
    out: List[str] = []
    for file in snapshot.layout.files:
        if file.feature:
            continue
        try:
            with open(os.path.join(snapshot.layout.root, file.path), encoding="utf-8") as handle:
                source = handle.read()
        except (OSError, UnicodeDecodeError):
            continue
        if ".include_router(" not in source:
            continue
        try:
            sites = _read_app(source).sites
        except Exception:  # does not parse: not a place to register anything
            continue
        if sites:
            out.append(file.path)
    return sorted(out)


def _read_app(source: str) -> _AppFile:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    wrapper = MetadataWrapper(cst.parse_module(source))
    positions = wrapper.resolve(PositionProvider)
    module = wrapper.module
    sites: List[_Site] = []
    blocks = 0

    def scan(body: Sequence[Any]) -> None:
        nonlocal blocks
        number = blocks
        blocks += 1
        for statement in body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    call = small.value if isinstance(small, cst.Expr) else None
                    if (
                        isinstance(call, cst.Call)
                        and isinstance(call.func, cst.Attribute)
                        and call.func.attr.value == "include_router"
                        and isinstance(call.func.value, cst.Name)
                    ):
                        where = positions[statement]
                        indent = " " * (where.start.column)
                        sites.append(_Site(call.func.value.value, number, where.end.line, indent))
            elif isinstance(statement, (cst.FunctionDef, cst.If, cst.With)):
                if isinstance(statement.body, cst.IndentedBlock):
                    scan(statement.body.body)

    scan(module.body)
    last_import = 0
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine) and any(
            isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
        ):
            last_import = positions[statement].end.line
    return _AppFile(tuple(sites), last_import, module.default_newline)


def plan(snapshot: Snapshot, package: str, router_stem: str, name: str) -> Registration:
    """The two lines that register the router, and the app file when there is one."""
    alias = f"{name}_router"
    import_line = f"from {package}.{router_stem} import router as {alias}"
    files = app_files(snapshot)
    receiver = "app"
    path: Optional[str] = None
    if len(files) == 1:
        path = files[0]
        try:
            with open(os.path.join(snapshot.layout.root, path), encoding="utf-8") as handle:
                sites = _read_app(handle.read()).sites
        except Exception:  # unreadable or unparsable: the lines are still worth printing
            sites = ()
        if sites:
            receiver = sites[-1].receiver
    return Registration(path, import_line, f"{receiver}.include_router({alias})")


def apply(snapshot: Snapshot, registration: Registration) -> Tuple[str, str]:
    """(absolute path, new text) of the app file with the import and the call added. Raises
    RegisterError when the place is not unambiguous."""
    import libcst as cst

    files = app_files(snapshot)
    if not files:
        raise RegisterError("--register: no include_router call outside the module packages")
    if len(files) > 1:
        raise RegisterError(
            f"--register: include_router is called in {len(files)} files ({', '.join(files)});"
            " add the lines by hand"
        )
    path = os.path.join(snapshot.layout.root, files[0])
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            source = handle.read()
        app = _read_app(source)
    except (OSError, UnicodeDecodeError) as error:
        raise RegisterError(f"--register: cannot read {files[0]}: {error}") from None
    except Exception as error:  # libcst.ParserSyntaxError
        raise RegisterError(f"--register: {files[0]} does not parse: {error}") from None
    if len({s.block for s in app.sites}) > 1 or len({s.receiver for s in app.sites}) > 1:
        raise RegisterError(
            f"--register: {files[0]} calls include_router in more than one place or on more"
            " than one object; add the lines by hand"
        )
    if not app.sites:
        raise RegisterError(f"--register: {files[0]}: no X.include_router(...) statement")
    alias = registration.call_line.rpartition("(")[2].rstrip(")")
    if alias in source:
        raise RegisterError(f"--register: {files[0]} already uses the name {alias}")
    lines = source.splitlines(keepends=True)
    last = app.sites[-1]
    inserts = [
        (last.end_line, f"{last.indent}{registration.call_line}{app.newline}"),
        (app.last_import_line, registration.import_line + app.newline),
    ]
    for at, line in sorted(inserts, reverse=True):  # the later place first: lines stay valid
        lines.insert(at, line)
    text = "".join(lines)
    cst.parse_module(text)  # still parses
    return path, text
