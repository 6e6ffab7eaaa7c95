"""The incremental decision of a run: only what an edit can change is decided again.

The file pass is cached by content (``cache.py``); what remains per run is deciding the deferred
findings on the complete index, placing them, and suppression. Each file's outcome is kept as a
:class:`Decided` record: the content key it was decided for, the index keys its verdicts read
(``tracking.py``), and its final findings. A run then

1. finds the files whose key changed (edited, added, removed);
2. diffs their old and new facts into the index keys the edit changed;
3. decides again only the changed files and the files whose verdicts read a changed key (or
   whose project-rule findings changed); every other file's findings are reused as they are;
4. builds the index lazily, so only the facts those verdicts read are loaded.

Project rules (module shape: required files, sub-folders, names) read only the layout from
discovery; they run on every run, which costs a fraction of a millisecond per package, and a file
whose project findings changed is decided again (its ``# noqa`` comments may apply to them).
Whether a project finding on a file stands given what the file holds (``ProjectRule.stands``)
is decided with the file's other findings, its reads of the index tracked like theirs.

Nothing here trusts a stored record blindly: a record whose key differs from the file's key is
decided again; if the old facts of a changed file are not available, every file is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import (
    TYPE_CHECKING,
    AbstractSet,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
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
from conformance.model import Layout
from conformance.results import Candidate, FileResult, NodeLocator
from conformance.rules import specs
from conformance.rules.spec import RuleSpec
from conformance.settings import Config

if TYPE_CHECKING:
    from conformance.cache import Cache
    from conformance.facts import FileFacts
    from conformance.rules.base import ProjectRule
    from conformance.tracking import Key, MemoValues, StoredMemo, TrackedIndex

#: Stands for "every key": the old facts of a changed file are unknown.
EVERYTHING = "*"


@dataclass(frozen=True)
class Decided:
    """One file's outcome: decided for content ``key``; ``deps`` are the index keys its verdicts
    read; ``findings`` are final (confirmed, placed, superseded, suppressed) and include the
    project-rule findings on the file (``project``, kept to notice when they change)."""

    key: str
    module: str
    deps: Tuple[str, ...]
    findings: Tuple[Violation, ...]
    project: Tuple[Violation, ...]
    suppressed: int


@dataclass
class Decision:
    """What :func:`decide` found."""

    violations: List[Violation]
    suppressed: int
    decided: Dict[str, Decided]  # path -> record, for every file of the layout
    redone: Set[str]  # paths decided again in this run (their records are new)
    gone: List[str]  # paths that had a record and are no longer files of the layout
    memos: Dict[str, StoredMemo]  # whole-project values for the next run (``tracking.py``)


#: Loads the file results of paths (from memory, the store, or by analysis).
ResultsOf = Callable[[Sequence[str]], Mapping[str, FileResult]]
#: Loads the facts of paths alone (the index needs no findings): path -> facts, for the files
#: that have facts (a file that does not parse has none).
FactsOf = Callable[[Sequence[str]], Mapping[str, "FileFacts"]]


def _facts(results_of: ResultsOf) -> FactsOf:
    def facts_of(paths: Sequence[str]) -> Dict[str, FileFacts]:
        found = results_of(paths)
        return {path: r.facts for path, r in found.items() if r.facts is not None}

    return facts_of


#: Loads old file results by content key, without analysing (None when not stored).
OldResults = Callable[[Sequence[str]], Mapping[str, FileResult]]
#: Places confirmed cross-file findings: path -> [(locator, violation)] -> placed violations.
Locate = Callable[[Dict[str, List[Tuple[NodeLocator, Violation]]]], List[Violation]]


def decide(
    config: Config,
    layout: Layout,
    keys: Mapping[str, str],
    previous: Mapping[str, Decided],
    packages: Sequence[str],
    rules: Sequence[RuleSpec],
    project_rules: Sequence[Type[ProjectRule]],
    results_of: ResultsOf,
    old_results: OldResults,
    locate: Locate,
    memos: Optional[Mapping[str, StoredMemo]] = None,
    facts_of: Optional[FactsOf] = None,
    memo_values: Optional[MemoValues] = None,
    tracking: bool = True,
) -> Decision:
    """Decide a run incrementally from the records of the previous one (``previous``, possibly
    empty). ``keys`` maps each file of the layout to its content key; ``rules`` are the rows of
    the rules the run applies, ``project_rules`` the classes of its project rules.
    ``memo_values`` (kept by a long-lived process) holds the memos decoded so far; it is left
    holding those of the memos kept for the next run. Without ``tracking`` (nothing keeps the
    records: ``--no-cache``) the records read no keys, and a next run could not reuse them."""
    modules = {f.path: f.module for f in layout.files}
    project = _project_findings(config, layout, project_rules)

    changed = [path for path, key in keys.items() if _key_of(previous.get(path)) != key]
    gone = [path for path in previous if path not in keys]
    changed_keys: Set[str] = set()
    current = results_of(changed)
    if previous:
        changed_keys = _changed_keys(changed, gone, previous, current, modules, old_results)
    redo: Set[str] = set(changed)
    suspects: Set[str] = set()
    # a memo is valid for the previous run's records: the changes since then are known only then
    stored_memos = dict(memos or {}) if previous and EVERYTHING not in changed_keys else {}
    from conformance.tracking import VOLATILE, memo_valid

    known: Dict[str, bool] = {}  # whether each stored memo holds: asked by thousands of records
    if not previous or EVERYTHING in changed_keys:
        redo = set(keys)
    else:
        for path, record in previous.items():
            if path in redo or path not in keys:
                continue
            if record.project != project.get(path, ()):
                redo.add(path)
            elif not memo_valid(record.deps, changed_keys, stored_memos, known):
                # Only a memo it read is out of date: decided again only if the memo's value
                # turns out to differ (below), not because its inputs changed.
                direct = VOLATILE in record.deps or not changed_keys.isdisjoint(record.deps)
                (redo if direct else suspects).add(path)

    decided: Dict[str, Decided] = {p: r for p, r in previous.items() if p in keys and p not in redo}
    for path in suspects:
        decided.pop(path, None)
    kept = {
        name: memo
        for name, memo in stored_memos.items()
        if memo_valid(memo[1], changed_keys, stored_memos, known)
    }
    results: Dict[str, FileResult] = dict(current)
    index: Optional[TrackedIndex] = None
    # Suspects in two rounds: first one per out-of-date memo (deciding it computes the memo
    # again), then the others, most of them cut off by then.
    first = _one_per_memo(suspects, previous, changed_keys, stored_memos, known)
    for round_number, batch in enumerate((redo, first, suspects - first)):
        if round_number > 0:
            if not batch:
                continue
            # Early cutoff (salsa's backdating): a memo computed again to the value it had
            # leaves every verdict that read it as it was.
            same = _recomputed_unchanged(index, stored_memos) if index is not None else set()
            still = {name: True for name in same}
            suspected = batch
            batch = {
                path
                for path in suspected
                if not memo_valid(previous[path].deps, changed_keys, stored_memos, still)
            }
            decided.update((p, previous[p]) for p in suspected if p not in batch)
            redo |= batch
        if not batch:
            continue
        ordered = sorted(batch)
        results.update(results_of([p for p in ordered if p not in results]))
        if index is None:
            index = _index(
                config,
                layout,
                packages,
                results,
                keys,
                facts_of or _facts(results_of),
                kept,
                changed_keys,
                memo_values,
                tracking,
            )
        decided.update(
            _decide_files(
                config,
                ordered,
                results,
                project,
                index,
                rules,
                project_rules,
                locate,
                modules,
                keys,
            )
        )
    if index is not None:
        kept = index.kept_memos()
    if memo_values is not None:
        for name in [name for name in memo_values if name not in kept]:
            del memo_values[name]

    violations: List[Violation] = []
    suppressed = 0
    for path in sorted(decided):
        violations.extend(decided[path].findings)
        suppressed += decided[path].suppressed
    # project findings on folders (and on files that are not checked Python files)
    elsewhere = [v for path, found in sorted(project.items()) if path not in keys for v in found]
    if elsewhere:
        shown, hidden = suppress(config, {}, elsewhere, rules)
        violations.extend(shown)
        suppressed += hidden
    return Decision(violations, suppressed, decided, redo, gone, kept)


def _one_per_memo(
    suspects: AbstractSet[str],
    previous: Mapping[str, Decided],
    changed: AbstractSet[str],
    stored: Mapping[str, StoredMemo],
    known: Dict[str, bool],
) -> Set[str]:
    """Suspects that between them read every out-of-date memo that any suspect read (the first
    in path order for each): deciding them computes those memos again. A file whose edit changed
    no verdict's memo inputs directly (an ``__init__.py``'s third-party imports change the import
    graph) would otherwise leave every verdict about cycles to be decided again."""
    from conformance.tracking import MEMO, memo_valid

    covered: Set[str] = set()
    out: Set[str] = set()
    for path in sorted(suspects):
        stale: Set[str] = set()
        for dep in previous[path].deps:
            if dep[:1] != MEMO:
                continue
            holds = known.get(dep[1:])  # asked already, for nearly every memo
            if holds is None:
                holds = memo_valid((dep,), changed, stored, known)
            if not holds:
                stale.add(dep)
        if not stale <= covered:
            covered |= stale
            out.add(path)
    return out


def _recomputed_unchanged(index: TrackedIndex, stored: Mapping[str, StoredMemo]) -> Set[str]:
    """The kept memos this run computed again to the very value they had (their plain-data
    text is equal)."""
    return {
        name
        for name, (text, _) in index.memos.items()
        if name in stored and stored[name][0] == text
    }


def _key_of(record: Optional[Decided]) -> Optional[str]:
    return record.key if record is not None else None


def _changed_keys(
    changed: Sequence[str],
    gone: Sequence[str],
    previous: Mapping[str, Decided],
    current: Mapping[str, FileResult],
    modules: Mapping[str, str],
    old_results: OldResults,
) -> Set[str]:
    """The index keys the edits between the previous run and this one changed."""
    from conformance.tracking import LAYOUT, changed_keys

    old_keys = [previous[p].key for p in [*changed, *gone] if p in previous]
    old = old_results(old_keys)
    out: Set[str] = set()
    for path in [*changed, *gone]:
        record = previous.get(path)
        module = modules.get(path) or (record.module if record is not None else "")
        old_facts: Optional[FileFacts] = None
        if record is not None:
            if record.key.startswith("!"):  # it could not be read: it had no facts
                old_facts = None
            elif record.key not in old:
                return {EVERYTHING}
            else:
                old_facts = old[record.key].facts
        new_result = current.get(path)
        new_facts = new_result.facts if new_result is not None else None
        out |= changed_keys(module, old_facts, new_facts)
        if record is None or path in gone:  # the layout changed: roles, presence
            out |= {LAYOUT, "m:" + module, "*m"}
        if record is not None and record.module != module:
            return {EVERYTHING}
    return out


def _project_findings(
    config: Config, layout: Layout, project_rules: Sequence[Type[ProjectRule]]
) -> Dict[str, Tuple[Violation, ...]]:
    """Project rules read the layout and the configuration only: path -> findings."""
    from conformance.project import Project
    from conformance.tracking import TrackedIndex

    project = Project(
        config=config,
        layout=layout,
        index=TrackedIndex((), complete=True),
        files={f.path: f for f in layout.files},
    )
    grouped: Dict[str, List[Violation]] = {}
    for rule in project_rules:
        for violation in rule().check(project):
            grouped.setdefault(violation.path, []).append(violation)
    return {path: tuple(found) for path, found in grouped.items()}


def _index(
    config: Config,
    layout: Layout,
    packages: Sequence[str],
    results: Mapping[str, FileResult],
    keys: Mapping[str, str],
    facts_of: FactsOf,
    memos: Mapping[str, StoredMemo],
    changed: AbstractSet[str],
    memo_values: Optional[MemoValues] = None,
    tracking: bool = True,
) -> TrackedIndex:
    """The complete index: facts of the loaded results now, every other module's when a verdict
    first looks at it."""
    from conformance.roles import role_matcher
    from conformance.tracking import TrackedIndex

    path_of: Dict[str, str] = {}
    for file in layout.files:
        if not keys.get(file.path, "!").startswith("!"):
            path_of.setdefault(file.module, file.path)
    loaded = [r.facts for r in results.values() if r.facts is not None]
    present = {facts.module for facts in loaded}
    pending = [module for module in path_of if module not in present]

    def load(modules: Iterable[str]) -> Dict[str, FileFacts]:
        paths = [path_of[m] for m in modules if m in path_of]
        return {facts.module: facts for facts in facts_of(paths).values()}

    return TrackedIndex(
        loaded,
        pending=pending,
        loader=load,
        memos=memos,
        changed=changed,
        memo_values=memo_values,
        tracking=tracking,
        modules=frozenset(f.module for f in layout.files),
        project_packages=packages,
        roles={f.module: (f.roles, f.feature) for f in layout.files},
        role_for_module=role_matcher(config).roles_for_module,
        complete=True,
    )


def _decide_files(
    config: Config,
    paths: Sequence[str],
    results: Mapping[str, FileResult],
    project: Mapping[str, Tuple[Violation, ...]],
    index: TrackedIndex,
    rules: Sequence[RuleSpec],
    project_rules: Sequence[Type[ProjectRule]],
    locate: Locate,
    modules: Mapping[str, str],
    keys: Mapping[str, str],
) -> Dict[str, Decided]:
    """Confirm, place, supersede and suppress the findings of ``paths``."""
    confirmed: Dict[str, List[Violation]] = {}
    unlocated: Dict[str, List[Tuple[NodeLocator, Violation]]] = {}
    deps: Dict[str, FrozenSet[Key]] = {}
    for path in paths:
        result = results[path]
        found = list(result.violations)
        read: Set[Key] = set()
        for candidate in result.candidates:
            violation, keys_read = index.record(partial(_verdict, candidate, index))
            read |= keys_read
            if violation is None:
                continue
            if candidate.locator is not None and violation.location.line is None:
                unlocated.setdefault(path, []).append((candidate.locator, violation))
            else:
                found.append(violation)
        confirmed[path] = found
        deps[path] = frozenset(read)
    for violation in locate(unlocated):
        confirmed[violation.path].append(violation)
    judges = {rule.code: rule() for rule in project_rules}
    out: Dict[str, Decided] = {}
    for path in paths:
        on_file = project.get(path, ())
        standing: Sequence[Violation] = on_file
        facts = results[path].facts
        if on_file and facts is not None:
            standing, judged = index.record(partial(_standing, on_file, facts, index, judges))
            deps[path] = deps[path] | judged
        found = _supersede([*confirmed[path], *standing], rules)
        kept, hidden = suppress(config, {path: results[path]}, found, rules)
        out[path] = Decided(
            keys[path],
            modules.get(path, ""),
            tuple(sorted(deps[path])),
            tuple(kept),
            on_file,
            hidden,
        )
    return out


def _standing(
    found: Sequence[Violation],
    facts: FileFacts,
    index: ProjectIndex,
    judges: Mapping[str, ProjectRule],
) -> List[Violation]:
    """The project findings on a file that stand once its facts are known."""
    return [v for v in found if v.code not in judges or judges[v.code].stands(v, facts, index)]


def _verdict(candidate: Candidate, index: TrackedIndex) -> Optional[Violation]:
    """The candidate's finding if its condition holds on the complete index, else None."""
    if candidate.condition.evaluate(index) is not True:
        return None
    return _with_detail(candidate, index)


def _with_detail(candidate: Candidate, index: ProjectIndex) -> Violation:
    """Conditions may describe what they found (a cycle's path): ``{detail}`` in the message."""
    violation = candidate.violation
    if "{detail}" not in violation.message:
        return violation
    describe = getattr(candidate.condition, "detail", None)
    text = describe(index) if callable(describe) else ""
    from dataclasses import replace

    return replace(violation, message=violation.message.replace("{detail}", text or ""))


def _supersede(violations: List[Violation], rules: Iterable[RuleSpec]) -> List[Violation]:
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
    rules: Sequence[RuleSpec],
) -> Tuple[List[Violation], int]:
    """Apply per-file-ignores and ``# noqa:`` comments; add CNF902 for unused ones."""
    from conformance.suppressions import UNUSED_CODE, apply_noqa, parse_directives, per_file_ignored

    known = specs()
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


def stat_rows(
    cache: Optional[Cache], scope: Optional[str], state: Optional[Any], layout: Layout
) -> Dict[str, Tuple[int, int, int, int, str]]:
    """path -> the ``stat`` row a run trusts (``engine.read_inputs``): the store's. A long-lived
    process (``state``, an ``EngineState``) reads them once per scope and keeps what its own
    runs learn, in the dictionary returned: a row is compared with the file's ``stat`` before it
    is used, so an old one costs a read, never a wrong key. The rows of files no longer in the
    layout are dropped, as the store drops them."""
    if cache is None or scope is None:
        return {}
    if state is None:
        return cache.file_stats(scope)
    rows: Optional[Dict[str, Tuple[int, int, int, int, str]]] = state.stats.get(scope)
    if rows is None:
        rows = state.stats[scope] = cache.file_stats(scope)
    present = {f.path for f in layout.files}
    for path in [path for path in rows if path not in present]:
        del rows[path]
    return rows


def stored_facts(
    inputs: Mapping[str, Any],
    memory: Mapping[str, FileResult],
    facts_memory: Dict[str, FileFacts],
    cache: Optional[Cache],
    results_of: ResultsOf,
) -> Dict[str, FileFacts]:
    """path -> facts of ``inputs`` (path -> the run's input, with its content ``key``), what the
    index loads lazily: from memory, else only the facts of the stored results (decoding a whole
    project's findings to read its imports cost seconds; kept in ``facts_memory``), else from
    the file pass."""
    out: Dict[str, FileFacts] = {}
    missing: List[str] = []
    for path, item in inputs.items():
        known = memory.get(item.key)
        if known is not None:
            if known.facts is not None:
                out[path] = known.facts
        elif item.key in facts_memory:
            out[path] = facts_memory[item.key]
        else:
            missing.append(path)
    if cache is not None and missing:
        keyed = {inputs[p].key: p for p in missing if inputs[p].readable}
        stored = cache.fields(list(keyed), FileResult, "facts")
        for key, facts in stored.items():
            if facts is not None:
                out[keyed[key]] = facts_memory[key] = facts
        missing = [p for p in missing if inputs[p].key not in stored]
    if missing:
        out.update((p, r.facts) for p, r in results_of(missing).items() if r.facts is not None)
    return out
