"""Read the project's conventions from one checker run: where module packages go, what their files
are called, which of them are required, whether modules import their siblings relatively, and the
shared infrastructure a new module plugs into (declarative base, session dependency, "not found"
domain error, Pydantic base class). Facts and the index only; nothing is imported or executed."""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

from conformance.index import ASYNC_SESSION, ORM_BASE, ORM_ENTITY, PYDANTIC_MODEL
from conformance.snapshot import Snapshot

#: The roles a module is generated with, in writing order.
ROLES: Tuple[str, ...] = ("models", "schemas", "repository", "service", "router")

#: Names of a "not found" domain error, best first.
NOT_FOUND_NAMES: Tuple[str, ...] = (
    "NotFoundError",
    "NotFound",
    "EntityNotFoundError",
    "ObjectNotFoundError",
    "DoesNotExistError",
)

_GLOB = re.compile(r"[*?\[]")


class ConventionError(Exception):
    """The project does not say what the new module needs (the message says how to tell it)."""


@dataclass(frozen=True)
class Conventions:
    folder: str  # relative POSIX folder of the new module package
    package: str  # its dotted name
    first_party: str
    files: Dict[str, str]  # role -> file name, for the roles the layout has
    required: Tuple[str, ...]  # file names every module package must have
    relative: bool
    base: Optional[str]
    session_alias: Optional[str]
    session_provider: Optional[str]
    not_found: Optional[str]
    schema_base: Optional[str]
    prefix: str
    tags: Tuple[str, ...]
    union: bool  # ``X | None``: the project needs Python >= 3.10


def union_syntax(root: str) -> bool:
    """Whether the project's ``requires-python`` starts at 3.10 or later (``X | None`` works at
    run time, where Pydantic and FastAPI evaluate annotations). Without one, the running Python."""
    import sys

    from conformance.config import _load_toml

    try:
        data = _load_toml(os.path.join(root, "pyproject.toml"))
    except Exception:
        data = {}
    project = data.get("project")
    spec = project.get("requires-python") if isinstance(project, dict) else None
    if not isinstance(spec, str):
        return sys.version_info >= (3, 10)
    lows = [int(minor) for minor in re.findall(r"(?:>=|~=|==)\s*3\.(\d+)", spec)]
    return bool(lows) and min(lows) >= 10


def modules_folder(snapshot: Snapshot) -> str:
    """The folder new module packages go in: the first ``modules`` glob that names one folder
    (``cpv3/modules/*``), else the one folder that holds the existing module packages."""
    for glob in snapshot.config.modules:
        clean = glob.strip().strip("/")
        if clean.startswith("./"):
            clean = clean[2:]
        parent, _, last = clean.rpartition("/")
        if last == "*" and not _GLOB.search(parent):
            return parent
    holders = sorted({p.path.rpartition("/")[0] for p in snapshot.layout.packages})
    if len(holders) == 1:
        return holders[0]
    raise ConventionError(
        "cannot tell which folder new modules go in: the `modules` globs ("
        + ", ".join(snapshot.config.modules)
        + ') name no single folder; list it first, e.g. modules = ["app/modules/*", ...]'
    )


def file_names(snapshot: Snapshot) -> Dict[str, str]:
    """role -> file name: the first plain file name of the role's patterns (``endpoints.py``),
    else ``<role>.py``. Roles configured empty (no repository layer) are left out."""
    out: Dict[str, str] = {}
    for role, patterns in snapshot.config.roles:
        if role not in ROLES or not patterns:
            continue
        plain = [p for p in patterns if "/" not in p and not _GLOB.search(p) and p.endswith(".py")]
        out[role] = plain[0] if plain else f"{role}.py"
    return out


def _module_files(snapshot: Snapshot) -> Iterable[Tuple[str, str, str]]:
    """(path, role, feature) of every file of an existing module package."""
    for file in snapshot.layout.files:
        if file.feature and file.role:
            yield file.path, file.role, file.feature


def relative_style(snapshot: Snapshot) -> bool:
    """Whether existing modules import their own files relatively (``from .service import``).
    Read from the sources as text; without existing modules, relative."""
    relative = absolute = 0
    for path, _, _ in _module_files(snapshot):
        facts = snapshot.facts.get(path)
        if facts is None:
            continue
        own = facts.module.rsplit(".", 1)[0] + "."
        try:
            with open(os.path.join(snapshot.layout.root, path), encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            continue
        relative += len(re.findall(r"^from \.\w", text, re.M))
        absolute += len(re.findall(rf"^from {re.escape(own)}\w", text, re.M))
    return relative >= absolute


def _shared(snapshot: Snapshot, qualname: str) -> bool:
    """A project name outside every module package (shared code a new module may import)."""
    _, feature = snapshot.index.role_of(qualname)
    return snapshot.index.is_project_name(qualname) and feature is None


def _most_used(candidates: Iterable[str], uses: Counter[str]) -> Optional[str]:
    ranked = sorted(set(candidates), key=lambda qn: (-uses[qn], qn))
    return ranked[0] if ranked else None


def _base_uses(snapshot: Snapshot, role: str) -> Counter[str]:
    """How often each resolved base class is used by the classes of files of ``role``."""
    uses: Counter[str] = Counter()
    for path, file_role, _ in _module_files(snapshot):
        facts = snapshot.facts.get(path)
        if facts is None or file_role != role:
            continue
        for cls in facts.classes:
            for base in cls.bases:
                if base != "?":
                    uses[snapshot.index.resolve(base)] += 1
    return uses


def declarative_base(snapshot: Snapshot) -> Optional[str]:
    index = snapshot.index
    candidates = [
        qn for qn in list(index.classes) + list(index.aliases) if index.is_kind(qn, ORM_BASE)
    ]
    candidates = [qn for qn in candidates if _shared(snapshot, qn)]
    uses = _base_uses(snapshot, "models")
    for qn in list(uses):
        if not index.is_kind(qn, ORM_BASE) or index.is_kind(qn, ORM_ENTITY):
            del uses[qn]
    return _most_used(candidates, uses)


def _imported(snapshot: Snapshot) -> Counter[str]:
    uses: Counter[str] = Counter()
    for facts in snapshot.facts.values():
        for fact in facts.imports:
            uses[snapshot.index.resolve(fact.target)] += 1
    return uses


def session_dependency(snapshot: Snapshot) -> Tuple[Optional[str], Optional[str]]:
    """(alias, provider): ``SessionDep = Annotated[AsyncSession, Depends(get_session)]`` if the
    project has one, else a provider function that yields an ``AsyncSession``."""
    index = snapshot.index
    uses = _imported(snapshot)
    aliases = [
        qn
        for qn, alias in index.aliases.items()
        if alias.depends is not None
        and alias.target is not None
        and index.is_kind(alias.target, ASYNC_SESSION)
        and _shared(snapshot, qn)
    ]
    alias = _most_used(aliases, uses)
    if alias is not None:
        return alias, None
    providers = [
        qn
        for qn, function in index.functions.items()
        if function.is_async
        and function.is_generator
        and re.search(r"(session|db)", qn.rpartition(".")[2])
        and qn.count(".") >= 1
        and _shared(snapshot, qn)
        and qn.rpartition(".")[0] in index.files  # a module-level function, not a method
    ]
    return None, _most_used(providers, uses)


def not_found_error(snapshot: Snapshot) -> Optional[str]:
    found: List[Tuple[int, str]] = []
    for qn in snapshot.index.classes:
        short = qn.rpartition(".")[2]
        if short in NOT_FOUND_NAMES and _shared(snapshot, qn):
            found.append((NOT_FOUND_NAMES.index(short), qn))
    return sorted(found)[0][1] if found else None


def schema_base(snapshot: Snapshot) -> Optional[str]:
    """The project's Pydantic base class of module schemas (``cpv3.core.schemas.Schema``)."""
    index = snapshot.index
    uses = _base_uses(snapshot, "schemas")
    candidates = [
        qn
        for qn in uses
        if qn in index.classes and _shared(snapshot, qn) and index.is_kind(qn, PYDANTIC_MODEL)
    ]
    return _most_used(candidates, uses)


def read(snapshot: Snapshot, name: str, orm: bool) -> Conventions:
    """Everything the project says about a new module ``name``. Raises ConventionError."""
    from conformance.discovery import module_name

    config = snapshot.config
    folder = modules_folder(snapshot)
    path = f"{folder}/{name}" if folder else name
    package, _ = module_name(f"{path}/__init__.py", config.src)
    files = file_names(snapshot)
    for role in ("service", "router", "schemas"):
        if role not in files:
            raise ConventionError(
                f"the layout has no {role} role (roles.{role} is empty); `conformance new`"
                " writes router, service and schemas files"
            )
    if orm and "models" not in files:
        raise ConventionError("the layout has no models role (roles.models is empty): use --no-orm")
    if "repository" not in files:
        raise ConventionError(
            "the layout has no repository role (roles.repository is empty); `conformance new`"
            " writes a repository the service owns"
        )
    if not orm:
        files.pop("models", None)
        model_file = dict(config.roles).get("models", ("models.py",))
        if any(f in config.required_files for f in model_file):
            raise ConventionError(
                "--no-orm: every module must have "
                + ", ".join(f for f in model_file if f in config.required_files)
                + " (required-files)"
            )
    base = session_alias = session_provider = None
    if orm:
        base = declarative_base(snapshot)
        if base is None:
            raise ConventionError(
                "no SQLAlchemy declarative base outside the module packages"
                " (class Base(DeclarativeBase) in e.g. core/db.py): add one, or use --no-orm"
            )
        session_alias, session_provider = session_dependency(snapshot)
        if session_alias is None and session_provider is None:
            raise ConventionError(
                "no AsyncSession dependency outside the module packages (e.g. SessionDep ="
                " Annotated[AsyncSession, Depends(get_session)] in core/db.py): add one,"
                " or use --no-orm"
            )
    prefix_template = str(config.option("router-prefix") or "/{module}")
    tag_templates = tuple(config.option("router-tags") or ("{module}",))
    kebab = name.replace("_", "-")
    return Conventions(
        folder=path,
        package=package,
        first_party=package.split(".", 1)[0],
        files=files,
        required=tuple(config.required_files),
        relative=relative_style(snapshot),
        base=base,
        session_alias=session_alias,
        session_provider=session_provider,
        not_found=not_found_error(snapshot),
        schema_base=schema_base(snapshot),
        prefix=prefix_template.replace("{module}", kebab),
        tags=tuple(t.replace("{module}", kebab) for t in tag_templates),
        union=union_syntax(config.root),
    )
