"""The run: discover -> file pass (parallel, cached) -> index -> confirm -> project rules ->
suppress -> sort.

Returns values only; ``cli.py`` owns argv, streams and exit codes.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from typing import (
    Callable,
    Dict,
    Iterable,
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
from conformance.index import ProjectIndex
from conformance.model import Layout, SourceFile
from conformance.results import AnalysisSettings, Candidate, FileResult, NodeLocator, Place
from conformance.roles import RoleMatcher
from conformance.rules import all_rules, by_code, selected
from conformance.rules.base import FileRule, ProjectRule, Rule
from conformance.settings import Config
from conformance.version import __version__

#: Below this many files to parse, worker processes cost more than they save.
PARALLEL_THRESHOLD = 32

#: Files whose manifest entries may be stale (served from per-file entries) before it is rewritten.
MANIFEST_SLACK = 32


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


def selected_rules(
    config: Config,
) -> Tuple[List[Type[Rule]], List[Type[FileRule]], List[Type[ProjectRule]]]:
    """The rules a run applies: all of them, the file rules, the project rules."""
    rules = list(selected(config.select, config.ignore, config.extend_select))
    file_rules = [r for r in rules if issubclass(r, FileRule)]
    project_rules = [r for r in rules if issubclass(r, ProjectRule)]
    return rules, file_rules, project_rules


# -- worker side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _WorkerSetup:
    settings: AnalysisSettings
    rules: Tuple[Type[FileRule], ...]


_WORKER: List[_WorkerSetup] = []  # the setup of this worker process, once initialised


def _worker_init(settings: AnalysisSettings, codes: Tuple[str, ...]) -> None:
    table = by_code()
    rules = tuple(rule for rule in (table[c] for c in codes) if issubclass(rule, FileRule))
    _WORKER[:] = [_WorkerSetup(settings, rules)]


def _worker_analyze(batch: Sequence[Tuple[SourceFile, bytes]]) -> List[FileResult]:
    from conformance.filepass import analyze_file

    setup = _WORKER[0]
    return [analyze_file(f, data, setup.settings, setup.rules) for f, data in batch]


# -- the file pass: read, key, cache, analyze ------------------------------------------------

#: (file, its bytes, its cache key, why it cannot be read): bytes None and a reason when unreadable
Input = Tuple[SourceFile, Optional[bytes], str, Optional[str]]


def _read(root: str, file: SourceFile) -> Tuple[Optional[bytes], Optional[str]]:
    try:
        # unbuffered: one read of the whole file, without a buffer object per file
        with open(os.path.join(root, file.path), "rb", buffering=0) as handle:
            return handle.readall(), None
    except OSError as error:
        return None, error.strerror or str(error)


def project_packages(layout: Layout) -> Tuple[str, ...]:
    """Top-level package names of the project's modules."""
    return tuple(sorted({f.module.split(".", 1)[0] for f in layout.files if f.module}))


def analysis_digest(config: Config, rule_codes: Tuple[str, ...], packages: Tuple[str, ...]) -> str:
    """Digest of what the file pass depends on besides the file (``AnalysisSettings``)."""
    return hashlib.sha256(pickle.dumps((config, rule_codes, packages), protocol=4)).hexdigest()


def read_inputs(layout: Layout, digest: str, options: RunOptions) -> List[Input]:
    """Every file's bytes and cache key (content hashing, never modification times)."""
    from conformance.cache import content_key

    inputs: List[Input] = []
    sources = options.sources
    for file in layout.files:
        data: Optional[bytes]
        if sources is not None and file.path in sources:
            data, error = sources[file.path], None
        else:
            data, error = _read(layout.root, file)
        if data is None:
            reason = f"cannot read: {error}"
            key = "!" + hashlib.sha256(f"{file.path}\0{reason}".encode()).hexdigest()
            inputs.append((file, None, key, reason))
        else:
            key = content_key(digest, file.path, file.module, file.role or "", data)
            inputs.append((file, data, key, None))
    return inputs


def analyze_files(
    layout: Layout,
    settings: AnalysisSettings,
    file_rules: Sequence[Type[FileRule]],
    options: RunOptions,
    *,
    inputs: Optional[List[Input]] = None,
    scope: Optional[str] = None,
) -> Tuple[Dict[str, FileResult], int]:
    """The file pass over every file: results from the run manifest of ``scope`` or the per-file
    cache first, then the misses, in parallel when it pays. Returns (path -> FileResult, number
    of files parsed)."""
    from conformance.cache import Cache

    if inputs is None:
        digest = analysis_digest(settings.config, settings.rule_codes, settings.project_packages)
        inputs = read_inputs(layout, digest, options)
    cache = Cache(options.cache_dir) if options.cache_dir else None
    manifest = cache.manifest(scope) if cache is not None and scope else {}
    manifest_keys: Dict[str, str] = {}
    results: Dict[str, FileResult] = {}
    misses: List[Tuple[SourceFile, bytes, str]] = []
    for file, data, key, reason in inputs:
        if data is None:
            from conformance.filepass import parse_error

            results[file.path] = FileResult(
                file.path, None, (parse_error(file.path, reason or "cannot read", None, None),)
            )
            continue
        entry = manifest.get(file.path)
        if isinstance(entry, tuple) and len(entry) == 2:
            manifest_keys[file.path] = entry[0]
            if entry[0] == key and isinstance(entry[1], FileResult):
                results[file.path] = entry[1]
                continue
        cached = cache.get(key) if cache is not None else None
        if isinstance(cached, FileResult):
            results[file.path] = cached
        else:
            misses.append((file, data, key))

    if misses:
        codes = tuple(rule.code for rule in file_rules)
        jobs = max(1, options.jobs)

        def done(index: int, result: FileResult) -> None:
            file, _, key = misses[index]
            results[file.path] = result
            if cache is not None:
                cache.put(key, result)

        if jobs > 1 and len(misses) >= PARALLEL_THRESHOLD:
            _parallel(misses, settings, codes, jobs, options.progress, done)
        else:
            from conformance.filepass import analyze_file

            for index, (file, data, _) in enumerate(misses):
                done(index, analyze_file(file, data, settings, file_rules))
                if options.progress is not None:
                    options.progress(index + 1, len(misses))

    if cache is not None and scope:
        # Rewriting the manifest costs as much as loading it, so a few changed files are served
        # from their per-file entries until enough of the manifest is stale.
        readable = [(f, key) for f, data, key, _ in inputs if data is not None]
        stale = sum(1 for f, key in readable if manifest_keys.get(f.path) != key)
        if stale > max(MANIFEST_SLACK, len(readable) // 20) or len(readable) != len(manifest):
            cache.put_manifest(scope, {f.path: (key, results[f.path]) for f, key in readable})
    return results, len(misses)


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

    # Workers forked from here inherit the imported file pass and libcst instead of importing them.
    import conformance.filepass  # noqa: F401

    size = _batch_size(len(misses), jobs)
    batches = [[(f, d) for f, d, _ in misses[i : i + size]] for i in range(0, len(misses), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_worker_init, initargs=(settings, codes)
    ) as pool:
        index = 0
        for batch_result in pool.map(_worker_analyze, batches):
            for result in batch_result:
                done(index, result)
                index += 1
            if progress is not None:
                progress(index, len(misses))


class LazyResults(Mapping[str, FileResult]):
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
    return hashlib.sha256(pickle.dumps(layout, protocol=4)).hexdigest()


# -- the run -------------------------------------------------------------------------------


def run(config: Config, paths: Sequence[str], options: RunOptions = RunOptions()) -> RunResult:
    """Check ``paths`` under ``config``.

    With a cache, a run whose inputs (every file's key and the layout) equal those of the last run
    of the same scope reuses its findings: no file result is loaded and libcst is not imported.
    """
    from conformance.cache import Cache, run_key
    from conformance.discovery import discover

    reported = discover(config, paths)
    # Findings in the checked files can depend on any other file (a base class, a provider, an
    # import cycle): the index always covers the whole project, the report only what was asked.
    layout = reported if covers_root(config.root, paths) else discover(config, [config.root])
    rules, file_rules, project_rules = selected_rules(config)
    packages = project_packages(layout)
    codes = tuple(r.code for r in rules)
    digest = analysis_digest(config, codes, packages)
    inputs = read_inputs(layout, digest, options)
    # In-memory sources (fix rounds) use the per-file cache only.
    cache = Cache(options.cache_dir) if options.cache_dir and options.sources is None else None
    scope = run_scope(config, digest) if cache is not None else None
    inputs_key = run_key((key for _, _, key, _ in inputs), layout_digest(layout))
    stored = cache.outcome(scope, inputs_key) if cache is not None and scope else None

    def analyze() -> Dict[str, FileResult]:
        settings = AnalysisSettings(config, codes, packages)
        found, count = analyze_files(
            layout, settings, file_rules, options, inputs=inputs, scope=scope
        )
        analyzed.append(count)
        return found

    analyzed: List[int] = []
    results: Mapping[str, FileResult]
    if isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], tuple):
        violations, suppressed = list(stored[0]), int(stored[1])
        results = LazyResults(analyze)
    else:
        fresh = analyze()
        results = fresh
        violations = confirm(config, layout, fresh, packages, project_rules, options.cache_dir)
        violations = _supersede(violations, rules)
        violations, suppressed = suppress(config, fresh, violations, rules)
        if cache is not None and scope:
            cache.put_outcome(scope, inputs_key, (tuple(violations), suppressed))
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
        suppressed=suppressed,
        parsed=analyzed[0] if analyzed else 0,
        results=results,
        baselined=baselined,
    )


def covers_root(root: str, paths: Sequence[str]) -> bool:
    """Whether the checked paths include the whole project root."""
    real_root = os.path.realpath(root)
    for path in paths:
        real = os.path.realpath(path)
        if real == real_root or real_root.startswith(real.rstrip(os.sep) + os.sep):
            return True
    return False


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
    rules: Sequence[Type[Rule]],
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
    facts = [r.facts for r in results.values() if r.facts is not None]
    roles = {f.module: (f.role, f.feature) for f in layout.files}
    return ProjectIndex(
        facts,
        project_packages=packages,
        roles=roles,
        role_for_module=RoleMatcher(config).for_module,
        complete=True,
    )


def confirm(
    config: Config,
    layout: Layout,
    results: Mapping[str, FileResult],
    packages: Sequence[str],
    project_rules: Sequence[Type[ProjectRule]],
    cache_dir: Optional[str] = None,
) -> List[Violation]:
    """Local findings, candidates whose conditions hold on the complete index, and the findings
    of project rules."""
    from conformance.project import Project

    index = build_index(config, layout, results, packages)
    out: List[Violation] = []
    unlocated: Dict[str, List[Tuple[NodeLocator, Violation]]] = {}
    for path in sorted(results):
        result = results[path]
        out.extend(result.violations)
        for candidate in result.candidates:
            if candidate.condition.evaluate(index) is True:
                violation = _with_detail(candidate, index)
                if candidate.locator is not None and violation.location.line is None:
                    unlocated.setdefault(path, []).append((candidate.locator, violation))
                else:
                    out.append(violation)
    out.extend(_locate(layout.root, unlocated, cache_dir))
    project = Project(
        config=config,
        layout=layout,
        index=index,
        facts={p: r.facts for p, r in results.items() if r.facts is not None},
        files={f.path: f for f in layout.files},
    )
    for rule in project_rules:
        out.extend(rule().check(project))
    return out


def _locate(
    root: str, unlocated: Dict[str, List[Tuple[NodeLocator, Violation]]], cache_dir: Optional[str]
) -> List[Violation]:
    """Positions of confirmed cross-file findings. The file pass left them out (most candidates
    are dropped, and a position costs a code generation of the file); they are computed here for
    the confirmed ones only, and cached by file content so a warm run never parses."""
    from dataclasses import replace

    from conformance.cache import Cache

    cache = Cache(cache_dir) if cache_dir else None
    out: List[Violation] = []
    for path, items in sorted(unlocated.items()):
        try:
            with open(os.path.join(root, path), "rb") as handle:
                data = handle.read()
        except OSError:
            out.extend(violation for _, violation in items)
            continue
        key = hashlib.sha256(
            b"locations-v2\0"
            + __version__.encode()
            + b"\0"
            + data
            + b"\0"
            + pickle.dumps([locator for locator, _ in items], protocol=4)
        ).hexdigest()
        stored = cache.get("loc" + key) if cache is not None else None
        found = _places(stored, len(items))
        if found is None:
            from conformance.positions import locate

            found = locate(data, [locator for locator, _ in items])
            if cache is not None:
                cache.put("loc" + key, found)
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


def _places(stored: object, count: int) -> Optional[List[Optional[Place]]]:
    """Cached places of ``count`` findings, or None when the entry has another shape."""
    if not isinstance(stored, list) or len(stored) != count:
        return None
    for place in stored:
        if place is None:
            continue
        if not (isinstance(place, tuple) and len(place) == 3 and isinstance(place[0], Location)):
            return None
    return stored


def _with_detail(candidate: Candidate, index: ProjectIndex) -> Violation:
    """Conditions may describe what they found (a cycle's path): ``{detail}`` in the message."""
    violation = candidate.violation
    if "{detail}" not in violation.message:
        return violation
    describe = getattr(candidate.condition, "detail", None)
    text = describe(index) if callable(describe) else ""
    from dataclasses import replace

    return replace(violation, message=violation.message.replace("{detail}", text or ""))


def _supersede(violations: List[Violation], rules: Iterable[Type[Rule]]) -> List[Violation]:
    """Where two findings sit on the same node and one rule declares it supersedes the other's
    code, keep only the more specific one."""
    supersedes = {r.code: set(r.supersedes) for r in rules if r.supersedes}
    if not supersedes:
        return violations
    at: Dict[Tuple[str, Location], Set[str]] = {}
    for v in violations:
        at.setdefault((v.path, v.location), set()).add(v.code)
    out = []
    for v in violations:
        codes_here = at[(v.path, v.location)]
        if any(v.code in supersedes.get(other, ()) for other in codes_here if other != v.code):
            continue
        out.append(v)
    return out


def suppress(
    config: Config,
    results: Mapping[str, FileResult],
    violations: List[Violation],
    rules: Sequence[Type[Rule]],
) -> Tuple[List[Violation], int]:
    """Apply per-file-ignores and ``# noqa:`` comments; add CNF902 for unused ones."""
    from conformance.suppressions import UNUSED_CODE, apply_noqa, parse_directives, per_file_ignored

    known = all_rules()
    names = {r.name: r.code for r in known}
    codes = {r.code for r in known}
    selected_codes = {r.code for r in rules}
    after_files = [
        v for v in violations if not per_file_ignored(v.path, v.code, config.per_file_ignores)
    ]
    directives = []
    for path in sorted(results):
        noqa = results[path].noqa
        if noqa:
            directives.extend(parse_directives(path, noqa, names, codes))
    # A code that is not selected in this run cannot be judged unused.
    outcome = apply_noqa(
        after_files, directives, report_unused=UNUSED_CODE in selected_codes, judged=selected_codes
    )
    unused = [
        v for v in outcome.unused if not per_file_ignored(v.path, v.code, config.per_file_ignores)
    ]
    suppressed = len(violations) - len(after_files) + len(outcome.suppressed)
    return outcome.kept + unused, suppressed


def check(
    paths: Sequence[str], config: Optional[Config] = None, *, jobs: int = 1
) -> List[Violation]:
    """Library entry point: check ``paths`` and return the sorted findings."""
    from conformance.config import find_config, load_config

    if config is None:
        root, config_file = find_config(paths[0] if paths else ".")
        config = load_config(root, config_file)
    return run(config, [os.path.abspath(p) for p in paths], RunOptions(jobs=jobs)).violations
