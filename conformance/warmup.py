"""Filling a long-lived process's engine state ahead of the edits that will need it.

The language server's first check of a project is served from the stored records
(``incremental.py``): it loads no file's facts and never imports the file pass. The first edit
would then pay for both, the parser's import and every module's facts that a whole-project
question reads (the family facts of every file, for one router's routes). :func:`fill_steps`
does that work beforehand, in short steps that a caller runs between its checks, so that a
check arriving meanwhile waits for one step at most.

Nothing here changes what a check finds: results and facts are kept by content key (a file's
result is a pure function of its bytes and the settings), and a check reads them only for the
keys it has; a step that ran for an older version of a file fills in a key nobody asks for.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator, Mapping, Optional, Sequence

from conformance.engine import (
    EngineState,
    RunOptions,
    analysis_digest,
    project_packages,
    read_inputs,
    run_scope,
    selected_rules,
)
from conformance.incremental import stored_facts
from conformance.model import Layout
from conformance.results import AnalysisSettings, FileResult
from conformance.settings import Config

if TYPE_CHECKING:
    from conformance.cache import Cache

#: Files whose facts one step loads from the store: a few tens of milliseconds.
FACTS_PER_STEP = 200


def fill_steps(
    config: Config,
    layout: Layout,
    state: EngineState,
    options: RunOptions,
    parse: Sequence[str] = (),
) -> Iterator[None]:
    """Fill ``state`` for the next runs of ``config`` on ``layout``: the file pass imported (and
    the files ``parse``, project-relative, analysed: the parser's first run costs more), then
    the facts of every file from the store. One step per ``next()``; the caller may stop at any
    step. Only for the scope ``state`` was last run for (another scope's records are not kept)."""
    rules, file_rules, _ = selected_rules(config)
    packages = project_packages(layout)
    codes = tuple(r.code for r in rules)
    digest = analysis_digest(config, codes, packages)
    if state.scope is None or state.scope != run_scope(config, digest):
        return
    import conformance.filepass  # noqa: F401  (libcst and the walker: the first edit's parse)

    yield
    with _store(options) as cache:
        known = cache.file_stats(state.scope) if cache is not None else {}
        inputs = [i for i in read_inputs(layout, digest, options, known) if i.readable]
    settings = AnalysisSettings(config, codes, packages)
    by_path = {item.file.path: item for item in inputs}
    for path in parse:
        item = by_path.get(path)
        if item is not None and item.data is not None and item.key not in state.results:
            from conformance.filepass import analyze_file

            state.results[item.key] = analyze_file(item.file, item.data, settings, file_rules)
            yield
    wanted = [i for i in inputs if i.key not in state.results and i.key not in state.facts]
    for start in range(0, len(wanted), FACTS_PER_STEP):
        chunk = {item.file.path: item for item in wanted[start : start + FACTS_PER_STEP]}
        with _store(options) as cache:
            if cache is None:
                return  # without a store, facts come from parsing: the runs do that
            stored_facts(chunk, state.results, state.facts, cache, _nothing)
        yield


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
