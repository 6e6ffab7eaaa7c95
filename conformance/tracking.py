"""Dependency tracking on the project index: which parts of the index a verdict read, and which
parts an edit changed.

A deferred finding's verdict (its condition evaluated on the complete index) is a pure function of
the index entries it looked at. :class:`TrackedIndex` records what a verdict reads as *keys* while
it is decided; :func:`changed_keys` lists the keys whose value differs between two versions of one
file's facts. A stored verdict stays valid as long as none of the keys it read changed, so after
an edit only the verdicts that read something the edit changed are decided again, as mypy's
fine-grained mode and salsa-based tools do.

Keys are short strings, one per module and table (a definition is looked up in the module its
qualified name starts with, the longest such module of the layout; absence is a value too):

* ``c:<module>``, ``f:<module>``, ``a:<module>`` the classes, functions, aliases of a module;
* ``b:<module>`` its module-level imports (re-exports follow them), ``m:<module>`` its facts as a
  whole, ``i:<module>`` all its imports (``index.imports_of``; what an import graph reads);
* ``L`` the layout: which modules exist (with facts) and their roles;
* ``x:<key>`` the family facts of that key from every file;
* ``*c``, ``*f``, ``*a``, ``*b``, ``*m``, ``*i`` a whole table read by iterating it (``*i``: the
  imports of every module);
* ``@<name>`` a whole-project memo kept between runs (``index.memo``), which changed when one of
  the keys it read did;
* ``v`` the verdict went through a cycle of base classes: always decided again.

The index also loads lazily: given a loader, a module's facts are fetched only when a lookup
needs that module, so a run that re-decides a few verdicts reads a few files' facts from the
store instead of all of them.
"""

from __future__ import annotations

from typing import (
    AbstractSet,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Set,
    Tuple,
    TypeVar,
)

from conformance.facts import FileFacts, ImportFact, import_bindings
from conformance.index import ProjectIndex

Key = str

#: Recorded when a verdict went through a cycle of base classes: always decided again.
VOLATILE: Key = "v"
#: Which modules exist (with facts) and their roles.
LAYOUT: Key = "L"
#: Prefix of the key of a memo kept between runs (``@<name>``): it changed when a key it read did.
MEMO = "@"

#: A memo kept from one run to the next: (its value as JSON text, the keys computing it read).
StoredMemo = Tuple[str, Tuple[Key, ...]]

#: A loader of facts: the facts of the given modules (those without facts are left out).
Loader = Callable[[Iterable[str]], Mapping[str, FileFacts]]

#: Kept memos already decoded: name -> (the JSON text, the value decoded from it). A long-lived
#: process keeps it from one run to the next, so that a memo read again is not decoded again (a
#: whole-project value made of a thousand kept parts would cost more to decode than to look at).
MemoValues = Dict[str, Tuple[str, Any]]

_T = TypeVar("_T")

_TABLE_KEYS = {"class": "c", "function": "f", "alias": "a", "bindings": "b", "file": "m"}


class _Tracked(Dict[Any, Any]):
    """A table of the index that notes every key it is asked for (and loads it on demand)."""

    def __init__(self, index: TrackedIndex, table: str, data: Mapping[Any, Any]) -> None:
        super().__init__(data)
        self._index = index
        self._table = table

    def __getitem__(self, key: Any) -> Any:
        self._index._touch(self._table, key)
        return dict.__getitem__(self, key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._index._touch(self._table, key)
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        self._index._touch("has-" + self._table if self._table == "file" else self._table, key)
        return dict.__contains__(self, key)

    def __iter__(self) -> Iterator[Any]:
        self._index._touch_all(self._table)
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._index._touch_all(self._table)
        return dict.__len__(self)

    def keys(self) -> Any:
        self._index._touch_all(self._table)
        return dict.keys(self)

    def values(self) -> Any:
        self._index._touch_all(self._table)
        return dict.values(self)

    def items(self) -> Any:
        self._index._touch_all(self._table)
        return dict.items(self)


class TrackedIndex(ProjectIndex):
    """A complete project index that records what each verdict reads (see the module docstring).

    ``pending`` names modules whose facts are not loaded yet: ``loader`` fetches them the first
    time a lookup reaches them.
    """

    def __init__(
        self,
        facts: Iterable[FileFacts],
        *,
        pending: Iterable[str] = (),
        loader: Optional[Loader] = None,
        memos: Optional[Mapping[str, StoredMemo]] = None,
        changed: AbstractSet[Key] = frozenset(),
        modules: AbstractSet[str] = frozenset(),
        memo_values: Optional[MemoValues] = None,
        tracking: bool = True,
        **options: Any,
    ) -> None:
        #: Off when no record outlives the run (``--no-cache``): verdicts are then decided
        #: without noting what they read (a fifth of a cold decision on 200 modules).
        self._tracking = tracking
        self._modules: AbstractSet[str] = modules  # every module of the layout
        self._values: MemoValues = memo_values if memo_values is not None else {}
        self._stored: Dict[str, StoredMemo] = dict(memos or {})
        self._changed = changed
        self._valid: Dict[str, bool] = {}  # memo name -> whether it holds after the changes
        self.memos: Dict[str, StoredMemo] = {}  # computed or reused in this run
        self._frames: List[Set[Key]] = []
        self._pending: Set[str] = set(pending)
        self._loader = loader
        self._loading = False
        self._kind_deps: Dict[str, FrozenSet[Key]] = {}
        self._prefixes: Dict[str, Tuple[Key, ...]] = {}
        super().__init__(facts, **options)
        self.files = _Tracked(self, "file", self.files)
        self.classes = _Tracked(self, "class", self.classes)
        self.functions = _Tracked(self, "function", self.functions)
        self.aliases = _Tracked(self, "alias", self.aliases)
        self.bindings = _Tracked(self, "bindings", self.bindings)
        self.roles = _Tracked(self, "role", self.roles)

    # -- recording -----------------------------------------------------------------------------

    def record(self, decide: Callable[[], _T], *, merge: bool = True) -> Tuple[_T, FrozenSet[Key]]:
        """Run ``decide()`` and return its value with the keys it read (also read by the
        enclosing recording, unless ``merge`` is false: the caller then says what it read)."""
        if not self._tracking:
            return decide(), frozenset()
        self._frames.append(set())
        try:
            value = decide()
        finally:
            read = self._frames.pop()
        if merge and self._frames:
            self._frames[-1].update(read)
        return value, frozenset(read)

    def _note(self, key: Key) -> None:
        if self._frames:
            self._frames[-1].add(key)

    def _touch(self, table: str, name: Any) -> None:
        if self._pending and not self._loading:
            self._load_for(table, name)
        if not self._frames or type(name) is not str:
            return
        frame = self._frames[-1]
        if table in ("role", "has-file"):
            frame.add(LAYOUT)
        elif table in ("file", "bindings"):
            frame.add(_TABLE_KEYS[table] + ":" + name)
        elif self.is_project_name(name):  # other names are never defined in the project
            frame.update(self._prefix_keys(_TABLE_KEYS[table], name))

    def _prefix_keys(self, letter: str, qualname: str) -> Tuple[Key, ...]:
        """``letter:module`` of the module a definition named ``qualname`` is in: the longest
        module of the layout its name starts with (a module defines ``module.Name`` and
        ``module.Class.method``), with the layout (a module added under that name would hold it)."""
        memo_key = letter + qualname
        found = self._prefixes.get(memo_key)
        if found is None:
            found = (LAYOUT,)
            cut = qualname.rfind(".")
            while cut > 0:
                prefix = qualname[:cut]
                if prefix in self._modules:
                    found = (letter + ":" + prefix, LAYOUT)
                    break
                cut = qualname.rfind(".", 0, cut)
            self._prefixes[memo_key] = found
        return found

    def _touch_all(self, table: str) -> None:
        if self._pending and not self._loading:
            self._load(list(self._pending))
        if self._frames:
            self._frames[-1].add(LAYOUT if table == "role" else "*" + _TABLE_KEYS[table])

    # -- lazy loading --------------------------------------------------------------------------

    def _load_for(self, table: str, name: Any) -> None:
        if type(name) is not str:
            return
        if table == "role":
            return  # roles come from discovery, all known
        if table in ("file", "has-file", "bindings"):
            if name in self._pending:
                self._load([name])
            return
        # a definition lives in the module that is a prefix of its qualified name
        wanted = []
        cut = name.rfind(".")
        while cut > 0:
            prefix = name[:cut]
            if prefix in self._pending:
                wanted.append(prefix)
            cut = name.rfind(".", 0, cut)
        if wanted:
            self._load(wanted)

    def _load(self, modules: List[str]) -> None:
        self._pending.difference_update(modules)
        if self._loader is None:
            return
        self._loading = True
        try:
            for facts in self._loader(modules).values():
                self.add(facts)
        finally:
            self._loading = False

    def add(self, facts: FileFacts) -> None:
        loading, self._loading = self._loading, True  # merging writes, it reads nothing
        try:
            super().add(facts)
        finally:
            self._loading = loading

    # -- what the base class computes from several keys ------------------------------------------

    def extra(self, key: str) -> List[Tuple[str, Any]]:
        if self._pending and not self._loading:
            self._load(list(self._pending))
        self._note("x:" + key)
        loading, self._loading = self._loading, True
        frames, self._frames = self._frames, []  # the key above stands for everything read here
        try:
            return super().extra(key)
        finally:
            self._frames = frames
            self._loading = loading

    def kinds(self, qualname: str) -> Tuple[FrozenSet[str], bool]:
        """As the base class, memoised per index; a memoised answer still reports the keys its
        computation read, so a verdict that reuses it depends on them too."""
        resolved_and_deps = self.record(lambda: self.type_of(qualname))
        resolved: str = resolved_and_deps[0]
        cached = self._kind_cache.get(resolved)
        if cached is not None:
            deps = self._kind_deps.get(resolved)
            if deps is None:
                self._note(VOLATILE)
            elif self._frames:
                self._frames[-1].update(deps)
            return cached
        self._kind_cache[resolved] = (frozenset(), True)  # cycle guard, see _compute_kinds
        result, deps = self.record(lambda: self._compute_kinds(resolved))
        self._kind_cache[resolved] = result
        if VOLATILE not in deps:
            self._kind_deps[resolved] = deps
        return result

    def import_modules(self) -> List[str]:
        """Every module of the layout (which modules exist is the layout), without loading any
        facts: :meth:`imports_of` loads one module's."""
        self._note(LAYOUT)
        return sorted(set(self._modules).union(dict.keys(self.files)))

    def imports_of(self, module: str) -> Optional[Tuple[ImportFact, ...]]:
        """As the base class; the answer depends on that module's imports alone (``i:``)."""
        if module in self._pending and not self._loading:
            self._load([module])
        self._note("i:" + module)
        facts = dict.get(self.files, module)
        return facts.imports if facts is not None else None

    def module_imports(self) -> List[Tuple[str, Tuple[ImportFact, ...]]]:
        """As the base class; the verdict depends on every module's imports (and nothing else of
        their facts)."""
        if self._pending and not self._loading:
            self._load(list(self._pending))
        self._note("*i")
        loading, self._loading = self._loading, True
        frames, self._frames = self._frames, []
        try:
            return super().module_imports()
        finally:
            self._frames = frames
            self._loading = loading

    # -- whole-project memo for rules ------------------------------------------------------------

    def memo(self, name: str, compute: Callable[[], Any], kind: Any = None) -> Any:
        """As the base class; every verdict that uses the value depends on what computing it read.

        With ``kind`` (the value's type, see ``plain.py``) the value also outlives the run: the
        next run reuses it unless a key it read changed, without loading what it was computed
        from (the import graph of a whole project, for one edited file's cycle findings)."""
        found = self._memo.get(name)
        if found is None:
            found = self._restore(name, kind) if kind is not None else None
            if found is None:
                # not merged: the enclosing verdict (or memo) reads ``@name`` alone when the
                # value is kept, as it does on the runs that reuse it
                found = self.record(compute, merge=False)
                if kind is not None:
                    self._save(name, kind, found)
            self._memo[name] = found
        value, deps = found
        if self._frames:
            # A kept memo is one key of its own (``@name``): the engine knows when it changed,
            # and a verdict does not carry the whole project's keys along.
            kept = kind is not None and name in self.memos
            self._frames[-1].update((MEMO + name,) if kept else deps)
        return value

    def _restore(self, name: str, kind: Any) -> Optional[Tuple[Any, FrozenSet[Key]]]:
        from conformance.plain import Malformed, loads

        stored = self._stored.get(name)
        if stored is None or not self._still_valid(stored[1]):
            return None
        decoded = self._values.get(name)
        if decoded is not None and decoded[0] == stored[0]:
            value = decoded[1]
        else:
            try:
                value = loads(stored[0], kind)
            except Malformed:
                return None
            self._values[name] = (stored[0], value)
        self.memos[name] = stored
        return value, frozenset(stored[1])

    def _save(self, name: str, kind: Any, found: Tuple[Any, FrozenSet[Key]]) -> None:
        from conformance.plain import Unencodable, dumps

        value, deps = found
        if VOLATILE in deps:
            return
        try:
            text = dumps(value, kind)
        except Unencodable:
            return
        # not kept in ``_values``: a later run reads the decoded value, as it always did
        # (``Any`` reads lists back as tuples), decoded once
        self.memos[name] = (text, tuple(sorted(deps)))

    def _still_valid(self, deps: Iterable[Key]) -> bool:
        return memo_valid(deps, self._changed, self._stored, self._valid)

    def kept_memos(self) -> Dict[str, StoredMemo]:
        """The memos for the next run: those computed or reused now, and the stored ones that
        nothing changed under."""
        out = {name: memo for name, memo in self._stored.items() if self._still_valid(memo[1])}
        out.update(self.memos)
        return out


def memo_valid(
    deps: Iterable[Key],
    changed: AbstractSet[Key],
    stored: Mapping[str, StoredMemo],
    known: Optional[Dict[str, bool]] = None,
) -> bool:
    """Whether a memo (or a verdict) that read ``deps`` still holds after the changes
    ``changed``: ``@name`` keys hold when that memo is kept and holds itself. ``known`` keeps
    each memo's answer for the caller's next questions (thousands of verdicts read the same
    memo)."""
    if known is None:
        known = {}
    for dep in deps:
        if dep in changed or dep == VOLATILE:
            return False
        if dep[:1] == MEMO:
            name = dep[1:]
            holds = known.get(name)
            if holds is None:
                inner = stored.get(name)
                known[name] = False  # a memo that reads itself does not hold
                holds = inner is not None and memo_valid(inner[1], changed, stored, known)
                known[name] = holds
            if not holds:
                return False
    return True


def changed_keys(module: str, old: Optional[FileFacts], new: Optional[FileFacts]) -> Set[Key]:
    """The keys whose value differs between two versions of one module's facts (None: the module
    has no facts, because the file is new, deleted or does not parse)."""
    if old == new:
        return set()
    keys: Set[Key] = {"m:" + module, "*m"}
    if (old is None) != (new is None):
        keys.add(LAYOUT)
    for letter, entries_of in _TABLES:
        before = entries_of(old) if old is not None else {}
        after = entries_of(new) if new is not None else {}
        if before != after:
            keys.update({letter + ":" + module, "*" + letter})
    old_imports = old.imports if old is not None else None
    new_imports = new.imports if new is not None else None
    if old_imports != new_imports:
        keys.add("i:" + module)
        if (old_imports or ()) != (new_imports or ()):
            keys.add("*i")
    old_extra = old.extra if old is not None else {}
    new_extra = new.extra if new is not None else {}
    for key in set(old_extra) | set(new_extra):
        if old_extra.get(key) != new_extra.get(key):
            keys.add("x:" + key)
    return keys


def _classes(facts: FileFacts) -> Dict[str, Any]:
    return {cls.qualname: cls for cls in facts.classes}


def _functions(facts: FileFacts) -> Dict[str, Any]:
    out: Dict[str, Any] = {f.qualname: f for f in facts.functions}
    for cls in facts.classes:
        out.update((m.qualname, m) for m in cls.methods)
    return out


def _aliases(facts: FileFacts) -> Dict[str, Any]:
    return {alias.qualname: alias for alias in facts.aliases}


def _bindings(facts: FileFacts) -> Dict[str, Any]:
    return dict(import_bindings(facts.imports))


_TABLES: Tuple[Tuple[str, Callable[[FileFacts], Dict[str, Any]]], ...] = (
    ("c", _classes),
    ("f", _functions),
    ("a", _aliases),
    ("b", _bindings),
)
