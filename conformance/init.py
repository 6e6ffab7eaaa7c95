"""``conformance init``: read a tree and propose the ``[tool.conformance]`` table that fits it.

Only file and folder names are read, plus a text search of the model files for Pydantic models
(schemas kept in ``models.py``); nothing is imported or run. The proposal is derived, never
guessed from a fixed template: the module globs from the folders that hold feature files, each
role's file name from the names those folders use, ``required-files`` and
``allowed-extra-files`` from what most modules have, a central models package, the source root,
and whether modules nest. ``--write`` appends the table to ``pyproject.toml`` as text, so the
rest of the file keeps its formatting.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Set, TextIO, Tuple

from conformance.config import project_config
from conformance.settings import (
    DEFAULT_EXCLUDE,
    DEFAULT_LAYERS,
    DEFAULT_REQUIRED_FILES,
    DEFAULT_ROLES,
)

#: File names that play each role in real FastAPI layouts, most common first.
ROLE_FILE_NAMES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    (
        "router",
        (
            "router.py",
            "routers.py",
            "routes.py",
            "endpoints.py",
            "views.py",
            "api.py",
            "controller.py",
            "controllers.py",
        ),
    ),
    ("service", ("service.py", "services.py", "use_cases.py")),
    ("repository", ("repository.py", "repositories.py", "repo.py", "crud.py", "dal.py")),
    ("models", ("models.py", "model.py", "entities.py", "orm.py", "tables.py")),
    ("schemas", ("schemas.py", "schema.py", "dto.py", "dtos.py", "serializers.py")),
)

_ROLE_STEMS = frozenset(name[: -len(".py")] for _, names in ROLE_FILE_NAMES for name in names)
_SKIPPED = frozenset(name for name in DEFAULT_EXCLUDE if "/" not in name and "*" not in name)
_TEST_FOLDERS = frozenset({"tests", "test", "testing"})
_PYDANTIC = re.compile(r"^\s*class\s+\w+\s*\([^)]*\b(BaseModel|BaseSchema|Schema)\b", re.M)
#: More than this share of the modules: "most modules" for required and allowed extra files.
_MOST = 0.5


class InitError(Exception):
    """The tree cannot be proposed a configuration (no feature folder), or --write cannot
    write it."""


@dataclass
class Proposal:
    """What ``init`` found: the folder the table is for, its keys (TOML values, in order) and
    sub-tables, and one line of explanation per decision."""

    root: str
    keys: List[Tuple[str, object]] = field(default_factory=list)
    tables: List[Tuple[str, List[Tuple[str, object]]]] = field(default_factory=list)
    reasons: List[str] = field(default_factory=list)

    def toml(self) -> str:
        lines = ["[tool.conformance]"]
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in self.keys)
        for name, items in self.tables:
            lines.append("")
            lines.append(f"[tool.conformance.{name}]")
            lines.extend(f"{key} = {_toml_value(value)}" for key, value in items)
        return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return json.dumps(value)


# -- reading the tree ---------------------------------------------------------------------------


def _python_folders(top: str) -> Dict[str, List[str]]:
    """Relative folder (POSIX, "." for ``top``) -> names of the regular files in it, for every
    folder under ``top`` that holds a ``.py`` file; hidden, virtualenv, build and test folders
    are skipped."""
    out: Dict[str, List[str]] = {}
    for current, dirs, files in os.walk(top):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d != "__pycache__"
            and d not in _SKIPPED
            and d not in _TEST_FOLDERS
            and d != "migrations"
            and not os.path.exists(os.path.join(current, d, "pyvenv.cfg"))
            and not os.path.islink(os.path.join(current, d))
            and _is_utf8(d)
        )
        files = [name for name in files if _is_utf8(name)]
        if any(name.endswith(".py") for name in files):
            rel = os.path.relpath(current, top).replace(os.sep, "/")
            out[rel] = sorted(files)
    # A package named like a role file (``schemas/`` for ``schemas.py``) is listed in its
    # folder as ``schemas/``: it may play the role (a role package).
    for rel, names in list(out.items()):
        parent = _parent(rel) if rel != "." else None
        if parent in out and "__init__.py" in names and rel.rsplit("/", 1)[-1] in _ROLE_STEMS:
            out[parent] = sorted([*out[parent], rel.rsplit("/", 1)[-1] + "/"])
    return out


def _is_utf8(name: str) -> bool:
    """False for a name that is not valid UTF-8 (Python holds its bytes as lone surrogates):
    it cannot be written into a TOML table, and `check` reports such files (CNF901)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _files_only(names: Sequence[str]) -> List[str]:
    return [name for name in names if not name.endswith("/")]


def _as_file(name: str) -> str:
    return name[:-1] + ".py" if name.endswith("/") else name


def _roles_in(names: Sequence[str]) -> Dict[str, str]:
    """role -> file name (or ``name/`` for a role package), for the role files among
    ``names``."""
    found: Dict[str, str] = {}
    for role, candidates in ROLE_FILE_NAMES:
        for candidate in candidates:
            if candidate in names:
                found[role] = candidate
                break
            if candidate[: -len(".py")] + "/" in names:
                found[role] = candidate[: -len(".py")] + "/"
                break
    return found


def _is_feature(names: Sequence[str]) -> bool:
    """A feature-module folder: a router (file or package) and another role (file or package),
    or three role files."""
    roles = _roles_in(names)
    # role packages count beside a router only: a toolkit's ``repository/`` of base classes
    # next to its ``schemas.py`` and ``services.py`` makes no feature
    files = [role for role, name in roles.items() if not name.endswith("/")]
    return ("router" in roles and len(roles) >= 2) or len(files) >= 3


def _parent(folder: str) -> str:
    return folder.rpartition("/")[0] or "."


def _glob_of(folder: str) -> str:
    parent = _parent(folder)
    return "*" if parent == "." else f"{parent}/*"


def _holds_pydantic(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return bool(_PYDANTIC.search(handle.read()))
    except OSError:
        return False


def _config_root(top: str, features: Sequence[str]) -> str:
    """The folder the table belongs in: the deepest folder with a ``pyproject.toml`` that holds
    every feature (a monorepo's backend), else ``top``."""
    absolute = [os.path.join(top, f) for f in features]
    common = os.path.commonpath(absolute) if absolute else top
    current = common
    while True:
        if os.path.isfile(os.path.join(current, "pyproject.toml")):
            return current
        if os.path.samefile(current, top) or os.path.dirname(current) == current:
            return top
        current = os.path.dirname(current)


def _source_root(root: str, feature: str, names: Sequence[str]) -> str:
    """The import root of a feature folder: the folder above its topmost ancestor package (an
    ancestor with ``__init__.py``, as pytest finds a rootdir; "." when none has one), relative
    to ``root``; one further up while the feature's files
    import that folder by name (``app/`` without ``__init__.py`` whose code says
    ``from app.core import ...`` is a namespace package, not the root)."""
    current: Optional[str] = None
    folder = feature
    while folder != ".":
        if os.path.isfile(os.path.join(root, folder, "__init__.py")):
            current = _parent(folder)  # above the topmost package (namespace folders between)
        folder = _parent(folder)
    text = ""
    for name in names:
        if name.endswith(".py"):
            try:
                with open(
                    os.path.join(root, feature, name), encoding="utf-8", errors="replace"
                ) as handle:
                    text += handle.read(20000)
            except OSError:
                continue

    def imported(folder: str) -> bool:
        top = re.escape(folder.rsplit("/", 1)[-1])
        return bool(re.search(rf"^\s*(from|import)\s+{top}\.", text, re.M))

    if current is None:
        # No package at all (namespace packages): the code's absolute imports tell where the
        # import path starts; without any, the project root.
        current = _parent(feature)
        if current != "." and not imported(current):
            return "."
    while current != "." and imported(current):
        current = _parent(current)
    return current


# -- the proposal -------------------------------------------------------------------------------


def propose(top: str) -> Proposal:
    """The configuration ``top`` needs. Raises :class:`InitError` when no folder looks like a
    feature module."""
    top = os.path.abspath(top)
    listed = _python_folders(top)
    # A sub-folder that is a feature of its own (t4c/instance/repositories/ with its own
    # router) is a nested module, not a role package of its parent.
    own = {folder for folder, names in listed.items() if _is_feature(_files_only(names))}
    for folder, names in listed.items():
        prefix = "" if folder == "." else folder + "/"
        listed[folder] = [n for n in names if not (n.endswith("/") and prefix + n[:-1] in own)]
    candidates = sorted(folder for folder, names in listed.items() if _is_feature(names))
    # The application package (app/ with routers.py and models.py around its features) is not a
    # feature: a folder that holds features and has no sibling feature of its own.
    chosen = set(candidates)
    candidates = [
        f
        for f in candidates
        if not (
            any(_inside(other, {f}) for other in chosen)
            and not any(_parent(other) == _parent(f) and other != f for other in chosen)
        )
    ]
    if not candidates:
        raise InitError(
            "no feature-module folder found (a folder with a router file such as router.py,"
            " routes.py, endpoints.py or views.py next to a service, repository, models or"
            " schemas file)"
        )
    root = _config_root(top, candidates)
    prefix = os.path.relpath(root, top).replace(os.sep, "/")
    strip = "" if prefix == "." else prefix + "/"
    features = [f[len(strip) :] for f in candidates]
    files = {f[len(strip) :]: listed[f] for f in candidates}
    proposal = Proposal(root=root)
    reasons = proposal.reasons
    where = "" if prefix == "." else f" (in {prefix}/, which has its own pyproject.toml)"
    reasons.append(f"{len(features)} feature-module folders{where}: {', '.join(features[:6])}")

    # Modules: the folders holding features; a feature inside a feature makes them nest.
    feature_set = set(features)
    nested = any(_parent(f) in feature_set or _inside(f, feature_set) for f in features)
    globs = _module_globs(features, [d[len(strip) :] for d in listed if d.startswith(strip)])
    proposal.keys.append(("modules", globs))
    reasons.append(f"modules: the folders that hold them ({', '.join(globs)})")
    if nested:
        proposal.keys.append(("nested-modules", True))
        inner = [f for f in features if _inside(f, feature_set)]
        reasons.append(
            f"nested-modules: {', '.join(inner[:3])} sit inside other features and are modules"
            " of their own"
        )

    # Source root: where the top-level package's import path starts.
    roots = sorted({_source_root(root, f, files[f]) for f in features})
    if any(r not in (".", "src") for r in roots):
        proposal.keys.append(("src", roots))
        shown = ", ".join(f"{r}/" for r in roots)
        reasons.append(f"src: the packages' imports start at {shown}")

    # Roles: the file name most modules use for each role.
    role_table: List[Tuple[str, object]] = []
    present: Dict[str, Counter[str]] = {role: Counter() for role, _ in ROLE_FILE_NAMES}
    for feature in features:
        for role, name in _roles_in(files[feature]).items():
            present[role][name] += 1
    defaults = dict(DEFAULT_ROLES)
    central = _central_packages(listed, strip, feature_set)
    missing_roles: List[str] = []
    role_files: Set[str] = set()
    for role, _ in ROLE_FILE_NAMES:
        counts = present[role]
        patterns: List[str] = [name for name, _ in counts.most_common()]
        if role in central:
            patterns.append(central[role])
            reasons.append(f"{role}: a central package {central[role]} outside the modules")
        role_files.update(_as_file(name) for name in patterns if "/" not in name.rstrip("/"))
        if not patterns:
            missing_roles.append(role)
            role_table.append((role, []))
            continue
        if tuple(patterns) != defaults[role]:
            role_table.append((role, patterns))
            used = ", ".join(f"{n} ({c})" for n, c in counts.most_common())
            if used:
                reasons.append(f"{role}: {used} of {len(features)} modules")
    # Schemas inside models.py: Pydantic classes in the models files of modules without schemas.
    # The models files play both roles (a file may have several): no placement finding for
    # either, and the layers that use schemas may use them.
    if "schemas" in missing_roles and present["models"]:
        holding = [
            f
            for f in features
            if "models" in _roles_in(files[f])
            and _holds_pydantic(os.path.join(root, f, _roles_in(files[f])["models"]))
        ]
        if holding:
            names = [name for name, _ in present["models"].most_common()]
            missing_roles.remove("schemas")
            role_table = [
                (role, names if role == "schemas" else patterns) for role, patterns in role_table
            ]
            reasons.append(
                f"the models files of {len(holding)} modules hold Pydantic models too: they are"
                f" the schemas files as well (schemas = {_toml_value(names)}, two roles)"
            )
    if missing_roles:
        reasons.append(
            f"no {', '.join(missing_roles)} file in any module: the role is removed"
            f" ({', '.join(f'{r} = []' for r in missing_roles)})"
        )

    # Required and allowed files: what most modules have.
    # a role package stands for its file (``schemas/`` is imported as ``schemas.py`` would be)
    counts = Counter(_as_file(name) for f in features for name in files[f])
    most = max(1, int(len(features) * _MOST) + 1) if len(features) > 1 else 1
    # A role whose modules use several file names cannot require one of them.
    single = {
        _as_file(n) for c in present.values() if len({_as_file(k) for k in c}) == 1 for n in c
    }
    required = [
        name
        for name in sorted(counts)
        if counts[name] >= most and (name in single or name == "__init__.py")
    ]
    order = {name: i for i, name in enumerate(DEFAULT_REQUIRED_FILES)}
    required.sort(key=lambda n: (order.get(n, len(order)), n))
    if tuple(required) != DEFAULT_REQUIRED_FILES:
        proposal.keys.append(("required-files", required))
        reasons.append("required-files: what more than half of the modules have")
    extras = sorted(
        name
        for name in counts
        if counts[name] >= most and name not in role_files and name != "__init__.py"
    )
    if extras:
        proposal.keys.append(("allowed-extra-files", extras))
        reasons.append(f"allowed-extra-files: {', '.join(extras)} recur in most modules")

    if role_table:
        proposal.tables.append(("roles", role_table))
    layers = _layers(missing_roles)
    if layers:
        proposal.tables.append(("layers", layers))
        reasons.append(
            "layers: without "
            + " and ".join(missing_roles)
            + ", the layers that would use it use what remains"
        )
    return proposal


#: A glob stands for a folder's children when at least this share of them are features; else
#: the features are listed one by one, so that src/common or app/core is not taken for a module.
_GLOB_SHARE = 0.75


def _module_globs(features: Sequence[str], folders: Sequence[str]) -> List[str]:
    """The ``modules`` globs for ``features``, decided level by level. At the top, ``P/*`` for a
    folder P whose Python sub-folders are (nearly) all features. A feature inside a feature gets
    its enclosing feature's glob plus one level (users/admin and orders/export give one
    app/features/*/*) only when the sub-folders of every module that glob reaches are (nearly)
    all features too; else ``E/*`` per enclosing feature E that qualifies, else the feature
    itself. A broad ``src/app/*/*`` would make every plugin, helper or migrations folder under
    any module a module of its own."""
    feature_set = set(features)
    children: Dict[str, List[str]] = {}
    for folder in folders:
        if folder != ".":
            children.setdefault(_parent(folder), []).append(folder)

    def enough(inside: int, siblings: int) -> bool:
        return inside >= _GLOB_SHARE * max(siblings, 1)

    glob_of: Dict[str, str] = {}
    level = [f for f in features if not _inside(f, feature_set)]
    while level:
        by_enclosing_glob: Dict[str, List[str]] = {}
        for f in level:
            enclosing = _parent(f)
            key = glob_of[enclosing] if enclosing in glob_of else enclosing
            by_enclosing_glob.setdefault(key, []).append(f)
        for key, group in sorted(by_enclosing_glob.items()):
            parents = {_parent(f) for f in group}
            if parents & set(glob_of):  # nested: every module the enclosing glob reaches
                reached = [m for m, g in glob_of.items() if g == key] or sorted(parents)
            else:
                reached = sorted(parents)
            siblings = sum(len(children.get(m, [])) for m in reached)
            if enough(len(group), siblings):
                for f in group:
                    glob_of[f] = "*" if key == "." else f"{key}/*"
                continue
            for enclosing in sorted(parents):
                inside = [f for f in group if _parent(f) == enclosing]
                spread = enough(len(inside), len(children.get(enclosing, [])))
                for f in inside:
                    if not spread:
                        glob_of[f] = f
                    else:
                        glob_of[f] = "*" if enclosing == "." else f"{enclosing}/*"
        done = set(glob_of)
        level = [f for f in features if f not in done and _parent(f) in done]
        # a feature below a plain folder of a feature (case/x/y with x not a feature)
        if not level:
            level = [f for f in features if f not in done]
            if level:
                for f in level:
                    glob_of[f] = f
                level = []
    return sorted(set(glob_of.values()))


def _inside(folder: str, features: Set[str]) -> bool:
    parts = folder.split("/")
    return any("/".join(parts[:end]) in features for end in range(1, len(parts)))


def _central_packages(
    listed: Dict[str, List[str]], strip: str, features: Set[str]
) -> Dict[str, str]:
    """role -> path glob of a central package outside the modules (``app/models/``)."""
    out: Dict[str, str] = {}
    # the shallowest first: polar/models/, not polar/kit/db/models/ (a helper's own models)
    for folder in sorted(listed, key=lambda f: (f.count("/"), f)):
        if not folder.startswith(strip) and strip:
            continue
        rel = folder[len(strip) :]
        name = rel.rsplit("/", 1)[-1]
        if rel in features or _inside(rel, features):
            continue
        for role in ("models", "schemas"):
            if name == role and role not in out:
                out[role] = f"{rel}/**"
    return out


def _layers(missing: Sequence[str]) -> List[Tuple[str, object]]:
    """The cpv3 layers minus the removed roles; a layer that used a removed one uses what that
    one used (no repository: the service uses the models)."""
    if not missing:
        return []
    table = dict(DEFAULT_LAYERS)
    out: List[Tuple[str, object]] = []
    for role, allowed in DEFAULT_LAYERS:
        if role in missing:
            continue
        wanted: List[str] = []
        for target in allowed:
            for name in table[target] if target in missing else (target,):
                if name not in missing and name not in wanted and name != role:
                    wanted.append(name)
        if tuple(wanted) != allowed:
            out.append((role, wanted))
    return out


# -- writing ------------------------------------------------------------------------------------


def write(proposal: Proposal) -> str:
    """Append the table to the root's ``pyproject.toml`` (created if missing), keeping the file's
    text as it is. Returns the path written. Raises :class:`InitError` when the folder already
    has a configuration."""
    existing = project_config(proposal.root)
    if existing is not None:
        raise InitError(f"{os.path.basename(existing)} already configures conformance: edit it")
    path = os.path.join(proposal.root, "pyproject.toml")
    text = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
    newline = "\r\n" if "\r\n" in text else "\n"
    block = proposal.toml().replace("\n", newline)
    if text and not text.endswith(("\n", "\r")):
        text += newline
    if text:
        text += newline
    tmp = path + ".conformance-tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text + block)
    os.replace(tmp, path)
    return path


def render(proposal: Proposal, top: str) -> str:
    """The explanation (TOML comments) and the table."""
    shown = os.path.relpath(os.path.join(proposal.root, "pyproject.toml"), top).replace(os.sep, "/")
    lines = [f"# conformance init: proposed for {shown}"]
    lines.extend(f"# - {reason}" for reason in proposal.reasons)
    lines.append("# Write it with `conformance init --write`; check with `conformance check`.")
    return "\n".join(lines) + "\n" + proposal.toml()


def main(path: str, do_write: bool) -> Tuple[int, str, Optional[str]]:
    """(exit code, stdout text, stderr line) of ``conformance init``."""
    if not os.path.isdir(path):
        return 2, "", f"error: {path}: no such folder"
    try:
        proposal = propose(path)
        text = render(proposal, path)
        if do_write:
            written = write(proposal)
            shown = os.path.relpath(written).replace(os.sep, "/")
            return 0, text, f"wrote [tool.conformance] to {shown}"
    except InitError as error:
        return 2, "", f"error: {error}"
    except OSError as error:
        return 2, "", f"error: cannot write pyproject.toml: {error.strerror or error}"
    return 0, text, None


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("init", help="propose a [tool.conformance] table for this tree")
    parser.add_argument("path", nargs="?", default=".", metavar="PATH", help="folder (default: .)")
    parser.add_argument(
        "--write", action="store_true", help="append the table to pyproject.toml (formatting kept)"
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    code, text, note = main(args.path, args.write)
    stdout.write(text)
    if note:
        stderr.write(note + "\n")
    return code
