"""Which files to check and which folders are feature-module packages.

Walks the given paths below the project root, skipping hidden folders, ``__pycache__``, virtual
environments, symlinked folders that leave the root, the configured excludes (gitignore syntax)
and, by default, what ``.gitignore`` files ignore. A file given inside a module package brings
its whole package along: structure and layering rules judge packages, not single files (this is
what the pre-commit hook relies on). A configuration file given as a path means "check everything".
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import replace
from typing import TYPE_CHECKING, AbstractSet, Dict, List, Optional, Pattern, Sequence, Set, Tuple

from conformance.config import project_config
from conformance.diagnostics import Violation
from conformance.discovery_cache import (
    FolderRecord,
    SnapshotStore,
    Stat,
    load_snapshot,
    save_snapshot,
    snapshot_scope,
    stat_of,
)
from conformance.model import Layout, ModulePackage, SourceFile
from conformance.reading import read_source
from conformance.roles import is_role_package, role_matcher
from conformance.settings import ALEMBIC_VERSIONS, Config

if TYPE_CHECKING:
    import pathspec

CONFIG_FILE_NAMES = frozenset({"pyproject.toml", "conformance.toml"})


class DiscoveryError(Exception):
    """A path that cannot be checked (missing, unreadable folder)."""


def relative(root: str, path: str) -> str:
    """POSIX path of ``path`` relative to ``root``."""
    rel = os.path.relpath(path, root)
    return "." if rel == "." else rel.replace(os.sep, "/")


def module_name(rel_path: str, src_roots: Sequence[str]) -> Tuple[str, bool]:
    """Dotted module name of a relative ``.py`` path, against the longest matching source root."""
    best = ""
    for root in src_roots:
        clean = "" if root in (".", "./", "") else root.strip("/")
        if clean and not rel_path.startswith(clean + "/"):
            continue
        if len(clean) >= len(best):
            best = clean
    inner = rel_path[len(best) + 1 :] if best else rel_path
    parts = inner[: -len(".py")].split("/") if inner.endswith(".py") else inner.split("/")
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(p for p in parts if p), is_package


def _gitignore_spec(lines: Sequence[str]) -> pathspec.GitIgnoreSpec:
    """A ``.gitignore`` file's patterns. Git skips the lines it cannot read as a pattern (a lone
    ``!``, a trailing backslash); so does this, instead of failing the run."""
    import pathspec  # not on the path of a warm run, which takes the tree from the snapshot

    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:
        valid: List[str] = []
        for line in lines:
            try:
                pathspec.GitIgnoreSpec.from_lines([line])
            except ValueError:
                continue
            valid.append(line)
        return pathspec.GitIgnoreSpec.from_lines(valid)


class _Matcher:
    """A gitignore spec's ``match_file``, as one regular expression when no pattern negates
    (the usual case: every match excludes, so the first match decides); pathspec itself, which
    tries each pattern in turn, otherwise. Discovery asks it for every file and folder."""

    def __init__(self, spec: pathspec.GitIgnoreSpec) -> None:
        self.spec = spec
        self.regex: Optional[Pattern[str]] = None
        patterns = [p for p in spec.patterns if p.include is not None]
        regexes = [getattr(p, "regex", None) for p in patterns]
        if all(p.include for p in patterns) and all(isinstance(r, Pattern) for r in regexes):
            # pathspec names a group in each pattern; one expression needs them unnamed
            parts = [r.pattern.replace("(?P<ps_d>", "(?:") for r in regexes if r is not None]
            self.regex = re.compile("|".join(f"(?:{part})" for part in parts) or "(?!)")

    def match_file(self, path: str) -> bool:
        if self.regex is not None:
            return self.regex.match(path) is not None
        return bool(self.spec.match_file(path))


class _Walker:
    def __init__(self, config: Config) -> None:
        self.root = os.path.abspath(config.root)
        self.config = config
        self._excludes: Optional[_Matcher] = None
        self.gitignores: Dict[str, Optional[pathspec.GitIgnoreSpec]] = {}
        self._above: Dict[str, Tuple[Tuple[str, pathspec.GitIgnoreSpec], ...]] = {}
        self._answers: Dict[str, bool] = {}  # probe (folders end in "/") -> excluded
        self.roles = role_matcher(config)
        self.real_root = os.path.realpath(self.root)
        # The default excludes name Alembic's revisions by its usual folder; a revisions folder
        # kept elsewhere (``database/revisions/tenant/versions``) is found by Alembic's own
        # files beside it, as long as the defaults are in force.
        self.alembic_excluded = ALEMBIC_VERSIONS in config.exclude
        self.now_ns = time.time_ns()  # before any listing: what is racy is judged against it
        self.previous: Dict[str, FolderRecord] = {}  # the last snapshot's records, by folder
        self.records: List[FolderRecord] = []  # every folder walked, in walk order
        self.packages: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]] = {}

    @property
    def excludes(self) -> _Matcher:
        if self._excludes is None:  # compiled when first needed: a warm run may never ask
            import pathspec

            patterns = list(self.config.exclude) + list(self.config.extend_exclude)
            self._excludes = _Matcher(pathspec.GitIgnoreSpec.from_lines(patterns))
        return self._excludes

    def excluded(self, rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        known = self._answers.get(probe)
        if known is None:
            known = self._answers[probe] = self._excluded(rel, probe)
        return known

    def _excluded(self, rel: str, probe: str) -> bool:
        if self.excludes.match_file(probe):
            return True
        if not self.config.respect_gitignore:
            return False
        # .gitignore files of every folder from the root down to this path's folder
        for folder, spec in self._gitignores_above(rel.rpartition("/")[0]):
            below = probe[len(folder) + 1 :] if folder else probe
            if spec.match_file(below):
                return True
        return False

    def _gitignores_above(self, folder: str) -> Tuple[Tuple[str, pathspec.GitIgnoreSpec], ...]:
        """(folder, spec) of the ``.gitignore`` files from the root down to ``folder``."""
        found = self._above.get(folder)
        if found is None:
            outer = self._gitignores_above(folder.rpartition("/")[0]) if folder else ()
            spec = self._gitignore(folder)
            found = outer + ((folder, spec),) if spec is not None else outer
            self._above[folder] = found
        return found

    def _gitignore(self, folder: str) -> Optional[pathspec.GitIgnoreSpec]:
        if folder in self.gitignores:
            return self.gitignores[folder]
        path = (
            os.path.join(self.root, folder, ".gitignore")
            if folder
            else os.path.join(self.root, ".gitignore")
        )
        spec: Optional[pathspec.GitIgnoreSpec] = None
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                spec = _gitignore_spec(handle.read().splitlines())
        except OSError:
            spec = None
        self.gitignores[folder] = spec
        return spec

    def skip_dir(self, entry: os.DirEntry[str], rel: str, beside: AbstractSet[str]) -> bool:
        """Whether not to enter the folder ``entry``; ``beside``: the names in its parent."""
        name = entry.name
        if name.startswith(".") or name == "__pycache__":
            return True
        if entry.is_symlink():
            target = os.path.realpath(entry.path)
            if not (target == self.real_root or target.startswith(self.real_root + os.sep)):
                return True
        if name == "versions" and self.alembic_excluded:
            # Alembic's revisions: its template and env.py beside them
            if "script.py.mako" in beside and "env.py" in beside:
                return True
        return self.excluded(rel, True)

    def _own_project_or_venv(
        self, folder: str, names: AbstractSet[str], watched: List[Tuple[str, Optional[Stat]]]
    ) -> bool:
        """A virtualenv, or another project checked with its own configuration (judged by the
        folder's own listing, so that walking costs one listing per folder). The ``stat`` of a
        configuration file read goes to ``watched``, taken before reading it."""
        if "pyvenv.cfg" in names:
            return True
        if not self.config.subprojects:
            return False
        if "conformance.toml" not in names and "pyproject.toml" not in names:
            return False
        for name in ("conformance.toml", "pyproject.toml"):
            if name in names:
                watched.append((name, stat_of(os.path.join(folder, name))))
        return project_config(folder) is not None

    def walk(
        self,
        folder: str,
        files: Set[str],
        folders: Set[str],
        seen: Set[str],
        real: Optional[str] = None,
        top: bool = True,
        trusted: bool = True,
        rel_folder: Optional[str] = None,
    ) -> None:
        """Walk ``folder`` (``rel_folder`` below the root): its record from the last snapshot
        when its evidence still holds (``trusted``: no ``.gitignore`` above it changed), else
        from listing it now."""
        # a folder's real path is its parent's plus its name, unless it is a link
        real = real if real is not None else os.path.realpath(folder)
        if real in seen:  # symlink loops
            return
        if rel_folder is None:
            rel_folder = relative(self.root, folder)
        stat = stat_of(folder)  # before listing: a change after it is seen next time
        old = self.previous.get(rel_folder) if trusted else None
        if old is not None and self._holds(folder, old, stat):
            record = old
        else:
            record = self._listed(folder, rel_folder, stat, top)
            if (
                old is not None
                and record.same_listing(old)
                and (record.stat, record.watched) == (old.stat, old.watched)
                and not record.trusted()
            ):
                record = old  # unchanged and still too recent: the stored one, nothing to write
            # what a .gitignore excludes lies below it: a new, gone or changed one, or one that
            # was too recent to trust, and nothing below is taken from the snapshot
            ignore = record.watched_stat(".gitignore")
            trusted = (
                old is not None
                and old.watched_stat(".gitignore") == ignore
                and (ignore is None or not old.racy(ignore))
            )
        self.records.append(record)
        if record.skipped:
            return
        seen.add(real)
        # A folder whose name is not valid UTF-8 is never a module package (its name could not
        # be printed, stored or compared); the Python files in it are listed, to be reported.
        if escaped_name(rel_folder) == rel_folder:
            folders.add(rel_folder)
        prefix = "" if rel_folder == "." else rel_folder + "/"
        files.update(prefix + name for name in record.files)
        if record.package is not None:
            self.packages[rel_folder] = record.package
        links = dict(record.links)
        for name in record.subdirs:
            inner = links.get(name) or real + os.sep + name
            path = os.path.join(folder, name)
            self.walk(path, files, folders, seen, inner, False, trusted, prefix + name)

    def _holds(self, folder: str, old: FolderRecord, stat: Optional[Stat]) -> bool:
        """Whether the stored record ``old`` still describes ``folder`` (now ``stat``)."""
        if stat is None or stat != old.stat or not old.trusted():
            return False
        return all(stat_of(os.path.join(folder, name)) == was for name, was in old.watched)

    def _listed(
        self, folder: str, rel_folder: str, stat: Optional[Stat], top: bool
    ) -> FolderRecord:
        """List ``folder`` and take from it what discovery needs."""
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            raise DiscoveryError(f"{rel_folder}: cannot read folder: {error.strerror}") from None
        names = {entry.name for entry in entries}
        watched: List[Tuple[str, Optional[Stat]]] = []
        if self.config.respect_gitignore and ".gitignore" in names:
            # read while matching the entries below: its stat first
            watched.append((".gitignore", stat_of(os.path.join(folder, ".gitignore"))))
        storable = stat is not None
        if not top and self._own_project_or_venv(folder, names, watched):
            storable = storable and all(was is not None for _, was in watched)
            return FolderRecord(
                rel_folder, stat, self.now_ns, tuple(watched), True, storable=storable
            )
        storable = storable and all(was is not None for _, was in watched)
        files: List[str] = []
        subdirs: List[str] = []
        links: List[Tuple[str, str]] = []
        for entry in entries:
            rel = entry.name if rel_folder == "." else f"{rel_folder}/{entry.name}"
            try:
                link = entry.is_symlink()
            except OSError:
                link = False
                storable = False
            if link:  # its target may change without its folder changing
                storable = False
            try:
                is_dir = entry.is_dir()
            except OSError:  # a symlink loop: listed, so that reading it reports it (CNF901)
                is_dir = False
            if is_dir:
                if not self.skip_dir(entry, rel, names):
                    subdirs.append(entry.name)
                    if link:
                        links.append((entry.name, os.path.realpath(entry.path)))
            elif entry.name.endswith(".py") and not self.excluded(rel, False):
                files.append(entry.name)
        package = None
        if rel_folder != "." and self.roles.package_of(rel_folder) is not None:
            package = self._package_entries(rel_folder, entries)
        return FolderRecord(
            rel_folder,
            stat,
            self.now_ns,
            tuple(watched),
            False,
            tuple(files),
            tuple(subdirs),
            package,
            links=tuple(links),
            storable=storable,
        )

    def _package_entries(
        self, folder: str, entries: Sequence[os.DirEntry[str]]
    ) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
        """A module package folder's regular files and sub-folders, minus hidden, cache and
        ignored entries (a gitignored build artefact is not an extra file)."""
        names: List[str] = []
        subdirs: List[str] = []
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            rel = f"{folder}/{entry.name}"
            try:
                if entry.is_dir():
                    if not self.excluded(rel, True):
                        subdirs.append(entry.name)
                elif entry.is_file() and not self.excluded(rel, False):
                    names.append(entry.name)
            except OSError:
                continue
        return tuple(names), tuple(subdirs)


def discover(config: Config, paths: Sequence[str], store: Optional[SnapshotStore] = None) -> Layout:
    """Expand ``paths`` (absolute) into the files and module packages to check.

    With ``store``, a discovery of the whole project root starts from the snapshot of the last
    one (``discovery_cache.py``): a folder whose ``stat`` did not change is not listed again, and
    when no folder's listing changed the stored layout is the answer. The new snapshot is stored
    when anything in it changed.
    """
    walker = _Walker(config)
    root = walker.root
    targets: List[str] = []
    for path in paths:
        absolute = os.path.abspath(path)
        if not os.path.exists(absolute):
            raise DiscoveryError(f"{path}: no such file or folder")
        if os.path.isfile(absolute) and os.path.basename(absolute) in CONFIG_FILE_NAMES:
            targets.append(root)  # configuration changed: check everything
            continue
        if os.path.isfile(absolute):
            rel = relative(root, absolute)
            folder = rel.rpartition("/")[0]
            found = walker.roles.module_of(folder) if folder else None
            if found is not None:
                targets.append(os.path.join(root, found[0]))  # the whole module package
            else:
                targets.append(absolute)
        else:
            targets.append(absolute)
    if store is None or set(targets) != {root}:
        return _discovered(walker, sorted(set(targets)))
    scope = snapshot_scope(config)
    last = load_snapshot(store, scope)
    if last is not None and last.holds(root):
        return last.layout()  # nothing listed, nothing matched
    stored = last.records() if last is not None else ()
    walker.previous = {record.path: record for record in stored}
    files: Set[str] = set()
    folders: Set[str] = set()
    walker.walk(root, files, folders, set())
    records = tuple(walker.records)
    if last is not None and _same_listings(records, stored):
        layout = last.layout()
    else:
        known = {file.path: file for file in last.layout().files} if last is not None else {}
        layout = _layout(walker, files, folders, known)
    if records != stored:
        save_snapshot(store, scope, records, layout)
    return layout


def _same_listings(records: Sequence[FolderRecord], stored: Sequence[FolderRecord]) -> bool:
    return len(records) == len(stored) and all(
        new is old or new.same_listing(old) for new, old in zip(records, stored)
    )


def _discovered(walker: _Walker, targets: Sequence[str]) -> Layout:
    root = walker.root
    files: Set[str] = set()
    folders: Set[str] = set()
    seen: Set[str] = set()
    for target in targets:
        if os.path.isdir(target):
            walker.walk(target, files, folders, seen)
        elif target.endswith(".py"):
            rel = relative(root, target)
            if not walker.excluded(rel, False):
                files.add(rel)
    return _layout(walker, files, folders, {})


def _layout(
    walker: _Walker, files: Set[str], folders: Set[str], known: Dict[str, SourceFile]
) -> Layout:
    """The layout of the walked ``files`` and ``folders``. ``known``: the files of a layout of
    the same configuration, by path (a file's module name and roles follow from its path)."""
    config = walker.config
    root = walker.root
    # A folder is a module package when the globs say so (one answer per folder, see
    # RoleMatcher.module_of) and it holds Python files: a folder of fonts or templates that a
    # broad glob matches is not a module.
    with_python = {rel.rpartition("/")[0] or "." for rel in files}
    holding: Set[str] = set()
    for folder in with_python:
        while folder not in holding:
            holding.add(folder)
            folder = folder.rpartition("/")[0] or "."
    modules: Dict[str, str] = {}
    for folder in sorted(folders):
        feature = walker.roles.package_of(folder) if folder != "." else None
        if feature is not None and folder in holding:
            modules[folder] = feature
    packages: List[ModulePackage] = []
    roots: Set[str] = set()
    # Sub-folders with Python files, by parent: a folder that holds modules is a "modules folder"
    # only when every one of them is a module. An application package that holds its features
    # beside database/, common/, main.py (``src/dispatch/``) is not one: its own files are not
    # stray.
    children: Dict[str, Set[str]] = {}
    for folder in holding:
        if folder != ".":
            children.setdefault(folder.rpartition("/")[0] or ".", set()).add(folder)
    dedicated_of: Dict[str, bool] = {}
    for folder in modules:
        parent = folder.rpartition("/")[0] or "."
        # The folder holding modules, unless it is (inside) a module itself: a module's own
        # router.py is never a stray file of a "modules folder".
        dedicated = dedicated_of.get(parent)
        if dedicated is None:
            dedicated = all(child in modules for child in children.get(parent, ()))
            dedicated_of[parent] = dedicated
        if (parent == "." or walker.roles.module_of(parent) is None) and dedicated:
            roots.add(parent)
        packages.append(_package(walker, folder, modules))

    roots = {folder for folder in roots if _holds_modules(folder, files, modules)}
    stray: List[str] = []
    for rel in sorted(files):
        folder, _, name = rel.rpartition("/")
        if (folder or ".") in roots and name != "__init__.py":
            stray.append(escaped_name(rel))

    unreadable: List[Tuple[str, str]] = []
    escaped_files: Set[str] = set()
    for rel in files:
        shown = escaped_name(rel)
        if shown != rel:
            which = (
                "file"
                if escaped_name(rel.rpartition("/")[2]) != rel.rpartition("/")[2]
                else "folder"
            )
            unreadable.append((shown, f"not read: the {which} name is not valid UTF-8"))
        escaped_files.add(shown)

    source_files: List[SourceFile] = []
    for rel in sorted(escaped_files):
        file = known.get(rel)
        if file is None:
            name, is_package = module_name(rel, config.src)
            roles, feature = walker.roles.roles_for_path(rel)
            file = SourceFile(rel, name, is_package, roles, feature)
        source_files.append(file)
    return Layout(
        root=root,
        files=tuple(source_files),
        packages=tuple(packages),
        modules_root_files=tuple(stray),
        modules_roots=tuple(sorted(roots)),
        unreadable=tuple(sorted(unreadable)),
    )


def covers_root(root: str, paths: Sequence[str]) -> bool:
    """Whether the checked paths include the whole project root."""
    real_root = os.path.realpath(root)
    for path in paths:
        real = os.path.realpath(path)
        if real == real_root or real_root.startswith(real.rstrip(os.sep) + os.sep):
            return True
    return False


def is_root(root: str, paths: Sequence[str]) -> bool:
    """Whether the checked paths are the project root itself (the layout of the whole project is
    then the layout of the paths)."""
    real_root = os.path.realpath(root)
    return bool(paths) and all(os.path.realpath(path) == real_root for path in paths)


#: files that make a folder the application package: modules placed directly in it sit beside
#: the app's own code (``main.py``, ``config.py``), which is no stray helper of a modules folder
_APP_ENTRY_FILES = frozenset({"main.py", "app.py", "asgi.py", "wsgi.py", "__main__.py"})


def _holds_modules(folder: str, files: Set[str], modules: Dict[str, str]) -> bool:
    """Whether ``folder`` is a modules folder whose other Python files are strays (CNF105): not
    the application package, and not a shared package that happens to hold a module or two (its
    own files are as many as the modules in it, or more: ``core/`` with ``core/authentication/``)."""
    prefix = "" if folder == "." else folder + "/"
    own = [
        rel[len(prefix) :]
        for rel in files
        if rel.startswith(prefix) and "/" not in rel[len(prefix) :]
    ]
    if any(name in _APP_ENTRY_FILES for name in own):
        return False
    inside = sum(1 for path in modules if (path.rpartition("/")[0] or ".") == folder)
    return len([name for name in own if name != "__init__.py"]) < inside


def escaped_name(name: str) -> str:
    """``name`` as it can be printed, stored and hashed: a name that is not valid UTF-8 (Python
    holds its bytes as lone surrogates) with those bytes written ``\xff``."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def _package(walker: _Walker, folder: str, modules: Dict[str, str]) -> ModulePackage:
    """A module package: its folder's files and sub-folders as the walk listed them, minus the
    sub-folders that are module packages of their own (``nested-modules``)."""
    names, subdirs = walker.packages.get(folder, ((), ()))
    # The folder's own name (a nested module's feature is dotted: users.admin).
    return ModulePackage(
        folder.rsplit("/", 1)[-1],
        folder,
        tuple(escaped_name(name) for name in names),
        tuple(escaped_name(name) for name in subdirs if f"{folder}/{name}" not in modules),
    )


# -- source roots found, not assumed ---------------------------------------------------------------

# An absolute import's top-level name: ``from polar.auth import x`` and ``import polar.auth, os``
# (a relative ``from .x`` has no name right after ``from``). Read with a pattern, never parsed or
# executed: this runs before the file pass, on every file.
_IMPORT_LINE = re.compile(
    rb"^[ \t]*(?:from[ \t]+([A-Za-z_][A-Za-z0-9_]*)|import[ \t]+([A-Za-z_][A-Za-z0-9_ \t,.]*))",
    re.MULTILINE,
)


def imported_names(data: bytes) -> Set[str]:
    """Top-level names of the absolute imports in a file's bytes."""
    names: Set[str] = set()
    for found_from, found_import in _IMPORT_LINE.findall(data):
        if found_from:
            names.add(found_from.decode("ascii"))
            continue
        for part in found_import.split(b","):
            words = part.split()
            if words:
                names.add(words[0].split(b".")[0].decode("ascii"))
    return names


def _top_packages(paths: Sequence[str]) -> Dict[str, str]:
    """Folder of every top-level package (a folder with ``__init__.py`` whose parent has none)
    -> the folder its imports start from (pytest's rootdir rule: the first ancestor without
    ``__init__.py``)."""
    packages = {p.rpartition("/")[0] or "." for p in paths if p.rpartition("/")[2] == "__init__.py"}
    out: Dict[str, str] = {}
    for folder in packages:
        if folder == ".":
            continue
        parent = folder.rpartition("/")[0] or "."
        if parent not in packages:
            out[folder] = parent
    return out


def found_source_roots(config: Config, layout: Layout) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """(source roots, warnings) for the project ``layout`` (discovered with ``config.src``).

    When ``src`` is not set, a package whose import root is not one of the defaults
    (``server/polar/`` imported as ``polar``) adds that root, if the project imports the package
    by that name and no default root already gives the name (a namespace folder ``cpv3/`` keeps
    ``cpv3.modules.users``). Warns once about an absolute import of a top-level project package
    that no root reaches: those imports are not resolved, and every rule reading them is blind.
    """
    paths = [file.path for file in layout.files]
    tops = {file.module.split(".", 1)[0] for file in layout.files if file.module}
    configured = {_clean_root(root) for root in config.src}
    # Only a package that no configured root reaches, under a name no module has, can add a root
    # or be reported unreached: the usual tree (its packages at the default roots) has none, and
    # then no file is read.
    candidates = {
        folder: parent
        for folder, parent in _top_packages(paths).items()
        if folder.rpartition("/")[2] not in tops and _clean_root(parent) not in configured
    }
    if not candidates:
        return tuple(config.src), ()
    imported = _first_importers(layout, {folder.rpartition("/")[2] for folder in candidates})
    roots = list(config.src)
    if not config.src_set:
        for folder, parent in sorted(candidates.items()):
            if folder.rpartition("/")[2] in imported and parent not in roots:
                roots.append(parent)
    reached = {_clean_root(root) for root in roots}
    unreached = [
        (name, folder)
        for folder, parent in sorted(candidates.items())
        for name in [folder.rpartition("/")[2]]
        if name in imported and _clean_root(parent) not in reached
    ]
    warnings: List[str] = []
    if unreached:
        name, folder = unreached[0]
        more = f" (and {len(unreached) - 1} more packages)" if len(unreached) > 1 else ""
        parent = folder.rpartition("/")[0] or "."
        warnings.append(
            f"{imported[name]} imports {name}, the package {folder}, but no source root reaches"
            f" it{more}: such imports are not resolved; add {json.dumps(parent)} to `src`"
        )
    return tuple(roots), tuple(warnings)


def _first_importers(layout: Layout, names: Set[str]) -> Dict[str, str]:
    """Each of ``names`` that the project imports absolutely -> the first file (by path) that
    does. Files are read in path order until every name has its file; a file whose bytes do not
    hold any name still looked for is not scanned."""
    # the import pattern reads ASCII names only: another name is never imported by it
    wanted = {name: name.encode("ascii") for name in names if name.isascii()}
    found: Dict[str, str] = {}
    if not wanted:
        return found
    for path in sorted(file.path for file in layout.files):
        data, _ = read_source(os.path.join(layout.root, path))
        if not data:
            continue
        present = {name for name, raw in wanted.items() if raw in data}
        if not present:
            continue
        for name in present & imported_names(data):
            found[name] = path
            del wanted[name]
        if not wanted:
            break
    return found


def _clean_root(root: str) -> str:
    clean = root.strip().strip("/")
    clean = clean[2:] if clean.startswith("./") else clean
    return "." if clean in ("", ".") else clean


def with_found_source_roots(config: Config) -> Config:
    """``config`` with the source roots the tree shows (see :func:`found_source_roots`)."""
    return config_and_layout(config)[0]


def config_and_layout(
    config: Config, store: Optional[SnapshotStore] = None
) -> Tuple[Config, Optional[Layout]]:
    """``config`` with the source roots the tree shows, and the whole project's layout under
    that configuration: the one discovery the roots were found with, for the run to reuse
    (``RunOptions.layout``) instead of walking the tree again. None when the tree cannot be
    discovered (the run reports it). ``store``: where the discovery snapshot is kept.

    A layout describes the tree at one moment: a caller that keeps the configuration between
    runs (the language server) passes it to the run that follows the load, never to a later one.
    """
    try:
        layout = discover(config, [config.root], store)
    except DiscoveryError:
        return config, None
    roots, warnings = found_source_roots(config, layout)
    if roots == config.src and not warnings:
        return config, layout
    found = replace(config, src=roots, source_warnings=warnings)
    if roots != config.src:
        layout = with_source_roots(layout, roots)
    return found, layout


def with_source_roots(layout: Layout, roots: Sequence[str]) -> Layout:
    """``layout`` as :func:`discover` lists it with the source roots ``roots``: the roots decide
    only the files' module names (folders, roles and module packages are matched by path)."""
    files: List[SourceFile] = []
    for file in layout.files:
        module, is_package = module_name(file.path, roots)
        files.append(replace(file, module=module, is_package=is_package))
    return replace(layout, files=tuple(files))


def outside_module_subfolders(
    config: Config, layout: Layout, violations: List[Violation]
) -> List[Violation]:
    """A sub-folder of a module package gets one finding (CNF103, on the folder) and none
    inside it: what is in it is judged once it is flattened into the module (or declared a
    module of its own with ``nested-modules``), not file by file under rules it cannot meet."""
    inside = tuple(
        f"{p.path}/{sub}/"
        for p in layout.packages
        for sub in p.subdirs
        if not is_role_package(config, sub)  # a role split into a package is judged as one
    )
    if not inside:
        return violations
    return [v for v in violations if not v.path.startswith(inside)]
