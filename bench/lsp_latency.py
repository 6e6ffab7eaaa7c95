"""Diagnostic latency of ``conformance server`` after an edit, as an editor sees it.

Generates a tree with ``generate.py``, fills the cache with one ``conformance check --jobs 2``
(what a project that is checked on the command line or in pre-commit has), starts the server over
stdio with a real LSP client (pygls, the ``lsp`` extra), opens one router, waits for its first
diagnostics, then sends edits of the unsaved buffer that add and remove a finding, and measures
the time from each ``didChange`` to the ``publishDiagnostics`` of that version. Printed as a
Markdown table (median, min, max)::

    python bench/lsp_latency.py --modules 50 --modules 1000 [--edits 5] [--keep]

The edit is the one a user makes: an import of the module's repository into its router
(CNF202 appears), then its removal (CNF202 disappears). The client declares what editors do
(file watchers registered by the server), and sends the first edit as soon as the first
diagnostics arrive.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parent.parent
WAIT = 1800.0  # seconds: an upper bound for the cold start of a big tree on a loaded machine


def environment(root: Path) -> Dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO), CONFORMANCE_CACHE_DIR=str(root / ".cache"))


def warm(root: Path) -> float:
    """One command-line check of the whole tree, filling the cache; its duration."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "conformance", "check", "--jobs", "2", "--format", "concise"],
        cwd=str(root),
        env=environment(root),
        stdout=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - start


def generate(folder: Path, modules: int) -> Path:
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "generate.py"),
            str(folder),
            "--modules",
            str(modules),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return folder


async def measure(root: Path, edits: int) -> Tuple[float, List[float]]:
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("lsp-latency", "1")
    arrived: Dict[Tuple[str, Optional[int]], float] = {}
    event = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: types.PublishDiagnosticsParams) -> None:
        arrived[(params.uri, params.version)] = time.perf_counter()
        event.set()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    env = environment(root)
    await client.start_io(sys.executable, "-m", "conformance", "server", env=env)
    # as editors do (VS Code, Neovim): the server may register file watchers
    capabilities = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=True
            )
        )
    )
    await client.initialize_async(
        types.InitializeParams(capabilities=capabilities, root_uri=root.as_uri())
    )
    client.initialized(types.InitializedParams())

    router = sorted((root / "cpv3" / "modules").glob("*/router.py"))[0]
    uri = router.as_uri()
    original = router.read_text(encoding="utf-8")
    module = router.parent.name
    edited = f"from cpv3.modules.{module}.repository import *  # noqa: F403\n" + original

    async def until(version: int) -> float:
        while (uri, version) not in arrived:
            event.clear()
            await asyncio.wait_for(event.wait(), WAIT)
        return arrived[(uri, version)]

    start = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=original
            )
        )
    )
    cold = await until(1) - start
    latencies: List[float] = []
    for number in range(edits * 2):
        version = number + 2
        text = edited if number % 2 == 0 else original
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        latencies.append(await until(version) - sent)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return cold, latencies


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, action="append", help="tree sizes (repeatable)")
    parser.add_argument("--edits", type=int, default=3, help="add/remove pairs per tree")
    parser.add_argument("--keep", action="store_true", help="keep the generated trees")
    args = parser.parse_args(argv)
    sizes = args.modules or [50]
    rows: List[str] = []
    work = Path(tempfile.mkdtemp(prefix="lsp-latency-"))
    try:
        for size in sizes:
            print(f"generating {size} modules ...", file=sys.stderr)
            root = generate(work / f"tree-{size}", size)
            print(f"filling the cache ({size} modules) ...", file=sys.stderr)
            filled = warm(root)
            print(f"measuring {size} modules ...", file=sys.stderr)
            cold, latencies = asyncio.run(measure(root, args.edits))
            rows.append(
                f"| {size} | {filled:.1f} s | {cold:.2f} s | {statistics.median(latencies):.2f} s"
                f" | {min(latencies):.2f} s | {max(latencies):.2f} s | {len(latencies)} |"
            )
    finally:
        if args.keep:
            print(f"trees kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(
        "| modules | CLI check filling the cache | server: first diagnostics"
        " | after an edit: median | min | max | edits |"
    )
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
