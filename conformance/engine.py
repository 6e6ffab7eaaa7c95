"""The run: discover -> file pass (parallel, cached) -> index -> confirm -> project rules ->
suppress -> sort.

Returns values only; ``cli.py`` owns argv, streams and exit codes.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field, replace
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
    Type,
)

from conformance.diagnostics import Location, Violation
from conformance.inputs import Input, read_inputs, reread
from conformance.model import Layout, SourceFile
from conformance.roles import role_matcher
from conformance.rules import (
    load_condition_classes,
    load_file_rules,
    load_project_rules,
    selected_specs,
    specs,
)
from conformance.rules.spec import RuleSpec
from conformance.settings import Config
from conformance.version import __version__

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from conformance.cache import Cache
    from conformance.facts import FileFacts
    from conformance.index import ProjectIndex
    from conformance.prestart import Prestarted
    from conformance.results import AnalysisSettings, FileResult, NodeLocator, Place

    #: Where each confirmed cross-file finding of a file is: (location, statement line,
    #: fingerprint), or None when the node was not found again (``_places_kind``).
    Places = Tuple[Optional[Place], ...]

    # A run that reuses every stored finding needs neither the file results' types nor the index or
    # the incremental decision: they are imported where a run needs them.
    from conformance.rules.base import FileRule, ProjectRule, Rule

#: Below this many files to parse, worker processes cost more than they save.
PARALLEL_THRESHOLD = 32


@dataclass(frozen=True)
class RunOptions:
    """How to run (not what to check: that is the Config)."""

    jobs: int = 1
    cache_dir: Optional[str] = None  # None: no cache
    progress: Optional[Callable[[int, int], None]] = None  # (done, total) during a cold file pass
    # Baseline (conformance/baseline.py): the file of ``baseline_file`` (absolute), else of the
    # ``baseline`` key; ``use_baseline=False`` reports every finding (--update-baseline).
    baseline_file: Optional[str] = None
    use_baseline: bool = True
    # Fix mode (conformance/fixes.py): file contents to check instead of what is on disk,
    # relative path -> bytes (the fix rounds check their in-memory result before writing).
    sources: Optional[Mapping[str, bytes]] = None
    # A long-lived process (``workspace.py``): file results and decided records kept in memory
    # from one run to the next.
    state: Optional[EngineState] = None
    # The whole project's layout under this very configuration, discovered moments ago
    # (``discovery.config_and_layout``), or kept by a caller told of every file that comes and
    # goes (``Session.tree_events``): used instead of walking the tree again.
    layout: Optional[Layout] = None
    # A worker started with the run (``prestart.py``, a second interpreter) that analyses the
    # files of a run that parses fewer than PARALLEL_THRESHOLD, with libcst already imported.
    prestarted: Optional[Prestarted] = None


@dataclass
class EngineState:
    """What a long-lived process keeps between runs: file results by content key, and each
    file's decided record (``incremental.py``) of the last run of ``scope``."""

    results: Dict[str, FileResult] = field(default_factory=dict)
    decided: Dict[str, Any] = field(default_factory=dict)
    memos: Dict[str, Tuple[str, Tuple[str, ...]]] = field(default_factory=dict)
    #: the files the last run decided again (its other records were still valid)
    redone: Set[str] = field(default_factory=set)
    #: facts by content key, loaded alone for the index (their findings were not needed)
    facts: Dict[str, FileFacts] = field(default_factory=dict)
    scope: Optional[str] = None
    #: the kept memos already decoded, name -> (text, value) (``tracking.MemoValues``)
    memo_values: Dict[str, Tuple[str, Any]] = field(default_factory=dict)
    #: scope -> path -> ``stat`` row (``incremental.stat_rows``)
    stats: Dict[str, Dict[str, Tuple[int, int, int, int, str]]] = field(default_factory=dict)


@dataclass
class RunResult:
    """What a run found."""

    violations: List[Violation]
    layout: Layout
    files_checked: int
    suppressed: int = 0
    parsed: int = 0  # files parsed in this run (not served by the cache)
    results: Mapping[str, FileResult] = field(default_factory=dict)  # path -> FileResult
    baselined: int = 0  # findings hidden by the baseline
    project_packages: int = 0  # module packages in the whole project (not only those checked)
    project_layout: Optional[Layout] = None  # the whole project's layout (configuration checks)


def rules_applied(config: Config) -> Tuple[RuleSpec, ...]:
    """The rows of the rules a run applies (no rule module is imported). A rule whose premise
    needs a role the configuration removed is off (``architecture_off``)."""
    off = architecture_off(config)
    chosen = selected_specs(config.select, config.ignore, config.extend_select)
    return tuple(spec for spec in chosen if spec.code not in off)


def selected_rules(
    config: Config,
) -> Tuple[List[Type[Rule]], List[Type[FileRule]], List[Type[ProjectRule]]]:
    """The classes of the rules a run applies: all of them, the file rules, the project rules."""
    from conformance.rules.base import FileRule, ProjectRule

    rules = [spec.load() for spec in rules_applied(config)]
    file_rules = [r for r in rules if issubclass(r, FileRule)]
    project_rules = [r for r in rules if issubclass(r, ProjectRule)]
    return rules, file_rules, project_rules


def architecture_off(config: Config) -> Dict[str, Tuple[str, ...]]:
    """code -> the roles it needs that the configuration removed (``roles.X = []``)."""
    removed = {role for role, patterns in config.roles if not patterns}
    out: Dict[str, Tuple[str, ...]] = {}
    for spec in specs():
        missing = tuple(role for role in spec.requires_roles if role in removed)
        if missing:
            out[spec.code] = missing
    return out


# -- worker side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _WorkerSetup:
    settings: AnalysisSettings
    rules: Tuple[Type[FileRule], ...]


_WORKER: List[_WorkerSetup] = []  # the setup of this worker process, once initialised


def _worker_init(settings: AnalysisSettings, codes: Tuple[str, ...]) -> None:
    _WORKER[:] = [_WorkerSetup(settings, load_file_rules(codes))]


def _worker_analyze(batch: Sequence[Tuple[SourceFile, bytes]]) -> List[FileResult]:
    from conformance.filepass import analyze_file, packed

    setup = _WORKER[0]
    return [packed(analyze_file(f, data, setup.settings, setup.rules)) for f, data in batch]


# -- the file pass: read, key, cache, analyze ------------------------------------------------


def project_packages(layout: Layout) -> Tuple[str, ...]:
    """Top-level package names of the project's modules (computed here, without importing the
    file pass and libcst, so that a warm run does not load them)."""
    return tuple(sorted({f.module.split(".", 1)[0] for f in layout.files if f.module}))


def analysis_digest(config: Config, rule_codes: Tuple[str, ...], packages: Tuple[str, ...]) -> str:
    """Digest of what the file pass depends on besides the file (``AnalysisSettings``)."""
    config = replace(config, source_warnings=())  # said by the front ends, read by no rule
    return hashlib.sha256(pickle.dumps((config, rule_codes, packages), protocol=4)).hexdigest()


def _not_read(item: Input) -> FileResult:
    """CNF901 for a file that was not read, with the reason."""
    from dataclasses import replace

    from conformance.filepass import parse_error
    from conformance.reading import READ_HINT
    from conformance.results import FileResult

    finding = parse_error(item.file.path, item.reason or "cannot read", None, None)
    return FileResult(item.file.path, None, (replace(finding, fix_hint=READ_HINT),))


def analyze_files(
    layout: Layout,
    settings: AnalysisSettings,
    options: RunOptions,
    *,
    inputs: Optional[List[Input]] = None,
    cache: Optional[Cache] = None,
    scope: Optional[str] = None,
    memory: Optional[Dict[str, FileResult]] = None,
) -> Tuple[Dict[str, FileResult], int]:
    """The file pass over every file: results from the store first, then the misses, in parallel
    when it pays, with the file rules among ``settings.rule_codes`` (their classes are loaded
    only when a file is analysed). Returns (path -> FileResult, number of files parsed)."""
    from conformance.plain import Unencodable, dumps
    from conformance.results import FileResult

    digest = analysis_digest(settings.config, settings.rule_codes, settings.project_packages)
    if inputs is None:
        inputs = read_inputs(layout, digest, options.sources)
    stored: Dict[str, FileResult] = {}
    if memory:
        stored = {i.key: memory[i.key] for i in inputs if i.key in memory}
    if cache is not None:
        wanted = [i.key for i in inputs if i.readable and i.key not in stored]
        if wanted:
            load_condition_classes()
        stored.update(cache.values("results", wanted, FileResult))
    results: Dict[str, FileResult] = {}
    misses: List[Tuple[SourceFile, bytes, str]] = []
    for position, item in enumerate(inputs):
        if not item.readable:
            results[item.file.path] = _not_read(item)
            continue
        found = stored.get(item.key)
        if found is not None:
            results[item.file.path] = found
            if memory is not None:
                memory[item.key] = found
            continue
        if item.data is None:
            item = inputs[position] = reread(layout.root, item, digest)
            if not item.readable:
                results[item.file.path] = _not_read(item)
                continue
        assert item.data is not None
        misses.append((item.file, item.data, item.key))

    if misses:
        codes = settings.rule_codes
        jobs = max(1, options.jobs)

        def done(index: int, result: FileResult) -> None:
            file, _, key = misses[index]
            results[file.path] = result
            if memory is not None:
                memory[key] = result
            if cache is not None:
                try:
                    cache.put_result(key, dumps(result, FileResult))
                except Unencodable:
                    pass  # a family fact that is not plain data: this file is just not cached

        prestarted = options.prestarted
        if jobs > 1 and len(misses) >= PARALLEL_THRESHOLD:
            if prestarted is not None:
                prestarted.close()  # its core is the pool's
            _parallel(misses, settings, codes, jobs, options.progress, done)
        elif prestarted is not None and prestarted.alive:
            _prestarted(prestarted, misses, settings, codes, options.progress, done)
        else:
            from conformance.filepass import analyze_file, packed

            file_rules = load_file_rules(codes)
            for index, (file, data, _) in enumerate(misses):
                done(index, packed(analyze_file(file, data, settings, file_rules)))
                if options.progress is not None:
                    options.progress(index + 1, len(misses))
    if cache is not None and scope is not None:
        cache.touch(scope, "results", list(stored))
    return results, len(misses)


def _prestarted(
    worker: Prestarted,
    misses: Sequence[Tuple[SourceFile, bytes, str]],
    settings: AnalysisSettings,
    codes: Tuple[str, ...],
    progress: Optional[Callable[[int, int], None]],
    done: Callable[[int, FileResult], None],
) -> None:
    """The misses analysed by the worker started ahead, in one batch; if it dies (a crash of
    libcst's native parser), each file in a process of its own, as after a crash in the pool."""
    import multiprocessing

    results = worker.analyze([(f, d) for f, d, _ in misses], settings, codes)
    if results is not None and len(results) == len(misses):
        for index, result in enumerate(results):
            done(index, result)
    else:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        for index, (file, data, _) in enumerate(misses):
            done(index, _isolated(file, data, settings, codes, context))
    if progress is not None:
        progress(len(misses), len(misses))


def _batch_size(count: int, jobs: int) -> int:
    """Files per task: large enough to amortise a round trip, small enough that the last tasks
    of the workers end together and progress moves."""
    return max(1, min(16, count // (jobs * 8) or 1))


def _parallel(
    misses: Sequence[Tuple[SourceFile, bytes, str]],
    settings: AnalysisSettings,
    codes: Tuple[str, ...],
    jobs: int,
    progress: Optional[Callable[[int, int], None]],
    done: Callable[[int, FileResult], None],
) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor  # not imported by runs that parse nothing

    # Workers forked from here inherit the imported file pass, libcst and the rule classes
    # instead of importing them each.
    import conformance.filepass  # noqa: F401

    load_file_rules(codes)

    size = _batch_size(len(misses), jobs)
    batches = [[(f, d) for f, d, _ in misses[i : i + size]] for i in range(0, len(misses), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    from concurrent.futures.process import BrokenProcessPool

    index = 0
    try:
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_worker_init,
            initargs=(settings, codes),
        ) as pool:
            for batch_result in pool.map(_worker_analyze, batches):
                for result in batch_result:
                    done(index, result)
                    index += 1
                if progress is not None:
                    progress(index, len(misses))
    except BrokenProcessPool:
        # A worker died (a crash of libcst's native parser that the pre-check did not foresee, a
        # kill by the system): the files not done yet are analysed one process each, so that
        # only the file that kills its process is reported (CNF901) and the run goes on.
        for position in range(index, len(misses)):
            file, data, _ = misses[position]
            done(position, _isolated(file, data, settings, codes, context))
            if progress is not None:
                progress(position + 1, len(misses))


def _isolated(
    file: SourceFile,
    data: bytes,
    settings: AnalysisSettings,
    codes: Tuple[str, ...],
    context: BaseContext,
) -> FileResult:
    """Analyse one file in a process of its own; CNF901 if that process dies."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(
            max_workers=1, mp_context=context, initializer=_worker_init, initargs=(settings, codes)
        ) as pool:
            return pool.submit(_worker_analyze, [(file, data)]).result()[0]
    except BrokenProcessPool:
        from dataclasses import replace

        from conformance.filepass import parse_error
        from conformance.parseguard import PRECHECK_HINT
        from conformance.results import FileResult

        message = "not checked: the parser crashed on this file (its process died)"
        finding = replace(parse_error(file.path, message, 1, 1), fix_hint=PRECHECK_HINT)
        return FileResult(file.path, None, (finding,))


class LazyResults(Mapping[str, "FileResult"]):
    """``path -> FileResult`` of a run whose findings came from the run cache: loaded (from the
    manifest, the per-file cache, or by analysis) only if someone asks."""

    def __init__(self, load: Callable[[], Dict[str, FileResult]]) -> None:
        self._load = load
        self._data: Optional[Dict[str, FileResult]] = None

    def _loaded(self) -> Dict[str, FileResult]:
        if self._data is None:
            self._data = self._load()
        return self._data

    def __getitem__(self, path: str) -> FileResult:
        return self._loaded()[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


def run_scope(config: Config, digest: str) -> str:
    """Name of the run manifest: one per project root and settings. Not per checked paths: the
    file pass and the confirmation always cover the whole project (the report is filtered
    afterwards), so a pre-commit run on a few files shares the manifest of the full run."""
    return hashlib.sha256(f"{config.root}\0{digest}".encode()).hexdigest()[:32]


def layout_digest(layout: Layout) -> str:
    """Digest of a layout's content. From its plain encoding, not a pickle: a pickle depends on
    which equal values share one object, and a layout restored from the discovery snapshot
    shares them differently from a fresh discovery of the same tree."""
    from conformance.plain import dumps

    return hashlib.sha256(dumps(layout, Layout).encode("utf-8")).hexdigest()


# -- the run -------------------------------------------------------------------------------


def run(config: Config, paths: Sequence[str], options: RunOptions = RunOptions()) -> RunResult:
    """Check ``paths`` under ``config``.

    With a cache, a run whose inputs (every file's key and the layout) equal those of the last run
    of the same scope reuses its findings: no file result is loaded and libcst is not imported.
    """
    from conformance.cache import Cache

    # In-memory sources (fix rounds) use the file results of the store only.
    cache = Cache(options.cache_dir) if options.cache_dir else None
    try:
        return _run(config, paths, options, cache)
    finally:
        if cache is not None:
            cache.close()


#: What the outcome row of a scope holds: the findings after confirmation and suppression, and
#: the number of suppressed ones.
Outcome = Tuple[Tuple[Violation, ...], int]


def _run(
    config: Config, paths: Sequence[str], options: RunOptions, cache: Optional[Cache]
) -> RunResult:
    from conformance.cache import run_key
    from conformance.discovery import (
        covers_root,
        discover,
        is_root,
        outside_module_subfolders,
    )
    from conformance.plain import dumps

    # Findings in the checked files can depend on any other file (a base class, a provider, an
    # import cycle): the index always covers the whole project, the report only what was asked.
    # (a discovery of the whole root starts from the cache's snapshot of the last one)
    whole = options.layout
    if whole is not None and is_root(config.root, paths):
        reported = layout = whole
    else:
        reported = discover(config, paths, cache)
        whole = reported if covers_root(config.root, paths) else whole
        layout = whole if whole is not None else discover(config, [config.root], cache)
    rules = rules_applied(config)
    packages = project_packages(layout)
    codes = tuple(r.code for r in rules)
    digest = analysis_digest(config, codes, packages)
    scope = run_scope(config, digest) if cache is not None else None
    if options.state is not None:  # a long-lived process keeps the rows it read and learnt
        from conformance.incremental import stat_rows

        known = stat_rows(cache, scope, options.state, layout)
    else:
        known = cache.file_stats(scope) if cache is not None and scope else {}
    inputs = read_inputs(layout, digest, options.sources, known)
    if options.state is not None and scope is not None:  # learnt: not read again next time
        known.update((item.file.path, item.stat) for item in inputs if item.stat is not None)
    whole_run = cache is not None and scope is not None and options.sources is None
    # read and written by whole runs only: a language server's checks do not pickle the layout
    inputs_key = run_key((i.key for i in inputs), layout_digest(layout)) if whole_run else ""
    stored = None
    if cache is not None and scope is not None and whole_run:
        stored = cache.outcome(scope, inputs_key, Outcome)

    by_path = {item.file.path: item for item in inputs}
    # content key -> file result, loaded or analysed in this run (or kept by a long-lived process)
    memory: Dict[str, FileResult] = options.state.results if options.state is not None else {}
    facts_memory: Dict[str, FileFacts] = options.state.facts if options.state is not None else {}
    analyzed: List[int] = []

    def results_of(wanted: Sequence[str]) -> Dict[str, FileResult]:
        from conformance.results import AnalysisSettings

        items = [by_path[path] for path in wanted]
        if not items:
            return {}
        settings = AnalysisSettings(config, codes, packages)
        found, count = analyze_files(
            layout,
            settings,
            options,
            inputs=items,
            cache=cache,
            scope=scope,
            memory=memory,
        )
        analyzed.append(count)
        return found

    def facts_of(wanted: Sequence[str]) -> Dict[str, FileFacts]:
        keyed = {path: by_path[path] for path in wanted}
        from conformance.incremental import stored_facts

        return stored_facts(keyed, memory, facts_memory, cache, results_of)

    results: Mapping[str, FileResult]
    if stored is not None:
        violations, suppressed = list(stored[0]), stored[1]
        if options.prestarted is not None:
            options.prestarted.close()  # nothing to analyse: its core is free for the rest

        def load_all() -> Dict[str, FileResult]:
            found = results_of(list(by_path))
            if cache is not None:
                cache.commit()
            return found

        results = LazyResults(load_all)
    else:
        violations, suppressed = _decide(
            config,
            layout,
            inputs,
            packages,
            rules,
            cache,
            scope or run_scope(config, digest),
            results_of,
            memory,
            options.state,
            facts_of,
            options.prestarted,
        )
        violations = outside_module_subfolders(config, layout, violations)
        results = LazyResults(lambda: results_of(list(by_path)))
        if cache is not None and whole_run and scope:
            cache.put_outcome(scope, inputs_key, dumps((tuple(violations), suppressed), Outcome))
    if cache is not None and scope is not None and options.sources is None:
        rows = [(item.file.path, item.stat) for item in inputs if item.stat is not None]
        present = {f.path for f in layout.files}
        cache.put_stats(scope, rows, [path for path in known if path not in present])
        cache.commit()
    if reported is not layout:
        checked = {f.path for f in reported.files}
        folders = tuple(p.path + "/" for p in reported.packages)
        violations = [
            v
            for v in violations
            if v.path in checked or v.path.startswith(folders) or v.path + "/" in folders
        ]
    violations, baselined = apply_baseline(config, reported, paths, violations, rules, options)
    violations.sort(key=Violation.sort_key)
    return RunResult(
        violations=violations,
        layout=reported,
        files_checked=len(reported.files),
        project_packages=len(layout.packages),
        project_layout=layout,
        suppressed=suppressed,
        parsed=sum(analyzed),
        results=results,
        baselined=baselined,
    )


def _decide(
    config: Config,
    layout: Layout,
    inputs: Sequence[Input],
    packages: Sequence[str],
    rules: Sequence[RuleSpec],
    cache: Optional[Cache],
    scope: str,
    results_of: Callable[[Sequence[str]], Dict[str, FileResult]],
    memory: Dict[str, FileResult],
    state: Optional[EngineState] = None,
    facts_of: Optional[Callable[[Sequence[str]], Dict[str, FileFacts]]] = None,
    prestarted: Optional[Prestarted] = None,
) -> Tuple[List[Violation], int]:
    """Confirm, place and suppress, deciding again only what changed since the records of the
    last run of ``scope`` (``incremental.py``)."""
    from conformance.incremental import Decided, decide
    from conformance.plain import dumps
    from conformance.results import FileResult

    generation, previous = 0, {}  # type: Tuple[int, Dict[str, Decided]]
    memos: Dict[str, Tuple[str, Tuple[str, ...]]] = {}
    if state is not None and state.scope == scope:
        previous, memos = state.decided, state.memos
    elif cache is not None and scope is not None:
        generation, previous = cache.decided(scope, Decided)
        memos = cache.memos(scope, Tuple[str, Tuple[str, ...]])

    def old_results(keys: Sequence[str]) -> Dict[str, FileResult]:
        found = {key: memory[key] for key in keys if key in memory}
        missing = [key for key in keys if key not in found]
        if cache is not None and missing:
            load_condition_classes()
            found.update(cache.values("results", missing, FileResult))
        return found

    decision = decide(
        config,
        layout,
        {item.file.path: item.key for item in inputs},
        previous,
        packages,
        rules,
        load_project_rules(rule.code for rule in rules),
        results_of,
        old_results,
        lambda unlocated: _locate(layout.root, unlocated, cache, prestarted),
        memos,
        facts_of,
        state.memo_values if state is not None else None,
        # records outlive the run only in a store or a long-lived process
        tracking=state is not None or (cache is not None and scope is not None),
    )
    if state is not None:
        state.decided, state.scope, state.memos = decision.decided, scope, decision.memos
        state.redone = set(decision.redone)
        live = {item.key for item in inputs} | {r.key for r in decision.decided.values()}
        for key in [key for key in memory if key not in live]:
            del memory[key]  # older versions of the files: the next diff needs only these
        for key in [key for key in state.facts if key not in live]:
            del state.facts[key]
    elif cache is not None and scope is not None:
        rows = [(path, dumps(decision.decided[path], Decided)) for path in sorted(decision.redone)]
        # only the memos that changed: the others are the stored rows this run read
        memo_rows = [
            (name, dumps(memo, Tuple[str, Tuple[str, ...]]))
            for name, memo in sorted(decision.memos.items())
            if memos.get(name) != memo
        ]
        memos_gone = sorted(name for name in memos if name not in decision.memos)
        cache.put_decided(scope, generation, rows, decision.gone, memo_rows, memos_gone)
    return decision.violations, decision.suppressed


def baseline_path(config: Config, options: RunOptions) -> Optional[str]:
    """The baseline file of a run (absolute), or None: ``--baseline``, else the ``baseline``
    key (relative to the project root)."""
    if options.baseline_file:
        return os.path.abspath(options.baseline_file)
    if config.baseline:
        return os.path.join(config.root, config.baseline)
    return None


def apply_baseline(
    config: Config,
    layout: Layout,
    paths: Sequence[str],
    violations: List[Violation],
    rules: Sequence[Any],
    options: RunOptions,
) -> Tuple[List[Violation], int]:
    """Hide the baselined findings; add CNF903 for entries under the checked paths that no
    longer occur. Raises BaselineError for a missing or unreadable baseline file."""
    from conformance.baseline import STALE_CODE, apply, load, scope_of

    path = baseline_path(config, options) if options.use_baseline else None
    if path is None:
        return violations, 0
    codes = {rule.code for rule in rules}
    baseline = load(path, config.root)
    outcome = apply(baseline, violations, scope_of(layout, paths, codes), STALE_CODE in codes)
    return outcome.kept, outcome.hidden


def build_index(
    config: Config, layout: Layout, results: Mapping[str, FileResult], packages: Sequence[str]
) -> ProjectIndex:
    from conformance.index import ProjectIndex

    facts = [r.facts for r in results.values() if r.facts is not None]
    roles = {f.module: (f.roles, f.feature) for f in layout.files}
    return ProjectIndex(
        facts,
        project_packages=packages,
        roles=roles,
        role_for_module=role_matcher(config).roles_for_module,
        complete=True,
    )


def _places_kind() -> Any:
    """``Places`` as a value, for encoding and decoding stored positions."""
    from conformance.results import Place

    return Tuple[Optional[Place], ...]


def _locate(
    root: str,
    unlocated: Dict[str, List[Tuple[NodeLocator, Violation]]],
    cache: Optional[Cache],
    prestarted: Optional[Prestarted] = None,
) -> List[Violation]:
    """Positions of confirmed cross-file findings. The file pass left them out (most candidates
    are dropped, and a position costs a code generation of the file); they are computed here for
    the confirmed ones only (by the worker started ahead, which has libcst imported, when there
    is one), and cached by file content so a warm run never parses."""
    from dataclasses import replace

    from conformance.plain import dumps, encode
    from conformance.results import NodeLocator

    places = _places_kind()
    out: List[Violation] = []
    keys: Dict[str, Tuple[bytes, str]] = {}
    for path, items in sorted(unlocated.items()):
        try:
            with open(os.path.join(root, path), "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        steps = encode(tuple(locator for locator, _ in items), Tuple[NodeLocator, ...])
        key = hashlib.sha256(
            b"locations-v3\0" + __version__.encode() + b"\0" + data + b"\0" + repr(steps).encode()
        ).hexdigest()
        keys[path] = (data, key)
    stored: Dict[str, Places] = {}
    if cache is not None and keys:
        stored = cache.values("locations", [key for _, key in keys.values()], places)
    for path, items in sorted(unlocated.items()):
        if path not in keys:
            out.extend(violation for _, violation in items)
            continue
        data, key = keys[path]
        found = stored.get(key)
        if found is None or len(found) != len(items):
            locators = [locator for locator, _ in items]
            remote = prestarted.locate(data, locators) if prestarted is not None else None
            if remote is not None and len(remote) == len(items):
                found = tuple(remote)
            else:
                from conformance.positions import locate

                found = tuple(locate(data, locators))
            if cache is not None:
                cache.put_location(key, dumps(found, places))
        for (_, violation), place in zip(items, found):
            if place is None:
                out.append(replace(violation, location=Location(1, 1, 1, 1)))
            else:
                location, statement_line, fingerprint = place
                out.append(
                    replace(
                        violation,
                        location=location,
                        statement_line=statement_line,
                        fingerprint_text=violation.fingerprint_text or fingerprint,
                    )
                )
    return out


def check(
    paths: Sequence[str], config: Optional[Config] = None, *, jobs: int = 1
) -> List[Violation]:
    """Library entry point: check ``paths`` and return the sorted findings."""
    from conformance.config import find_config, load_config
    from conformance.discovery import config_and_layout

    layout = None
    if config is None:
        root, config_file = find_config(paths[0] if paths else ".")
        config, layout = config_and_layout(load_config(root, config_file))
    options = RunOptions(jobs=jobs, layout=layout)
    return run(config, [os.path.abspath(p) for p in paths], options).violations
