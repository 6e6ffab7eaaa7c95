"""The effective configuration of a run (:class:`Config`) and the declaration of a rule
family's configuration key (:class:`Option`): frozen data, no I/O.

Reading and validating ``[tool.conformance]`` is ``conformance.config``; this module sits below the
rules so that every layer can name the configuration without importing the rule registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

DEFAULT_REQUIRED_FILES: Tuple[str, ...] = (
    "__init__.py",
    "models.py",
    "schemas.py",
    "repository.py",
    "service.py",
    "router.py",
)

DEFAULT_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("router", ("router.py",)),
    ("service", ("service.py",)),
    ("repository", ("repository.py",)),
    ("models", ("models.py",)),
    ("schemas", ("schemas.py",)),
)

#: The roles the rules know; a configuration maps them to files, it cannot add new ones.
ROLE_NAMES: Tuple[str, ...] = tuple(name for name, _ in DEFAULT_ROLES)

DEFAULT_LAYERS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("router", ("service", "schemas")),
    ("service", ("repository", "schemas", "models")),
    ("repository", ("models", "schemas")),
    ("models", ()),
    ("schemas", ()),
)

#: Never descended into, whatever the configuration (ruff's defaults, plus migrations).
#: Alembic's revisions folder in its usual place (an entry of the default excludes).
ALEMBIC_VERSIONS = "**/alembic/versions/**"

DEFAULT_EXCLUDE: Tuple[str, ...] = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".tox",
    ".venv",
    "__pypackages__",
    "_build",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
    "**/migrations/**",
    # Alembic's generated migration scripts: a folder of revisions, never a feature module
    # (a ``versions/`` folder beside Alembic's ``env.py`` and ``script.py.mako`` is skipped too,
    # wherever it is, while this entry is in ``exclude``)
    ALEMBIC_VERSIONS,
)


@dataclass(frozen=True)
class Option:
    """A configuration key that belongs to a rule family (declared in the family's module as
    ``OPTIONS``), validated and documented like the core keys."""

    key: str
    kind: type  # str, bool, int or list (of str)
    default: Any
    doc: str
    choices: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """The effective configuration of one run. Paths are POSIX, relative to ``root``."""

    root: str = "."
    config_file: Optional[str] = None
    modules: Tuple[str, ...] = ("cpv3/modules/*",)
    src: Tuple[str, ...] = (".", "src")
    required_files: Tuple[str, ...] = DEFAULT_REQUIRED_FILES
    allowed_extra_files: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: Tuple[str, ...] = ()
    respect_gitignore: bool = True
    nested_modules: bool = False
    select: Tuple[str, ...] = ("ALL",)
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    roles: Tuple[Tuple[str, Tuple[str, ...]], ...] = DEFAULT_ROLES
    layers: Tuple[Tuple[str, Tuple[str, ...]], ...] = DEFAULT_LAYERS
    baseline: Optional[str] = None
    options: Tuple[Tuple[str, Any], ...] = field(default_factory=tuple)
    # Not a key: whether folders below the root with a configuration of their own are projects of
    # their own (not walked as part of this one). False under ``--config``, which applies one
    # configuration to every path, as ruff's ``--config`` does.
    subprojects: bool = True
    # Not a key: the roles the configuration's ``roles`` table names (the others keep defaults).
    configured_roles: Tuple[str, ...] = ()
    # Not a key: whether ``src`` was set; when not, the import root of every package is found
    # from the tree (``discovery.found_source_roots``) and added to the defaults.
    src_set: bool = False
    # Not a key: what finding the source roots noticed (an absolute import of a project package
    # that no source root reaches), a warning of every front end (``project_notes.py``); not part
    # of the analysis settings.
    source_warnings: Tuple[str, ...] = ()

    def option(self, key: str) -> Any:
        """A family option's value. ``validate`` records every declared option (its default when
        the configuration leaves it unset); rules ask through ``FileContext.option``, which
        knows the declaration and its default."""
        for name, value in self.options:
            if name == key:
                return value
        raise KeyError(key)

    def role_file(self, role: str) -> str:
        """The file a role's code lives in, as configured, for messages and hints: the first
        file-name pattern of the role (``endpoints.py`` when routers are remapped), else its
        first path glob, else ``<role> file`` for a role the configuration removed."""
        patterns = dict(self.roles).get(role, ())
        names = [pattern for pattern in patterns if "/" not in pattern]
        if names or patterns:
            return (names or list(patterns))[0]
        return f"{role} file"

    def role_map(self) -> Dict[str, Tuple[str, ...]]:
        return {role: patterns for role, patterns in self.roles}
