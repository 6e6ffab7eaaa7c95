"""The whole-project view that project rules check (module shape, import graph, cycles)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict

from conformance.facts import FileFacts
from conformance.index import ProjectIndex
from conformance.model import Layout, SourceFile
from conformance.roles import RoleMatcher, role_matcher
from conformance.settings import Config


@dataclass
class Project:
    """Layout, configuration, per-file facts and the merged index of one run."""

    config: Config
    layout: Layout
    index: ProjectIndex
    facts: Dict[str, FileFacts] = field(default_factory=dict)  # path -> facts (parsed files)
    files: Dict[str, SourceFile] = field(default_factory=dict)  # path -> file
    roles: RoleMatcher = field(init=False)  # from the configuration

    def __post_init__(self) -> None:
        self.roles = role_matcher(self.config)
