"""CNF5xx: SQLAlchemy 2.0 on asyncio (RULES-CATALOG section 5).

The modules' models and repositories use SQLAlchemy 2.0 with ``AsyncSession``. Its legacy forms and
the async pitfalls fail late: an ``AttributeError`` on ``AsyncSession.query``, a coroutine that is
never awaited, ``MissingGreenlet`` on a lazy load. These rules find them with certainty only:

* a session is a receiver whose type the file proves (a parameter or attribute annotated
  ``AsyncSession``, directly or through an ``Annotated`` alias in any file; a name bound from an
  ``async_sessionmaker`` instance, ``session = factory()`` or ``async with factory() as session``;
  ``self.session`` typed in the class or assigned from such a parameter). Unknown receivers are
  never reported;
* an ORM class is a subclass of the project's declarative base, found through the index across
  files (``Base = declarative_base()`` included). Core ``Table(...)`` columns are not in a class
  body and are never reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from conformance.conditions import AllOf, AnyOf, Condition, IsKind, Not, TypeIs
from conformance.config import Option
from conformance.diagnostics import FixSafety
from conformance.index import ASYNC_SESSION, ORM_ENTITY, SYNC_SESSION, ProjectIndex
from conformance.names import ASYNC_SESSION_CLASSES, SYNC_SESSION_CLASSES
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.filepass import FileContext
else:
    from conformance import lazycst as cst

OPTIONS = (
    Option(
        "async-session-classes",
        list,
        (),
        "Qualified names of further classes the CNF5xx rules treat as `AsyncSession` (project "
        "subclasses are found on their own), e.g. "
        '`["sqlmodel.ext.asyncio.session.AsyncSession"]`.',
    ),
)

# -- names ---------------------------------------------------------------------------------------


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
SELECT = frozenset(
    {
        "sqlalchemy.select",
        "sqlalchemy.sql.select",
        "sqlalchemy.sql.expression.select",
        "sqlalchemy.sql._selectable_constructors.select",
        "sqlalchemy.future.select",
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

#: ``AsyncSession`` methods that are coroutines (lib/sqlalchemy/ext/asyncio/session.py)
AWAITABLE_METHODS = frozenset(
    {
        "execute",
        "scalars",
        "scalar",
        "get",
        "get_one",
        "commit",
        "rollback",
        "flush",
        "refresh",
        "delete",
        "merge",
        "close",
        "stream",
        "stream_scalars",
        "run_sync",
        "connection",
    }
)
#: ``AsyncSession`` methods that are plain functions: awaiting their ``None`` is a TypeError
SYNC_METHODS = frozenset(
    {"add", "add_all", "expunge", "expunge_all", "expire", "expire_all", "is_modified"}
)

_ALLOW_UNMAPPED_KEY = "sqlalchemy.allow-unmapped"
_EAGER_KEY = "sqlalchemy.eager-loaded"

# -- conditions ----------------------------------------------------------------------------------


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


# -- receivers -----------------------------------------------------------------------------------


def _class_condition(ctx: FileContext, qualname: str, kind: str) -> Condition:
    """The class named ``qualname`` (through aliases) is an ``AsyncSession`` (or sync Session)."""
    condition: Condition = IsKind(qualname, kind)
    if kind == ASYNC_SESSION:
        extra = tuple(ctx.config.option("async-session-classes") or ())
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
    rule: FileRule, node: cst.CSTNode, message: str, condition: Condition, **kwargs: object
) -> None:
    when = None if isinstance(condition, Certain) else condition
    rule.report(node, message, when=when, **kwargs)  # type: ignore[arg-type]


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
    return ctx.class_def is not None and ctx.resolver.current.kind == "class"


def _local_name_of(ctx: FileContext, qualnames: FrozenSet[str], attr: str) -> Optional[str]:
    """How the file spells one of ``qualnames`` with what it already imports: a name bound to it,
    or ``mod.<attr>`` for a bound module ``mod`` whose ``attr`` it is. None if not bound."""
    names = ctx.resolver.module_scope.names or {}
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
    if ctx.lookup(name) is None and name not in ctx.resolver.module_scope.names:  # type: ignore[operator]
        return name, ((module, name),)
    return None


def _expression(text: str) -> cst.BaseExpression:
    return cst.parse_expression(text)


def _mapped_annotation(ctx: FileContext, annotation: cst.BaseExpression) -> bool:
    return ctx.annotation_type(annotation) in MAPPED


def _orm_condition(ctx: FileContext) -> Condition:
    return IsKind(ctx.resolver.current.qualname, ORM_ENTITY)


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


# -- SA001 ---------------------------------------------------------------------------------------


class MovedDeclarativeImport(FileRule):
    """## What it checks
    `declarative_base`, `declared_attr`, `as_declarative`, `DeclarativeMeta`, `has_inherited_table`
    or `synonym_for` imported from `sqlalchemy.ext.declarative` (a `from` import, or an attribute of
    the imported module).

    ## Why
    SQLAlchemy 1.4 moved the declarative API into `sqlalchemy.orm`; 2.0 keeps the old location only
    as a deprecated alias that warns (`MovedIn20Warning`) and is due for removal.

    ## Example
    ```python
    from sqlalchemy.ext.declarative import declarative_base
    ```

    ## Use instead
    ```python
    from sqlalchemy.orm import declarative_base
    ```
    and then move on to `class Base(DeclarativeBase)` (CNF502).

    ## Fix
    Safe: the module of the `from` import becomes `sqlalchemy.orm` when every imported name moved
    (`DeferredReflection`, `ConcreteBase` and the other extensions stay where they are: such a mixed
    import is reported without a fix).

    ## Options
    None.
    """

    code = "CNF501"
    name = "declarative-moved-import"
    summary = "declarative API imported from sqlalchemy.ext.declarative"
    fix_hint = "import it from sqlalchemy.orm"
    catalog = "SA001"
    fix = FixSafety.SAFE
    VALID = (
        Example.code("from sqlalchemy.orm import declarative_base, declared_attr\n", path=_MODELS),
        Example.code(
            "from sqlalchemy.ext.declarative import DeferredReflection\n",
            path=_MODELS,
            note="extensions that did not move",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.ext.declarative import declarative_base as make_base

            Base = make_base()
            """,
            Expect(
                1,
                6,
                "declarative_base is imported from sqlalchemy.ext.declarative, its pre-1.4 "
                "location: import it from sqlalchemy.orm",
            ),
            path=_MODELS,
            fixed="""
            from sqlalchemy.orm import declarative_base as make_base

            Base = make_base()
            """,
        ),
        Example.code(
            """
            import sqlalchemy.ext.declarative as decl

            Base = decl.declarative_base()
            """,
            Expect(
                3,
                8,
                "declarative_base is imported from sqlalchemy.ext.declarative, its pre-1.4 "
                "location: import it from sqlalchemy.orm",
            ),
            path=_MODELS,
        ),
    )

    def _message(self, names: Sequence[str]) -> str:
        return (
            f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} imported from "
            "sqlalchemy.ext.declarative, its pre-1.4 location: import "
            f"{'it' if len(names) == 1 else 'them'} from sqlalchemy.orm"
        )

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        facts = self.ctx.import_facts(node)
        moved = [
            f.name
            for f in facts
            if f.module == "sqlalchemy.ext.declarative" and f.name in MOVED_DECLARATIVE
        ]
        if not moved or node.module is None:
            return
        replacement = None
        if len(moved) == len(facts) and not node.relative:
            replacement = _expression("sqlalchemy.orm")
        self.report(node.module, self._message([m for m in moved if m]), replacement=replacement)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = self.ctx.qualname(node)
        if name is None or not name.startswith("sqlalchemy.ext.declarative."):
            return
        if name.rpartition(".")[2] in MOVED_DECLARATIVE and name.count(".") == 3:
            self.report(node, self._message([node.attr.value]))


# -- SA002 ---------------------------------------------------------------------------------------


class DeclarativeBaseFunction(FileRule):
    """## What it checks
    A declarative base made by calling `declarative_base()` (from `sqlalchemy.orm` or the old
    `sqlalchemy.ext.declarative`).

    ## Why
    SQLAlchemy 2.0 supersedes the function by subclassing `DeclarativeBase`: only a class base gives
    type checkers the `Mapped[...]` attributes, `__init__` signatures and `metadata`/`registry`
    that 2.0-style models rely on.

    ## Example
    ```python
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()
    ```

    ## Use instead
    ```python
    from sqlalchemy.orm import DeclarativeBase

    class Base(DeclarativeBase):
        pass
    ```

    ## Fix
    Unsafe, for a module-level `Base = declarative_base()` with no arguments or only `metadata=`:
    the statement becomes the class (importing `DeclarativeBase` from `sqlalchemy.orm` unless the
    file has it, or `sqlalchemy.orm` as a module). Unsafe because code that passes the base to
    `declarative_base`-era helpers (`registry`, `DeclarativeMeta` checks) can behave differently.
    `cls=`, `name=`, `metaclass=` and the other arguments change the base in ways a class
    statement spells differently: report only.

    ## Options
    None.
    """

    code = "CNF502"
    name = "declarative-base-function"
    summary = "declarative base made with declarative_base()"
    fix_hint = "subclass sqlalchemy.orm.DeclarativeBase instead"
    catalog = "SA002"
    fix = FixSafety.UNSAFE
    VALID = (
        Example.code(
            """
            from sqlalchemy.orm import DeclarativeBase

            class Base(DeclarativeBase):
                pass
            """,
            path="cpv3/core/db.py",
        ),
        Example.code(
            """
            def declarative_base():
                return object

            Base = declarative_base()
            """,
            path="cpv3/core/db.py",
            note="a local function of the same name",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy import orm

            Base = orm.declarative_base()
            """,
            Expect(
                3,
                1,
                "Base = declarative_base() is the legacy declarative base: declare "
                "class Base(DeclarativeBase) (sqlalchemy.orm)",
            ),
            path="cpv3/core/db.py",
            fixed="""
            from sqlalchemy import orm

            class Base(orm.DeclarativeBase):
                pass
            """,
            unsafe=True,
        ),
        Example.code(
            """
            from sqlalchemy import MetaData
            from sqlalchemy.orm import declarative_base

            # every entity derives from this
            Base = declarative_base(metadata=MetaData(schema="shop"))
            """,
            Expect(
                5,
                1,
                "Base = declarative_base() is the legacy declarative base: declare "
                "class Base(DeclarativeBase) (sqlalchemy.orm)",
            ),
            path="cpv3/core/db.py",
            fixed="""
            from sqlalchemy import MetaData
            from sqlalchemy.orm import DeclarativeBase, declarative_base

            # every entity derives from this
            class Base(DeclarativeBase):
                metadata = MetaData(schema="shop")
            """,
            unsafe=True,
        ),
        Example.code(
            """
            from sqlalchemy import MetaData
            from sqlalchemy.ext.declarative import declarative_base as db

            Base = db(metadata=MetaData(), name="Model")
            """,
            Expect(
                4,
                1,
                "Base = declarative_base() is the legacy declarative base: declare "
                "class Base(DeclarativeBase) (sqlalchemy.orm)",
            ),
            path="cpv3/core/db.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.call_name(node) not in DECLARATIVE_BASE_FACTORIES:
            return
        parent = ctx.ancestors[-1] if ctx.ancestors else None
        statement = ctx.statement
        name = "Base"
        if (
            isinstance(parent, cst.Assign)
            and parent.value is node
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
        ):
            name = parent.targets[0].target.value
            if (
                not ctx.in_function
                and ctx.class_def is None
                and isinstance(statement, cst.SimpleStatementLine)
                and len(statement.body) == 1
            ):
                message = (
                    f"{name} = declarative_base() is the legacy declarative base: declare "
                    f"class {name}(DeclarativeBase) (sqlalchemy.orm)"
                )
                fixed = self._fixed(statement, name, node)
                self.report(
                    statement,
                    message,
                    replacement=fixed[0] if fixed else None,
                    imports=fixed[1] if fixed else (),
                )
                return
        self.report(
            node,
            f"{name} = declarative_base() is the legacy declarative base: declare "
            f"class {name}(DeclarativeBase) (sqlalchemy.orm)",
        )

    def _fixed(
        self, statement: cst.SimpleStatementLine, name: str, call: cst.Call
    ) -> Optional[Tuple[cst.CSTNode, Imports]]:
        ctx = self.ctx
        spelled = _spelling(
            ctx,
            frozenset(
                {"sqlalchemy.orm.DeclarativeBase", "sqlalchemy.orm.decl_api.DeclarativeBase"}
            ),
            "sqlalchemy.orm",
            "DeclarativeBase",
        )
        if spelled is None:
            return None
        base, imports = spelled
        body = "pass"
        for arg in call.args:
            if arg.star or arg.keyword is None or arg.keyword.value != "metadata":
                return None
            body = f"metadata = {ctx.code_for(arg.value)}"
        indent = ctx.module_node.default_indent
        text = f"class {name}({base}):\n{indent}{body}\n"
        try:
            new = cst.parse_statement(text, config=ctx.module_node.config_for_parsing)
        except Exception:
            return None
        return new.with_changes(leading_lines=statement.leading_lines), imports


# -- SA003 ---------------------------------------------------------------------------------------


class ColumnInOrmClass(FileRule):
    """## What it checks
    `Column(...)` assigned in the body of an ORM class (a subclass of the project's declarative
    base, found across files).

    ## Why
    SQLAlchemy 2.0 declares ORM attributes as `name: Mapped[T] = mapped_column(...)`: the `Mapped`
    annotation gives type checkers the attribute type and the nullability, `mapped_column` accepts
    the ORM-only options (`init=`, `deferred=`, ...). A `Column` in a class of `Mapped` attributes is
    a leftover that types as `Column[T]` on instances.

    ## Example
    ```python
    class StockItem(Base):
        __tablename__ = "stock_items"
        id: Mapped[int] = mapped_column(primary_key=True)
        warehouse = Column(String(64), nullable=False)
    ```

    ## Use instead
    ```python
        warehouse: Mapped[str] = mapped_column(String(64))
    ```

    Core `Table("t", metadata, Column(...))` columns are not in a class body and are fine.

    ## Fix
    Safe, inside a class that already declares `Mapped[...]` attributes, for an attribute without
    annotation or annotated `Mapped[...]`: `Column` becomes `mapped_column` (imported from
    `sqlalchemy.orm` when the file does not have it yet). Adding the `Mapped[...]` annotation is
    left to you. Classes of plain `Column`s (no `Mapped` yet) are reported without a fix: migrate
    them a class at a time.

    ## Options
    None.
    """

    code = "CNF503"
    name = "column-in-orm-class"
    summary = "legacy Column() in an ORM class"
    fix_hint = "declare the attribute as name: Mapped[T] = mapped_column(...)"
    catalog = "SA003"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from sqlalchemy import Column, Integer, MetaData, Table

            metadata = MetaData()
            audit = Table("audit", metadata, Column("id", Integer, primary_key=True))
            """,
            path=_MODELS,
            note="Core Table columns",
        ),
        Example.code(
            """
            from sqlalchemy import Column, Integer

            class Point:
                x = Column(Integer)
            """,
            path=_MODELS,
            note="not an ORM class",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa
            from sqlalchemy.orm import Mapped, mapped_column

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                email = sa.Column(sa.String(320), nullable=False)
            """,
            Expect(
                9,
                13,
                "legacy Column() in ORM class User: declare "
                "email: Mapped[...] = mapped_column(...)",
            ),
            path=_MODELS,
            extra=_BASE,
            fixed="""
            import sqlalchemy as sa
            from sqlalchemy.orm import Mapped, mapped_column

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                email = mapped_column(sa.String(320), nullable=False)
            """,
        ),
        Example.code(
            """
            from sqlalchemy import Column, String
            from sqlalchemy.orm import Mapped

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = Column(primary_key=True)
                name: Mapped[str]
            """,
            Expect(
                8,
                23,
                "legacy Column() in ORM class User: declare id: Mapped[...] = mapped_column(...)",
            ),
            path=_MODELS,
            extra=_BASE,
            fixed="""
            from sqlalchemy import Column, String
            from sqlalchemy.orm import Mapped, mapped_column

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                name: Mapped[str]
            """,
            note="the fix imports mapped_column",
        ),
        Example.code(
            """
            from sqlalchemy import Column as C, Integer
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Tag(Base):
                __tablename__ = "tags"
                id = C(Integer, primary_key=True)
            """,
            Expect(
                8,
                10,
                "legacy Column() in ORM class Tag: declare id: Mapped[...] = mapped_column(...)",
            ),
            path=_MODELS,
            note="no Mapped attributes and no mapped_column import: reported without a fix",
        ),
    )

    def _check(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        found = _assigned_calls(ctx, node)
        if found is None:
            return
        attr, annotation, call = found
        if ctx.call_name(call) not in COLUMN:
            return
        cls = ctx.class_def
        assert cls is not None
        replacement: Optional[cst.BaseExpression] = None
        mapped_class = any(
            isinstance(small, cst.AnnAssign)
            and _mapped_annotation(ctx, small.annotation.annotation)
            for small in _class_body(cls)
        )
        imports: Imports = ()
        if mapped_class and (annotation is None or _mapped_annotation(ctx, annotation)):
            spelled = _spelling(ctx, MAPPED_COLUMN, "sqlalchemy.orm", "mapped_column")
            if spelled is not None:
                replacement = _expression(spelled[0])
                imports = spelled[1]
        self.report(
            call.func,
            f"legacy Column() in ORM class {cls.name.value}: declare "
            f"{attr}: Mapped[...] = mapped_column(...)",
            when=_orm_condition(ctx),
            replacement=replacement,
            imports=imports,
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        self._check(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._check(node)


# -- SA004 ---------------------------------------------------------------------------------------


class UnmappedAnnotation(FileRule):
    """## What it checks
    An attribute of an ORM class bound to `relationship()`, `mapped_column()`,
    `column_property()`, `composite()`, `deferred()` or `synonym()` whose annotation is not
    `Mapped[...]` (or `WriteOnlyMapped`/`DynamicMapped`), unless the class or one of its bases sets
    `__allow_unmapped__ = True`.

    ## Why
    SQLAlchemy 2.0 reads the annotations of declarative classes: a plain `List["Order"]` on a
    relationship raises `ArgumentError` when the class is mapped (at import time, or at the first
    query in a lazily configured registry).

    ## Example
    ```python
    class User(Base):
        orders: List["Order"] = relationship(back_populates="user")
    ```

    ## Use instead
    ```python
        orders: Mapped[List["Order"]] = relationship(back_populates="user")
    ```
    or `__allow_unmapped__ = True` on the base while migrating.

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF504"
    name = "unmapped-orm-annotation"
    summary = "ORM attribute annotated without Mapped[...]"
    fix_hint = "wrap the annotation in Mapped[...]"
    catalog = "SA004"
    VALID = (
        Example.code(
            """
            from typing import List

            from sqlalchemy.orm import Mapped, relationship

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                orders: Mapped[List["Order"]] = relationship(back_populates="user")
                tags: "Mapped[List[Tag]]" = relationship()
            """,
            path=_MODELS,
            extra=_BASE,
        ),
        Example.code(
            """
            from typing import List

            from sqlalchemy.orm import relationship

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                orders: List["Order"] = relationship(back_populates="user")
            """,
            path=_MODELS,
            extra={
                "cpv3/core/db.py": "from sqlalchemy.orm import DeclarativeBase\n\n\n"
                "class Base(DeclarativeBase):\n    __allow_unmapped__ = True\n"
            },
            note="the base in another file allows unmapped annotations",
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import List

            from sqlalchemy import orm

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                id: int = orm.mapped_column(primary_key=True)
                orders: List["Order"] = orm.relationship(back_populates="user")
            """,
            Expect(
                9,
                9,
                "ORM attribute id of User is annotated int without Mapped[...]: annotate it "
                "Mapped[int] (SQLAlchemy 2.0 rejects the plain annotation)",
            ),
            Expect(
                10,
                13,
                'ORM attribute orders of User is annotated List["Order"] without Mapped[...]: '
                'annotate it Mapped[List["Order"]] (SQLAlchemy 2.0 rejects the plain annotation)',
            ),
            path=_MODELS,
            extra=_BASE,
        ),
    )

    def visit_Assign(self, node: cst.Assign) -> None:
        if not _in_class_body(self.ctx):
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name) and target.target.value == "__allow_unmapped__":
                if isinstance(node.value, cst.Name) and node.value.value == "True":
                    self.ctx.add_extra(_ALLOW_UNMAPPED_KEY, self.ctx.resolver.current.qualname)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        ctx = self.ctx
        found = _assigned_calls(ctx, node)
        if found is None:
            return
        attr, annotation, call = found
        if annotation is None or ctx.call_name(call) not in MAPPED_CONSTRUCTS:
            return
        typed = ctx.annotation_type(annotation)
        if (
            typed is None
            or typed in MAPPED
            or typed.startswith(("typing.ClassVar", "typing_extensions.ClassVar"))
        ):
            return
        cls = ctx.resolver.current.qualname
        parts: List[Condition] = [
            _orm_condition(ctx),
            Not(HasMarkedBase(cls, _ALLOW_UNMAPPED_KEY)),
        ]
        if ctx.is_project_name(typed):
            parts.append(Not(TypeIs(typed, tuple(sorted(MAPPED)))))
        shown = ctx.code_for(annotation)
        assert ctx.class_def is not None
        self.report(
            annotation,
            f"ORM attribute {attr} of {ctx.class_def.name.value} is annotated {shown} without "
            f"Mapped[...]: annotate it Mapped[{shown}] (SQLAlchemy 2.0 rejects the plain "
            "annotation)",
            when=AllOf(tuple(parts)),
        )


# -- SA005 ---------------------------------------------------------------------------------------


class RelationshipBackref(FileRule):
    """## What it checks
    `relationship(..., backref=...)`.

    ## Why
    `backref` creates the reverse attribute on the other class implicitly, at mapper configuration
    time: it is invisible to readers and type checkers (`Mapped[...]` cannot annotate it) and the
    SQLAlchemy docs call it legacy.

    ## Example
    ```python
    class User(Base):
        orders: Mapped[List["Order"]] = relationship(backref="user")
    ```

    ## Use instead
    Declare both sides and link them:
    ```python
    class User(Base):
        orders: Mapped[List["Order"]] = relationship(back_populates="user")

    class Order(Base):
        user: Mapped["User"] = relationship(back_populates="orders")
    ```

    ## Fix
    None.

    ## Options
    None. Opt-in: select `CNF505`.
    """

    code = "CNF505"
    name = "relationship-backref"
    summary = "relationship() with the legacy backref="
    fix_hint = "declare the reverse relationship() on the other class and use back_populates"
    catalog = "SA005"
    default = False
    VALID = (
        Example.code(
            """
            from sqlalchemy.orm import relationship as rel

            def backref_demo(backref):
                return dict(backref=backref)

            orders = rel(back_populates="user")
            """,
            path=_MODELS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.orm import backref, relationship as rel

            orders = rel("Order", backref=backref("user", lazy="raise"))
            """,
            Expect(
                3,
                23,
                "relationship() uses backref=, an implicit reverse attribute: declare the "
                "reverse relationship() on the other class and link both with back_populates",
            ),
            path=_MODELS,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.call_name(node) not in RELATIONSHIP:
            return
        arg = _keyword(node, "backref")
        if arg is not None:
            self.report(
                arg,
                "relationship() uses backref=, an implicit reverse attribute: declare the "
                "reverse relationship() on the other class and link both with back_populates",
            )


# -- SA006 / SA007 -------------------------------------------------------------------------------


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


class SessionQuery(FileRule):
    """## What it checks
    `session.query(...)` on a receiver typed as an `AsyncSession` (annotated, through an
    `Annotated` alias such as `SessionDep` in any file, bound from an `async_sessionmaker`, or
    `self.session` typed so) or as a synchronous `Session`. Receivers the file cannot type, and
    `query` methods of other classes, are not reported.

    ## Why
    `AsyncSession` has no `query` method at all: the line raises `AttributeError` when it runs. On
    a synchronous `Session` the `Query` API is legacy in 2.0, superseded by `select()`.

    ## Example
    ```python
    async def low_stock(self, threshold: int):
        return self.session.query(StockItem).filter(StockItem.quantity < threshold).all()
    ```

    ## Use instead
    ```python
        stmt = select(StockItem).where(StockItem.quantity < threshold)
        return list(await self.session.scalars(stmt))
    ```

    ## Fix
    None (`session.query(M).get(pk)` has its own fix: CNF507).

    ## Options
    `async-session-classes`.
    """

    code = "CNF506"
    name = "session-query"
    summary = "legacy session.query()"
    fix_hint = "build the statement with select() and run it with session.execute()/scalars()"
    catalog = "SA006"
    VALID = (
        Example.code(
            """
            class Index:
                def query(self, text):
                    return [text]

            class Search:
                def __init__(self, index: Index) -> None:
                    self.index = index

                def find(self, session, text):
                    session.query(text)
                    return self.index.query(text)
            """,
            path=_REPOSITORY,
            note="a query method of an unrelated class, and an untyped receiver",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession as AS

            class UserRepository:
                def __init__(self, session: AS) -> None:
                    self.session = session

                async def active(self):
                    return self.session.query(User).filter(User.active).all()
            """,
            Expect(
                8,
                16,
                "self.session.query() does not exist on an AsyncSession (AttributeError): build "
                "the query with select() and run it with await self.session.scalars() or "
                "execute()",
            ),
            path=_REPOSITORY,
        ),
        Example.code(
            """
            from cpv3.core.db import SessionDep, SessionFactory

            async def count(session: SessionDep):
                return session.query(User).count()

            async def names():
                async with SessionFactory() as db:
                    return db.query(User.name).all()
            """,
            Expect(
                4,
                12,
                "session.query() does not exist on an AsyncSession (AttributeError): build the "
                "query with select() and run it with await session.scalars() or execute()",
            ),
            Expect(
                8,
                16,
                "db.query() does not exist on an AsyncSession (AttributeError): build the "
                "query with select() and run it with await db.scalars() or execute()",
            ),
            path=_REPOSITORY,
            extra=_DB,
            note="an Annotated alias and a session factory defined in another file",
        ),
        Example.code(
            """
            from sqlalchemy.orm import Session

            def users(session: Session):
                return session.query(User).all()
            """,
            Expect(
                4,
                12,
                "session.query() is the legacy Query API: use select() with "
                "session.scalars() or execute()",
            ),
            path="scripts/report.py",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "query":
            return
        parent = ctx.ancestors[-1] if ctx.ancestors else None
        grand = ctx.ancestors[-2] if len(ctx.ancestors) > 1 else None
        if (
            "CNF507" in ctx.settings.rule_codes
            and isinstance(parent, cst.Attribute)
            and isinstance(grand, cst.Call)
            and _query_get(grand) is not None
        ):
            return  # CNF507 reports it, with a fix
        receiver = ctx.code_for(func.value)
        async_condition = session_condition(ctx, func.value, ASYNC_SESSION)
        if async_condition is not None:
            _report(
                self,
                node,
                f"{receiver}.query() does not exist on an AsyncSession (AttributeError): build "
                f"the query with select() and run it with await {receiver}.scalars() or "
                "execute()",
                async_condition,
            )
        sync_condition = session_condition(ctx, func.value, SYNC_SESSION)
        if sync_condition is not None:
            _report(
                self,
                node,
                f"{receiver}.query() is the legacy Query API: use select() with "
                f"{receiver}.scalars() or execute()",
                sync_condition,
            )


class QueryGet(FileRule):
    """## What it checks
    `session.query(M).get(pk)` on a typed session receiver (see CNF506).

    ## Why
    `Query.get()` is legacy in 2.0 and does not exist on an `AsyncSession` at all; `Session.get()`
    looks the identity map up first and is the one spelling for both kinds of session.

    ## Example
    ```python
    user = self.session.query(User).get(user_id)
    ```

    ## Use instead
    ```python
    user = await self.session.get(User, user_id)
    ```

    ## Fix
    Safe: on an `AsyncSession`, `await session.get(M, pk)` when the call stands alone in an
    `async def` (an assignment, a `return`, an argument, an expression statement); on a `Session`,
    `session.get(M, pk)`. Other positions are reported without a fix.

    ## Options
    `async-session-classes`.
    """

    code = "CNF507"
    name = "query-get"
    summary = "session.query(M).get(pk)"
    fix_hint = "use session.get(M, pk)"
    catalog = "SA007"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession

            async def load(session: AsyncSession, cache, pk: int):
                cache.query(User).get(pk)
                return await session.get(User, pk)
            """,
            path=_REPOSITORY,
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession

            class UserRepository:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session

                async def get(self, user_id: int):
                    user = self.session.query(User).get(user_id)
                    return user
            """,
            Expect(
                8,
                16,
                "self.session.query(User).get(user_id) does not exist on an AsyncSession: use "
                "await self.session.get(User, user_id)",
            ),
            path=_REPOSITORY,
            fixed="""
            from sqlalchemy.ext.asyncio import AsyncSession

            class UserRepository:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session

                async def get(self, user_id: int):
                    user = await self.session.get(User, user_id)
                    return user
            """,
        ),
        Example.code(
            """
            import sqlalchemy.orm as orm

            def get(db: orm.Session, pk):
                return db.query(User).get(pk)
            """,
            Expect(
                4,
                12,
                "db.query(User).get(pk) is the legacy Query API: use db.get(User, pk)",
            ),
            path="scripts/report.py",
            fixed="""
            import sqlalchemy.orm as orm

            def get(db: orm.Session, pk):
                return db.get(User, pk)
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        found = _query_get(node)
        if found is None:
            return
        inner, query = found
        receiver = query.value
        model = inner.args[0].value
        key = node.args[0].value
        call = cst.Call(
            func=cst.Attribute(value=receiver, attr=cst.Name("get")),
            args=[
                cst.Arg(value=model, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                cst.Arg(value=key),
            ],
        )
        shown = f"{ctx.code_for(receiver)}.get({ctx.code_for(model)}, {ctx.code_for(key)})"
        original = ctx.code_for(node)
        async_condition = session_condition(ctx, receiver, ASYNC_SESSION)
        if async_condition is not None:
            replacement: Optional[cst.BaseExpression] = None
            function = ctx.function
            parent = ctx.ancestors[-1] if ctx.ancestors else None
            standalone = isinstance(
                parent, (cst.Assign, cst.AnnAssign, cst.Return, cst.Expr, cst.Arg)
            )
            if function is not None and function.asynchronous is not None and standalone:
                replacement = cst.Await(expression=call)
            _report(
                self,
                node,
                f"{original} does not exist on an AsyncSession: use await {shown}",
                async_condition,
                replacement=replacement,
            )
        sync_condition = session_condition(ctx, receiver, SYNC_SESSION)
        if sync_condition is not None:
            _report(
                self,
                node,
                f"{original} is the legacy Query API: use {shown}",
                sync_condition,
                replacement=call,
            )


# -- SA008 ---------------------------------------------------------------------------------------

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


class LegacySelectForm(FileRule):
    """## What it checks
    The 1.x call forms of `select()` and `case()`: columns passed as a list (`select([a, b])`),
    clauses passed as keywords (`select(t, whereclause=...)`, `order_by=`, `select_from=`, ...),
    and the list of whens in `case([(cond, value)], else_=...)`. Matched by qualified name, so a
    project function called `select` is not.

    ## Why
    SQLAlchemy 2.0 removed these forms: `select([a, b])` raises `ArgumentError`, the keyword clauses
    raise `TypeError`.

    ## Example
    ```python
    stmt = select([User.id, User.email])
    status = case([(User.active, "on")], else_="off")
    ```

    ## Use instead
    ```python
    stmt = select(User.id, User.email)
    status = case((User.active, "on"), else_="off")
    ```

    ## Fix
    Safe for the list forms (the list is unwrapped into positional arguments); keyword clauses are
    reported only.

    ## Options
    None.
    """

    code = "CNF508"
    name = "legacy-select-form"
    summary = "1.x select()/case() call form"
    fix_hint = "pass columns and whens positionally and chain .where()/.order_by()"
    catalog = "SA008"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from sqlalchemy import case, select

            stmt = select(User.id, User.email).where(User.active).order_by(User.id)
            label = case((User.active, "on"), else_="off")
            """,
            path=_REPOSITORY,
        ),
        Example.code(
            """
            def select(columns, whereclause=None):
                return columns

            rows = select([1, 2], whereclause=True)
            """,
            path=_REPOSITORY,
            note="a project function called select",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa

            stmt = sa.select([User.id, User.email])
            """,
            Expect(
                3,
                8,
                "select() takes its columns positionally since SQLAlchemy 2.0: write "
                "select(User.id, User.email), not select([...])",
            ),
            path=_REPOSITORY,
            fixed="""
            import sqlalchemy as sa

            stmt = sa.select(User.id, User.email)
            """,
        ),
        Example.code(
            """
            from sqlalchemy.sql import case as when_, select

            label = when_([(User.active, "on")], else_="off")
            stmt = select(User, whereclause=User.active, order_by=User.id)
            """,
            Expect(
                3,
                9,
                "case() takes its (condition, value) pairs positionally since SQLAlchemy 2.0: "
                "remove the list around them",
            ),
            Expect(
                4,
                8,
                "select() no longer takes whereclause=, order_by=: chain "
                ".where(...), .order_by(...) instead (SQLAlchemy 2.0)",
            ),
            path=_REPOSITORY,
            fixed="""
            from sqlalchemy.sql import case as when_, select

            label = when_((User.active, "on"), else_="off")
            stmt = select(User, whereclause=User.active, order_by=User.id)
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        name = ctx.call_name(node)
        if name not in SELECT and name not in CASE:
            return
        first = node.args[0] if node.args else None
        listed = (
            first.value
            if first is not None
            and first.keyword is None
            and not first.star
            and isinstance(first.value, cst.List)
            else None
        )
        if name in CASE:
            if isinstance(listed, cst.List):
                fixable = all(isinstance(e, cst.Element) for e in listed.elements)
                self.report(
                    node,
                    "case() takes its (condition, value) pairs positionally since SQLAlchemy 2.0: "
                    "remove the list around them",
                    replacement=_unwrapped(node, listed) if fixable and listed.elements else None,
                )
            return
        if isinstance(listed, cst.List):
            positional = [a for a in node.args if a.keyword is None]
            fixable = (
                len(positional) == 1
                and bool(listed.elements)
                and all(isinstance(e, cst.Element) for e in listed.elements)
            )
            columns = ", ".join(ctx.code_for(e.value) for e in listed.elements)
            self.report(
                node,
                "select() takes its columns positionally since SQLAlchemy 2.0: write "
                f"select({columns}), not select([...])",
                replacement=_unwrapped(node, listed) if fixable else None,
            )
            return
        keywords = [
            a.keyword.value
            for a in node.args
            if a.keyword is not None and a.keyword.value in _SELECT_KEYWORDS
        ]
        if keywords:
            methods = ", ".join(f".{'where' if k == 'whereclause' else k}(...)" for k in keywords)
            self.report(
                node,
                f"select() no longer takes {', '.join(k + '=' for k in keywords)}: chain "
                f"{methods} instead (SQLAlchemy 2.0)",
            )


# -- SA009 ---------------------------------------------------------------------------------------


class LegacyExecution(FileRule):
    """## What it checks
    Execution styles SQLAlchemy 2.0 removed, on receivers the file types with certainty:
    `engine.execute(...)` / `engine.scalar(...)` (connectionless execution) on an engine made by
    `create_engine`/`create_async_engine` or annotated `Engine`; `execute("raw SQL")` with a plain
    string on a connection or session; `autocommit=True` passed to `Session`, `sessionmaker` and
    their async forms; `begin(subtransactions=...)` on a session or connection.

    ## Why
    Each raises in 2.0: `AttributeError` (no `Engine.execute`), `ObjectNotExecutableError` (a
    string is not a statement), `TypeError` (removed arguments).

    ## Example
    ```python
    engine.execute("DELETE FROM audit")
    ```

    ## Use instead
    ```python
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit"))
    ```
    Sessions autobegin; use `begin_nested()` for savepoints.

    ## Fix
    Safe for a raw string passed to `execute()`: the string is wrapped in `text(...)` (imported
    from `sqlalchemy` unless the file has it, or `text` means something else there). The rest is
    reported only.

    ## Options
    `async-session-classes`.
    """

    code = "CNF509"
    name = "legacy-execution"
    summary = "execution style removed in SQLAlchemy 2.0"
    fix_hint = "use a connection (engine.connect()/begin()), text() for raw SQL, autobegin"
    catalog = "SA009"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from sqlalchemy import create_engine, text

            engine = create_engine("sqlite://")

            def purge(db, log):
                db.execute("DELETE FROM audit")
                log.begin(subtransactions=True)
                with engine.begin() as conn:
                    conn.execute(text("DELETE FROM audit"))
            """,
            path="scripts/purge.py",
            note="untyped receivers, and the 2.0 form",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa
            from sqlalchemy import text as sql
            from sqlalchemy.orm import Session, sessionmaker

            engine = sa.create_engine("sqlite://")
            Factory = sessionmaker(engine, autocommit=True)

            def purge(session: Session):
                engine.execute(sql("DELETE FROM audit"))
                with engine.connect() as conn:
                    conn.execute("DELETE FROM audit")
                session.begin(subtransactions=True)
            """,
            Expect(
                6,
                32,
                "autocommit=True was removed in SQLAlchemy 2.0: sessions begin a transaction on "
                "first use; commit() explicitly",
            ),
            Expect(
                9,
                5,
                "engine.execute() (connectionless execution) was removed in SQLAlchemy 2.0: run it "
                "on a connection, with engine.connect() as conn: conn.execute(...)",
            ),
            Expect(
                11,
                22,
                "conn.execute() with a plain SQL string raises in SQLAlchemy 2.0: wrap it in "
                "text(...)",
            ),
            Expect(
                12,
                19,
                "begin(subtransactions=...) was removed in SQLAlchemy 2.0: use begin_nested() "
                "for a savepoint, or let the outer transaction govern",
            ),
            path="scripts/purge.py",
            fixed="""
            import sqlalchemy as sa
            from sqlalchemy import text as sql
            from sqlalchemy.orm import Session, sessionmaker

            engine = sa.create_engine("sqlite://")
            Factory = sessionmaker(engine, autocommit=True)

            def purge(session: Session):
                engine.execute(sql("DELETE FROM audit"))
                with engine.connect() as conn:
                    conn.execute(sql("DELETE FROM audit"))
                session.begin(subtransactions=True)
            """,
        ),
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession


            async def purge(session: AsyncSession):
                await session.execute("DELETE FROM audit")
            """,
            Expect(
                5,
                27,
                "session.execute() with a plain SQL string raises in SQLAlchemy 2.0: wrap it in "
                "text(...)",
            ),
            path=_REPOSITORY,
            fixed="""
            from sqlalchemy import text
            from sqlalchemy.ext.asyncio import AsyncSession


            async def purge(session: AsyncSession):
                await session.execute(text("DELETE FROM audit"))
            """,
        ),
    )

    _MAKERS = (
        ASYNC_SESSIONMAKERS
        | SYNC_SESSIONMAKERS
        | frozenset(ASYNC_SESSION_CLASSES)
        | frozenset(SYNC_SESSION_CLASSES)
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        name = ctx.call_name(node)
        if name in self._MAKERS:
            arg = _keyword(node, "autocommit")
            if arg is not None and not (
                isinstance(arg.value, cst.Name) and arg.value.value == "False"
            ):
                self.report(
                    arg,
                    "autocommit=True was removed in SQLAlchemy 2.0: sessions begin a transaction "
                    "on first use; commit() explicitly",
                )
            return
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        receiver = func.value
        shown = ctx.code_for(receiver)
        if method in ("execute", "scalar"):
            engine = _engine_or_connection(ctx, receiver, "engine")
            if engine is not None:
                _report(
                    self,
                    node,
                    f"{shown}.{method}() (connectionless execution) was removed in SQLAlchemy "
                    f"2.0: run it on a connection, with {shown}.connect() as conn: "
                    f"conn.{method}(...)",
                    engine,
                )
        if method == "execute" and node.args and node.args[0].keyword is None:
            first = node.args[0].value
            if _string_value(first) is not None or isinstance(first, cst.FormattedString):
                condition = self._session_or_connection(receiver)
                if condition is not None:
                    spelled = _spelling(ctx, TEXT, "sqlalchemy", "text")
                    replacement = (
                        cst.Call(func=_expression(spelled[0]), args=[cst.Arg(value=first)])
                        if spelled is not None
                        else None
                    )
                    _report(
                        self,
                        first,
                        f"{shown}.execute() with a plain SQL string raises in SQLAlchemy 2.0: "
                        "wrap it in text(...)",
                        condition,
                        replacement=replacement,
                        imports=spelled[1] if spelled is not None else (),
                    )
            return
        if method == "begin":
            arg = _keyword(node, "subtransactions")
            if arg is not None:
                condition = self._session_or_connection(receiver)
                if condition is not None:
                    _report(
                        self,
                        arg,
                        "begin(subtransactions=...) was removed in SQLAlchemy 2.0: use "
                        "begin_nested() for a savepoint, or let the outer transaction govern",
                        condition,
                    )

    def _session_or_connection(self, receiver: cst.BaseExpression) -> Optional[Condition]:
        parts = [
            c
            for c in (
                session_condition(self.ctx, receiver, ASYNC_SESSION),
                session_condition(self.ctx, receiver, SYNC_SESSION),
                _engine_or_connection(self.ctx, receiver, "connection"),
            )
            if c is not None
        ]
        if not parts:
            return None
        if any(isinstance(p, Certain) for p in parts):
            return Certain()
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))


# -- SA010 ---------------------------------------------------------------------------------------


def _awaitable_call(ctx: FileContext, node: cst.Call) -> Optional[Tuple[str, Condition]]:
    """(``session.method`` as written, condition) for a call of an awaitable AsyncSession method
    on a typed receiver."""
    func = node.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in AWAITABLE_METHODS:
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


class AwaitMismatch(FileRule):
    """## What it checks
    On a receiver typed as an `AsyncSession` (see CNF506): a call of one of its coroutine methods
    (`execute`, `scalars`, `scalar`, `get`, `get_one`, `commit`, `rollback`, `flush`, `refresh`,
    `delete`, `merge`, `close`, `stream`, `stream_scalars`, `run_sync`, `connection`) whose result
    is used without `await`; and the inverse, `await` on one of its plain methods (`add`,
    `add_all`, `expunge`, `expunge_all`, `expire`, `expire_all`, `is_modified`).

    A coroutine is used without `await` when it is an expression statement, the receiver of an
    attribute or subscript, an operand, a condition, iterated, passed to a builtin such as `list()`,
    returned from an `async def`, or assigned to a name that is then used that way or never used.
    Coroutines passed to other functions (`asyncio.gather`, `create_task`, your own helpers),
    collected in lists, returned from a plain `def` or a lambda (the caller awaits them), or
    assigned and later awaited are not reported.

    ## Why
    An unawaited `commit()` commits nothing and only warns "coroutine was never awaited" at garbage
    collection; `list(session.scalars(...))` fails with a `TypeError`. Awaiting `add()` raises
    `TypeError: object NoneType can't be used in 'await' expression` after the object was added.

    ## Example
    ```python
    async def deactivate(self, user: User) -> None:
        user.is_active = False
        self.session.commit()
        await self.session.add(AuditLog(user_id=user.id))
    ```

    ## Use instead
    ```python
        await self.session.commit()
        self.session.add(AuditLog(user_id=user.id))
    ```

    ## Fix
    None: adding `await` to a plain `def` needs it to become `async def` and its callers to await.

    ## Options
    `async-session-classes`.
    """

    code = "CNF510"
    name = "session-await-mismatch"
    summary = "AsyncSession coroutine not awaited, or a plain method awaited"
    fix_hint = "await the coroutine methods of AsyncSession; call add()/add_all()/expunge() plainly"
    catalog = "SA010"
    VALID = (
        Example.code(
            """
            import asyncio

            from sqlalchemy.ext.asyncio import AsyncSession

            class UserRepository:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session

                async def save(self, user, other_session: AsyncSession):
                    self.session.add(user)
                    await (self.session.flush())
                    pending = self.session.refresh(user)
                    await pending
                    await asyncio.gather(self.session.commit(), other_session.commit())
                    return list(await self.session.scalars(select(User)))

                def fetch(self, user_id: int):
                    return self.session.get(User, user_id)

                async def log(self, cache):
                    cache.commit()
                    await cache.add(1)
            """,
            path=_REPOSITORY,
            note="awaited, gathered, returned from a plain def; untyped receivers",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession as AS

            class UserRepository:
                def __init__(self, session: AS) -> None:
                    self.session = session

                async def deactivate(self, user) -> None:
                    user.is_active = False
                    self.session.commit()
                    await self.session.add(user)

                async def emails(self):
                    result = self.session.execute(select(User.email))
                    return list(self.session.scalars(select(User)))
            """,
            Expect(
                9,
                9,
                "self.session.commit() is a coroutine of AsyncSession and is not awaited: write "
                "await self.session.commit(...)",
            ),
            Expect(
                10,
                9,
                "self.session.add() is a plain method of AsyncSession (it returns None): call it "
                "without await",
            ),
            Expect(
                13,
                18,
                "self.session.execute() is a coroutine of AsyncSession and is not awaited: write "
                "await self.session.execute(...)",
            ),
            Expect(
                14,
                21,
                "self.session.scalars() is a coroutine of AsyncSession and is not awaited: write "
                "await self.session.scalars(...)",
            ),
            path=_REPOSITORY,
        ),
        Example.code(
            """
            from cpv3.core.db import SessionDep, SessionFactory

            async def rename(session: SessionDep, user_id: int, name: str):
                user = session.get(User, user_id)
                user.name = name

            async def purge():
                async with SessionFactory() as session:
                    if session.scalar(select(User.id)):
                        await session.commit()
            """,
            Expect(
                4,
                12,
                "session.get() is a coroutine of AsyncSession and is not awaited: write "
                "await session.get(...)",
            ),
            Expect(
                9,
                12,
                "session.scalar() is a coroutine of AsyncSession and is not awaited: write "
                "await session.scalar(...)",
            ),
            path=_SERVICE,
            extra=_DB,
            note="the session type comes from another file",
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._pending: List[_PendingCoroutine] = []

    def _message(self, shown: str) -> str:
        return (
            f"{shown}() is a coroutine of AsyncSession and is not awaited: write await {shown}(...)"
        )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        parent = ctx.ancestors[-1] if ctx.ancestors else None
        if isinstance(parent, cst.Await):
            return
        verdict = _unawaited_use(ctx, node)
        if verdict is None:
            return
        found = _awaitable_call(ctx, node)
        if found is None:
            return
        shown, condition = found
        if verdict == "report":
            _report(self, node, self._message(shown), condition)
        elif ctx.function is not None:
            self._pending.append(
                _PendingCoroutine(verdict, id(ctx.function), node, self._message(shown), condition)
            )

    def visit_Name(self, node: cst.Name) -> None:
        if not self._pending:
            return
        ctx = self.ctx
        parent = ctx.ancestors[-1] if ctx.ancestors else None
        if isinstance(parent, cst.AssignTarget):
            return  # a rebinding, not a use
        for pending in self._pending:
            if pending.name != node.value or pending.used:
                continue
            bug = (isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is node) or (
                isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node
            )
            if bug:
                _report(self, pending.node, pending.message, pending.condition)
            pending.used = True

    def function_end(self, node: cst.FunctionDef) -> None:
        keep: List[_PendingCoroutine] = []
        for pending in self._pending:
            if pending.function != id(node):
                keep.append(pending)
            elif not pending.used:
                _report(self, pending.node, pending.message, pending.condition)
        self._pending = keep

    def visit_Await(self, node: cst.Await) -> None:
        call = node.expression
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return
        if call.func.attr.value not in SYNC_METHODS:
            return
        condition = session_condition(self.ctx, call.func.value, ASYNC_SESSION)
        if condition is None:
            return
        _report(
            self,
            node,
            f"{self.ctx.code_for(call.func)}() is a plain method of AsyncSession (it returns "
            "None): call it without await",
            condition,
        )


# -- SA011 ---------------------------------------------------------------------------------------


class SyncRepositoryMethod(FileRule):
    """## What it checks
    A function or method in `repository.py` declared with `def` that uses the result of a
    coroutine method of an `AsyncSession` (a typed receiver, see CNF506: `execute`, `scalars`,
    `get`, `flush`, ...) as if it had run: a bare call, `list(session.scalars(...))`, a result
    attribute (the uses CNF510 reports).

    ## Why
    A plain `def` cannot await: the session call produces a coroutine that never runs, and the
    method returns before anything reached the database. Repository methods that use the session
    are `async def`. A plain method that only calls `session.add()`, hands the session on, or
    returns the coroutine for its caller to await is not reported.

    ## Example
    ```python
    class UserRepository:
        def __init__(self, session: AsyncSession) -> None:
            self.session = session

        def save(self, user: User) -> None:
            self.session.add(user)
            self.session.flush()
    ```

    ## Use instead
    ```python
        async def save(self, user: User) -> None:
            self.session.add(user)
            await self.session.flush()
    ```

    ## Fix
    None.

    ## Options
    `roles.repository`, `async-session-classes`.
    """

    code = "CNF511"
    name = "sync-repository-method"
    summary = "repository method declared def uses an AsyncSession"
    fix_hint = "declare it async def and await the session calls"
    catalog = "SA011"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession

            class UserRepository:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session

                def stage(self, user) -> None:
                    self.session.add(user)

                def fetch(self, user_id: int):
                    return self.session.get(User, user_id)

                async def get(self, user_id: int):
                    return await self.session.get(User, user_id)
            """,
            path=_REPOSITORY,
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.core.db import SessionDep

            class UserRepository:
                def __init__(self, session: SessionDep) -> None:
                    self.session = session

                def save(self, user) -> None:
                    self.session.add(user)
                    self.session.flush()

            def ids(session: SessionDep):
                return list(session.scalars(select(User.id)))
            """,
            Expect(
                7,
                9,
                "repository method save() is declared def but calls AsyncSession coroutines: "
                "declare it async def and await them",
            ),
            Expect(
                11,
                5,
                "repository method ids() is declared def but calls AsyncSession coroutines: "
                "declare it async def and await them",
            ),
            path=_REPOSITORY,
            extra=_DB,
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._uses: Dict[int, List[Condition]] = {}

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.role != "repository" or ctx.function is None:
            return
        if ctx.function.asynchronous is not None:
            return
        if _unawaited_use(ctx, node) != "report":
            return  # a returned or handed-on coroutine is fine (the caller awaits it)
        found = _awaitable_call(ctx, node)
        if found is not None:
            self._uses.setdefault(id(ctx.function), []).append(found[1])

    def function_end(self, node: cst.FunctionDef) -> None:
        uses = self._uses.pop(id(node), [])
        if not uses or node.asynchronous is not None:
            return
        if node.name.value.startswith("__"):
            return
        unique: List[Condition] = []
        for condition in uses:
            if condition not in unique:
                unique.append(condition)
        condition = unique[0] if len(unique) == 1 else AnyOf(tuple(unique))
        if any(isinstance(c, Certain) for c in unique):
            condition = Certain()
        _report(
            self,
            node.name,
            f"repository method {node.name.value}() is declared def but calls AsyncSession "
            "coroutines: declare it async def and await them",
            condition,
        )


# -- SA012 ---------------------------------------------------------------------------------------

_SYNC_PERSISTENCE = SYNC_ENGINE_FACTORIES | SYNC_SESSIONMAKERS | frozenset(SYNC_SESSION_CLASSES)


class SyncPersistenceInModule(FileRule):
    """## What it checks
    Synchronous persistence inside a module package (`cpv3/modules/*`): calls of `create_engine()`,
    `sessionmaker()` (including the pre-2.0 `sessionmaker(class_=AsyncSession)`),
    `scoped_session()` or `Session(...)`, and `async def` parameters annotated with the synchronous
    `Session`. Files outside module packages (scripts, Alembic, tooling) may use a sync engine on
    purpose and are not checked. A synchronous `Session` in a plain `def` passed to
    `AsyncSession.run_sync()` is fine.

    ## Why
    The modules run on the event loop: a synchronous engine blocks it for the whole round trip to
    the database, stalling every other request.

    ## Example
    ```python
    # cpv3/modules/users/repository.py
    engine = create_engine(settings.database_url)
    Session = sessionmaker(engine)
    ```

    ## Use instead
    `create_async_engine()` and `async_sessionmaker()` in `cpv3/core/db.py`, and an injected
    `AsyncSession`.

    ## Fix
    None.

    ## Options
    `modules`.
    """

    code = "CNF512"
    name = "sync-persistence-in-module"
    summary = "synchronous engine or Session in a module package"
    fix_hint = "use create_async_engine, async_sessionmaker and an injected AsyncSession"
    catalog = "SA012"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import Session

            engine = create_engine("sqlite://")

            def seed():
                with Session(engine) as session:
                    session.commit()
            """,
            path="cpv3/core/seed.py",
            note="outside module packages",
        ),
        Example.code(
            """
            from sqlalchemy.ext.asyncio import AsyncSession
            from sqlalchemy.orm import Session

            def _rename(session: Session) -> None:
                session.flush()

            async def rename(session: AsyncSession) -> None:
                await session.run_sync(_rename)
            """,
            path=_REPOSITORY,
            note="a sync Session in a run_sync callback",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa
            from sqlalchemy.ext.asyncio import AsyncSession
            from sqlalchemy.orm import Session as S, sessionmaker

            engine = sa.create_engine("postgresql://db/app")
            Factory = sessionmaker(engine, class_=AsyncSession)

            async def active(session: S):
                return session.scalars(select(User))
            """,
            Expect(
                5,
                10,
                "sa.create_engine() makes a synchronous engine in module 'users', which blocks "
                "the event loop: use create_async_engine() (sqlalchemy.ext.asyncio)",
            ),
            Expect(
                6,
                11,
                "sessionmaker(class_=AsyncSession) is the pre-2.0 spelling: use "
                "async_sessionmaker() (sqlalchemy.ext.asyncio)",
            ),
            Expect(
                8,
                27,
                "parameter session of async def active() is a synchronous Session, which blocks "
                "the event loop: inject an AsyncSession",
            ),
            path=_REPOSITORY,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.feature is None:
            return
        name = ctx.call_name(node)
        if name not in _SYNC_PERSISTENCE:
            return
        shown = ctx.code_for(node.func)
        feature = ctx.feature
        if name in SYNC_SESSIONMAKERS:
            cls = _keyword(node, "class_")
            if cls is not None and ctx.qualname(cls.value) in ASYNC_SESSION_CLASSES:
                self.report(
                    node,
                    f"{shown}(class_=AsyncSession) is the pre-2.0 spelling: use "
                    "async_sessionmaker() (sqlalchemy.ext.asyncio)",
                )
                return
            message = (
                f"{shown}() makes synchronous sessions in module '{feature}', which block the "
                "event loop: use async_sessionmaker() (sqlalchemy.ext.asyncio)"
            )
        elif name in SYNC_ENGINE_FACTORIES:
            message = (
                f"{shown}() makes a synchronous engine in module '{feature}', which blocks the "
                "event loop: use create_async_engine() (sqlalchemy.ext.asyncio)"
            )
        else:
            message = (
                f"{shown}() opens a synchronous Session in module '{feature}', which blocks the "
                "event loop: use an injected AsyncSession"
            )
        self.report(node, message)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        if ctx.feature is None or node.asynchronous is None:
            return
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is None:
                continue
            typed = ctx.annotation_type(param.annotation.annotation)
            if typed is None or not (typed in SYNC_SESSION_CLASSES or ctx.is_project_name(typed)):
                continue
            self.report(
                param.annotation.annotation,
                f"parameter {param.name.value} of async def {node.name.value}() is a synchronous "
                "Session, which blocks the event loop: inject an AsyncSession",
                when=IsKind(typed, SYNC_SESSION),
            )


# -- SA013 ---------------------------------------------------------------------------------------


class ExpireOnCommit(FileRule):
    """## What it checks
    `async_sessionmaker(...)` or `AsyncSession(...)` called without `expire_on_commit=`.

    ## Why
    By default a commit expires every loaded object; the next attribute read reloads it, which on
    an `AsyncSession` is implicit I/O outside an `await` and fails with `MissingGreenlet` (typically
    when a route returns the object it just committed).

    ## Example
    ```python
    SessionFactory = async_sessionmaker(engine)
    ```

    ## Use instead
    ```python
    SessionFactory = async_sessionmaker(engine, expire_on_commit=False)
    ```

    ## Fix
    Unsafe (one-line calls): adds `expire_on_commit=False`, which changes expiry behaviour for code
    that relies on reloading after a commit.

    ## Options
    None. Opt-in: select `CNF513`.
    """

    code = "CNF513"
    name = "async-session-expire-on-commit"
    summary = "AsyncSession factory without expire_on_commit=False"
    fix_hint = "pass expire_on_commit=False"
    catalog = "SA013"
    default = False
    fix = FixSafety.UNSAFE
    VALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import async_sessionmaker

            Factory = async_sessionmaker(engine, expire_on_commit=False)
            Other = async_sessionmaker(**options)
            """,
            path="cpv3/core/db.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy.ext.asyncio import async_sessionmaker as maker

            Factory = maker(engine)
            """,
            Expect(
                3,
                11,
                "maker() leaves expire_on_commit on: attributes read after commit() reload "
                "implicitly (MissingGreenlet on an AsyncSession): pass expire_on_commit=False",
            ),
            path="cpv3/core/db.py",
            fixed="""
            from sqlalchemy.ext.asyncio import async_sessionmaker as maker

            Factory = maker(engine, expire_on_commit=False)
            """,
            unsafe=True,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        name = ctx.call_name(node)
        if name not in ASYNC_SESSIONMAKERS and name not in ASYNC_SESSION_CLASSES:
            return
        if name is not None and name.endswith("async_scoped_session"):
            return
        if _keyword(node, "expire_on_commit") is not None or _has_star_kwargs(node):
            return
        replacement: Optional[cst.Call] = None
        if "\n" not in ctx.code_for(node):
            new_arg = cst.Arg(
                keyword=cst.Name("expire_on_commit"),
                value=cst.Name("False"),
                equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""),
                    whitespace_after=cst.SimpleWhitespace(""),
                ),
            )
            args = list(node.args)
            if args:
                last = args[-1]
                if isinstance(last.comma, cst.Comma):
                    args.append(new_arg)
                else:
                    args[-1] = last.with_changes(
                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                    )
                    args.append(new_arg)
            else:
                args.append(new_arg)
            replacement = node.with_changes(args=args)
        self.report(
            node,
            f"{ctx.code_for(node.func)}() leaves expire_on_commit on: attributes read after "
            "commit() reload implicitly (MissingGreenlet on an AsyncSession): pass "
            "expire_on_commit=False",
            replacement=replacement,
        )


# -- SA014 ---------------------------------------------------------------------------------------


class RelationshipWithoutLoading(FileRule):
    """## What it checks
    A `relationship()` in an ORM class with no `lazy=` strategy, when the class does not inherit
    `AsyncAttrs` and no `selectinload`/`joinedload`/`subqueryload`/`immediateload` anywhere in the
    project names an attribute of that name.

    ## Why
    The default strategy (`lazy="select"`) loads on attribute access: on an `AsyncSession` that is
    implicit I/O and fails with `MissingGreenlet`. A strategy on the relationship (`"selectin"`,
    `"raise"`), eager loading at the query, or `AsyncAttrs.awaitable_attrs` makes the loading
    explicit.

    ## Example
    ```python
    orders: Mapped[List["Order"]] = relationship(back_populates="user")
    ```

    ## Use instead
    ```python
    orders: Mapped[List["Order"]] = relationship(back_populates="user", lazy="raise")
    ```
    and `select(User).options(selectinload(User.orders))` where the orders are needed.

    ## Fix
    None.

    ## Options
    None. Opt-in (heuristic: eager loading is matched by attribute name): select `CNF514`.
    """

    code = "CNF514"
    name = "relationship-implicit-lazy-load"
    summary = "relationship() that loads lazily on an AsyncSession"
    fix_hint = 'set lazy="raise" or "selectin", or load it with selectinload() at the query'
    catalog = "SA014"
    default = False
    VALID = (
        Example.code(
            """
            from typing import List

            from sqlalchemy.orm import Mapped, relationship

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                orders: Mapped[List["Order"]] = relationship(back_populates="user", lazy="raise")
                tags: Mapped[List["Tag"]] = relationship()
            """,
            path=_MODELS,
            extra={
                **_BASE,
                _REPOSITORY: "from sqlalchemy import select\nfrom sqlalchemy.orm import "
                "selectinload\n\nstmt = select(User).options(selectinload(User.tags))\n",
            },
            note="tags are eager-loaded in another file",
        ),
        Example.code(
            """
            from typing import List

            from sqlalchemy.ext.asyncio import AsyncAttrs
            from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

            class Base(AsyncAttrs, DeclarativeBase):
                pass

            class User(Base):
                __tablename__ = "users"
                orders: Mapped[List["Order"]] = relationship()
            """,
            path=_MODELS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import List

            from sqlalchemy.orm import Mapped, relationship

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                orders: Mapped[List["Order"]] = relationship(back_populates="user")
            """,
            Expect(
                9,
                37,
                "relationship orders of User loads lazily on first access (MissingGreenlet on an "
                'AsyncSession): set lazy="raise" or "selectin", or load it with selectinload()',
            ),
            path=_MODELS,
            extra=_BASE,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        func = node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        name = ctx.call_name(node)
        short = name.rpartition(".")[2] if name in LOADER_OPTIONS else method
        if short in EAGER_LOADERS and node.args:
            target = node.args[0].value
            if isinstance(target, cst.Attribute):
                ctx.add_extra(_EAGER_KEY, target.attr.value)

    def _check(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        found = _assigned_calls(ctx, node)
        if found is None:
            return
        attr, _, call = found
        if ctx.call_name(call) not in RELATIONSHIP:
            return
        if _keyword(call, "lazy") is not None or _has_star_kwargs(call):
            return
        assert ctx.class_def is not None
        cls = ctx.resolver.current.qualname
        self.report(
            call,
            f"relationship {attr} of {ctx.class_def.name.value} loads lazily on first access "
            '(MissingGreenlet on an AsyncSession): set lazy="raise" or "selectin", or load it '
            "with selectinload()",
            when=AllOf(
                (
                    _orm_condition(ctx),
                    Not(HasMarkedBase(cls, "sqlalchemy.async-attrs", tuple(sorted(ASYNC_ATTRS)))),
                    NotEagerLoaded(attr),
                )
            ),
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        self._check(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._check(node)


# -- SA015 ---------------------------------------------------------------------------------------


class DynamicRelationship(FileRule):
    """## What it checks
    `lazy="dynamic"` passed to `relationship()` or `backref()`, and `dynamic_loader()`.

    ## Why
    The dynamic loader is superseded in 2.0 by the write-only loader, and it does not work with
    asyncio at all: its `AppenderQuery` runs queries implicitly on iteration.

    ## Example
    ```python
    orders = relationship("Order", lazy="dynamic")
    ```

    ## Use instead
    ```python
    orders: WriteOnlyMapped["Order"] = relationship()
    # then: await session.scalars(user.orders.select().where(...))
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF515"
    name = "dynamic-relationship"
    summary = 'relationship(lazy="dynamic")'
    fix_hint = 'use WriteOnlyMapped[...] (lazy="write_only") and query it with .select()'
    catalog = "SA015"
    VALID = (
        Example.code(
            """
            from sqlalchemy.orm import WriteOnlyMapped, relationship

            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
                orders: WriteOnlyMapped["Order"] = relationship()

            settings = dict(lazy="dynamic")
            """,
            path=_MODELS,
            extra=_BASE,
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy.orm as so

            orders = so.relationship("Order", lazy="dynamic")
            """,
            Expect(
                3,
                40,
                'lazy="dynamic" is superseded and does not work with asyncio: declare the '
                'attribute WriteOnlyMapped[...] (lazy="write_only") and query it with .select()',
            ),
            path=_MODELS,
        ),
    )

    _MESSAGE = (
        'lazy="dynamic" is superseded and does not work with asyncio: declare the attribute '
        'WriteOnlyMapped[...] (lazy="write_only") and query it with .select()'
    )

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.call_name(node)
        if name in DYNAMIC_LOADER:
            self.report(node, self._MESSAGE)
            return
        if name not in RELATIONSHIP and name not in BACKREF:
            return
        arg = _keyword(node, "lazy")
        if arg is not None and _string_value(arg.value) == "dynamic":
            self.report(arg.value, self._MESSAGE)


# -- SA016 ---------------------------------------------------------------------------------------


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


class SharedSessionConcurrency(FileRule):
    """## What it checks
    `asyncio.gather(...)` whose awaitables use the same `AsyncSession` (a typed receiver, see
    CNF506): passed to two or more of the calls (`gather(repo.a(session), repo.b(session))`), the
    receiver of two or more (`gather(session.execute(a), session.execute(b))`), or used by a
    comprehension (`gather(*[load(session, i) for i in ids])`).

    ## Why
    An `AsyncSession` is not safe for concurrent use: concurrent tasks interleave on its one
    connection and fail with "This session is provisioning a new connection; concurrent operations
    are not permitted" or worse, corrupt its state.

    ## Example
    ```python
    users, orders = await asyncio.gather(users_repo.count(session), orders_repo.count(session))
    ```

    ## Use instead
    Await them one after another, or give each task its own session from the
    `async_sessionmaker`.

    ## Fix
    None.

    ## Options
    `async-session-classes`.
    """

    code = "CNF516"
    name = "shared-session-concurrency"
    summary = "one AsyncSession shared by concurrent tasks"
    fix_hint = "await the calls in sequence, or give each task its own session"
    catalog = "SA016"
    VALID = (
        Example.code(
            """
            import asyncio

            from cpv3.core.db import SessionFactory

            async def load(ids):
                async def one(i):
                    async with SessionFactory() as session:
                        return await session.get(User, i)

                return await asyncio.gather(*[one(i) for i in ids])

            async def both(client):
                return await asyncio.gather(client.get("a"), client.get("b"))
            """,
            path=_SERVICE,
            extra=_DB,
        ),
    )
    INVALID = (
        Example.code(
            """
            import asyncio as aio

            from sqlalchemy.ext.asyncio import AsyncSession

            async def dashboard(session: AsyncSession, users, orders, ids):
                await aio.gather(users.count(session), orders.count(session))
                await aio.gather(*(users.get(session, i) for i in ids))
            """,
            Expect(
                6,
                11,
                "aio.gather() runs 2 tasks on the same AsyncSession session, which is not safe "
                "for concurrent use: await them one after another, or give each task its own "
                "session",
            ),
            Expect(
                7,
                11,
                "aio.gather() runs many tasks on the same AsyncSession session, which is not "
                "safe for concurrent use: await them one after another, or give each task its "
                "own session",
            ),
            path=_SERVICE,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.call_name(node) not in GATHER:
            return
        users: Dict[str, List[cst.BaseExpression]] = {}
        many: Dict[str, bool] = {}
        for arg in node.args:
            if arg.keyword is not None:
                continue
            value = arg.value
            if arg.star == "*" and isinstance(value, (cst.ListComp, cst.GeneratorExp)):
                if isinstance(value.elt, cst.Call):
                    for expr in _task_operands(value.elt):
                        key = ctx.code_for(expr)
                        users.setdefault(key, []).extend([expr, expr])
                        many[key] = True
                continue
            if arg.star or not isinstance(value, cst.Call):
                continue
            seen = set()
            for expr in _task_operands(value):
                key = ctx.code_for(expr)
                if key not in seen:
                    seen.add(key)
                    users.setdefault(key, []).append(expr)
        for key, exprs in users.items():
            if len(exprs) < 2:
                continue
            condition = session_condition(ctx, exprs[0], ASYNC_SESSION)
            if condition is None:
                continue
            count = "many" if many.get(key) else str(len(exprs))
            _report(
                self,
                node,
                f"{ctx.code_for(node.func)}() runs {count} tasks on the same AsyncSession "
                f"{key}, which is not safe for concurrent use: await them one after another, "
                "or give each task its own session",
                condition,
            )


# -- SA017 ---------------------------------------------------------------------------------------


def _chain_root(expr: cst.BaseExpression) -> cst.BaseExpression:
    """The innermost call of a method chain: ``select(A)`` in ``select(A).where(x).join``."""
    while (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Attribute)
        and isinstance(expr.func.value, cst.Call)
    ):
        expr = expr.func.value
    return expr


class StringLoaderPath(FileRule):
    """## What it checks
    A relationship or column named by a string in a loader option (`joinedload("items")`,
    `selectinload`, `subqueryload`, `lazyload`, `raiseload`, `noload`, `immediateload`,
    `defaultload`, `contains_eager`, `defer`, `undefer`, `load_only`, also chained:
    `joinedload(Order.items).joinedload("product")`), or in `.join("items")`/`.outerjoin(...)` on a
    `select()` chain or a typed session's `query()`. The wildcard `"*"` stays allowed.

    ## Why
    SQLAlchemy 2.0 removed string attribute names from loader options and joins: they raise
    `ArgumentError` when the statement is built.

    ## Example
    ```python
    stmt = select(Order).options(joinedload("items"))
    ```

    ## Use instead
    ```python
    stmt = select(Order).options(joinedload(Order.items))
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF517"
    name = "string-loader-path"
    summary = "attribute named by a string in a loader option or join"
    fix_hint = "pass the mapped attribute, e.g. joinedload(Order.items)"
    catalog = "SA017"
    VALID = (
        Example.code(
            """
            from sqlalchemy import select
            from sqlalchemy.orm import joinedload, raiseload

            stmt = select(Order).options(joinedload(Order.items), raiseload("*"))
            parts = "a,b".join("items")
            """,
            path=_REPOSITORY,
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy import orm, select

            stmt = (
                select(Order)
                .join("user")
                .options(orm.joinedload(Order.items).joinedload("product"), orm.load_only("id"))
            )
            """,
            Expect(
                5,
                11,
                '.join("user") names the relationship by a string, removed in SQLAlchemy 2.0: '
                "pass the attribute, as in .join(Parent.user)",
            ),
            Expect(
                6,
                53,
                'joinedload("product") names the attribute by a string, removed in SQLAlchemy '
                "2.0: pass the attribute, as in joinedload(Parent.product)",
            ),
            Expect(
                6,
                79,
                'load_only("id") names the attribute by a string, removed in SQLAlchemy '
                "2.0: pass the attribute, as in load_only(Parent.id)",
            ),
            path=_REPOSITORY,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        name = ctx.call_name(node)
        func = node.func
        if name in LOADER_OPTIONS:
            self._strings(node, name.rpartition(".")[2])
            return
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        root = _chain_root(func.value)
        if not isinstance(root, cst.Call):
            return
        root_name = ctx.call_name(root)
        if method in _LOADERS and (root_name in LOADER_OPTIONS or root_name in LOAD_CLASS):
            self._strings(node, method)
            return
        if method not in ("join", "outerjoin") or not node.args:
            return
        first = node.args[0]
        value = _string_value(first.value) if first.keyword is None else None
        if value is None:
            return
        message = (
            f'.{method}("{value}") names the relationship by a string, removed in SQLAlchemy '
            f"2.0: pass the attribute, as in .{method}(Parent.{value})"
        )
        if root_name in SELECT:
            self.report(first.value, message)
            return
        root_func = root.func
        if isinstance(root_func, cst.Attribute) and root_func.attr.value == "query":
            parts = [
                c
                for c in (
                    session_condition(ctx, root_func.value, ASYNC_SESSION),
                    session_condition(ctx, root_func.value, SYNC_SESSION),
                )
                if c is not None
            ]
            if parts:
                _report(
                    self,
                    first.value,
                    message,
                    parts[0] if len(parts) == 1 else AnyOf(tuple(parts)),
                )

    def _strings(self, node: cst.Call, loader: str) -> None:
        for arg in node.args:
            if arg.keyword is not None or arg.star:
                continue
            value = _string_value(arg.value)
            if value is None or value == "*" or value.endswith(".*"):
                continue
            self.report(
                arg.value,
                f'{loader}("{value}") names the attribute by a string, removed in SQLAlchemy '
                f"2.0: pass the attribute, as in {loader}(Parent.{value.rpartition('.')[2]})",
            )
