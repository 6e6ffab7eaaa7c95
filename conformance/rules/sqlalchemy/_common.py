"""Shared helpers of the sqlalchemy rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, FrozenSet, List, Optional, Sequence, Set, Tuple

from conformance.conditions import AnyOf, Condition, IsKind, TypeIs
from conformance.index import ASYNC_SESSION, ORM_ENTITY, ProjectIndex
from conformance.names import ASYNC_SESSION_COROUTINES, SYNC_SESSION_CLASSES
from conformance.rules.base import FileRule
from conformance.settings import Option

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst


ASYNC_SESSION_CLASSES_OPTION = Option(
    "async-session-classes",
    list,
    (),
    "Qualified names of further classes the CNF5xx rules treat as `AsyncSession` (project "
    "subclasses are found on their own), e.g. "
    '`["sqlmodel.ext.asyncio.session.AsyncSession"]`.',
)
OPTIONS = (ASYNC_SESSION_CLASSES_OPTION,)


def _names(*pairs: Tuple[str, Sequence[str]]) -> FrozenSet[str]:
    """Qualified names of a function under each module that exports it."""
    return frozenset(f"{module}.{name}" for module, names in pairs for name in names)


_ORM = ("sqlalchemy.orm", "sqlalchemy.orm._orm_constructors")


ASYNC_SESSIONMAKERS = _names(
    ("sqlalchemy.ext.asyncio", ("async_sessionmaker", "async_scoped_session")),
    ("sqlalchemy.ext.asyncio.session", ("async_sessionmaker",)),
    ("sqlalchemy.ext.asyncio.scoping", ("async_scoped_session",)),
)


SYNC_SESSIONMAKERS = _names(
    ("sqlalchemy.orm", ("sessionmaker", "scoped_session")),
    ("sqlalchemy.orm.session", ("sessionmaker",)),
    ("sqlalchemy.orm.scoping", ("scoped_session",)),
)


SYNC_ENGINE_FACTORIES = _names(
    ("sqlalchemy", ("create_engine",)),
    ("sqlalchemy.engine", ("create_engine",)),
    ("sqlalchemy.engine.create", ("create_engine",)),
)


ASYNC_ENGINE_FACTORIES = _names(
    ("sqlalchemy.ext.asyncio", ("create_async_engine",)),
    ("sqlalchemy.ext.asyncio.engine", ("create_async_engine",)),
)


ENGINE_CLASSES = (
    "sqlalchemy.Engine",
    "sqlalchemy.engine.Engine",
    "sqlalchemy.engine.base.Engine",
    "sqlalchemy.ext.asyncio.AsyncEngine",
    "sqlalchemy.ext.asyncio.engine.AsyncEngine",
)


CONNECTION_CLASSES = (
    "sqlalchemy.Connection",
    "sqlalchemy.engine.Connection",
    "sqlalchemy.engine.base.Connection",
    "sqlalchemy.ext.asyncio.AsyncConnection",
    "sqlalchemy.ext.asyncio.engine.AsyncConnection",
)


COLUMN = frozenset(
    {"sqlalchemy.Column", "sqlalchemy.schema.Column", "sqlalchemy.sql.schema.Column"}
)


MAPPED_COLUMN = _names(("sqlalchemy.orm", ("mapped_column",)), (_ORM[1], ("mapped_column",)))


MAPPED = _names(
    ("sqlalchemy.orm", ("Mapped", "WriteOnlyMapped", "DynamicMapped")),
    ("sqlalchemy.orm.base", ("Mapped", "WriteOnlyMapped", "DynamicMapped")),
)


RELATIONSHIP = _names(
    ("sqlalchemy.orm", ("relationship", "relation")),
    ("sqlalchemy.orm._orm_constructors", ("relationship", "relation")),
    ("sqlalchemy.orm.relationships", ("relationship", "relation")),
)


BACKREF = _names(
    ("sqlalchemy.orm", ("backref",)),
    ("sqlalchemy.orm._orm_constructors", ("backref",)),
    ("sqlalchemy.orm.relationships", ("backref",)),
)


DYNAMIC_LOADER = _names(
    ("sqlalchemy.orm", ("dynamic_loader",)),
    ("sqlalchemy.orm._orm_constructors", ("dynamic_loader",)),
)


#: constructs whose attribute annotation must be ``Mapped[...]`` in 2.0 (SA004)
MAPPED_CONSTRUCTS = (
    RELATIONSHIP
    | MAPPED_COLUMN
    | _names(
        ("sqlalchemy.orm", ("column_property", "composite", "deferred", "synonym")),
        (
            "sqlalchemy.orm._orm_constructors",
            ("column_property", "composite", "deferred", "synonym"),
        ),
    )
)


DECLARATIVE_BASE_FACTORIES = frozenset(
    {
        "sqlalchemy.orm.declarative_base",
        "sqlalchemy.orm.decl_api.declarative_base",
        "sqlalchemy.ext.declarative.declarative_base",
    }
)


#: names ``sqlalchemy.ext.declarative`` re-exports from ``sqlalchemy.orm`` since 1.4 (SA001)
MOVED_DECLARATIVE = frozenset(
    {
        "declarative_base",
        "declared_attr",
        "as_declarative",
        "DeclarativeMeta",
        "has_inherited_table",
        "synonym_for",
    }
)


CASE = frozenset(
    {
        "sqlalchemy.case",
        "sqlalchemy.sql.case",
        "sqlalchemy.sql.expression.case",
        "sqlalchemy.sql._elements_constructors.case",
    }
)


TEXT = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"})


_LOADERS = (
    "joinedload",
    "selectinload",
    "subqueryload",
    "lazyload",
    "raiseload",
    "noload",
    "immediateload",
    "defaultload",
    "contains_eager",
    "defer",
    "undefer",
    "load_only",
)


LOADER_OPTIONS = _names(("sqlalchemy.orm", _LOADERS), ("sqlalchemy.orm.strategy_options", _LOADERS))


LOAD_CLASS = frozenset({"sqlalchemy.orm.Load", "sqlalchemy.orm.strategy_options.Load"})


EAGER_LOADERS = frozenset({"selectinload", "joinedload", "subqueryload", "immediateload"})


ASYNC_ATTRS = frozenset(
    {"sqlalchemy.ext.asyncio.AsyncAttrs", "sqlalchemy.ext.asyncio.session.AsyncAttrs"}
)


GATHER = frozenset({"asyncio.gather", "asyncio.tasks.gather"})


_ALLOW_UNMAPPED_KEY = "sqlalchemy.allow-unmapped"


_EAGER_KEY = "sqlalchemy.eager-loaded"


@dataclass(frozen=True)
class Certain(Condition):
    """Holds without asking the index (the file alone proved it)."""

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        return True


@dataclass(frozen=True)
class MadeBy(Condition):
    """``qualname`` is a module-level ``X = f(...)`` with ``f`` one of ``factories`` (say an
    ``async_sessionmaker``, so that calling ``X`` gives an ``AsyncSession``)."""

    qualname: str
    factories: Tuple[str, ...]

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        resolved = index.resolve(self.qualname)
        alias = index.aliases.get(resolved)
        if alias is not None:
            if alias.kind != "call" or alias.target is None:
                return False
            return index.resolve(alias.target) in self.factories
        if index.is_project_name(resolved) and not index.complete:
            module, _ = index.split_module(resolved)
            return None if module is None else False
        return False


@dataclass(frozen=True)
class HasMarkedBase(Condition):
    """The class, or one of its project base classes, was recorded under the family fact ``key``
    (``__allow_unmapped__ = True``; or a base in ``roots``, such as ``AsyncAttrs``)."""

    qualname: str
    key: str
    roots: Tuple[str, ...] = ()

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        marked = {value for _, value in index.extra(self.key)}
        seen: Set[str] = set()
        todo = [self.qualname]
        unknown = False
        while todo:
            current = index.type_of(todo.pop())
            if current in seen:
                continue
            seen.add(current)
            if current in marked or current in self.roots:
                return True
            cls = index.classes.get(current)
            if cls is None:
                if index.is_project_name(current) and not index.complete:
                    unknown = True
                continue
            todo.extend(base for base in cls.bases if base != "?")
        return None if unknown else False


@dataclass(frozen=True)
class NotEagerLoaded(Condition):
    """No ``selectinload(X.attr)``/``joinedload(...)`` of an attribute called ``attr`` anywhere in
    the project."""

    attr: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        if any(value == self.attr for _, value in index.extra(_EAGER_KEY)):
            return False
        return True if index.complete else None


def _class_condition(ctx: FileContext, qualname: str, kind: str) -> Condition:
    """The class named ``qualname`` (through aliases) is an ``AsyncSession`` (or sync Session)."""
    condition: Condition = IsKind(qualname, kind)
    if kind == ASYNC_SESSION:
        extra = tuple(ctx.option(ASYNC_SESSION_CLASSES_OPTION) or ())
        if extra:
            condition = AnyOf((condition, TypeIs(qualname, extra)))
    return condition


def _made_condition(ctx: FileContext, call: cst.Call, kind: str) -> Optional[Condition]:
    """The object ``call`` returns (or enters, for ``with call as x``) is a session of ``kind``."""
    makers = tuple(sorted(ASYNC_SESSIONMAKERS if kind == ASYNC_SESSION else SYNC_SESSIONMAKERS))
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "begin" and not call.args:
        # ``async with factory.begin() as session``: a session with a transaction begun
        owner = ctx.qualname(func.value)
        return MadeBy(owner, makers) if owner else None
    callee = ctx.qualname(func)
    if callee is not None:
        return AnyOf((_class_condition(ctx, callee, kind), MadeBy(callee, makers)))
    if isinstance(func, cst.Name):
        binding = ctx.lookup(func.value)
        if binding is not None and binding.kind == "local" and isinstance(binding.value, cst.Call):
            if ctx.qualname(binding.value.func) in makers:
                return Certain()
    return None


def session_condition(
    ctx: FileContext, expr: cst.BaseExpression, kind: str = ASYNC_SESSION
) -> Optional[Condition]:
    """When ``expr`` may be a session of ``kind`` (ASYNC_SESSION or SYNC_SESSION): the condition
    under which it is one. None when the file cannot type the receiver (never reported)."""
    if isinstance(expr, cst.Name):
        binding = ctx.lookup(expr.value)
        if binding is None or binding.instance_of is not None:
            return None
        if binding.kind not in ("param", "local", "global"):
            return None
        if binding.annotation is not None:
            typed = ctx.annotation_type(binding.annotation)
            return _class_condition(ctx, typed, kind) if typed else None
        if binding.kind == "param":
            return None  # a default value says nothing about what callers pass
        made = binding.value if binding.value is not None else binding.entered
        if isinstance(made, cst.Call):
            return _made_condition(ctx, made, kind)
        return None
    if (
        isinstance(expr, cst.Attribute)
        and isinstance(expr.value, cst.Name)
        and expr.value.value == "self"
    ):
        typed = ctx.instance_type(expr)
        if not typed:
            return None
        makers = tuple(sorted(ASYNC_SESSIONMAKERS if kind == ASYNC_SESSION else SYNC_SESSIONMAKERS))
        # ``self.session = session`` (typed parameter) or ``self.session = factory()``
        return AnyOf((_class_condition(ctx, typed, kind), MadeBy(typed, makers)))
    return None


def _engine_or_connection(
    ctx: FileContext, expr: cst.BaseExpression, want: str
) -> Optional[Condition]:
    """``expr`` is an engine (``want == "engine"``) or a connection (``"connection"``)."""
    classes = ENGINE_CLASSES if want == "engine" else CONNECTION_CLASSES
    factories = tuple(sorted(SYNC_ENGINE_FACTORIES | ASYNC_ENGINE_FACTORIES))
    typed: Optional[str] = None
    made: Optional[cst.BaseExpression] = None
    if isinstance(expr, cst.Name):
        binding = ctx.lookup(expr.value)
        if binding is None or binding.kind not in ("param", "local", "global"):
            return None
        if binding.annotation is not None:
            typed = ctx.annotation_type(binding.annotation)
        elif binding.kind != "param":
            made = binding.value if binding.value is not None else binding.entered
    elif isinstance(expr, cst.Attribute) and dotted_self(expr):
        typed = ctx.instance_type(expr)
    if typed:
        return AnyOf((TypeIs(typed, classes), MadeBy(typed, factories)))
    if not isinstance(made, cst.Call):
        return None
    func = made.func
    if want == "connection":
        # ``with engine.connect() as conn`` / ``conn = engine.connect()``
        if isinstance(func, cst.Attribute) and func.attr.value in ("connect", "begin"):
            return _engine_or_connection(ctx, func.value, "engine")
        return None
    callee = ctx.qualname(func)
    if callee in factories:
        return Certain()
    return MadeBy(callee, factories) if callee else None


def dotted_self(expr: cst.Attribute) -> bool:
    return isinstance(expr.value, cst.Name) and expr.value.value == "self"


def _report(
    rule: FileRule,
    node: cst.CSTNode,
    message: str,
    condition: Condition,
    *,
    replacement: Optional[cst.CSTNode] = None,
    imports: Sequence[Tuple[str, Optional[str]]] = (),
) -> None:
    when = None if isinstance(condition, Certain) else condition
    rule.report(node, message, when=when, replacement=replacement, imports=imports)


def _keyword(call: cst.Call, name: str) -> Optional[cst.Arg]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def _has_star_kwargs(call: cst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


def _string_value(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _class_body(node: cst.ClassDef) -> List[cst.BaseSmallStatement]:
    out: List[cst.BaseSmallStatement] = []
    if isinstance(node.body, cst.IndentedBlock):
        for statement in node.body.body:
            if isinstance(statement, cst.SimpleStatementLine):
                out.extend(statement.body)
    return out


def _in_class_body(ctx: FileContext) -> bool:
    return ctx.class_def is not None and ctx.scope_kind == "class"


def _local_name_of(ctx: FileContext, qualnames: FrozenSet[str], attr: str) -> Optional[str]:
    """How the file spells one of ``qualnames`` with what it already imports: a name bound to it,
    or ``mod.<attr>`` for a bound module ``mod`` whose ``attr`` it is. None if not bound."""
    names = ctx.module_bindings()
    bound = [
        (local, binding.qualname)
        for local, binding in sorted(names.items())
        if binding.kind == "import"
        and binding.qualname is not None
        and ctx.lookup(local) is binding  # not shadowed where we are
    ]
    for local, qualname in bound:
        if qualname in qualnames:
            return local
    for local, qualname in bound:
        if f"{qualname}.{attr}" in qualnames:
            return f"{local}.{attr}"
    return None


Imports = Tuple[Tuple[str, Optional[str]], ...]


def _spelling(
    ctx: FileContext, qualnames: FrozenSet[str], module: str, name: str
) -> Optional[Tuple[str, Imports]]:
    """How a fix spells ``module.name``: the file's own binding when it has one (no import
    needed), else ``name`` with the import the fix engine adds, when ``name`` is free here."""
    local = _local_name_of(ctx, qualnames, name)
    if local is not None:
        return local, ()
    if ctx.lookup(name) is None and name not in ctx.module_bindings():
        return name, ((module, name),)
    return None


def _expression(text: str) -> cst.BaseExpression:
    return cst.parse_expression(text)


def _mapped_annotation(ctx: FileContext, annotation: cst.BaseExpression) -> bool:
    return ctx.annotation_type(annotation) in MAPPED


def _orm_condition(ctx: FileContext) -> Condition:
    return IsKind(ctx.scope_qualname, ORM_ENTITY)


def _assigned_calls(
    ctx: FileContext, node: cst.CSTNode
) -> Optional[Tuple[str, Optional[cst.BaseExpression], cst.Call]]:
    """(attribute, annotation, call) for ``attr = call(...)`` / ``attr: T = call(...)`` directly in
    a class body."""
    if not _in_class_body(ctx):
        return None
    if isinstance(node, cst.Assign):
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return None
        if isinstance(node.value, cst.Call):
            return node.targets[0].target.value, None, node.value
    elif isinstance(node, cst.AnnAssign):
        if isinstance(node.target, cst.Name) and isinstance(node.value, cst.Call):
            return node.target.value, node.annotation.annotation, node.value
    return None


_BASE = {
    "cpv3/core/db.py": "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n"
}


_DB = {
    "cpv3/core/db.py": (
        "from typing import Annotated\n\n"
        "from fastapi import Depends\n"
        "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine\n\n"
        'engine = create_async_engine("sqlite+aiosqlite://")\n'
        "SessionFactory = async_sessionmaker(engine, expire_on_commit=False)\n\n\n"
        "async def get_session():\n"
        "    async with SessionFactory() as session:\n"
        "        yield session\n\n\n"
        "SessionDep = Annotated[AsyncSession, Depends(get_session)]\n"
    )
}


_MODELS = "cpv3/modules/users/models.py"


_REPOSITORY = "cpv3/modules/users/repository.py"


_SERVICE = "cpv3/modules/users/service.py"


def _query_get(node: cst.Call) -> Optional[Tuple[cst.Call, cst.Attribute]]:
    """(the ``.query(M)`` call, its ``session.query`` callee) for ``session.query(M).get(pk)``."""
    func = node.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "get":
        return None
    inner = func.value
    if not isinstance(inner, cst.Call) or not isinstance(inner.func, cst.Attribute):
        return None
    if inner.func.attr.value != "query":
        return None
    if len(inner.args) != 1 or len(node.args) != 1:
        return None
    if any(a.keyword is not None or a.star for a in (*inner.args, *node.args)):
        return None
    return inner, inner.func


_SELECT_KEYWORDS = (
    "whereclause",
    "from_obj",
    "select_from",
    "order_by",
    "group_by",
    "having",
    "limit",
    "offset",
    "distinct",
    "correlate",
    "bind",
)


def _unwrapped(call: cst.Call, listed: cst.List) -> cst.Call:
    """``f([a, b], x=1)`` -> ``f(a, b, x=1)``, keeping the list's own layout."""
    elements = list(listed.elements)
    args: List[cst.Arg] = []
    for number, element in enumerate(elements):
        comma = element.comma
        last = number == len(elements) - 1
        if last:
            comma = call.args[0].comma
        args.append(cst.Arg(value=element.value, comma=comma))
    return call.with_changes(args=[*args, *call.args[1:]])


def _awaitable_call(ctx: FileContext, node: cst.Call) -> Optional[Tuple[str, Condition]]:
    """(``session.method`` as written, condition) for a call of an awaitable AsyncSession method
    on a typed receiver."""
    func = node.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in ASYNC_SESSION_COROUTINES:
        return None
    condition = session_condition(ctx, func.value, ASYNC_SESSION)
    if condition is None:
        return None
    return ctx.code_for(func), condition


_BUG_PARENT_NAMES = (
    "Expr",
    "Comparison",
    "ComparisonTarget",
    "UnaryOperation",
    "BooleanOperation",
    "BinaryOperation",
    "FormattedStringExpression",
)


def _bug_parents() -> Tuple[type, ...]:
    """Parents under which an un-awaited coroutine is certainly a bug (built on first use: a
    module-level tuple of libcst classes would import libcst on fully cached runs)."""
    global _BUG_PARENTS
    if _BUG_PARENTS is None:
        _BUG_PARENTS = tuple(getattr(cst, name) for name in _BUG_PARENT_NAMES)
    return _BUG_PARENTS


_BUG_PARENTS: Optional[Tuple[type, ...]] = None


def _unawaited_use(ctx: FileContext, node: cst.Call) -> Optional[str]:
    """How the coroutine a call returns is used when it is not awaited: "report" (a certain
    bug), the name it is assigned to (a bug if that name is used as a result, or never), None
    (handed on: not a finding)."""
    parent = ctx.ancestors[-1] if ctx.ancestors else None
    if parent is None:
        return None
    if isinstance(parent, _bug_parents()):
        return "report"
    if isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is node:
        return "report"
    if isinstance(parent, (cst.If, cst.While, cst.IfExp)) and parent.test is node:
        return "report"
    if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
        return "report"
    if isinstance(parent, cst.Arg):
        grand = ctx.ancestors[-2] if len(ctx.ancestors) > 1 else None
        if isinstance(grand, cst.Call) and grand.func is not node:
            callee = ctx.call_name(grand)
            if callee is not None and callee.startswith("builtins."):
                return "report"
        return None
    if isinstance(parent, cst.Return):
        function = ctx.function
        if function is not None and function.asynchronous is not None:
            if not any(isinstance(a, cst.Lambda) for a in ctx.ancestors):
                return "report"
        return None
    if isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1:
        target = parent.targets[0].target
        return target.value if isinstance(target, cst.Name) else None
    if isinstance(parent, cst.AnnAssign) and isinstance(parent.target, cst.Name):
        return parent.target.value
    return None


@dataclass
class _PendingCoroutine:
    name: str
    function: int
    node: cst.Call
    message: str
    condition: Condition
    used: bool = False


_SYNC_PERSISTENCE = SYNC_ENGINE_FACTORIES | SYNC_SESSIONMAKERS | frozenset(SYNC_SESSION_CLASSES)


def _task_operands(call: cst.Call) -> List[cst.BaseExpression]:
    """Expressions a task call uses that may be a session: its receiver and its arguments."""
    out: List[cst.BaseExpression] = []
    func = call.func
    if isinstance(func, cst.Attribute):
        out.append(func.value)
    for arg in call.args:
        out.append(arg.value)
    return [
        e
        for e in out
        if isinstance(e, cst.Name) or (isinstance(e, cst.Attribute) and dotted_self(e))
    ]


def _chain_root(expr: cst.BaseExpression) -> cst.BaseExpression:
    """The innermost call of a method chain: ``select(A)`` in ``select(A).where(x).join``."""
    while (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Attribute)
        and isinstance(expr.func.value, cst.Call)
    ):
        expr = expr.func.value
    return expr
