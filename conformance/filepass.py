"""The file pass: decode, parse once, traverse once, and return facts and findings.

``analyze_file`` is a pure function of (file, bytes, settings): it never looks at other files, so
it runs in worker processes and its result is cached by content hash. Whatever depends on another
file travels as a :class:`Candidate` (a finding with a condition) to the project index.

The traversal is a hand-written walk over libcst nodes (libcst's own visitor costs more than the
parse; see ``bench/``) that keeps a scope stack for name resolution and calls every enabled rule's
``visit_<Node>``/``leave_<Node>`` hooks: one walk for all rules.
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Dict,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
    Type,
)

import libcst as cst

from conformance.conditions import Condition
from conformance.config import Config
from conformance.diagnostics import FixSafety, Location, Violation
from conformance.facts import AliasFact, ClassFact, FileFacts, FunctionFact, ImportFact
from conformance.index import ProjectIndex
from conformance.model import SourceFile
from conformance.names import DEPENDS as _DEPENDS
from conformance.positions import node_spans
from conformance.roles import RoleMatcher
from conformance.rules.base import FileRule
from conformance.scope import (
    TYPE_CHECKING_NAMES,
    Binding,
    Resolver,
    Scope,
    absolute_module,
    bind_targets,
    dotted,
)

PARSE_ERROR_CODE = "CNF901"


@dataclass(frozen=True)
class AnalysisSettings:
    """What the file pass needs besides the file: picklable, and part of the cache key."""

    config: Config
    rule_codes: Tuple[str, ...]
    project_packages: Tuple[str, ...]


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


Step = Tuple[str, int]  # (field name, index in a sequence field or -1)


@dataclass(frozen=True)
class NodeLocator:
    """Field steps from the module root to a node and to its statement."""

    node: Tuple[Step, ...]
    statement: Optional[Tuple[Step, ...]]


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
    node: Any
    new: Any
    condition: Optional[Condition] = None
    #: imports the new node needs: (module, name) for ``from module import name``, (module, None)
    #: for ``import module``; the fix engine adds the missing ones once per file (``fixes.py``)
    imports: Tuple[Tuple[str, Optional[str]], ...] = ()


@dataclass(frozen=True)
class FileResult:
    """The outcome of the file pass for one file."""

    path: str
    facts: Optional[FileFacts]
    violations: Tuple[Violation, ...] = ()
    candidates: Tuple[Candidate, ...] = ()
    noqa: Tuple[NoqaComment, ...] = ()
    #: only with ``fix=True``, never cached or pickled: the parsed module and its fixes
    module: Any = field(default=None, compare=False)
    replacements: Tuple[Replacement, ...] = field(default=(), compare=False)
    encoding: str = "utf-8"
    bom: bool = False


# -- decoding and parsing ------------------------------------------------------------------

_CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def decode_source(data: bytes) -> Tuple[str, str, bool]:
    """Decode file bytes as Python does (BOM, PEP 263 coding cookie, UTF-8 by default).
    Returns (text, encoding, had_bom); raises ValueError with a one-line reason."""
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise ValueError(f"cannot decode: {error.msg}") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        name = "UTF-8" if encoding.startswith("utf-8") else encoding
        raise ValueError(
            f"cannot decode as {name}: invalid byte 0x{data[error.start]:02x} on line {line}"
            " (save the file as UTF-8 or declare its encoding with a coding comment)"
        ) from None
    except LookupError:
        raise ValueError(f"cannot decode: unknown encoding '{encoding}'") from None
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    return text, encoding, bom


def parse_error(path: str, message: str, line: Optional[int], column: Optional[int]) -> Violation:
    """CNF901 for a file the checker cannot read, decode or parse."""
    return Violation(
        path=path,
        location=Location(line, column, line, column),
        code=PARSE_ERROR_CODE,
        name="unparsable-file",
        message=message,
        fix_hint="fix the syntax error (the file is skipped by every other rule until then)",
        fingerprint_text=message,
    )


# -- the traversal -------------------------------------------------------------------------

_SKIP_PREFIXES = (
    "whitespace",
    "lpar",
    "rpar",
    "comma",
    "semicolon",
    "colon",
    "equal",
    "lbrace",
    "rbrace",
    "lbracket",
    "rbracket",
    "header",
    "footer",
    "leading_lines",
    "lines_after",
    "trailing_whitespace",
    "newline",
    "indent",
    "operator",
    "dot",
    "star",
    "relative",
    "asynchronous",
    "semicolon",
)

#: Fields walked in evaluation order (decorators, then signature, then body), and name fields that
#: are not references left out (so a rule's ``visit_Name`` sees loads, not definitions).
_FIELD_OVERRIDES: Dict[type, Tuple[str, ...]] = {
    cst.FunctionDef: ("decorators", "params", "returns", "body"),
    cst.ClassDef: ("decorators", "bases", "keywords", "body"),
    cst.Attribute: ("value",),
    cst.Arg: ("value",),
    cst.Param: ("annotation", "default"),
    cst.Import: (),
    cst.ImportFrom: (),
    cst.Global: (),
    cst.Nonlocal: (),
}

_FIELDS: Dict[type, Tuple[str, ...]] = {}


def _fields_of(kind: type) -> Tuple[str, ...]:
    found = _FIELD_OVERRIDES.get(kind)
    if found is None:
        found = tuple(
            f.name for f in dataclasses.fields(kind) if not f.name.startswith(_SKIP_PREFIXES)
        )
    _FIELDS[kind] = found
    return found


_HOOKS: Dict[type, Tuple[Tuple[type, str, str], ...]] = {}


def _hooks_of(rule_class: type) -> Tuple[Tuple[type, str, str], ...]:
    """(node class, "visit"/"leave", method name) for each hook a rule class defines."""
    hooks = _HOOKS.get(rule_class)
    if hooks is not None:
        return hooks
    found: List[Tuple[type, str, str]] = []
    for attr in dir(rule_class):
        for prefix in ("visit_", "leave_"):
            if attr.startswith(prefix):
                node_class = getattr(cst, attr[len(prefix) :], None)
                if isinstance(node_class, type) and issubclass(node_class, cst.CSTNode):
                    found.append((node_class, prefix[:-1], attr))
    _HOOKS[rule_class] = tuple(found)
    return _HOOKS[rule_class]


@dataclass
class _Pending:
    rule: FileRule
    node: cst.CSTNode
    message: str
    fix_hint: str
    when: Optional[Condition]
    replacement: Optional[Any]
    fix_safety: Optional[FixSafety]
    fingerprint: Optional[str]
    tags: Tuple[str, ...]
    statement: Optional[cst.CSTNode]
    imports: Tuple[Tuple[str, Optional[str]], ...] = ()
    locator: Optional[NodeLocator] = None


_STATEMENT_TYPES = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
_STATEMENT_KINDS: Dict[type, bool] = {}  # node class -> is a statement (walk's isinstance, cached)

# What a field value is, by its class (cached: the walk asks for every field of every node).
_OTHER, _NODE, _SEQUENCE = 1, 2, 3
_SHAPES: Dict[type, int] = {}


def _shape_of(kind: type) -> int:
    if issubclass(kind, cst.CSTNode):
        shape = _NODE
    elif issubclass(kind, (tuple, list)):
        shape = _SEQUENCE
    else:
        shape = _OTHER
    _SHAPES[kind] = shape
    return shape


class FileContext:
    """What a file rule knows about the file it is in, and the resolver it asks.

    Attributes rules use: ``path``, ``module`` (dotted), ``role``, ``feature`` (module package name),
    ``config``, ``source``, ``module_node`` (the libcst Module), ``ancestors`` (the nodes above the
    current one; ``ancestors[-1]`` is the parent), ``statement`` (innermost statement),
    ``function``/``class_def`` (innermost definitions), ``in_type_checking``, ``in_function``.
    """

    def __init__(
        self,
        file: SourceFile,
        source: str,
        module_node: cst.Module,
        settings: AnalysisSettings,
        roles: RoleMatcher,
    ) -> None:
        self.file = file
        self.path = file.path
        self.module = file.module
        self.is_package = file.is_package
        self.role = file.role
        self.feature = file.feature
        self.config = settings.config
        self.settings = settings
        self.roles = roles
        self.source = source
        self.module_node = module_node
        self.resolver = Resolver(file.module, file.is_package)
        self.ancestors: List[cst.CSTNode] = []
        self.current: Optional[cst.CSTNode] = None  # the node whose hooks are running
        self._qualnames: Dict[int, Optional[str]] = {}
        self.statement: Optional[cst.CSTNode] = None
        self.functions: List[cst.FunctionDef] = []
        self.classes: List[cst.ClassDef] = []
        self.type_checking_depth = 0
        self.pending: List[_Pending] = []
        # facts under construction
        self.imports: List[ImportFact] = []
        self.class_facts: List[ClassFact] = []
        self.function_facts: List[FunctionFact] = []
        self.alias_facts: List[AliasFact] = []
        self.extra: Dict[str, List[Any]] = {}
        self.generators: Set[int] = set()  # ids of functions that contain ``yield``
        self._index: Optional[ProjectIndex] = None
        self._import_memo: Dict[Tuple[int, bool, bool], Tuple[ImportFact, ...]] = {}

    # -- what rules ask ---------------------------------------------------------------------

    @property
    def parent(self) -> Optional[cst.CSTNode]:
        return self.ancestors[-1] if self.ancestors else None

    @property
    def function(self) -> Optional[cst.FunctionDef]:
        return self.functions[-1] if self.functions else None

    @property
    def class_def(self) -> Optional[cst.ClassDef]:
        return self.classes[-1] if self.classes else None

    @property
    def in_type_checking(self) -> bool:
        return self.type_checking_depth > 0

    @property
    def in_function(self) -> bool:
        return bool(self.functions)

    def qualname(self, node: cst.BaseExpression) -> Optional[str]:
        """Qualified name of a Name/Attribute chain (imports, module-level definitions,
        builtins), e.g. ``pydantic.validator`` for ``pd.validator`` after ``import pydantic as pd``."""
        # Many rules ask about the same callee during one visit: answer each node once.
        key = id(node)
        cache = self._qualnames
        if key in cache:
            return cache[key]
        found = cache[key] = self.resolver.qualname(node)
        return found

    def call_name(self, node: cst.Call) -> Optional[str]:
        return self.qualname(node.func)

    def annotation_type(self, node: Optional[cst.BaseExpression]) -> Optional[str]:
        return self.resolver.annotation_type(node)

    def instance_type(self, node: cst.BaseExpression) -> Optional[str]:
        return self.resolver.instance_type(node)

    def lookup(self, name: str) -> Optional[Binding]:
        return self.resolver.lookup(name)

    def is_generator(self, function: cst.FunctionDef) -> bool:
        """Whether ``function``'s own body contains ``yield`` (known once the body was walked:
        in ``function_end`` and later). Rules must not walk subtrees themselves for this:
        ``node.children``/``node.visit`` cost more than parsing the file."""
        return id(function) in self.generators

    def definition_qualname(self, name: str) -> str:
        """The qualified name a definition called ``name`` gets in the current scope."""
        return f"{self.resolver.current.qualname}.{name}"

    def code_for(self, node: cst.CSTNode) -> str:
        return self.module_node.code_for_node(node)

    def role_of_module(self, module: str) -> Tuple[Optional[str], Optional[str]]:
        """(role, feature) of another module, by configuration alone."""
        return self.roles.for_module(module)

    def is_project_name(self, qualname: str) -> bool:
        return qualname.split(".", 1)[0] in self.settings.project_packages

    def add_extra(self, key: str, value: Any) -> None:
        """Store a family-specific fact (see ``FileFacts.extra``)."""
        self.extra.setdefault(key, []).append(value)

    def add_report(
        self,
        rule: FileRule,
        node: cst.CSTNode,
        message: str,
        *,
        fix_hint: str,
        when: Optional[Condition],
        replacement: Optional[Any],
        fix_safety: Optional[FixSafety],
        fingerprint: Optional[str],
        tags: Tuple[str, ...],
        imports: Tuple[Tuple[str, Optional[str]], ...] = (),
    ) -> None:
        self.pending.append(
            _Pending(
                rule,
                node,
                message,
                fix_hint,
                when,
                replacement,
                fix_safety if replacement is not None else None,
                fingerprint,
                tags,
                self.statement,
                imports if replacement is not None else (),
                self._locator(node) if when is not None else None,
            )
        )

    def _locator(self, node: cst.CSTNode) -> Optional[NodeLocator]:
        """How to find ``node`` again in a fresh parse of the same source (see Candidate)."""
        chain = (
            [*self.ancestors, self.current] if self.current is not None else list(self.ancestors)
        )
        if not chain or chain[0] is not self.module_node:
            return None
        steps: List[Step] = []
        for parent, child in zip(chain, chain[1:]):
            step = _step_to(parent, child)
            if step is None:
                return None
            steps.append(step)
        statement_steps: Optional[Tuple[Step, ...]] = None
        for depth, ancestor in enumerate(chain):
            if ancestor is self.statement:
                statement_steps = tuple(steps[:depth])
        for depth in range(len(chain) - 1, -1, -1):  # the node itself or an ancestor
            if chain[depth] is node:
                return NodeLocator(tuple(steps[:depth]), statement_steps)
        below = _find_below(chain[-1], node)
        if below is None:
            return None  # positions are then computed in the file pass
        return NodeLocator(tuple(steps) + below, statement_steps)

    def import_facts(self, node: cst.CSTNode) -> List[ImportFact]:
        """The imports an ``Import``/``ImportFrom`` statement makes, resolved to absolute names
        (relative imports anchored at the package, ``from pkg import submodule`` kept as
        ``pkg.submodule``: the index decides whether that is a module or an attribute)."""
        ctx = self
        type_only = ctx.in_type_checking
        deferred = ctx.in_function
        # Every family's import hooks ask about the same statements: answer each once.
        memo_key = (id(node), type_only, deferred)
        known = self._import_memo.get(memo_key)
        if known is not None:
            return list(known)
        flags = _ImportFlags(type_only, deferred)
        out: List[ImportFact] = []
        if isinstance(node, cst.Import):
            for alias in node.names:
                name = dotted(alias.name)  # type: ignore[arg-type]
                if name is None:
                    continue
                bound = _as_name(alias)
                # ``import a.b`` binds ``a``; ``import a.b as c`` binds ``c`` to ``a.b``.
                local = bound if bound else name.split(".", 1)[0]
                target = name if bound else name.split(".", 1)[0]
                out.append(flags.fact(name, None, target, local))
                if not bound and "." in name:
                    # keep the full dotted target for layering (the edge is to ``a.b``)
                    out[-1] = dataclasses.replace(out[-1], module=name)
        elif isinstance(node, cst.ImportFrom):
            level = len(node.relative)
            named = dotted(node.module) if node.module is not None else None
            base = absolute_module(ctx.module, ctx.is_package, level, named)
            if isinstance(node.names, cst.ImportStar):
                out.append(flags.fact(base, "*", f"{base}.*", None))
            else:
                for alias in node.names:
                    if not isinstance(alias.name, cst.Name):
                        continue
                    name = alias.name.value
                    target = f"{base}.{name}" if base else name
                    out.append(flags.fact(base, name, target, _as_name(alias) or name))
        self._import_memo[memo_key] = tuple(out)
        return out

    # -- facts ------------------------------------------------------------------------------

    def facts(self) -> FileFacts:
        module_names = self.resolver.module_scope.names or {}
        return FileFacts(
            path=self.path,
            module=self.module,
            is_package=self.is_package,
            imports=tuple(self.imports),
            classes=tuple(self.class_facts),
            functions=tuple(self.function_facts),
            aliases=tuple(self.alias_facts),
            names=tuple(sorted(module_names)),
            extra={key: tuple(values) for key, values in sorted(self.extra.items())},
        )


class _Walker:
    """One traversal of one file: scopes, facts, and the rules' hooks."""

    def __init__(self, ctx: FileContext, rules: Sequence[FileRule]) -> None:
        self.ctx = ctx
        self.visit: Dict[type, List[Callable[[Any], Any]]] = {}
        self.leave: Dict[type, List[Callable[[Any], Any]]] = {}
        for rule in rules:
            for node_class, kind, attr in _hooks_of(type(rule)):
                table = self.visit if kind == "visit" else self.leave
                table.setdefault(node_class, []).append(getattr(rule, attr))
        # Called at the end of a function's or class's body, while its scope is still active
        # (``leave_FunctionDef`` runs after the scope is gone).
        self.function_end = [
            rule.function_end for rule in rules if _overrides(rule, "function_end")
        ]
        self.class_end = [rule.class_end for rule in rules if _overrides(rule, "class_end")]
        self.special: Dict[type, Callable[[Any], None]] = {
            cst.FunctionDef: self._function,
            cst.ClassDef: self._class,
            cst.If: self._if,
            cst.Import: self._import,
            cst.ImportFrom: self._import_from,
            cst.Lambda: self._lambda,
        }

    def run(self, module: cst.Module) -> None:
        self._prebind_module(module.body)
        self.walk(module)
        self._module_aliases(module.body)

    # -- generic walk -----------------------------------------------------------------------

    def walk(self, node: cst.CSTNode) -> None:
        kind = type(node)
        ctx = self.ctx
        hooks = self.visit.get(kind)
        if hooks:
            ctx.current = node
            for hook in hooks:
                hook(node)
        is_statement = _STATEMENT_KINDS.get(kind)
        if is_statement is None:
            is_statement = _STATEMENT_KINDS[kind] = issubclass(kind, _STATEMENT_TYPES)
        if is_statement:
            outer_statement = ctx.statement
            ctx.statement = node
        ctx.ancestors.append(node)
        special = self.special.get(kind)
        if special is not None:
            special(node)
        else:
            if kind is cst.Yield and ctx.functions:
                ctx.generators.add(id(ctx.functions[-1]))
            elif kind is cst.Call:
                self._call(node)  # type: ignore[arg-type]
            elif kind is cst.Assign and ctx.functions:
                self._local_assign(node)  # type: ignore[arg-type]
            elif kind is cst.AnnAssign and ctx.functions:
                self._local_ann_assign(node)  # type: ignore[arg-type]
            elif kind is cst.AnnAssign and ctx.resolver.current.kind == "class":
                self._class_ann_assign(node)  # type: ignore[arg-type]
            elif kind is cst.With and ctx.functions:
                self._with_bindings(node)  # type: ignore[arg-type]
            self.children(node)
        ctx.ancestors.pop()
        if is_statement:
            ctx.statement = outer_statement
        hooks = self.leave.get(kind)
        if hooks:
            ctx.current = node
            for hook in hooks:
                hook(node)

    def children(self, node: cst.CSTNode, names: Optional[Tuple[str, ...]] = None) -> None:
        walk = self.walk
        for name in (
            names if names is not None else (_FIELDS.get(type(node)) or _fields_of(type(node)))
        ):
            value = getattr(node, name)
            # _shape_of(type) instead of isinstance: CSTNode is an ABC, whose isinstance check
            # costs a Python-level call per field of every node.
            shape = _SHAPES.get(type(value)) or _shape_of(type(value))
            if shape == _NODE:
                walk(value)
            elif shape == _SEQUENCE:
                for item in value:
                    if (_SHAPES.get(type(item)) or _shape_of(type(item))) == _NODE:
                        walk(item)

    # -- module level -----------------------------------------------------------------------

    def _prebind_module(self, body: Sequence[cst.CSTNode]) -> None:
        """Bind module-level names before the walk: a function body may use an import or a
        definition written below it."""
        resolver = self.ctx.resolver
        module = self.ctx.module
        for statement in _module_statements(body):
            if isinstance(statement, cst.FunctionDef):
                resolver.bind(
                    statement.name.value, Binding("def", f"{module}.{statement.name.value}")
                )
            elif isinstance(statement, cst.ClassDef):
                resolver.bind(
                    statement.name.value, Binding("class", f"{module}.{statement.name.value}")
                )
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        for name, target in self._import_bindings(small):
                            resolver.bind(name, Binding("import", target))
                    elif isinstance(small, cst.Assign):
                        for name, _ in bind_targets(t.target for t in small.targets):
                            resolver.bind(
                                name, Binding("global", f"{module}.{name}", value=small.value)
                            )
                    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        resolver.bind(
                            small.target.value,
                            Binding(
                                "global",
                                f"{module}.{small.target.value}",
                                annotation=small.annotation.annotation,
                                value=small.value,
                            ),
                        )

    def _module_aliases(self, body: Sequence[cst.CSTNode]) -> None:
        """Record ``X = Y``, ``X = Annotated[...]`` and ``X = f()`` at module level as alias facts
        (after the walk, so every import is bound)."""
        ctx = self.ctx
        for statement in _module_statements(body):
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                value: Optional[cst.BaseExpression] = None
                name: Optional[str] = None
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target = small.targets[0].target
                    if isinstance(target, cst.Name):
                        name, value = target.value, small.value
                elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    name, value = small.target.value, small.value
                if name is None or value is None:
                    continue
                alias = _alias_fact(ctx, f"{ctx.module}.{name}", value)
                if alias is not None:
                    ctx.alias_facts.append(alias)

    # -- imports ----------------------------------------------------------------------------

    def _import_bindings(self, node: cst.CSTNode) -> List[Tuple[str, str]]:
        return [(imp.alias, imp.target) for imp in self.ctx.import_facts(node) if imp.alias]

    def _import(self, node: cst.Import) -> None:
        self._record_imports(node)

    def _import_from(self, node: cst.ImportFrom) -> None:
        self._record_imports(node)

    def _record_imports(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        facts = ctx.import_facts(node)
        ctx.imports.extend(facts)
        if ctx.in_function:
            for fact in facts:
                if fact.alias:
                    ctx.resolver.bind(fact.alias, Binding("import", fact.target))

    def _call(self, node: cst.Call) -> None:
        """Literal dynamic imports are import edges too."""
        if not node.args:
            return
        first = node.args[0].value
        if not isinstance(first, cst.SimpleString):
            return
        callee = self.ctx.qualname(node.func)
        if callee not in ("importlib.import_module", "builtins.__import__"):
            return
        target = first.evaluated_value
        if not isinstance(target, str) or target.startswith("."):
            return
        ctx = self.ctx
        ctx.imports.append(
            ImportFact(
                module=target,
                name=None,
                target=target,
                alias=None,
                type_only=ctx.in_type_checking,
                deferred=ctx.in_function,
                dynamic=True,
                module_level=False,
            )
        )

    # -- scopes -----------------------------------------------------------------------------

    def _function(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        resolver = ctx.resolver
        outer = resolver.current
        for decorator in node.decorators:
            self.walk(decorator)
        self.children(
            node.params, ("params", "star_arg", "kwonly_params", "star_kwarg", "posonly_params")
        )
        if node.returns is not None:
            self.walk(node.returns)
        qualname = f"{outer.qualname}.{node.name.value}"
        if outer.kind == "function":
            resolver.bind(node.name.value, Binding("def", qualname))
        scope = Scope("function", f"{qualname}.<locals>", node)
        resolver.push(scope)
        self._bind_params(node, outer)
        ctx.functions.append(node)
        self.walk(node.body)
        for hook in self.function_end:
            hook(node)
        ctx.functions.pop()
        resolver.pop()
        if outer.kind in ("module", "class"):
            decorators = tuple(
                q
                for q in (
                    ctx.qualname(
                        d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator
                    )
                    for d in node.decorators
                )
                if q
            )
            fact = FunctionFact(
                qualname=qualname,
                is_async=node.asynchronous is not None,
                returns=ctx.annotation_type(node.returns.annotation) if node.returns else None,
                is_generator=id(node) in ctx.generators,
                decorators=decorators,
            )
            if outer.kind == "module":
                ctx.function_facts.append(fact)
            else:
                self._methods.setdefault(id(outer.node), []).append(fact)

    _methods: Dict[int, List[FunctionFact]]

    def _bind_params(self, node: cst.FunctionDef, outer: Scope) -> None:
        resolver = self.ctx.resolver
        params = node.params
        ordered = list(params.posonly_params) + list(params.params)
        is_method = outer.kind == "class"
        decorators = {dotted(d.decorator) for d in node.decorators}
        first_done = False
        for param in ordered:
            name = param.name.value
            if is_method and not first_done and "staticmethod" not in decorators:
                first_done = True
                class_qualname = outer.qualname
                if "classmethod" in decorators or name == "cls":
                    resolver.bind(name, Binding("class", class_qualname))
                else:
                    resolver.bind(name, Binding("param", instance_of=class_qualname))
                continue
            first_done = True
            annotation = param.annotation.annotation if param.annotation else None
            resolver.bind(name, Binding("param", annotation=annotation, value=param.default))
        for extra in (params.star_arg, params.star_kwarg):
            if isinstance(extra, cst.Param):
                resolver.bind(extra.name.value, Binding("param"))
        for param in params.kwonly_params:
            annotation = param.annotation.annotation if param.annotation else None
            resolver.bind(
                param.name.value, Binding("param", annotation=annotation, value=param.default)
            )

    def _class(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        resolver = ctx.resolver
        outer = resolver.current
        for decorator in node.decorators:
            self.walk(decorator)
        for arg in node.bases:
            self.walk(arg)
        for arg in node.keywords:
            self.walk(arg)
        qualname = f"{outer.qualname}.{node.name.value}"
        if outer.kind != "module":
            resolver.bind(node.name.value, Binding("class", qualname))
        scope = Scope("class", qualname, node)
        resolver.push(scope)
        ctx.classes.append(node)
        self.walk(node.body)
        for hook in self.class_end:
            hook(node)
        ctx.classes.pop()
        resolver.pop()
        bases: List[str] = []
        for arg in node.bases:
            value = arg.value
            if isinstance(value, cst.Subscript):
                value = value.value
            bases.append(ctx.qualname(value) or "?")
        keywords = tuple(
            (arg.keyword.value, ctx.qualname(arg.value) or "?")
            for arg in node.keywords
            if arg.keyword is not None
        )
        has_tablename = False
        attributes: List[Tuple[str, str]] = []
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        if (
                            isinstance(target.target, cst.Name)
                            and target.target.value == "__tablename__"
                        ):
                            has_tablename = True
                elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    if small.target.value == "__tablename__":
                        has_tablename = True
                    typed = ctx.annotation_type(small.annotation.annotation)
                    if typed:
                        attributes.append((small.target.value, typed))
        assert scope.attributes is not None
        for name, typed in sorted(scope.attributes.items()):
            if all(name != existing for existing, _ in attributes):
                attributes.append((name, typed))
        ctx.class_facts.append(
            ClassFact(
                qualname=qualname,
                bases=tuple(bases),
                keywords=keywords,
                has_tablename=has_tablename,
                methods=tuple(self._methods.pop(id(node), [])),
                attributes=tuple(attributes),
            )
        )

    def _lambda(self, node: cst.Lambda) -> None:
        resolver = self.ctx.resolver
        resolver.push(Scope("function", f"{resolver.current.qualname}.<lambda>", node))
        for param in node.params.params:
            resolver.bind(param.name.value, Binding("param"))
        self.walk(node.body)
        resolver.pop()

    def _if(self, node: cst.If) -> None:
        ctx = self.ctx
        self.walk(node.test)
        test = node.test
        name = ctx.qualname(test) if isinstance(test, (cst.Name, cst.Attribute)) else None
        is_type_checking = name in TYPE_CHECKING_NAMES or (
            isinstance(test, cst.Name) and test.value == "TYPE_CHECKING" and name is None
        )
        if is_type_checking:
            ctx.type_checking_depth += 1
        self.walk(node.body)
        if is_type_checking:
            ctx.type_checking_depth -= 1
        if node.orelse is not None:
            self.walk(node.orelse)

    def _local_assign(self, node: cst.Assign) -> None:
        ctx = self.ctx
        resolver = ctx.resolver
        for target in node.targets:
            expr = target.target
            if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
                if expr.value.value == "self":
                    self._record_self_attribute(expr.attr.value, node.value)
                continue
            for name, _ in bind_targets([expr]):
                single = isinstance(expr, cst.Name)
                resolver.bind(name, Binding("local", value=node.value if single else None))

    def _local_ann_assign(self, node: cst.AnnAssign) -> None:
        target = node.target
        annotation = node.annotation.annotation
        if isinstance(target, cst.Name):
            self.ctx.resolver.bind(
                target.value, Binding("local", annotation=annotation, value=node.value)
            )
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            if target.value.value == "self":
                typed = self.ctx.annotation_type(annotation)
                cls = self.ctx.resolver.enclosing_class()
                if typed and cls is not None and cls.attributes is not None:
                    cls.attributes.setdefault(target.attr.value, typed)

    def _class_ann_assign(self, node: cst.AnnAssign) -> None:
        """``session: AsyncSession`` in a class body types ``self.session`` in its methods."""
        target = node.target
        cls = self.ctx.resolver.current
        if not isinstance(target, cst.Name) or cls.attributes is None:
            return
        typed = self.ctx.annotation_type(node.annotation.annotation)
        if typed:
            cls.attributes.setdefault(target.value, typed)

    def _with_bindings(self, node: cst.With) -> None:
        """``with X as name:`` in a function binds ``name`` (to what ``X.__enter__`` returns, so
        with no type: ``Binding.entered`` keeps ``X`` for rules that know the context manager)."""
        resolver = self.ctx.resolver
        for item in node.items:
            if item.asname is None:
                continue
            target = item.asname.name
            if isinstance(target, cst.Name):
                resolver.bind(target.value, Binding("local", entered=item.item))
            else:
                for name, _ in bind_targets([target]):  # type: ignore[list-item]
                    resolver.bind(name, Binding("local"))

    def _record_self_attribute(self, attr: str, value: cst.BaseExpression) -> None:
        """``self.session = session`` in a method types ``self.session`` like the parameter."""
        cls = self.ctx.resolver.enclosing_class()
        if cls is None or cls.attributes is None or attr in cls.attributes:
            return
        typed = self.ctx.instance_type(value)
        if typed:
            cls.attributes[attr] = typed


@dataclass(frozen=True)
class _ImportFlags:
    """Where an import statement sits: under TYPE_CHECKING, inside a function."""

    type_only: bool
    deferred: bool

    def fact(
        self, module: str, name: Optional[str], target: str, alias: Optional[str]
    ) -> ImportFact:
        return ImportFact(
            module=module,
            name=name,
            target=target,
            alias=alias,
            type_only=self.type_only,
            deferred=self.deferred,
            module_level=not self.deferred,
        )


def _overrides(rule: FileRule, method: str) -> bool:
    return getattr(type(rule), method) is not getattr(FileRule, method)


def _as_name(alias: cst.ImportAlias) -> Optional[str]:
    if alias.asname is None:
        return None
    name = alias.asname.name
    return name.value if isinstance(name, cst.Name) else None


def _module_statements(body: Sequence[cst.CSTNode]) -> List[cst.CSTNode]:
    """Module-level statements, looking into if/try/with/for blocks (still module level)."""
    out: List[cst.CSTNode] = []
    stack = list(reversed(body))
    while stack:
        statement = stack.pop()
        out.append(statement)
        blocks: List[Any] = []
        if isinstance(statement, (cst.If, cst.While, cst.For, cst.With)):
            blocks.append(statement.body)
            if getattr(statement, "orelse", None) is not None:
                blocks.append(statement.orelse)  # type: ignore[union-attr]
        elif isinstance(statement, cst.Else):
            blocks.append(statement.body)
        elif isinstance(statement, (cst.Try, cst.TryStar)):
            blocks.append(statement.body)
            blocks.extend(h.body for h in statement.handlers)
            if statement.orelse is not None:
                blocks.append(statement.orelse.body)
            if statement.finalbody is not None:
                blocks.append(statement.finalbody.body)
        nested: List[cst.CSTNode] = []
        for block in blocks:
            if isinstance(block, (cst.If, cst.Else)):
                nested.append(block)
            elif isinstance(block, cst.IndentedBlock):
                nested.extend(block.body)
            elif isinstance(block, cst.SimpleStatementSuite):
                nested.append(cst.SimpleStatementLine(body=block.body))
        stack.extend(reversed(nested))
    return out


def _alias_fact(ctx: FileContext, qualname: str, value: cst.BaseExpression) -> Optional[AliasFact]:
    if isinstance(value, cst.Name) and value.value in ("None", "True", "False"):
        # a constant, not an alias: ``except ImportError: X = None`` must not hide the import
        return None
    if isinstance(value, (cst.Name, cst.Attribute)):
        target = ctx.qualname(value)
        return AliasFact(qualname, "name", target) if target else None
    if isinstance(value, cst.Call):
        target = ctx.qualname(value.func)
        return AliasFact(qualname, "call", target) if target else None
    if isinstance(value, (cst.Subscript, cst.BinaryOperation)):
        target = ctx.annotation_type(value)
        depends = _annotated_provider(ctx, value)
        if target is None and depends is None:
            return None
        return AliasFact(qualname, "type", target, depends)
    return None


def _annotated_provider(ctx: FileContext, value: cst.BaseExpression) -> Optional[str]:
    """``p`` in ``Annotated[T, Depends(p)]``."""
    if not isinstance(value, cst.Subscript):
        return None
    for element in value.slice[1:]:
        inner = element.slice
        if isinstance(inner, cst.Index) and isinstance(inner.value, cst.Call):
            call = inner.value
            if ctx.qualname(call.func) in _DEPENDS and call.args:
                return ctx.qualname(call.args[0].value)
    return None


# -- the pass ------------------------------------------------------------------------------

_NOQA_RE = re.compile(r"#\s*noqa\b", re.IGNORECASE)


def noqa_comments(source: str) -> Tuple[NoqaComment, ...]:
    """Every comment containing ``noqa``, found with the tokenizer so that a ``# noqa`` inside a
    string is not taken for a comment."""
    if "noqa" not in source and "NOQA" not in source:
        return ()
    out: List[NoqaComment] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT and _NOQA_RE.search(token.string):
                out.append(NoqaComment(token.start[0], token.start[1] + 1, token.string))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        for number, line in enumerate(source.splitlines(), start=1):
            match = _NOQA_RE.search(line)
            if match:
                out.append(NoqaComment(number, match.start() + 1, line[match.start() :]))
    return tuple(out)


def analyze_file(
    file: SourceFile,
    data: bytes,
    settings: AnalysisSettings,
    rule_classes: Sequence[Type[FileRule]],
    *,
    keep_fixes: bool = False,
) -> FileResult:
    """Decode, parse and check one file; never raises for bad input (CNF901 instead)."""
    try:
        source, encoding, bom = decode_source(data)
    except ValueError as error:
        return FileResult(file.path, None, (parse_error(file.path, str(error), 1, 1),))
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        line, column, message = _syntax_error(source, error)
        return FileResult(
            file.path,
            None,
            (parse_error(file.path, f"cannot parse: {message}", line, column),),
            encoding=encoding,
            bom=bom,
        )
    except (RecursionError, MemoryError):
        message = "cannot parse: the file is nested too deeply"
        return FileResult(file.path, None, (parse_error(file.path, message, 1, 1),))

    roles = RoleMatcher(settings.config)
    ctx = FileContext(file, source, module, settings, roles)
    in_scope_of_roles = file.role is not None or file.feature is not None
    rules = [
        rule_class(ctx)
        for rule_class in rule_classes
        if rule_class.applies_to == "all" or in_scope_of_roles
    ]
    walker = _Walker(ctx, rules)
    walker._methods = {}
    walker.run(module)
    for rule in rules:
        rule.finish()

    facts = ctx.facts()
    local_index = ProjectIndex(
        [facts],
        project_packages=settings.project_packages,
        roles={file.module: (file.role, file.feature)},
        role_for_module=roles.for_module,
        complete=False,
    )
    kept: List[Tuple[_Pending, Optional[Condition]]] = []
    for pending in ctx.pending:
        if pending.when is None:
            kept.append((pending, None))
            continue
        verdict = pending.when.evaluate(local_index)
        if verdict is True:
            describe = getattr(pending.when, "detail", None)
            if "{detail}" in pending.message and callable(describe):
                pending.message = pending.message.replace("{detail}", describe(local_index) or "")
            kept.append((pending, None))
        elif verdict is None:
            kept.append((pending, pending.when))

    def deferred(pending: _Pending, condition: Optional[Condition]) -> bool:
        return condition is not None and pending.locator is not None and not keep_fixes

    targets: List[cst.CSTNode] = []
    for pending, condition in kept:
        if deferred(pending, condition):
            continue
        targets.append(pending.node)
        if pending.statement is not None:
            targets.append(pending.statement)
    spans = node_spans(module, targets) if targets else {}

    violations: List[Violation] = []
    candidates: List[Candidate] = []
    replacements: List[Replacement] = []
    for pending, condition in kept:
        span = spans.get(id(pending.node))
        if deferred(pending, condition):
            location = Location()  # located by the engine if the condition holds
        elif span:
            location = Location(span[0], span[1] + 1, span[2], span[3] + 1)
        else:
            location = Location(1, 1, 1, 1)
        statement_span = spans.get(id(pending.statement)) if pending.statement is not None else None
        fingerprint = pending.fingerprint
        if fingerprint is None and not deferred(pending, condition):
            fingerprint = _fingerprint_text(module, pending.node)
        violation = pending.rule.make_violation(
            file.path,
            location,
            pending.message,
            fix_hint=pending.fix_hint,
            fix=pending.fix_safety,
            statement_line=statement_span[0] if statement_span else None,
            fingerprint_text=fingerprint or "",
            tags=pending.tags,
        )
        if condition is None:
            violations.append(violation)
        else:
            locator = pending.locator if deferred(pending, condition) else None
            candidates.append(Candidate(violation, condition, locator))
        if keep_fixes and pending.replacement is not None:
            replacements.append(
                Replacement(
                    violation, pending.node, pending.replacement, condition, pending.imports
                )
            )

    return FileResult(
        path=file.path,
        facts=facts,
        violations=tuple(violations),
        candidates=tuple(candidates),
        noqa=noqa_comments(source),
        module=module if keep_fixes else None,
        replacements=tuple(replacements),
        encoding=encoding,
        bom=bom,
    )


_ALL_FIELDS: Dict[type, Tuple[str, ...]] = {}


def _all_fields(kind: type) -> Tuple[str, ...]:
    names = _ALL_FIELDS.get(kind)
    if names is None:
        names = _ALL_FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def _step_to(parent: cst.CSTNode, child: cst.CSTNode) -> Optional[Step]:
    for name in _all_fields(type(parent)):
        value = getattr(parent, name)
        if value is child:
            return name, -1
        if isinstance(value, (tuple, list)):
            for index, item in enumerate(value):
                if item is child:
                    return name, index
    return None


def _find_below(
    root: cst.CSTNode, target: cst.CSTNode, depth: int = 0
) -> Optional[Tuple[Step, ...]]:
    """Steps from ``root`` down to ``target`` (identity), searching every field; () if equal."""
    if root is target:
        return ()
    if depth >= 4:  # reports name the visited node or a near child; deeper: compute eagerly
        return None
    for name in _all_fields(type(root)):
        value = getattr(root, name)
        items = enumerate(value) if isinstance(value, (tuple, list)) else [(-1, value)]
        for index, item in items:
            if isinstance(item, cst.CSTNode):
                found = _find_below(item, target, depth + 1)
                if found is not None:
                    return ((name, index), *found)
    return None


def follow(module: cst.Module, steps: Sequence[Step]) -> Optional[cst.CSTNode]:
    """The node at ``steps`` from the module root (None if the tree does not match)."""
    node: Any = module
    for name, index in steps:
        node = getattr(node, name, None)
        if index >= 0:
            if not isinstance(node, (tuple, list)) or index >= len(node):
                return None
            node = node[index]
        if not isinstance(node, cst.CSTNode):
            return None
    return node  # type: ignore[no-any-return]


def locate(
    source_bytes: bytes, locators: Sequence[NodeLocator]
) -> List[Optional[Tuple[Location, Optional[int], str]]]:
    """Parse the file again and give each locator's (location, statement line, fingerprint)."""
    try:
        text, _, _ = decode_source(source_bytes)
        module = cst.parse_module(text)
    except Exception:
        return [None for _ in locators]
    nodes = [
        (
            follow(module, loc.node),
            follow(module, loc.statement) if loc.statement is not None else None,
        )
        for loc in locators
    ]
    targets = [n for pair in nodes for n in pair if n is not None]
    spans = node_spans(module, targets)
    out: List[Optional[Tuple[Location, Optional[int], str]]] = []
    for node, statement in nodes:
        span = spans.get(id(node)) if node is not None else None
        if span is None:
            out.append(None)
            continue
        statement_span = spans.get(id(statement)) if statement is not None else None
        out.append(
            (
                Location(span[0], span[1] + 1, span[2], span[3] + 1),
                statement_span[0] if statement_span else None,
                _fingerprint_text(module, node),  # type: ignore[arg-type]
            )
        )
    return out


def _syntax_error(source: str, error: cst.ParserSyntaxError) -> Tuple[int, int, str]:
    """Where and why a file does not parse. CPython's compiler words syntax errors the way users
    know them and points at the right token, so ask it first; libcst's own message is the fallback
    (syntax newer than the running interpreter)."""
    import ast

    try:
        ast.parse(source)
    except SyntaxError as python_error:
        line = python_error.lineno or 1
        column = python_error.offset or 1
        return line, column, str(python_error.msg)
    except (ValueError, RecursionError, MemoryError):
        pass
    first = str(error.message).strip().splitlines()[0] if error.message else "syntax error"
    return error.raw_line, error.raw_column + 1, first


def _fingerprint_text(module: cst.Module, node: cst.CSTNode) -> str:
    """The first line of the node's source, whitespace-folded: identifies a finding across line
    shifts (baseline, SARIF) without growing with the size of the node."""
    try:
        text = module.code_for_node(node)
    except Exception:
        return type(node).__name__
    for line in text.strip().splitlines():
        folded = " ".join(line.split())
        if folded:
            return folded[:200]
    return type(node).__name__


def project_packages_of(modules: Sequence[str]) -> Tuple[str, ...]:
    """Top-level package names of the project's modules."""
    return tuple(sorted({module.split(".", 1)[0] for module in modules if module}))
