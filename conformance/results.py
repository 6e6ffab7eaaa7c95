"""What the file pass produces for one file, as plain data.

These types are shared by the file pass (which builds them), the engine and the cache (which move
and store them) and the fix engine; they do not import libcst, so a warm run that only loads cached
results never pays for the parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Sequence, Tuple

from conformance.conditions import Condition
from conformance.diagnostics import Location, Violation
from conformance.facts import FileFacts
from conformance.settings import Config

if TYPE_CHECKING:
    import libcst as cst

#: A field step from a node to one of its children: (field name, index in a sequence field or -1).
Step = Tuple[str, int]

#: An import a fix needs: (module, name) for ``from module import name``, (module, None) for
#: ``import module``.
ImportNeed = Tuple[str, Optional[str]]


#: Where a located node is: (location, first line of its statement, fingerprint text).
Place = Tuple[Location, Optional[int], str]


@dataclass(frozen=True)
class AnalysisSettings:
    """What the file pass needs besides the file: picklable, and part of the cache key."""

    config: Config
    rule_codes: Tuple[str, ...]
    project_packages: Tuple[str, ...]


@dataclass(frozen=True)
class NodeLocator:
    """Field steps from the module root to a node and to its statement."""

    node: Tuple[Step, ...]
    statement: Optional[Tuple[Step, ...]]


@dataclass(frozen=True)
class Candidate:
    """A finding that stands only if ``condition`` holds on the complete project index.

    Most candidates turn out false (a class in schemas.py is not an ORM entity), so the file pass
    does not spend a code generation on their positions: ``locator`` says how to find the node
    again (field steps from the module root), and the engine locates only the confirmed ones.
    """

    violation: Violation
    condition: Condition
    locator: Optional[NodeLocator] = None


@dataclass(frozen=True)
class NoqaComment:
    """A ``# noqa`` comment: its line, column (1-based) and the text after ``#``."""

    line: int
    column: int
    text: str


@dataclass(frozen=True)
class Replacement:
    """A fix: replace ``node`` by ``new`` (both libcst nodes of the parsed file)."""

    violation: Violation
    node: cst.CSTNode
    new: cst.CSTNode | cst.RemovalSentinel
    condition: Optional[Condition] = None
    #: imports the new node needs; the fix engine adds the missing ones once per file (``fixes``)
    imports: Tuple[ImportNeed, ...] = ()


@dataclass(frozen=True)
class FileResult:
    """The outcome of the file pass for one file."""

    path: str
    facts: Optional[FileFacts]
    violations: Tuple[Violation, ...] = ()
    #: a tuple, or in a run's memory the packed text of one (``plain.Packed``)
    candidates: Sequence[Candidate] = ()
    noqa: Tuple[NoqaComment, ...] = ()
    #: only with ``keep_fixes=True``, never cached or pickled: the parsed module and its fixes
    module: Optional[cst.Module] = field(default=None, compare=False)
    replacements: Tuple[Replacement, ...] = field(default=(), compare=False)
    encoding: str = "utf-8"
    bom: bool = False
