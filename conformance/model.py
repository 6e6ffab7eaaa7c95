"""The shape of the checked project as discovery sees it: files, their roles, module packages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple


@dataclass(frozen=True)
class SourceFile:
    """One Python file to check.

    ``path`` is POSIX and relative to the project root; ``module`` is its dotted module name;
    ``roles`` (router, service, ...) and ``feature`` (the feature module's name, e.g. ``users``)
    are set for files inside a module package or mapped to a role by path. A file may play
    several roles (``models.py`` holding the ORM entities and the schemas, configured as both):
    it is judged as each of them.
    """

    path: str
    module: str
    is_package: bool
    roles: Tuple[str, ...] = ()
    feature: Optional[str] = None

    @property
    def role(self) -> Optional[str]:
        """The first of the file's roles (in the order of the ``roles`` table), None without."""
        return self.roles[0] if self.roles else None


@dataclass(frozen=True)
class ModulePackage:
    """A feature-module folder matched by the ``modules`` globs, with what it contains."""

    name: str  # folder name, e.g. "users"
    path: str  # relative POSIX path of the folder
    files: Tuple[str, ...] = ()  # names of the regular files directly inside, sorted
    subdirs: Tuple[str, ...] = ()  # names of sub-folders (not hidden, not __pycache__), sorted


@dataclass(frozen=True)
class Layout:
    """What discovery found: the files to check and the module packages."""

    root: str  # absolute path of the project root (never printed)
    files: Tuple[SourceFile, ...] = ()
    packages: Tuple[ModulePackage, ...] = ()
    modules_root_files: Tuple[str, ...] = ()  # .py files directly under a modules root folder
    modules_roots: Tuple[str, ...] = field(default_factory=tuple)  # folders holding the packages
    # Files listed but not to be read, with why (CNF901): a name that is not valid UTF-8 (its
    # path above is escaped, ``b\xff.py``, and cannot be opened by it).
    unreadable: Tuple[Tuple[str, str], ...] = ()
