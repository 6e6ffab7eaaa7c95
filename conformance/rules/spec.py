"""A rule's row in the generated rule table (``_registry.py``): what selection, digests,
suppressions and reports need of it, known without importing its module."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Tuple, Type

if TYPE_CHECKING:
    from conformance.rules.base import Rule

#: ``RuleSpec.kind``: a FileRule (the file pass), a ProjectRule (once per run), or a code the
#: engine reports itself (unreadable files, unused suppressions, stale baseline entries).
FILE, PROJECT, ENGINE = "file", "project", "engine"


@dataclass(frozen=True)
class RuleSpec:
    """What selection, digests, suppressions and reports need of a rule, known without importing
    its module: one row of the generated table (``_registry.py``), equal to the class's
    attributes (:func:`spec_of`)."""

    code: str
    name: str
    module: str  # the rule's module, ``conformance.rules.<family>.<stem>``
    class_name: str
    kind: str  # FILE, PROJECT or ENGINE
    default: bool  # False: opt-in, selected only by its exact code or name
    requires_roles: Tuple[str, ...]
    supersedes: Tuple[str, ...]
    summary: str
    fix: str  # the best fix it offers: "none", "safe" or "unsafe"

    def load(self) -> Type[Rule]:
        """The rule's class (importing its module). Raises RuntimeError when the class no longer
        says what its row says: the table is stale (``python -m conformance.docs``)."""
        rule: Type[Rule] = getattr(importlib.import_module(self.module), self.class_name)
        if spec_of(rule) != self:
            raise RuntimeError(
                f"{self.code}: conformance/rules/_registry.py is stale;"
                " run `python -m conformance.docs` and commit the result"
            )
        return rule


def spec_of(rule: Type[Rule]) -> RuleSpec:
    """The table row of a rule class."""
    from conformance.rules.base import FileRule, ProjectRule

    kind = (
        FILE if issubclass(rule, FileRule) else PROJECT if issubclass(rule, ProjectRule) else ENGINE
    )
    return RuleSpec(
        code=rule.code,
        name=rule.name,
        module=rule.__module__,
        class_name=rule.__name__,
        kind=kind,
        default=rule.default,
        requires_roles=tuple(rule.requires_roles),
        supersedes=tuple(rule.supersedes),
        summary=rule.summary,
        fix=rule.fix.value if rule.fix is not None else "none",
    )
