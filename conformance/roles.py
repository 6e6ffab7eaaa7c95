"""Which role a file plays (router, service, ...) and which feature module it belongs to.

A pure function of the configuration and a path (or a dotted module name), so that the file pass
can answer "what is the role of the module this import targets?" without looking at the disk.
"""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache
from typing import Dict, List, Optional, Pattern, Tuple

from conformance.settings import Config

RoleAndFeature = Tuple[Optional[str], Optional[str]]
#: every role of a file (a file may play several, in the order of the ``roles`` table), feature
RolesAndFeature = Tuple[Tuple[str, ...], Optional[str]]


class GlobError(ValueError):
    """A glob that cannot be matched (an unclosed ``[``, an empty pattern)."""


def glob_problem(pattern: str) -> Optional[str]:
    """Why ``pattern`` is not a usable glob, or None when it is."""
    if not pattern.strip():
        return "an empty glob matches nothing"
    try:
        _glob_regex(pattern.strip())
    except GlobError as error:
        return str(error)
    return None


def _char_class(pattern: str, start: int) -> Tuple[str, int]:
    """The regex of the ``[...]`` class opening at ``start`` and the index after it."""
    i = start + 1
    negate = i < len(pattern) and pattern[i] in "!^"
    if negate:
        i += 1
    body_start = i
    if i < len(pattern) and pattern[i] == "]":
        i += 1  # a leading ] is a member
    while i < len(pattern) and pattern[i] != "]":
        i += 1
    if i >= len(pattern):
        raise GlobError(f"unclosed '[' at position {start + 1}")
    body = pattern[body_start:i]
    if "/" in body:
        raise GlobError(f"'/' inside '[...]' at position {start + 1}")
    if any(part > other for part, other in _ranges(body)):
        raise GlobError(f"reversed range in '[{body}]'")
    escaped = "".join("\\" if ch == "\\" else ch for ch in body).replace("]", "\\]")
    return ("[^/" if negate else "[") + escaped + "]", i + 1


def _ranges(body: str) -> List[Tuple[str, str]]:
    return [(body[i - 1], body[i + 1]) for i in range(1, len(body) - 1) if body[i] == "-"]


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> Pattern[str]:
    """A gitignore-like glob: ``*`` stays within one path segment, ``**`` spans segments, ``?``
    is one character, ``[abc]`` / ``[!abc]`` a class (as in gitignore and ``fnmatch``). Raises
    :class:`GlobError` for a pattern that cannot be matched."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern[i] == "[":
            regex, i = _char_class(pattern, i)
            out += regex
        elif pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


def glob_match(pattern: str, path: str) -> bool:
    """Match a POSIX relative path against a glob (leading ``./`` and trailing ``/`` ignored)."""
    pattern = pattern.strip()
    if pattern.startswith("./"):
        pattern = pattern[2:]
    return bool(_glob_regex(pattern.rstrip("/")).match(path))


def role_package(pattern: str) -> Optional[str]:
    """The folder-name glob of a role package pattern (``schemas/``: a package of that name
    inside a module package plays the role, every file in it), None for a file pattern."""
    clean = pattern.strip()
    if clean.endswith("/") and "/" not in clean[:-1] and clean[:-1] not in ("", ".", ".."):
        return clean[:-1]
    return None


def is_role_package(config: Config, folder_name: str) -> bool:
    """Whether a sub-folder of a module package with this name is a role package."""
    return any(
        fnmatch.fnmatchcase(folder_name, package)
        for _, patterns in config.roles
        for package in map(role_package, patterns)
        if package is not None
    )


class RoleMatcher:
    """Roles for paths and module names under one configuration."""

    def __init__(self, config: Config) -> None:
        self.modules = tuple(m.rstrip("/") for m in config.modules)
        self.src = tuple(
            s.strip("/").lstrip("./") if s not in (".", "./") else "" for s in config.src
        )
        self.in_module: List[Tuple[str, str]] = []  # (role, file-name glob) inside module packages
        self.by_path: List[Tuple[str, str]] = []  # (role, path glob) anywhere
        # (role, folder-name glob): a package inside a module plays the role (``schemas/``)
        self.packages: List[Tuple[str, str]] = []
        for role, patterns in config.roles:
            for pattern in patterns:
                package = role_package(pattern)
                if package is not None:
                    self.packages.append((role, package))
                else:
                    (self.by_path if "/" in pattern else self.in_module).append((role, pattern))
        self._cache: Dict[str, Tuple[Tuple[Tuple[str, str], ...], Optional[str]]] = {}
        self._modules: Dict[str, Optional[Tuple[str, str]]] = {}
        self.nested = config.nested_modules

    def _matches(self, folder: str) -> bool:
        return any(glob_match(glob, folder) for glob in self.modules)

    def module_of(self, folder: str) -> Optional[Tuple[str, str]]:
        """(module folder, feature name) of the module package that ``folder`` (relative, POSIX)
        is or lies in; None outside every module.

        One answer per folder: of the folder and its ancestors that match the ``modules`` globs,
        the outermost is the module, unless ``nested-modules`` is on: then the deepest is, and
        its feature name is the dotted chain of the matching folders (``users.admin``), so that
        two nested modules of the same name stay apart.
        """
        cached = self._modules.get(folder)
        if cached is not None or folder in self._modules:
            return cached
        parts = folder.split("/")
        matching = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
        matching = [prefix for prefix in matching if self._matches(prefix)]
        result: Optional[Tuple[str, str]] = None
        if matching:
            if self.nested:
                names = [prefix.rsplit("/", 1)[-1] for prefix in matching]
                result = (matching[-1], ".".join(names))
            else:
                result = (matching[0], matching[0].rsplit("/", 1)[-1])
        self._modules[folder] = result
        return result

    def package_of(self, folder: str) -> Optional[str]:
        """The feature-module name if ``folder`` (relative, POSIX) is itself a module package."""
        found = self.module_of(folder) if folder else None
        return found[1] if found is not None and found[0] == folder else None

    def matches(self, path: str) -> Tuple[Tuple[Tuple[str, str], ...], Optional[str]]:
        """((role, pattern) for every pattern that matches, feature) of a relative POSIX path.
        File-name patterns count only for files directly in a module package; path patterns
        anywhere. A file in a sub-folder of a module (not a module itself) belongs to that
        module's feature, without a role: its imports of the module's files stay inside it."""
        cached = self._cache.get(path)
        if cached is not None:
            return cached
        folder, _, name = path.rpartition("/")
        found = self.module_of(folder) if folder else None
        feature = found[1] if found is not None else None
        matched: List[Tuple[str, str]] = []
        if found is not None and found[0] == folder:
            matched.extend(
                (role, pattern)
                for role, pattern in self.in_module
                if fnmatch.fnmatchcase(name, pattern)
            )
        elif found is not None and self.packages:
            matched.extend(self._package_roles(folder, found[0]))
        matched.extend(
            (role, pattern) for role, pattern in self.by_path if glob_match(pattern, path)
        )
        result = (tuple(matched), feature)
        self._cache[path] = result
        return result

    def _package_roles(self, folder: str, module: str) -> List[Tuple[str, str]]:
        """(role, ``pattern/``) of the role packages that the folder below ``module`` holding
        ``folder`` matches (``users/schemas/`` for ``users/schemas/v2``)."""
        below = folder[len(module) + 1 :].split("/", 1)[0]
        return [
            (role, f"{pattern}/")
            for role, pattern in self.packages
            if fnmatch.fnmatchcase(below, pattern)
        ]

    def in_role_package(self, path: str) -> bool:
        """Whether the file ``path`` lies in a role package of its module (``endpoints/``
        configured as the router), not directly in the module's folder."""
        folder = path.rpartition("/")[0]
        found = self.module_of(folder) if folder and self.packages else None
        return (
            found is not None and found[0] != folder and bool(self._package_roles(folder, found[0]))
        )

    def roles_for_path(self, path: str) -> RolesAndFeature:
        """(every role, feature) of a relative POSIX path: ``((), None)`` when it has neither."""
        matched, feature = self.matches(path)
        roles: List[str] = []
        for role, _ in matched:
            if role not in roles:
                roles.append(role)
        return tuple(roles), feature

    def for_path(self, path: str) -> RoleAndFeature:
        """(first role, feature) of a relative POSIX path; (None, None) when it has neither."""
        roles, feature = self.roles_for_path(path)
        return (roles[0] if roles else None), feature

    def for_module(self, module: str) -> RoleAndFeature:
        """(first role, feature) of a dotted module name (see :meth:`roles_for_module`)."""
        roles, feature = self.roles_for_module(module)
        return (roles[0] if roles else None), feature

    def roles_for_module(self, module: str) -> RolesAndFeature:
        """(every role, feature) of a dotted module name, trying each source root, as a module
        file and as a package."""
        base = module.replace(".", "/")
        for root in self.src:
            prefix = f"{root}/" if root else ""
            for candidate in (f"{prefix}{base}.py", f"{prefix}{base}/__init__.py"):
                roles, feature = self.roles_for_path(candidate)
                if roles:
                    return roles, feature
                # A feature without a role only for a file directly in the module: the name
                # may be an attribute (``users.service.UserRepository``), whose "file" would
                # lie in a sub-folder, and the caller then asks for the parent name.
                found = self.module_of(candidate.rpartition("/")[0])
                if found is not None and found[0] == candidate.rpartition("/")[0]:
                    return roles, feature
        return (), None


_GLOB_CHARS = frozenset("*?[")


def _lists(patterns: List[str], path: str) -> bool:
    """Whether one of ``patterns`` names the file itself: its name or path, without a glob."""
    for pattern in patterns:
        clean = pattern.strip()
        clean = clean[2:] if clean.startswith("./") else clean
        if not (_GLOB_CHARS & set(clean)) and clean in (path.rpartition("/")[2], path):
            return True
    return False


def unintended_overlaps(matcher: RoleMatcher, paths: List[str]) -> List[str]:
    """One line per pair of roles whose patterns both match a file that is not listed for both.

    A file of two roles is meant when each role names it (``models = ["models.py"]`` and
    ``schemas = ["models.py"]``: a literal file name, or its path); two globs of different roles
    that happen to match the same file (``*_api.py`` and ``admin_*.py``) are probably not, and
    the file is judged as both. Said once per pair, with the first file and how many more."""
    # Only file names, no glob (the default table): a file two roles match bears the name both
    # list, which is meant. Not matching every path saves the language server's checks.
    names_only = all(
        pattern == pattern.strip() and not (_GLOB_CHARS & set(pattern))
        for _, pattern in matcher.in_module
    )
    if names_only and not matcher.by_path and not matcher.packages:
        return []
    found: Dict[Tuple[str, str], List[Tuple[str, Tuple[str, ...]]]] = {}
    for path in sorted(paths):
        matched, _ = matcher.matches(path)
        by_role: Dict[str, List[str]] = {}
        for role, pattern in matched:
            by_role.setdefault(role, []).append(pattern)
        if len(by_role) < 2:
            continue
        if all(_lists(patterns, path) for patterns in by_role.values()):
            continue
        roles = sorted(by_role)
        for first_index, first in enumerate(roles):
            for second in roles[first_index + 1 :]:
                shown = tuple(by_role[first][:1] + by_role[second][:1])
                found.setdefault((first, second), []).append((path, shown))
    out: List[str] = []
    for (first, second), hits in sorted(found.items()):
        path, (one, two) = hits[0]
        more = f" (and {len(hits) - 1} more)" if len(hits) > 1 else ""
        out.append(
            f"roles.{first} '{one}' and roles.{second} '{two}' both match {path}{more}: judged"
            f" as both; list the file in both roles if that is meant, or narrow a pattern"
        )
    return out


_MATCHERS: Dict[Tuple[object, ...], RoleMatcher] = {}


def role_matcher(config: Config) -> RoleMatcher:
    """The matcher of ``config``, shared: its answers depend on the keys read here and the names
    asked alone, so a long-lived process (and every run of one process) keeps them."""
    key = (config.modules, config.src, config.roles, config.nested_modules)
    found = _MATCHERS.get(key)
    if found is None:
        if len(_MATCHERS) >= 16:
            _MATCHERS.clear()
        found = _MATCHERS[key] = RoleMatcher(config)
    return found
