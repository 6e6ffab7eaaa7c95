"""``conformance server`` end to end: a real LSP client (pytest-lsp) drives the server over stdio.
Diagnostics for unsaved edits appear and disappear, a quick fix's edit applied gives the fixed
source, fix-all, suppress-with-noqa, hover, and re-checks after a file changed on disk."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, Callable, List, Sequence

import pytest

from tests.agent_tree import (
    FILES,
    OVERLAP_WARNING,
    OVERLAPPING_ROLES,
    agent_tree,
    with_overlapping_roles,
)
from tests.conftest import REPO_ROOT, run_main, write_tree

if sys.version_info < (3, 10):
    pytest.skip("pytest-lsp needs Python >= 3.10", allow_module_level=True)
pytest.importorskip("pygls", reason="the lsp extra is not installed")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp (dev) is not installed")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from conformance.config import load_config  # noqa: E402
from conformance.diagnostics import Edit  # noqa: E402
from conformance.edits import apply_edits  # noqa: E402
from conformance.engine import RunOptions, run  # noqa: E402

WAIT = 120.0  # an upper bound for a loaded machine, never reached when it works

MODELS = "cpv3/modules/users/models.py"
ROUTER = "cpv3/modules/users/router.py"


#: The router without its finding (CNF301: the service injected through `Annotated`).
ANNOTATED_ROUTER = (
    FILES[ROUTER]
    .replace(
        "service: UserService = Depends(get_user_service)",
        "service: Annotated[UserService, Depends(get_user_service)]",
    )
    .replace("from fastapi import", "from typing import Annotated\n\nfrom fastapi import")
)


def make_client() -> LanguageClient:
    client = pytest_lsp.make_test_lsp_client()
    client.registrations = []  # type: ignore[attr-defined]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    return client


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "conformance", "server"],
        client_factory=make_client,
        server_env={"PYTHONPATH": str(REPO_ROOT), "CONFORMANCE_CACHE_DIR": ""},
    )
)
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    root = agent_tree(tmp_path / "repo")
    lsp_client.root = root  # type: ignore[attr-defined]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="repo")],
        )
    )
    yield
    await lsp_client.shutdown_session()


def uri_of(client: LanguageClient, rel: str) -> str:
    root: Path = client.root  # type: ignore[attr-defined]
    return (root / rel).as_uri()


async def diagnostics(
    client: LanguageClient, uri: str, wanted: Callable[[Sequence[types.Diagnostic]], bool]
) -> Sequence[types.Diagnostic]:
    async def wait() -> Sequence[types.Diagnostic]:
        while not (uri in client.diagnostics and wanted(client.diagnostics[uri])):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[uri]

    return await asyncio.wait_for(wait(), WAIT)


def open_document(client: LanguageClient, rel: str, text: str) -> str:
    uri = uri_of(client, rel)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=text
            )
        )
    )
    return uri


def change_document(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def apply(text: str, edits: List[types.TextEdit]) -> str:
    """The client's side of a WorkspaceEdit (ASCII text: UTF-16 units are code points)."""
    return apply_edits(
        text,
        [
            Edit(
                e.new_text,
                e.range.start.line + 1,
                e.range.start.character + 1,
                e.range.end.line + 1,
                e.range.end.character + 1,
            )
            for e in edits
        ],
    )


def codes(found: Sequence[types.Diagnostic]) -> List[Any]:
    return sorted(d.code for d in found)


@pytest.mark.asyncio
async def test_diagnostics_follow_the_unsaved_text(client: LanguageClient) -> None:
    uri = open_document(client, ROUTER, FILES[ROUTER])
    found = await diagnostics(client, uri, lambda d: bool(d))
    assert codes(found) == ["CNF301"]
    (diagnostic,) = found
    assert diagnostic.source == "conformance"
    assert diagnostic.range.start == types.Position(line=12, character=34)
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href.endswith("/CNF301.md")
    # The disk still has the finding; the unsaved buffer does not.
    change_document(client, uri, 2, ANNOTATED_ROUTER)
    assert list(await diagnostics(client, uri, lambda d: not d)) == []
    change_document(client, uri, 3, FILES[ROUTER])
    assert codes(await diagnostics(client, uri, lambda d: bool(d))) == ["CNF301"]
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert list(await diagnostics(client, uri, lambda d: not d)) == []
    assert notes(client) == []  # a project without warnings: no message


def notes(client: LanguageClient) -> List[Any]:
    """(type, text) of the server's window/showMessage notifications about the project."""
    return [(m.type, m.message) for m in client.messages if m.message.startswith("conformance:")]


def config_changed(client: LanguageClient, text: str) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=(root / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed
                )
            ]
        )
    )


@pytest.mark.asyncio
async def test_project_warnings_are_shown_once_and_again_when_they_change(
    client: LanguageClient,
) -> None:
    with_overlapping_roles(client.root)  # type: ignore[attr-defined]
    said = (types.MessageType.Warning, f"conformance: {OVERLAP_WARNING}")
    uri = open_document(client, ROUTER, FILES[ROUTER])
    assert codes(await diagnostics(client, uri, lambda d: bool(d))) == ["CNF301"]
    # said before the diagnostics of the check that found it
    assert notes(client) == [said]
    logged = [(m.type, m.message) for m in client.log_messages]
    assert logged.count(said) == 1
    # edits check again: nothing new to say
    change_document(client, uri, 2, ANNOTATED_ROUTER)
    assert list(await diagnostics(client, uri, lambda d: not d)) == []
    change_document(client, uri, 3, FILES[ROUTER])
    assert codes(await diagnostics(client, uri, lambda d: bool(d))) == ["CNF301"]
    assert notes(client) == [said]
    # a configuration without the overlap (CNF301 ignored, to see the check that read it)
    config_changed(client, FILES["pyproject.toml"] + '[tool.conformance]\nignore = ["CNF301"]\n')
    assert list(await diagnostics(client, uri, lambda d: not d)) == []
    assert notes(client) == [said]
    # the overlap back: the warnings changed, said again
    config_changed(client, OVERLAPPING_ROLES)
    assert codes(await diagnostics(client, uri, lambda d: bool(d))) == ["CNF301"]
    assert notes(client) == [said, said]


@pytest.mark.asyncio
async def test_quick_fix_fix_all_noqa_and_hover(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    schemas = "cpv3/modules/users/schemas.py"
    uri = open_document(client, MODELS, FILES[MODELS])
    (diagnostic,) = await diagnostics(client, uri, lambda d: bool(d))
    assert diagnostic.code == "CNF503"
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    by_title = {a.title: a for a in actions if isinstance(a, types.CodeAction)}
    quick = next(a for t, a in by_title.items() if t.startswith("CNF503: "))
    assert quick.kind == types.CodeActionKind.QuickFix and quick.is_preferred
    assert quick.edit is not None and quick.edit.changes is not None
    fixed = apply(FILES[MODELS], list(quick.edit.changes[uri]))
    assert "    name = mapped_column(String(64), nullable=False)\n" in fixed
    noqa = by_title["Suppress CNF503 with # noqa"]
    assert noqa.edit is not None and noqa.edit.changes is not None
    suppressed = apply(FILES[MODELS], list(noqa.edit.changes[uri]))
    assert "name = Column(String(64), nullable=False)  # noqa: CNF503\n" in suppressed
    change_document(client, uri, 2, suppressed)
    assert list(await diagnostics(client, uri, lambda d: not d)) == []

    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri_of(client, schemas)),
            position=types.Position(line=0, character=0),
        )
    )
    assert hover is None  # not open, nothing published
    schemas_uri = open_document(client, schemas, FILES[schemas])
    found = await diagnostics(client, schemas_uri, lambda d: len(d) == 3)
    assert codes(found) == ["CNF401", "CNF403", "CNF410"]
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=schemas_uri),
            position=types.Position(line=15, character=10),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "# CNF403 `" in hover.contents.value and "## Why" in hover.contents.value
    fix_all = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=schemas_uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
            ),
            context=types.CodeActionContext(
                diagnostics=[], only=[types.CodeActionKind.SourceFixAll]
            ),
        )
    )
    assert fix_all is not None and len(fix_all) == 1
    (action,) = fix_all
    assert isinstance(action, types.CodeAction) and action.edit is not None
    assert action.edit.changes is not None
    everything = apply(FILES[schemas], list(action.edit.changes[schemas_uri]))
    assert "field_validator" in everything and "model_config" in everything
    assert "orm_mode" not in everything and "@validator" not in everything
    assert (root / schemas).read_text(encoding="utf-8") == FILES[schemas]  # nothing written


@pytest.mark.asyncio
async def test_files_changed_on_disk_recheck_open_documents(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    # The schemas' base class lives in another file: whether UserOut is a Pydantic model (and
    # its `class Config` a finding) depends on that file.
    base = "from pydantic import BaseModel\n\n\nclass Schema(BaseModel):\n    pass\n"
    write_tree(root, {"cpv3/core/__init__.py": "", "cpv3/core/schemas.py": base})
    schemas = (
        "from cpv3.core.schemas import Schema\n\n\n"
        "class UserOut(Schema):\n    id: int\n\n    class Config:\n        orm_mode = True\n"
    )
    uri = open_document(client, "cpv3/modules/users/schemas.py", schemas)
    assert codes(await diagnostics(client, uri, lambda d: bool(d))) == ["CNF401", "CNF403"]
    # Asked for on `initialized`, answered by now (VS Code's capabilities allow it).
    registered = [r.method for r in client.registrations]  # type: ignore[attr-defined]
    assert "workspace/didChangeWatchedFiles" in registered
    (root / "cpv3/core/schemas.py").write_text("class Schema:\n    pass\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=(root / "cpv3/core/schemas.py").as_uri(),
                    type=types.FileChangeType.Changed,
                )
            ]
        )
    )
    assert list(await diagnostics(client, uri, lambda d: not d)) == []


# -- import cycles, files created on disk, the first edit after opening ------------------------

SERVICE = "cpv3/modules/users/service.py"
ORDERS_SERVICE = "cpv3/modules/orders/service.py"
#: the orders package on disk, importing the users service
ORDERS = {
    "cpv3/modules/orders/__init__.py": "",
    ORDERS_SERVICE: (
        "from cpv3.modules.users.service import UserService\n\n\n"
        "class OrderService:\n    users: UserService\n"
    ),
}
#: the users service importing the orders service: closes users -> orders -> users
CLOSING = "from cpv3.modules.orders.service import OrderService\n" + FILES[SERVICE]


def cycle_codes(found: Sequence[types.Diagnostic]) -> List[Any]:
    return [d.code for d in found if d.code == "CNF206"]


@pytest.mark.asyncio
async def test_an_edit_that_adds_then_removes_a_cycle(client: LanguageClient) -> None:
    write_tree(client.root, ORDERS)  # type: ignore[attr-defined]
    uri = open_document(client, SERVICE, FILES[SERVICE])
    await diagnostics(client, uri, lambda d: True)
    change_document(client, uri, 2, CLOSING)
    found = await diagnostics(client, uri, lambda d: bool(cycle_codes(d)))
    (cycle,) = [d for d in found if d.code == "CNF206"]
    assert cycle.range.start.line == 0
    assert "closes the module import cycle orders -> users -> orders" in cycle.message
    change_document(client, uri, 3, FILES[SERVICE])
    assert cycle_codes(await diagnostics(client, uri, lambda d: not cycle_codes(d))) == []
    change_document(client, uri, 4, CLOSING)
    assert cycle_codes(await diagnostics(client, uri, lambda d: bool(cycle_codes(d))))


async def published(client: LanguageClient, uri: str, version: int) -> Sequence[types.Diagnostic]:
    """The diagnostics published for ``version`` of the document (call right after the change:
    nothing is received before the first await)."""

    async def wait() -> Sequence[types.Diagnostic]:
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and params.version == version:
                return list(params.diagnostics)

    return await asyncio.wait_for(wait(), WAIT)


def created(client: LanguageClient, rel: str, how: str) -> None:
    """Tell the server a file was created, as the editor's file watcher or the editor's own
    file operation does."""
    uri = uri_of(client, rel)
    if how == "watched":
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=uri, type=types.FileChangeType.Created)]
            )
        )
    else:
        client.workspace_did_create_files(
            types.CreateFilesParams(files=[types.FileCreate(uri=uri)])
        )


@pytest.mark.asyncio
@pytest.mark.parametrize("how", ["watched", "file-operation"])
async def test_a_file_created_on_disk_is_seen(client: LanguageClient, how: str) -> None:
    """Checks after edits reuse the last check's view of which files exist while the editor
    reports none created or deleted; a created file is seen as soon as it is reported."""
    root: Path = client.root  # type: ignore[attr-defined]
    write_tree(root, {"cpv3/modules/orders/__init__.py": ""})
    uri = open_document(client, SERVICE, CLOSING)
    await diagnostics(client, uri, lambda d: True)
    registered = [r.method for r in client.registrations]  # type: ignore[attr-defined]
    assert "workspace/didChangeWatchedFiles" in registered
    # edits of the buffer: no cycle (orders/service.py does not exist)
    for version in (2, 3):
        change_document(client, uri, version, CLOSING + f"# edit {version}\n")
        assert cycle_codes(await published(client, uri, version)) == []
    write_tree(root, {ORDERS_SERVICE: ORDERS[ORDERS_SERVICE]})
    created(client, ORDERS_SERVICE, how)
    assert cycle_codes(await diagnostics(client, uri, lambda d: bool(cycle_codes(d))))


@pytest.mark.asyncio
@pytest.mark.parametrize("pause", [0.0, 0.5])
async def test_the_first_edit_after_opening_a_checked_project(
    client: LanguageClient, pause: float
) -> None:
    """Opening a project the command line checked is answered from the store; the edit right
    after it, or after a pause (the server fills its state when idle), finds what a check
    without cache finds."""
    root: Path = client.root  # type: ignore[attr-defined]
    write_tree(root, ORDERS)
    # the server's store: CONFORMANCE_CACHE_DIR is empty, so the project's own folder
    run_main(["check", "."], root, env={"CONFORMANCE_CACHE_DIR": ""})
    assert (root / ".conformance_cache").is_dir()
    uri = open_document(client, SERVICE, FILES[SERVICE])
    await diagnostics(client, uri, lambda d: True)
    await asyncio.sleep(pause)
    change_document(client, uri, 2, CLOSING)
    found = await diagnostics(client, uri, lambda d: bool(cycle_codes(d)))
    config = load_config(str(root), str(root / "pyproject.toml"))
    cold = run(config, [str(root)], RunOptions(sources={SERVICE: CLOSING.encode()}))
    expected = sorted(
        (v.code, v.location.line, v.message) for v in cold.violations if v.path == SERVICE
    )
    shown = sorted((d.code, d.range.start.line + 1, d.message.split("\nhelp: ")[0]) for d in found)
    assert shown == expected
