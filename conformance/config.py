"""``[tool.conformance]`` -> a frozen :class:`Config` (``conformance.settings``), validated
against the rule registry. Defaults are the cpv3 convention.

Every problem in a configuration is collected and reported together (one line each), so a user
fixes them in one go: unknown keys (with a suggestion), wrong types, unknown rule selectors, layers
naming unknown roles.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from conformance.rules import all_options, unknown_selectors
from conformance.settings import DEFAULT_LAYERS, DEFAULT_ROLES, ROLE_NAMES, Config, Option


class ConfigError(Exception):
    """A configuration that cannot be used. ``problems`` holds one line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems: Tuple[str, ...] = tuple(problems)


_LIST_KEYS = {
    "modules": "modules",
    "src": "src",
    "required-files": "required_files",
    "allowed-extra-files": "allowed_extra_files",
    "exclude": "exclude",
    "extend-exclude": "extend_exclude",
    "select": "select",
    "extend-select": "extend_select",
    "ignore": "ignore",
}
_TABLE_KEYS = {"per-file-ignores": "per_file_ignores", "roles": "roles", "layers": "layers"}
_OTHER_KEYS = {
    "respect-gitignore": "respect_gitignore",
    "nested-modules": "nested_modules",
    "baseline": "baseline",
}


def family_options() -> Tuple[Option, ...]:
    """The options every rule family declares."""
    return all_options()


def core_keys() -> Tuple[str, ...]:
    return tuple(sorted({*_LIST_KEYS, *_TABLE_KEYS, *_OTHER_KEYS}))


def _load_toml(path: str) -> Dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on the oldest supported Python in CI
        import tomli as tomllib
    with open(path, "rb") as handle:
        data: Dict[str, Any] = tomllib.load(handle)
    return data


def _table_of(path: str, data: Mapping[str, Any]) -> Any:
    """The conformance table of a TOML file: ``[tool.conformance]`` in pyproject.toml, the
    top level in a dedicated file (``conformance.toml``). None when there is none; a value that
    is not a table (``[tool] conformance = 1``) is returned as is, so that it is reported."""
    if os.path.basename(path) == "pyproject.toml":
        tool = data.get("tool", {})
        return tool.get("conformance") if isinstance(tool, Mapping) else None
    return data


def find_config(start: str) -> Tuple[str, Optional[str]]:
    """The project root and config file for a run starting at ``start`` (a file or folder).

    The nearest ``conformance.toml``, or ``pyproject.toml`` with a ``[tool.conformance]`` table,
    wins (``conformance.toml`` first within one folder); without one, the root is the nearest
    folder holding a ``pyproject.toml`` or ``.git``, else ``start`` itself.
    """
    here = os.path.abspath(start)
    if not os.path.isdir(here):
        here = os.path.dirname(here)
    fallback: Optional[str] = None
    current = here
    while True:
        dedicated = os.path.join(current, "conformance.toml")
        if os.path.isfile(dedicated):
            return current, dedicated
        candidate = os.path.join(current, "pyproject.toml")
        if os.path.isfile(candidate):
            try:
                data = _load_toml(candidate)
            except Exception:
                return current, candidate
            if _table_of(candidate, data) is not None:
                return current, candidate
            if fallback is None:
                fallback = current
        if fallback is None and os.path.exists(os.path.join(current, ".git")):
            fallback = current
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return (fallback or here), None


def project_config(folder: str) -> Optional[str]:
    """The configuration file that makes ``folder`` a project root of its own: its
    ``conformance.toml``, or its ``pyproject.toml`` when that has a ``[tool.conformance]`` table
    (an unreadable one counts, so that its error is reported instead of silently ignored)."""
    dedicated = os.path.join(folder, "conformance.toml")
    if os.path.isfile(dedicated):
        return dedicated
    candidate = os.path.join(folder, "pyproject.toml")
    if not os.path.isfile(candidate):
        return None
    try:
        data = _load_toml(candidate)
    except Exception:
        return candidate
    return candidate if _table_of(candidate, data) is not None else None


def load_config(root: str, config_file: Optional[str]) -> Config:
    """Read and validate the configuration; raise :class:`ConfigError` listing every problem.
    (Callers that check a tree add the source roots it shows: ``discovery.config_and_layout``.)"""
    if config_file is None:
        return validate({}, root=root, source=None)
    try:
        data = _load_toml(config_file)
    except OSError as error:
        raise ConfigError([f"{config_file}: cannot read: {error.strerror or error}"]) from None
    except Exception as error:
        raise ConfigError([f"{_display(config_file, root)}: invalid TOML: {error}"]) from None
    table = _table_of(config_file, data)
    if table is not None and not isinstance(table, Mapping):
        got = "an array of tables" if isinstance(table, list) else _type_name(table)
        raise ConfigError(
            [f"{_display(config_file, root)}: [tool.conformance] must be a table, got {got}"]
        )
    return validate(table or {}, root=root, source=config_file)


def _display(path: str, root: str) -> str:
    try:
        rel = os.path.relpath(path, root)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def validate(table: Mapping[str, Any], *, root: str, source: Optional[str]) -> Config:
    """Turn a raw table into a Config, collecting every problem."""
    problems: List[str] = []
    where = f"{_display(source, root)}: " if source else ""
    prefix = "[tool.conformance]" if source and source.endswith("pyproject.toml") else "config"
    values: Dict[str, Any] = {}
    options_specs = {spec.key: spec for spec in family_options()}
    option_values: Dict[str, Any] = {}
    known = set(_LIST_KEYS) | set(_TABLE_KEYS) | set(_OTHER_KEYS) | set(options_specs)

    def problem(text: str) -> None:
        problems.append(f"{where}{text}")

    for key, value in table.items():
        if key in _LIST_KEYS:
            items = _string_list(value)
            if items is None:
                problem(f"{prefix}.{key} must be a list of strings, got {_type_name(value)}")
            else:
                values[_LIST_KEYS[key]] = tuple(items)
                if key == "src":
                    values["src_set"] = True
                if key in ("exclude", "extend-exclude"):
                    for pattern in items:
                        if not _valid_gitignore_pattern(pattern):
                            problem(f"{prefix}.{key}: invalid pattern {json.dumps(pattern)}")
        elif key == "per-file-ignores":
            parsed = _string_list_table(value)
            if parsed is None:
                problem(
                    f"{prefix}.{key} must be a table of glob = [codes], got {_type_name(value)}"
                )
            else:
                values["per_file_ignores"] = parsed
        elif key in ("roles", "layers"):
            parsed = _string_list_table(value, allow_str=True)
            if parsed is None:
                problem(f"{prefix}.{key} must be a table of name = [strings]")
            else:
                # A partial table changes the roles it names and keeps the cpv3 defaults of the
                # others; an empty list removes a role (a project without a repository layer).
                defaults = DEFAULT_ROLES if key == "roles" else DEFAULT_LAYERS
                merged = dict(defaults)
                for name, patterns in parsed:
                    if key == "roles" and name not in merged:
                        # The rules know these roles only: a new name would be a role no rule
                        # checks (a misspelt `routers` silently kept the default router.py).
                        problem(_unknown_role(f"{prefix}.roles", name))
                    else:
                        merged[name] = patterns  # unknown layers: reported by semantic_problems
                values[key] = tuple((name, tuple(found)) for name, found in merged.items())
                if key == "roles":
                    values["configured_roles"] = tuple(name for name, _ in parsed)
        elif key in ("respect-gitignore", "nested-modules"):
            if not isinstance(value, bool):
                problem(f"{prefix}.{key} must be true or false, got {_type_name(value)}")
            else:
                values[_OTHER_KEYS[key]] = value
        elif key == "baseline":
            if not isinstance(value, str):
                problem(f"{prefix}.{key} must be a string, got {_type_name(value)}")
            else:
                values["baseline"] = value
        elif key in options_specs:
            spec = options_specs[key]
            checked = _check_option(spec, value)
            if isinstance(checked, str):
                problem(f"{prefix}.{key} {checked}")
            else:
                option_values[key] = checked[0]
        else:
            suggestion = _close_match(key, sorted(known))
            hint = f" (did you mean '{suggestion[0]}'?)" if suggestion else ""
            problem(f"{prefix}: unknown key '{key}'{hint}")

    config = Config(
        root=root,
        config_file=source,
        # every declared option, so that a value never depends on where it is read from
        options=tuple(
            sorted(
                {**{k: spec.default for k, spec in options_specs.items()}, **option_values}.items()
            )
        ),
        **values,
    )
    problems.extend(where + p for p in semantic_problems(config, prefix))
    if problems:
        raise ConfigError(problems)
    return config


def semantic_problems(config: Config, prefix: str = "config") -> List[str]:
    """Problems that need more than the type of a value: selectors, roles named by layers."""

    out: List[str] = []
    for key, selectors in (
        ("select", config.select),
        ("extend-select", config.extend_select),
        ("ignore", config.ignore),
    ):
        for bad in unknown_selectors(selectors):
            out.append(f"{prefix}.{key}: unknown rule code or selector '{bad}'")
    for glob, codes in config.per_file_ignores:
        for bad in unknown_selectors(codes):
            out.append(f"{prefix}.per-file-ignores.\"{glob}\": unknown rule code '{bad}'")
    for layer, allowed in config.layers:
        if layer not in ROLE_NAMES:
            out.append(_unknown_role(f"{prefix}.layers", layer))
        for target in allowed:
            if target not in ROLE_NAMES:
                out.append(_unknown_role(f"{prefix}.layers.{layer}", target))
    out.extend(_glob_problems(config, prefix))
    if not config.modules:
        out.append(f"{prefix}.modules must name at least one glob")
    return out


def _close_match(word: str, choices: Sequence[str]) -> List[str]:
    """The choice ``word`` was probably meant to be (a mistake's message only: difflib is not
    imported by a run whose configuration is valid)."""
    import difflib

    return difflib.get_close_matches(word, choices, n=1)


def _unknown_role(where: str, name: str) -> str:
    suggestion = _close_match(name, ROLE_NAMES)
    hint = f"did you mean '{suggestion[0]}'? " if suggestion else ""
    return f"{where}: unknown role '{name}' ({hint}roles: {', '.join(ROLE_NAMES)})"


def _glob_problems(config: Config, prefix: str) -> List[str]:
    """One line per glob that cannot be matched, naming the key it is in."""
    from conformance.roles import glob_problem

    globs: List[Tuple[str, str]] = [("modules", g) for g in config.modules]
    globs.extend(("allowed-extra-files", g) for g in config.allowed_extra_files)
    globs.extend((f"roles.{role}", g) for role, patterns in config.roles for g in patterns)
    globs.extend(("per-file-ignores", g) for g, _ in config.per_file_ignores)
    out: List[str] = []
    for key, glob in globs:
        why = glob_problem(glob)
        if why is not None:
            out.append(f"{prefix}.{key}: invalid glob '{glob}': {why}")
    return out


def with_overrides(config: Config, **changes: Any) -> Config:
    """A copy with command-line overrides applied and re-validated."""
    updated = replace(config, **changes)
    problems = semantic_problems(updated, "command line")
    if problems:
        raise ConfigError(problems)
    return updated


def _check_option(spec: Option, value: Any) -> Any:
    if spec.kind is bool and not isinstance(value, bool):
        return f"must be true or false, got {_type_name(value)}"
    if spec.kind is str:
        if not isinstance(value, str):
            return f"must be a string, got {_type_name(value)}"
        if spec.choices and value not in spec.choices:
            return f"must be one of {', '.join(spec.choices)}, got '{value}'"
    if spec.kind is int and (not isinstance(value, int) or isinstance(value, bool)):
        return f"must be an integer, got {_type_name(value)}"
    if spec.kind is list:
        items = _string_list(value)
        if items is None:
            return f"must be a list of strings, got {_type_name(value)}"
        return (tuple(items),)
    return (value,)


def _valid_gitignore_pattern(pattern: str) -> bool:
    """Whether pathspec (gitignore syntax) accepts ``pattern``: a lone ``!`` or a trailing
    backslash is not a pattern."""
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except ValueError:
        return False
    return True


def _string_list(value: Any) -> Optional[List[str]]:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


def _string_list_table(
    value: Any, allow_str: bool = False
) -> Optional[Tuple[Tuple[str, Tuple[str, ...]], ...]]:
    if not isinstance(value, Mapping):
        return None
    out: List[Tuple[str, Tuple[str, ...]]] = []
    for key, items in value.items():
        if allow_str and isinstance(items, str):
            items = [items]
        parsed = _string_list(items)
        if parsed is None:
            return None
        out.append((str(key), tuple(parsed)))
    return tuple(out)


def _type_name(value: Any) -> str:
    names: Dict[type, str] = {
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a table",
    }
    for kind, name in names.items():
        if type(value) is kind:
            return name
    return type(value).__name__
