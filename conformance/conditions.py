"""Conditions: questions about other files that decide whether a finding stands.

A rule that needs cross-file knowledge ("is this base class a Pydantic model?") reports its finding
with ``when=Condition``. The file pass first asks the file's own partial index; if that cannot tell
(the answer lies in another project file), the finding travels with its condition to the complete
index. So the per-file work stays a pure function of the file and the configuration (cacheable,
parallel), while the cross-file part is recomputed from the index on every run: a change in another
file can never leave a stale result behind.

Conditions are frozen dataclasses (picklable, comparable). A rule may define its own subclass next to
the rule; it only has to implement :meth:`Condition.evaluate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from conformance.index import ProjectIndex


@dataclass(frozen=True)
class Condition:
    """Base class. ``evaluate`` returns True (the finding stands), False (drop it) or None (this
    index cannot tell; only a partial index may answer None)."""

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        raise NotImplementedError


@dataclass(frozen=True)
class IsKind(Condition):
    """The name (a class, or an alias of one) has ``kind`` (see ``conformance.index``)."""

    qualname: str
    kind: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        return index.is_kind(self.qualname, self.kind)


@dataclass(frozen=True)
class TypeIs(Condition):
    """The annotation name resolves (through aliases and re-exports) to one of ``targets``."""

    qualname: str
    targets: Tuple[str, ...]

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        resolved = index.type_of(self.qualname)
        if resolved in self.targets:
            return True
        if index.is_project_name(resolved) and not index.complete:
            known = resolved in index.classes or resolved in index.aliases
            return False if known else None
        return False


@dataclass(frozen=True)
class RoleIs(Condition):
    """The name is defined in a file of one of ``roles`` (after following re-exports)."""

    qualname: str
    roles: Tuple[str, ...]

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        resolved = index.resolve(self.qualname)
        roles, _ = index.roles_of(resolved)
        if not roles and not index.complete and index.is_project_name(resolved):
            return None
        return any(role in self.roles for role in roles)


@dataclass(frozen=True)
class Not(Condition):
    inner: Condition

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        value = self.inner.evaluate(index)
        return None if value is None else not value


@dataclass(frozen=True)
class AllOf(Condition):
    parts: Tuple[Condition, ...]

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        unknown = False
        for part in self.parts:
            value = part.evaluate(index)
            if value is False:
                return False
            if value is None:
                unknown = True
        return None if unknown else True


@dataclass(frozen=True)
class AnyOf(Condition):
    parts: Tuple[Condition, ...]

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        unknown = False
        for part in self.parts:
            value = part.evaluate(index)
            if value is True:
                return True
            if value is None:
                unknown = True
        return None if unknown else False
