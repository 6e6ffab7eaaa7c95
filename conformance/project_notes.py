"""What a project's configuration and tree say about the run itself, besides the findings: the
configuration mistakes only the tree shows (problems) and the blind spots (warnings).

Pure functions of the configuration and the whole project's layout (``RunResult.project_layout``),
so that every front end says the same: the command line (problems exit 2, warnings on top of the
report), the language server (a message), the MCP server (the ``check`` result) and the Claude
Code hook (next to its findings). Messages carry no ``error:``/``warning:`` prefix: each front
end adds its own.
"""

from __future__ import annotations

import os
from typing import List, Optional, Set

from conformance.model import Layout
from conformance.roles import RoleMatcher, glob_match, unintended_overlaps
from conformance.settings import Config


def layout_problems(config: Config, layout: Optional[Layout]) -> List[str]:
    """Configuration mistakes only the tree shows, one line each: a `modules` glob of a
    configuration file that matches no module package, a role of the `roles` table whose
    patterns match no file. (Without a configuration file, an unmatched default is a warning.)"""
    if config.config_file is None or layout is None:
        return []
    prefix = _table(config)
    # Folders holding Python files, with their ancestors: a glob matching one of them is used
    # (as a module, or as a sub-folder of one when nested modules are off).
    holding: Set[str] = set()
    for file in layout.files:
        folder = file.path.rpartition("/")[0]
        while folder and folder not in holding:
            holding.add(folder)
            folder = folder.rpartition("/")[0]
    out: List[str] = []
    for glob in config.modules:
        if not any(glob_match(glob, folder) for folder in holding):
            out.append(
                f"{prefix}.modules: '{glob}' matches no folder with Python files"
                " (`conformance init` proposes globs for this tree)"
            )
    if out or not layout.packages:
        return out
    roles = {role for file in layout.files for role in file.roles}
    for role, patterns in config.roles:
        if role in config.configured_roles and patterns and role not in roles:
            listed = ", ".join(f"'{p}'" for p in patterns)
            out.append(
                f"{prefix}.roles.{role}: {listed} matches no file"
                f" (set `{role} = []` if the project has no {role} layer)"
            )
    return out


def layout_warnings(config: Config, layout: Optional[Layout]) -> List[str]:
    """What the run cannot see, one line each: role patterns that overlap without meaning to,
    absolute imports of project packages that no source root reaches, no module package at
    all."""
    out = role_overlaps(config, layout)
    out.extend(config.source_warnings)
    if layout is not None and not layout.packages:
        tried = ", ".join(config.modules)
        out.append(
            f"no module package found (no configuration, and nothing matches {tried}): run"
            " `conformance init` to propose a [tool.conformance] table"
        )
    return out


def role_overlaps(config: Config, layout: Optional[Layout]) -> List[str]:
    """Files that patterns of two roles match without being listed for both (a warning: the
    file is judged as both roles, which may not be what the patterns meant)."""
    if layout is None:
        return []
    found = unintended_overlaps(RoleMatcher(config), [file.path for file in layout.files])
    if not found or config.config_file is None:
        return found
    prefix = _table(config)
    return [f"{prefix}.{line}" for line in found]


def _table(config: Config) -> str:
    """``pyproject.toml: [tool.conformance]`` or ``conformance.toml: config``: where the keys
    that messages name are."""
    assert config.config_file is not None
    source = os.path.relpath(config.config_file, config.root).replace(os.sep, "/")
    table = "[tool.conformance]" if source.endswith("pyproject.toml") else "config"
    return f"{source}: {table}"
