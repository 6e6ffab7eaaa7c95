"""The rule API: :class:`FileContext`, everything a file rule may know and ask about its file.

A rule sees the file through its context only: where it is (path, module, role, feature), where
the walk is (ancestors, statement, function, class, scope), what names mean (``qualname``,
``annotation_type``, ``instance_type``, ``lookup``), the configuration (``option``, ``layers``),
how to report (``FileRule.report`` calls :meth:`FileContext.add_report`), and a per-file memo for
work several hooks share. The walker moves the context through the file (:class:`FileState`);
rules never write to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Dict,
    List,
    Mapping,
    Optional,
    Protocol,
    Set,
    Tuple,
    TypeVar,
    Union,
)

import libcst as cst

from conformance.collect import import_facts
from conformance.conditions import Condition
from conformance.diagnostics import FixSafety, Location, Violation
from conformance.facts import AliasFact, ClassFact, FileFacts, FunctionFact, ImportFact
from conformance.model import SourceFile
from conformance.positions import find_below, step_to, units_of
from conformance.results import AnalysisSettings, ImportNeed, NodeLocator, Step
from conformance.roles import RoleMatcher
from conformance.scope import Binding, Resolver
from conformance.settings import Config, Option

T = TypeVar("T")


class Reporter(Protocol):
    """What the context needs of the rule that reports: its identity, to make the finding."""

    def make_violation(
        self,
        path: str,
        location: Location,
        message: Optional[str] = None,
        *,
        fix_hint: Optional[str] = None,
        fix: Optional[FixSafety] = None,
        statement_line: Optional[int] = None,
        fingerprint_text: str = "",
        tags: Tuple[str, ...] = (),
    ) -> Violation: ...


@dataclass
class PendingReport:
    """A finding as a rule reported it, before positions and conditions are settled."""

    rule: Reporter
    node: cst.CSTNode
    message: str
    fix_hint: str
    when: Optional[Condition]
    replacement: Optional[Union[cst.CSTNode, cst.RemovalSentinel]]
    fix_safety: Optional[FixSafety]
    fingerprint: Optional[str]
    tags: Tuple[str, ...]
    statement: Optional[cst.CSTNode]
    imports: Tuple[ImportNeed, ...] = ()
    locator: Optional[NodeLocator] = None
    units: Tuple[cst.CSTNode, ...] = ()  # the statements to generate to place it (positions.py)


@dataclass
class FileState:
    """Where the walk is in one file, and what it has collected: written by the walker, read
    through the :class:`FileContext`."""

    resolver: Resolver
    ancestors: List[cst.CSTNode] = field(default_factory=list)
    current: Optional[cst.CSTNode] = None  # the node whose hooks are running
    statement: Optional[cst.CSTNode] = None
    functions: List[cst.FunctionDef] = field(default_factory=list)
    classes: List[cst.ClassDef] = field(default_factory=list)
    type_checking_depth: int = 0
    generators: Set[int] = field(default_factory=set)  # ids of functions that contain ``yield``
    pending: List[PendingReport] = field(default_factory=list)
    imports: List[ImportFact] = field(default_factory=list)
    class_facts: List[ClassFact] = field(default_factory=list)
    function_facts: List[FunctionFact] = field(default_factory=list)
    alias_facts: List[AliasFact] = field(default_factory=list)
    extra: Dict[str, List[Any]] = field(default_factory=dict)


class FileContext:
    """What a file rule knows about the file it is in, and what it may ask. Closed: rules read
    the properties and call the methods below, nothing else (no attributes of their own: keep
    per-file state on the rule, or share it through :meth:`memo`)."""

    __slots__ = (
        "_file",
        "_import_memo",
        "_memo",
        "_module_node",
        "_qualnames",
        "_roles",
        "_settings",
        "_state",
    )

    def __init__(
        self,
        file: SourceFile,
        module_node: cst.Module,
        settings: AnalysisSettings,
        roles: RoleMatcher,
        state: FileState,
    ) -> None:
        self._file = file
        self._module_node = module_node
        self._settings = settings
        self._roles = roles
        self._state = state
        self._qualnames: Dict[int, Optional[str]] = {}
        self._import_memo: Dict[Tuple[int, bool, bool], Tuple[ImportFact, ...]] = {}
        self._memo: Dict[str, Any] = {}

    # -- the file -------------------------------------------------------------------------------

    @property
    def path(self) -> str:
        """The file's path, POSIX, relative to the project root."""
        return self._file.path

    @property
    def module(self) -> str:
        """The file's dotted module name."""
        return self._file.module

    @property
    def is_package(self) -> bool:
        """Whether the file is a package's ``__init__.py``."""
        return self._file.is_package

    @property
    def role(self) -> Optional[str]:
        """The file's first role (``router``, ``service``, ...), None outside the roles. A file
        may have several (:attr:`roles`): ask :meth:`has_role` whether it plays one."""
        return self._file.role

    @property
    def roles(self) -> Tuple[str, ...]:
        """Every role of the file, in the order of the ``roles`` table (``models.py`` configured
        as both ``models`` and ``schemas`` has two)."""
        return self._file.roles

    def has_role(self, role: str) -> bool:
        """Whether the file plays ``role`` (one of its roles)."""
        return role in self._file.roles

    @property
    def feature(self) -> Optional[str]:
        """The name of the module package the file is in, None outside module packages."""
        return self._file.feature

    @property
    def config(self) -> Config:
        """The effective configuration (prefer :meth:`option` for family options)."""
        return self._settings.config

    @property
    def layers(self) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
        """The ``layers`` table: (role, roles it may import)."""
        return self._settings.config.layers

    def option(self, spec: Option) -> Any:
        """The value of a family option (its default when the configuration leaves it unset)."""
        for name, value in self._settings.config.options:
            if name == spec.key:
                return value
        return spec.default

    def is_selected(self, code: str) -> bool:
        """Whether the rule ``code`` runs in this run (a rule may leave a finding to another)."""
        return code in self._settings.rule_codes

    def role_file(self, role: str) -> str:
        """The configured file name of ``role`` (``router.py`` in cpv3, ``endpoints.py`` when
        remapped): what messages and hints name, never a hard-coded cpv3 name."""
        return self._settings.config.role_file(role)

    def role_of_module(self, module: str) -> Tuple[Optional[str], Optional[str]]:
        """(first role, feature) of another module, by configuration alone."""
        return self._roles.for_module(module)

    def roles_of_module(self, module: str) -> Tuple[Tuple[str, ...], Optional[str]]:
        """(every role, feature) of another module, by configuration alone."""
        return self._roles.roles_for_module(module)

    def is_project_name(self, qualname: str) -> bool:
        """Whether a qualified name lies in one of the project's own top-level packages."""
        return qualname.split(".", 1)[0] in self._settings.project_packages

    # -- the source -----------------------------------------------------------------------------

    def code_for(self, node: cst.CSTNode) -> str:
        """The source text of ``node``."""
        return self._module_node.code_for_node(node)

    @property
    def default_indent(self) -> str:
        """The file's indentation unit (for fixes that write new blocks)."""
        return self._module_node.default_indent

    def parse_statement(
        self, text: str
    ) -> Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]:
        """Parse a statement written for this file (its newline and indentation style)."""
        return cst.parse_statement(text, config=self._module_node.config_for_parsing)

    # -- where the walk is ----------------------------------------------------------------------

    @property
    def ancestors(self) -> List[cst.CSTNode]:
        """The nodes above the current one, outermost first (``ancestors[-1]`` is the parent).
        Read it; never change it."""
        return self._state.ancestors

    @property
    def parent(self) -> Optional[cst.CSTNode]:
        ancestors = self._state.ancestors
        return ancestors[-1] if ancestors else None

    @property
    def statement(self) -> Optional[cst.CSTNode]:
        """The innermost statement the walk is in."""
        return self._state.statement

    @property
    def function(self) -> Optional[cst.FunctionDef]:
        """The innermost function whose body the walk is in."""
        functions = self._state.functions
        return functions[-1] if functions else None

    @property
    def function_depth(self) -> int:
        """How many function bodies the walk is in (1: directly in a top-level function)."""
        return len(self._state.functions)

    @property
    def class_def(self) -> Optional[cst.ClassDef]:
        """The innermost class whose body the walk is in."""
        classes = self._state.classes
        return classes[-1] if classes else None

    @property
    def in_type_checking(self) -> bool:
        return self._state.type_checking_depth > 0

    @property
    def in_function(self) -> bool:
        return bool(self._state.functions)

    @property
    def scope_kind(self) -> str:
        """The kind of the innermost scope: ``"module"``, ``"class"`` (directly in a class body)
        or ``"function"``."""
        return self._state.resolver.current.kind

    @property
    def scope_qualname(self) -> str:
        """The qualified name of the innermost scope (``pkg.mod``, ``pkg.mod.Cls``,
        ``pkg.mod.f.<locals>``)."""
        return self._state.resolver.current.qualname

    def definition_qualname(self, name: str) -> str:
        """The qualified name a definition called ``name`` gets in the current scope."""
        return f"{self._state.resolver.current.qualname}.{name}"

    def is_generator(self, function: cst.FunctionDef) -> bool:
        """Whether ``function``'s own body contains ``yield`` (known once the body was walked:
        in ``function_end`` and later). Rules must not walk subtrees themselves for this:
        ``node.children``/``node.visit`` cost more than parsing the file."""
        return id(function) in self._state.generators

    # -- what names mean ------------------------------------------------------------------------

    def qualname(self, node: cst.BaseExpression) -> Optional[str]:
        """Qualified name of a Name/Attribute chain (imports, module-level definitions,
        builtins), e.g. ``pydantic.validator`` for ``pd.validator`` after ``import pydantic as pd``."""
        # Many rules ask about the same callee during one visit: answer each node once.
        key = id(node)
        cache = self._qualnames
        if key in cache:
            return cache[key]
        found = cache[key] = self._state.resolver.qualname(node)
        return found

    def call_name(self, node: cst.Call) -> Optional[str]:
        return self.qualname(node.func)

    def annotation_type(self, node: Optional[cst.BaseExpression]) -> Optional[str]:
        """The class an annotation names (``Annotated``, ``Optional``, ``X | None`` and string
        annotations unwrapped)."""
        return self._state.resolver.annotation_type(node)

    def instance_type(self, node: cst.BaseExpression) -> Optional[str]:
        """The class of the object ``node`` evaluates to, when the file proves it."""
        return self._state.resolver.instance_type(node)

    def lookup(self, name: str) -> Optional[Binding]:
        """The binding of ``name`` in the current scope (Python's lookup order)."""
        return self._state.resolver.lookup(name)

    def module_bindings(self) -> Mapping[str, Binding]:
        """Every name bound at module level (imports, definitions, variables)."""
        return self._state.resolver.module_scope.names or {}

    def import_facts(self, node: cst.CSTNode) -> List[ImportFact]:
        """The imports an ``Import``/``ImportFrom`` statement makes, resolved to absolute names
        (relative imports anchored at the package, ``from pkg import submodule`` kept as
        ``pkg.submodule``: the index decides whether that is a module or an attribute)."""
        if not isinstance(node, (cst.Import, cst.ImportFrom)):
            return []
        type_only = self.in_type_checking
        deferred = self.in_function
        # Every family's import hooks ask about the same statements: answer each once.
        memo_key = (id(node), type_only, deferred)
        known = self._import_memo.get(memo_key)
        if known is None:
            known = self._import_memo[memo_key] = tuple(
                import_facts(
                    node, self.module, self.is_package, type_only=type_only, deferred=deferred
                )
            )
        return list(known)

    @property
    def import_count(self) -> int:
        """How many imports the file made before the current statement (an import's ordinal)."""
        return len(self._state.imports)

    # -- reporting and memory ---------------------------------------------------------------

    def memo(self, key: str, factory: Callable[[], T]) -> T:
        """A per-file value shared by the hooks of one or several rules, made on first use
        (``key``: ``"<family>.<what>"``)."""
        memo = self._memo
        if key not in memo:
            memo[key] = factory()
        value: T = memo[key]
        return value

    def add_extra(self, key: str, value: Any) -> None:
        """Store a family-specific fact for the index (see ``FileFacts.extra``)."""
        self._state.extra.setdefault(key, []).append(value)

    def add_report(
        self,
        rule: Reporter,
        node: cst.CSTNode,
        message: str,
        *,
        fix_hint: str,
        when: Optional[Condition],
        replacement: Optional[Union[cst.CSTNode, cst.RemovalSentinel]],
        fix_safety: Optional[FixSafety],
        fingerprint: Optional[str],
        tags: Tuple[str, ...],
        imports: Tuple[ImportNeed, ...] = (),
    ) -> None:
        """Record a finding (``FileRule.report`` is the way rules call this)."""
        state = self._state
        state.pending.append(
            PendingReport(
                rule,
                node,
                message,
                fix_hint,
                when,
                replacement,
                fix_safety if replacement is not None else None,
                fingerprint,
                tags,
                state.statement,
                imports if replacement is not None else (),
                self._locator(node) if when is not None else None,
                self._units(node),
            )
        )

    def _units(self, node: cst.CSTNode) -> Tuple[cst.CSTNode, ...]:
        """The units (``positions.units_of``) of the path down to ``node``: the walk's path,
        cut at ``node`` when it is on it (a rule may report an enclosing node)."""
        state = self._state
        chain = state.ancestors if state.current is None else [*state.ancestors, state.current]
        for depth in range(len(chain) - 1, 0, -1):
            if chain[depth] is node:
                return units_of(chain[: depth + 1])
        return units_of(chain)

    def _locator(self, node: cst.CSTNode) -> Optional[NodeLocator]:
        """How to find ``node`` again in a fresh parse of the same source (see Candidate)."""
        state = self._state
        chain = (
            [*state.ancestors, state.current]
            if state.current is not None
            else list(state.ancestors)
        )
        if not chain or chain[0] is not self._module_node:
            return None
        steps: List[Step] = []
        for parent, child in zip(chain, chain[1:]):
            step = step_to(parent, child)
            if step is None:
                return None
            steps.append(step)
        statement_steps: Optional[Tuple[Step, ...]] = None
        for depth, ancestor in enumerate(chain):
            if ancestor is state.statement:
                statement_steps = tuple(steps[:depth])
        for depth in range(len(chain) - 1, -1, -1):  # the node itself or an ancestor
            if chain[depth] is node:
                return NodeLocator(tuple(steps[:depth]), statement_steps)
        below = find_below(chain[-1], node)
        if below is None:
            return None  # positions are then computed in the file pass
        return NodeLocator(tuple(steps) + below, statement_steps)


def file_facts(file: SourceFile, state: FileState) -> FileFacts:
    """The facts the walk collected, for the index."""
    module_names = state.resolver.module_scope.names or {}
    return FileFacts(
        path=file.path,
        module=file.module,
        is_package=file.is_package,
        imports=tuple(state.imports),
        classes=tuple(state.class_facts),
        functions=tuple(state.function_facts),
        aliases=tuple(state.alias_facts),
        names=tuple(sorted(module_names)),
        extra={key: tuple(values) for key, values in sorted(state.extra.items())},
    )
