"""``conformance server``: a language server over stdio (pygls and lsprotocol).

* Diagnostics for open documents from their **unsaved** text: didOpen, didChange, didSave and
  didClose; each check covers the document's module package with the whole project's index,
  and every open document of the checked package gets its diagnostics again (a change in
  ``service.py`` can add or remove a finding in the open ``router.py``).
* Files changed on disk (``workspace/didChangeWatchedFiles``, registered when the client allows
  it) re-check the open documents; a changed ``pyproject.toml``/``conformance.toml`` reloads the
  configuration. Settings are the project's own configuration, found per file as on the
  command line.
* Code actions: a quick fix per fixable finding (the finding's own edits, which reproduce
  ``--fix``; unsafe fixes are offered with "(unsafe)" and are never preferred), "Fix all safe
  findings" (``source.fixAll``), and "Suppress CODE with # noqa".
* Each diagnostic carries ``codeDescription.href`` (the rule's page); hover on a flagged range
  shows the rule's documentation.
* What the command line warns about a project (overlapping role patterns, imports no source
  root reaches, no module package; configuration mistakes only the tree shows) is said once as
  ``window/showMessage`` and ``window/logMessage``, and again only when it changes.

Checks run one at a time in a worker thread; edits that arrive meanwhile are coalesced into the
next check, and a result is published only for documents whose version did not change since.

Latency: the engine's state of a project is kept between checks, so a check after an edit decides
again only what the edit changed. The file pass (libcst) is imported when the server starts. After
a project's first diagnostics the server fills its state in the background while the editor is
idle (``Session.fill``: the open documents' results and every file's facts, from the store), in
short steps between checks, so that the first edit is as quick as the next ones. Once the editor
watches the workspace's files, a check reuses the last one's view of which files and folders
exist until a file event (a watched change, a save, a file created, renamed or deleted) says
otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterator,
    List,
    Optional,
    Sequence,
    Set,
    TextIO,
    Tuple,
)

if TYPE_CHECKING:
    from conformance.diagnostics import FindingFix, Violation

EXIT_ERROR = 2
#: Seconds without a request for a check before the server fills its state in the background.
IDLE = 0.3
SOURCE = "conformance"
CONFIG_NAMES = ("pyproject.toml", "conformance.toml")
NOQA = re.compile(r"#\s*noqa:\s*(?P<codes>[A-Za-z0-9_\-]+(?:\s*,\s*[A-Za-z0-9_\-]+)*)")


def add_parser(sub: Any) -> None:
    sub.add_parser("server", help="language server (LSP) over stdio, for editors")


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        server = build_server()
    except ImportError:
        stderr.write(
            "error: `conformance server` needs pygls and lsprotocol:"
            " pip install 'module-conformance[lsp]'\n"
        )
        return EXIT_ERROR
    # The file pass and its parser, imported before the editor's first request: the first edit
    # parses (the checks before it are answered from the store) and would pay for the import.
    _import_file_pass()
    server.start_io()
    return 0


@dataclass(frozen=True)
class Found:
    """A published finding: what the code actions and hover answer from."""

    violation: Violation
    fix: Optional[FindingFix]
    diagnostic: Any  # lsprotocol Diagnostic
    version: Optional[int]


def build_server() -> Any:
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer

    from conformance.session import Session
    from conformance.version import __version__

    server = LanguageServer("module-conformance", __version__)
    session = Session(incremental=True)
    published: Dict[str, List[Found]] = {}
    said: Dict[str, Set[Tuple[Any, str]]] = {}  # project root -> the notes shown for it
    pending: Set[str] = set()
    lock = asyncio.Lock()
    filling: Dict[str, object] = {}  # project root -> the fill of its state, running or done
    tasks: Set[Any] = set()
    asked = [0.0]  # when a check was last asked for (the event loop's clock)

    def document_path(uri: str) -> Optional[str]:
        from pygls.uris import to_fs_path

        if not uri.startswith("file:"):
            return None
        path = to_fs_path(uri)
        return os.path.abspath(path) if path else None

    def open_documents() -> Dict[str, Any]:
        return dict(server.workspace.text_documents)

    def check(paths: List[str], texts: Dict[str, bytes]) -> List[Any]:
        return session.check(paths, texts, fixes=True, fixes_for=list(texts))

    async def fill(root: str, steps: Iterator[None]) -> None:
        """Fill the project's state while the editor is idle: one short step at a time, each
        under the lock, after ``IDLE`` seconds without a request for a check (a check waiting
        for the lock goes first: asyncio's lock serves waiters in order). Edits typed one after
        the other do not wait for it; one typed after a pause waits for one step at most."""
        loop = asyncio.get_running_loop()
        while filling.get(root) is steps:
            quiet = loop.time() - asked[0]
            if pending or lock.locked() or quiet < IDLE:
                await asyncio.sleep(max(IDLE - quiet, IDLE / 10))
                continue
            async with lock:
                if filling.get(root) is not steps:
                    break  # the configuration was reloaded: the state filled is gone
                try:
                    more = await asyncio.to_thread(next, steps, False)
                except Exception:  # a store that cannot be read: the checks say it
                    more = False
            if more is False:
                break

    def tell(part: Any) -> None:
        """The project's problems and warnings, each shown once: a check after an edit says
        nothing new unless the notes changed (a configuration reloaded, files added)."""
        notes = [(types.MessageType.Error, text) for text in part.problems]
        notes += [(types.MessageType.Warning, text) for text in part.warnings]
        root = part.config.root
        before = said.get(root, set())
        said[root] = set(notes)
        where = _where(root, server.workspace.root_path)
        for kind, text in notes:
            if (kind, text) in before:
                continue
            message = f"conformance: {where}{text}"
            server.window_show_message(types.ShowMessageParams(kind, message))
            server.window_log_message(types.LogMessageParams(kind, message))

    async def refresh(uris: Sequence[str]) -> None:
        asked[0] = asyncio.get_running_loop().time()
        pending.update(uris)
        async with lock:
            if not pending:
                return  # a check that ran meanwhile took them
            targets = sorted(pending)
            pending.clear()
            documents = open_documents()
            texts: Dict[str, bytes] = {}
            versions: Dict[str, Optional[int]] = {}
            by_path: Dict[str, str] = {}
            for uri, document in documents.items():
                path = document_path(uri)
                if path is None:
                    continue
                texts[path] = document.source.encode("utf-8")
                versions[uri] = document.version
                by_path[path] = uri
            paths = [
                p
                for p in (document_path(u) for u in targets)
                if p is not None and p.endswith(".py") and os.path.isfile(p)
            ]
            if not paths:
                return
            try:
                checked = await asyncio.to_thread(check, paths, texts)
            except Exception as error:  # a broken configuration: say it once, keep serving
                server.window_show_message(
                    types.ShowMessageParams(
                        types.MessageType.Error, f"conformance: {_one_line(error)}"
                    )
                )
                return
        for part in checked:
            if part.config.root not in filling:
                # its first check is done: fill its state for the next ones
                steps = session.fill([p for p in paths if _within(p, part.config.root)], texts)
                filling[part.config.root] = steps
                task = asyncio.ensure_future(fill(part.config.root, steps))
                tasks.add(task)  # kept until done (the loop holds tasks weakly)
                task.add_done_callback(tasks.discard)
            tell(part)
            per_uri: Dict[str, List[Found]] = {}
            for file in part.result.layout.files:
                checked_uri = by_path.get(os.path.join(part.config.root, *file.path.split("/")))
                if checked_uri is not None:
                    per_uri[checked_uri] = []
            for violation in part.violations:
                owner = by_path.get(part.absolute(violation))
                if owner is None or owner not in per_uri:
                    continue
                document = server.workspace.get_text_document(owner)
                if document.version != versions.get(owner):
                    continue  # edited since: the next check publishes
                fix = part.fixes.get(violation)
                per_uri[owner].append(
                    Found(violation, fix, _diagnostic(types, document, violation), document.version)
                )
            for uri, found in per_uri.items():
                document = server.workspace.get_text_document(uri)
                if document.version != versions.get(uri):
                    continue
                published[uri] = found
                server.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(
                        uri=uri,
                        version=document.version,
                        diagnostics=[f.diagnostic for f in found],
                    )
                )

    @server.feature(types.INITIALIZED)
    def initialized(ls: Any, params: Any) -> None:
        capabilities = ls.client_capabilities
        watched = capabilities.workspace and capabilities.workspace.did_change_watched_files
        if watched and watched.dynamic_registration:
            patterns = ["**/*.py", *(f"**/{name}" for name in CONFIG_NAMES), "**/.gitignore"]
            watchers = [types.FileSystemWatcher(glob_pattern=pattern) for pattern in patterns]
            # any file or folder that comes or goes: the layout lists module packages' files
            # of every kind and stops at a folder holding a project or a virtual environment
            watchers.append(
                types.FileSystemWatcher(
                    glob_pattern="**/*", kind=types.WatchKind.Create | types.WatchKind.Delete
                )
            )
            ls.client_register_capability(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="conformance-watched-files",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                watchers=watchers
                            ),
                        )
                    ]
                )
            ).add_done_callback(watching)

    def watching(future: Any) -> None:
        """The editor tells of the files that come and go from now on: a check may reuse the
        last one's layout until it does."""
        if not future.cancelled() and future.exception() is None:
            session.tree_changed()  # a layout found before the registration is not trusted
            session.tree_events = True

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: Any, params: types.DidOpenTextDocumentParams) -> None:
        await refresh([params.text_document.uri])

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: Any, params: types.DidChangeTextDocumentParams) -> None:
        await refresh([params.text_document.uri])

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: Any, params: types.DidSaveTextDocumentParams) -> None:
        session.tree_changed()  # a save can create the file ("save as")
        await refresh([params.text_document.uri])

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: Any, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        published.pop(uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )
        # The others may have depended on its unsaved text: check them against the disk.
        await refresh(list(open_documents()))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(ls: Any, params: types.DidChangeWatchedFilesParams) -> None:
        changes = [c for c in params.changes if not _bookkeeping(c.uri)]
        if not changes:
            return  # git's or Python's own files: never files of the project
        session.tree_changed()
        if any(change.uri.rsplit("/", 1)[-1] in CONFIG_NAMES for change in changes):
            session.reload()
            filling.clear()
        await refresh(list(open_documents()))

    async def files_operated(ls: Any, params: Any) -> None:
        """Files created, renamed or deleted in the editor."""
        session.tree_changed()
        await refresh(list(open_documents()))

    operations = types.FileOperationRegistrationOptions(
        filters=[types.FileOperationFilter(pattern=types.FileOperationPattern(glob="**/*"))]
    )
    for method in (
        types.WORKSPACE_DID_CREATE_FILES,
        types.WORKSPACE_DID_RENAME_FILES,
        types.WORKSPACE_DID_DELETE_FILES,
    ):
        server.feature(method, operations)(files_operated)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
        ),
    )
    def code_action(ls: Any, params: types.CodeActionParams) -> List[types.CodeAction]:
        uri = params.text_document.uri
        document = ls.workspace.get_text_document(uri)
        current = [f for f in published.get(uri, []) if f.version == document.version]
        only = params.context.only
        actions: List[types.CodeAction] = []
        if _wants(only, types.CodeActionKind.QuickFix):
            for found in current:
                if not _overlaps(found.diagnostic.range, params.range):
                    continue
                if found.fix is not None and found.fix.edits:
                    actions.append(_quick_fix(types, uri, document, found))
                noqa = _noqa_action(types, uri, document, found)
                if noqa is not None:
                    actions.append(noqa)
        if _wants(only, types.CodeActionKind.SourceFixAll) and any(
            f.violation.fix is not None and f.violation.fix.value == "safe" for f in current
        ):
            fix_all = _fix_all(types, session, uri, document, document_path(uri))
            if fix_all is not None:
                actions.append(fix_all)
        return actions

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: Any, params: types.HoverParams) -> Optional[types.Hover]:
        from conformance.docs import explain
        from conformance.rules import lookup

        uri = params.text_document.uri
        point = types.Range(start=params.position, end=params.position)
        codes: List[str] = []
        for found in published.get(uri, []):
            if _overlaps(found.diagnostic.range, point) and found.violation.code not in codes:
                codes.append(found.violation.code)
        if not codes:
            return None
        pages = []
        for code in codes:
            try:
                pages.append(explain(lookup(code)))
            except KeyError:
                continue
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown, value="\n---\n".join(pages)
            )
        )

    return server


# -- building protocol values -------------------------------------------------------------------


def _where(root: str, workspace: Optional[str]) -> str:
    """``backend: `` for a project below the workspace folder, nothing for the folder itself:
    a note's paths are relative to its project."""
    from conformance.paths import display_path

    if not workspace or os.path.abspath(workspace) == os.path.abspath(root):
        return ""
    return f"{display_path(root, workspace)}: "


def _import_file_pass() -> None:
    try:
        import conformance.filepass  # noqa: F401
    except ImportError:
        pass  # libcst missing: the check that needs it says so


def _bookkeeping(uri: str) -> bool:
    """A file of git (locks, objects) or of Python's bytecode cache, which discovery skips: the
    watcher of every created file reports them by the hundred while tests run or git works."""
    return "/.git/" in uri or "/__pycache__/" in uri


def _within(path: str, root: str) -> bool:
    return os.path.commonpath([path, root]) == root


def _one_line(error: BaseException) -> str:
    problems = getattr(error, "problems", None)
    if problems:
        return "; ".join(str(p) for p in problems)
    return " ".join(str(error).split()) or type(error).__name__


def _client_range(types: Any, document: Any, start: Tuple[int, int], end: Tuple[int, int]) -> Any:
    """A range in the client's units from 0-based (line, code point) positions."""
    from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

    return document.range_to_client_units(
        ServerTextRange(ServerTextPosition(*start), ServerTextPosition(*end))
    )


def _diagnostic(types: Any, document: Any, violation: Violation) -> Any:
    from conformance.diagnostics import Severity
    from conformance.docs import DOCS_URL

    location = violation.location
    if location.line is None:
        start = end = (0, 0)
    else:
        start = (location.line - 1, (location.column or 1) - 1)
        end = (
            (location.end_line or location.line) - 1,
            (location.end_column or location.column or 1) - 1,
        )
        if location.column is None:  # a whole line
            start, end = (location.line - 1, 0), (location.line, 0)
    severity = (
        types.DiagnosticSeverity.Warning
        if violation.severity is Severity.WARNING
        else types.DiagnosticSeverity.Error
    )
    message = violation.message
    if violation.fix_hint:
        message += f"\nhelp: {violation.fix_hint}"
    return types.Diagnostic(
        range=_client_range(types, document, start, end),
        message=message,
        severity=severity,
        code=violation.code,
        code_description=types.CodeDescription(href=DOCS_URL.format(code=violation.code)),
        source=SOURCE,
    )


def _text_edits(types: Any, document: Any, edits: Sequence[Any]) -> List[Any]:
    return [
        types.TextEdit(
            range=_client_range(
                types,
                document,
                (edit.row - 1, edit.column - 1),
                (edit.end_row - 1, edit.end_column - 1),
            ),
            new_text=edit.content,
        )
        for edit in edits
    ]


def _quick_fix(types: Any, uri: str, document: Any, found: Found) -> Any:
    assert found.fix is not None
    safe = found.violation.fix is not None and found.violation.fix.value == "safe"
    title = f"{found.violation.code}: {found.fix.message}"
    if not safe:
        title += " (unsafe)"
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[found.diagnostic],
        is_preferred=safe,
        edit=types.WorkspaceEdit(changes={uri: _text_edits(types, document, found.fix.edits)}),
    )


def _noqa_action(types: Any, uri: str, document: Any, found: Found) -> Any:
    """``# noqa: CODE`` at the end of the finding's line, or the code added to the line's
    ``# noqa:`` list."""
    line_number = found.violation.location.line
    if line_number is None or line_number > len(document.lines):
        return None
    line = document.lines[line_number - 1].rstrip("\r\n")
    code = found.violation.code
    existing = NOQA.search(line)
    if existing is not None:
        codes = [c.strip() for c in existing.group("codes").split(",")]
        if code in codes:
            return None
        at = existing.end("codes")
        start = end = (line_number - 1, at)
        text = f", {code}"
    else:
        start = end = (line_number - 1, len(line))
        text = f"  # noqa: {code}"
    return types.CodeAction(
        title=f"Suppress {code} with # noqa",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[found.diagnostic],
        edit=types.WorkspaceEdit(
            changes={
                uri: [
                    types.TextEdit(range=_client_range(types, document, start, end), new_text=text)
                ]
            }
        ),
    )


def _fix_all(types: Any, session: Any, uri: str, document: Any, path: Optional[str]) -> Any:
    """Every safe fix of the document (rounds to a fixed point, as ``--fix``), as one edit of
    the changed lines."""
    from conformance.discovery import relative
    from conformance.edits import text_edits
    from conformance.engine import RunOptions
    from conformance.fixes import fix_paths
    from conformance.source import decode_source

    if path is None:
        return None
    config = session.project_of(path)
    rel = relative(config.root, path)
    original = document.source
    options = RunOptions(
        cache_dir=session.cache_dir(config), sources={rel: original.encode("utf-8")}
    )
    try:
        outcome = fix_paths(config, [path], options, write=False, codes=None)
    except Exception:
        return None
    change = next((c for c in outcome.changes if c.path == rel), None)
    if change is None:
        return None
    fixed = decode_source(change.fixed)[0]
    edits = text_edits(original, fixed)
    return types.CodeAction(
        title="Fix all safe conformance findings",
        kind=types.CodeActionKind.SourceFixAll,
        edit=types.WorkspaceEdit(changes={uri: _text_edits(types, document, edits)}),
    )


def _wants(only: Optional[Sequence[str]], kind: str) -> bool:
    """Whether a code action request's ``only`` filter admits ``kind`` (a prefix admits its
    sub-kinds: ``source`` admits ``source.fixAll``)."""
    if not only:
        return True
    return any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def _overlaps(a: Any, b: Any) -> bool:
    def key(position: Any) -> Tuple[int, int]:
        return (position.line, position.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)
