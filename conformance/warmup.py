"""Filling a long-lived process's engine state ahead of the edits that will need it.

The language server's first check of a project is served from the stored records
(``incremental.py``): it loads no file's facts and never imports the file pass. The first edit
would then pay for both, the parser's import and every module's facts that a whole-project
question reads (the family facts of every file, for one router's routes). :func:`fill_steps`
does that work beforehand, in short steps that a caller runs between its checks, so that a
check arriving meanwhile waits for one step at most (a few milliseconds).

Nothing here changes what a check finds: results and facts are kept by content key (a file's
result is a pure function of its bytes and the settings), and a check reads them only for the
keys it has; a step that ran for an older version of a file fills in a key nobody asks for.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Iterator, Mapping, Optional, Sequence

from conformance.engine import (
    EngineState,
    RunOptions,
    analysis_digest,
    project_packages,
    run_scope,
    selected_rules,
)
from conformance.incremental import stored_facts
from conformance.inputs import read_inputs
from conformance.model import Layout
from conformance.results import FileResult
from conformance.settings import Config

if TYPE_CHECKING:
    from conformance.cache import Cache

#: Files one step reads the facts of from the store (and ``stat``\s first): about ten
#: milliseconds on a quiet machine, what a check arriving meanwhile may wait.
FILES_PER_STEP = 50


def fill_steps(
    config: Config,
    layout: Layout,
    state: EngineState,
    options: RunOptions,
) -> Iterator[None]:
    """Fill ``state`` for the next runs of ``config`` on ``layout``: the file pass imported, the
    results of the files ``options.sources`` holds (the open documents), then the facts of every
    file from the store, a few files per step. One step per
    ``next()``; the caller may stop at any step. Only for the scope ``state`` was last run for
    (another scope's records are not kept)."""
    rules, _, _ = selected_rules(config)
    packages = project_packages(layout)
    digest = analysis_digest(config, tuple(r.code for r in rules), packages)
    if state.scope is None or state.scope != run_scope(config, digest):
        return
    import conformance.filepass  # noqa: F401  (libcst and the walker: the first edit's parse)

    yield
    with _store(options) as cache:
        if cache is None:
            return  # without a store, facts come from parsing: the runs do that
        known = cache.file_stats(state.scope)
        # the open documents' results: an edit's check compares the edited file's new facts
        # with these (what changed), and decides the file again from them once it is undone
        opened = [
            i
            for i in read_inputs(_only(layout, options.sources), digest, options.sources, known)
            if i.readable and i.key not in state.results
        ]
        keys = [item.key for item in opened]
        state.results.update(cache.values("results", keys, FileResult))
    yield
    files = layout.files
    for start in range(0, len(files), FILES_PER_STEP):
        part = replace(layout, files=files[start : start + FILES_PER_STEP])
        inputs = read_inputs(part, digest, options.sources, known)
        wanted = {
            item.file.path: item
            for item in inputs
            if item.readable and item.key not in state.results and item.key not in state.facts
        }
        if wanted:
            with _store(options) as cache:
                if cache is not None:
                    stored_facts(wanted, state.results, state.facts, cache, _nothing)
        yield


def _only(layout: Layout, paths: Optional[Mapping[str, bytes]]) -> Layout:
    """``layout`` with the files ``paths`` only."""
    return replace(layout, files=tuple(f for f in layout.files if f.path in (paths or {})))


def _nothing(paths: Sequence[str]) -> Mapping[str, FileResult]:
    """A file not in the store is left to the run that needs it (it parses it then)."""
    return {}


@contextmanager
def _store(options: RunOptions) -> Iterator[Optional[Cache]]:
    """The store of ``options`` for one step (closed after it), or None."""
    from conformance.cache import Cache

    if not options.cache_dir:
        yield None
        return
    cache = Cache(options.cache_dir)
    try:
        yield cache
    finally:
        cache.close()
