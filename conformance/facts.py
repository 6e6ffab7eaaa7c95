"""Per-file facts: what one file defines and imports, as small plain values.

The file pass extracts these once per file (in a worker, cached by content); the project index
merges them. Names are absolute dotted qualified names (``cpv3.modules.users.schemas.UserOut``,
``pydantic.BaseModel``); a name that could not be resolved is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Optional, Tuple

from conformance.diagnostics import Location


@dataclass(frozen=True)
class ImportFact:
    """One imported name (``from a.b import c as d`` gives target ``a.b.c``, bound as ``d``).

    ``module`` is the module the statement names (``a.b``); ``target`` is what the bound name refers
    to, which is a submodule or an attribute of ``module``: the index decides which by looking at the
    project's files. Star imports have ``name == "*"``.
    """

    module: str
    name: Optional[str]  # None for ``import a.b``
    target: str
    alias: Optional[str]  # the local name bound, None for star imports
    type_only: bool = False  # under ``if TYPE_CHECKING:``
    deferred: bool = False  # inside a function body
    dynamic: bool = False  # ``importlib.import_module("literal")`` / ``__import__("literal")``
    module_level: bool = True  # bound in the module namespace (re-exports follow these)
    location: Optional[Location] = None
    statement_line: Optional[int] = None
    #: in an ``except ImportError:`` handler whose ``try`` body binds the same name: the fallback
    #: for other versions of a dependency, while the ``try`` body's binding is the one in force
    fallback: bool = False


def import_bindings(imports: Iterable[ImportFact]) -> Dict[str, str]:
    """The module-level names ``imports`` bind (local name -> target), as the index reads them:
    the last import of a name wins, except a fallback, which never replaces the ``try`` body's."""
    out: Dict[str, str] = {}
    for imp in imports:
        if imp.module_level and imp.alias and not imp.dynamic:
            if imp.fallback:
                out.setdefault(imp.alias, imp.target)
            else:
                out[imp.alias] = imp.target
    return out


@dataclass(frozen=True)
class FunctionFact:
    """A function or method. ``returns`` is the qualified name of the return annotation's type
    (``Annotated``/``Optional`` unwrapped), when it resolves to a name."""

    qualname: str
    is_async: bool
    returns: Optional[str] = None
    is_generator: bool = False
    decorators: Tuple[str, ...] = ()
    #: the class of a class factory's ``-> type[X]`` (``Type[X]``) return annotation
    returns_class: Optional[str] = None


@dataclass(frozen=True)
class ClassFact:
    """A class definition with its bases resolved to qualified names (unresolvable bases are kept
    as ``"?"`` so the index knows the class has a base it cannot see through)."""

    qualname: str
    bases: Tuple[str, ...]
    keywords: Tuple[Tuple[str, str], ...] = ()  # (keyword, qualified value) e.g. ("metaclass", ...)
    has_tablename: bool = False
    methods: Tuple[FunctionFact, ...] = ()
    attributes: Tuple[Tuple[str, str], ...] = ()  # (attribute name, annotated type qualname)
    location: Optional[Location] = None


@dataclass(frozen=True)
class AliasFact:
    """A module-level ``NAME = <expr>`` whose value is a name, a type expression or a call.

    ``kind`` is ``"name"`` for ``X = Y`` (``target`` is Y), ``"type"`` for a type expression such as
    ``Annotated[T, Depends(p)]`` or ``Optional[T]`` (``target`` is T, ``depends`` is p), and
    ``"call"`` for ``X = f(...)`` (``target`` is f).
    """

    qualname: str
    kind: str
    target: Optional[str] = None
    depends: Optional[str] = None


@dataclass(frozen=True)
class FileFacts:
    """Everything the index needs from one file.

    ``extra`` lets a rule family keep facts of its own (key: ``"<family>.<what>"``, value: a tuple of
    plain values: strings, numbers, tuples) without touching this module;
    ``ProjectIndex.extra(key)`` gathers them.
    """

    path: str
    module: str  # dotted module name, ``pkg.sub`` for ``pkg/sub/__init__.py``
    is_package: bool
    imports: Tuple[ImportFact, ...] = ()
    classes: Tuple[ClassFact, ...] = ()
    functions: Tuple[FunctionFact, ...] = ()
    aliases: Tuple[AliasFact, ...] = ()
    names: Tuple[str, ...] = ()  # every module-level name bound in the file
    extra: Dict[str, Tuple[Any, ...]] = field(default_factory=dict)
