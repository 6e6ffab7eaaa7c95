"""Facts from syntax: the imports, classes, functions and aliases one file defines.

Pure functions over libcst nodes and a :class:`~conformance.scope.Resolver`; the walker calls them
at the right moment of its traversal (a class's fact once its body was walked, module aliases once
every import is bound) and the context keeps what they return.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple, Union

import libcst as cst

from conformance.facts import AliasFact, ClassFact, FunctionFact, ImportFact
from conformance.names import DEPENDS
from conformance.scope import Resolver, Scope, absolute_module, bind_targets, dotted


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


def import_facts(
    node: Union[cst.Import, cst.ImportFrom],
    module: str,
    is_package: bool,
    *,
    type_only: bool,
    deferred: bool,
) -> List[ImportFact]:
    """The imports an ``Import``/``ImportFrom`` statement of ``module`` makes, resolved to absolute
    names (relative imports anchored at the package, ``from pkg import submodule`` kept as
    ``pkg.submodule``: the index decides whether that is a module or an attribute)."""
    flags = _ImportFlags(type_only, deferred)
    out: List[ImportFact] = []
    if isinstance(node, cst.Import):
        for alias in node.names:
            name = dotted(alias.name)
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
    else:
        level = len(node.relative)
        named = dotted(node.module) if node.module is not None else None
        base = absolute_module(module, is_package, level, named)
        if isinstance(node.names, cst.ImportStar):
            out.append(flags.fact(base, "*", f"{base}.*", None))
        else:
            for alias in node.names:
                if not isinstance(alias.name, cst.Name):
                    continue
                name = alias.name.value
                target = f"{base}.{name}" if base else name
                out.append(flags.fact(base, name, target, _as_name(alias) or name))
    return out


def dynamic_import(call: cst.Call, callee: Optional[str]) -> Optional[str]:
    """The module a literal ``importlib.import_module("x")`` / ``__import__("x")`` imports."""
    if callee not in ("importlib.import_module", "builtins.__import__") or not call.args:
        return None
    first = call.args[0].value
    if not isinstance(first, cst.SimpleString):
        return None
    target = first.evaluated_value
    if not isinstance(target, str) or target.startswith("."):
        return None
    return target


def _as_name(alias: cst.ImportAlias) -> Optional[str]:
    if alias.asname is None:
        return None
    name = alias.asname.name
    return name.value if isinstance(name, cst.Name) else None


def module_statements(body: Sequence[cst.CSTNode]) -> List[cst.CSTNode]:
    """Module-level statements, looking into if/try/with/for blocks (still module level)."""
    out: List[cst.CSTNode] = []
    stack = list(reversed(body))
    while stack:
        statement = stack.pop()
        out.append(statement)
        blocks: List[cst.CSTNode] = []
        if isinstance(statement, (cst.If, cst.While, cst.For, cst.With)):
            blocks.append(statement.body)
            orelse = None if isinstance(statement, cst.With) else statement.orelse
            if orelse is not None:
                blocks.append(orelse)
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


#: ``except`` types after which a binding is the fallback for a missing or older dependency
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def import_fallbacks(statements: Sequence[cst.CSTNode]) -> Dict[int, FrozenSet[str]]:
    """The bindings that yield to a ``try`` body's: id of a binding node (an import, an
    assignment, a def or a class) in an ``except ImportError:`` handler -> the names its ``try``
    body binds. ``try: from pydantic.v1 import X`` / ``except ImportError: from pydantic import X``
    means the first X wherever the dependency is the one the project is written for; the handler
    is for other versions, so a name it rebinds keeps the ``try`` body's meaning. ``statements``
    are looked into like module statements (if/try/with/for blocks, not functions)."""
    out: Dict[int, FrozenSet[str]] = {}
    for statement in module_statements(statements):
        if not isinstance(statement, (cst.Try, cst.TryStar)):
            continue
        bound = frozenset(name for _, name in _bindings(statement.body))
        if not bound:
            continue
        for handler in statement.handlers:
            if not _catches_import_error(handler.type):
                continue
            for node, name in _bindings(handler.body):
                if name in bound:
                    out[id(node)] = bound
    return out


def _catches_import_error(kind: Optional[cst.BaseExpression]) -> bool:
    names = kind.elements if isinstance(kind, cst.Tuple) else ([] if kind is None else [kind])
    for element in names:
        value = element.value if isinstance(element, cst.Element) else element
        path = dotted(value) if isinstance(value, cst.BaseExpression) else None
        if path is not None and path.rpartition(".")[2] in _IMPORT_ERRORS:
            return True
    return False


def _bindings(suite: cst.BaseSuite) -> Iterator[Tuple[cst.CSTNode, str]]:
    """(binding node, name) for the names the statements of ``suite`` bind."""
    body: Sequence[cst.CSTNode] = (
        suite.body
        if isinstance(suite, cst.IndentedBlock)
        else [cst.SimpleStatementLine(body=suite.body)]
        if isinstance(suite, cst.SimpleStatementSuite)
        else []
    )
    for statement in module_statements(body):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            yield statement, statement.name.value
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                if isinstance(small.names, cst.ImportStar):
                    continue
                for alias in small.names:
                    bound = _as_name(alias)
                    name = dotted(alias.name)
                    if bound or name:
                        yield small, bound or str(name).split(".", 1)[0]
            elif isinstance(small, cst.Assign):
                for name, _ in bind_targets(t.target for t in small.targets):
                    yield small, name
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                yield small, small.target.value


def module_aliases(
    body: Sequence[cst.CSTNode],
    module: str,
    resolver: Resolver,
    fallbacks: Optional[Dict[int, FrozenSet[str]]] = None,
) -> List[AliasFact]:
    """``X = Y``, ``X = Annotated[...]`` and ``X = f()`` at module level (asked after the walk,
    so that every import is bound). Not the ``fallbacks`` (see :func:`import_fallbacks`)."""
    out: List[AliasFact] = []
    fallbacks = fallbacks or {}
    for statement in module_statements(body):
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
            if name is None or value is None or name in fallbacks.get(id(small), ()):
                continue
            alias = _alias_fact(resolver, f"{module}.{name}", value)
            if alias is not None:
                out.append(alias)
    return out


_NEW_TYPE = frozenset({"typing.NewType", "typing_extensions.NewType"})


def _alias_fact(
    resolver: Resolver, qualname: str, value: cst.BaseExpression
) -> Optional[AliasFact]:
    if isinstance(value, cst.Name) and value.value in ("None", "True", "False"):
        # a constant, not an alias: ``except ImportError: X = None`` must not hide the import
        return None
    if isinstance(value, (cst.Name, cst.Attribute)):
        target = resolver.qualname(value)
        return AliasFact(qualname, "name", target) if target else None
    if isinstance(value, cst.Call):
        target = resolver.qualname(value.func)
        if target in _NEW_TYPE and len(value.args) == 2 and value.args[1].keyword is None:
            # ``AsyncSession = NewType("AsyncSession", AsyncReadSession)``: the type checker's
            # view (a name for the same class), which is what annotations with it mean
            base = resolver.annotation_type(value.args[1].value)
            return AliasFact(qualname, "type", base) if base else None
        return AliasFact(qualname, "call", target) if target else None
    if isinstance(value, (cst.Subscript, cst.BinaryOperation)):
        target = resolver.annotation_type(value)
        depends = _annotated_provider(resolver, value)
        if target is None and depends is None:
            return None
        return AliasFact(qualname, "type", target, depends)
    return None


def _annotated_provider(resolver: Resolver, value: cst.BaseExpression) -> Optional[str]:
    """``p`` in ``Annotated[T, Depends(p)]``."""
    if not isinstance(value, cst.Subscript):
        return None
    for element in value.slice[1:]:
        inner = element.slice
        if isinstance(inner, cst.Index) and isinstance(inner.value, cst.Call):
            call = inner.value
            if resolver.qualname(call.func) in DEPENDS and call.args:
                return resolver.qualname(call.args[0].value)
    return None


def function_fact(
    node: cst.FunctionDef, qualname: str, resolver: Resolver, *, is_generator: bool
) -> FunctionFact:
    """A module-level function or a method (asked in the scope the definition sits in)."""
    decorators = tuple(
        q
        for q in (
            resolver.qualname(
                d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator
            )
            for d in node.decorators
        )
        if q
    )
    return FunctionFact(
        qualname=qualname,
        is_async=node.asynchronous is not None,
        returns=resolver.annotation_type(node.returns.annotation) if node.returns else None,
        is_generator=is_generator,
        decorators=decorators,
        returns_class=_class_returned(node.returns.annotation, resolver) if node.returns else None,
    )


_TYPE_OF = frozenset({"builtins.type", "typing.Type", "typing_extensions.Type"})


def _class_returned(annotation: cst.BaseExpression, resolver: Resolver) -> Optional[str]:
    """X of a ``type[X]`` return annotation: the function makes classes, not instances."""
    if isinstance(annotation, cst.Subscript) and resolver.qualname(annotation.value) in _TYPE_OF:
        elements = [e.slice.value for e in annotation.slice if isinstance(e.slice, cst.Index)]
        if len(elements) == 1:
            return resolver.annotation_type(elements[0])
    return None


def class_fact(
    node: cst.ClassDef,
    qualname: str,
    resolver: Resolver,
    scope: Scope,
    methods: Sequence[FunctionFact],
) -> ClassFact:
    """A class, once its body was walked (``scope`` holds the ``self.x`` types it learnt)."""
    bases: List[str] = []
    for arg in node.bases:
        value = arg.value
        if isinstance(value, cst.Subscript):
            value = value.value
        bases.append(resolver.qualname(value) or "?")
    keywords = tuple(
        (arg.keyword.value, resolver.qualname(arg.value) or "?")
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
                typed = resolver.annotation_type(small.annotation.annotation)
                if typed:
                    attributes.append((small.target.value, typed))
    learnt: Dict[str, str] = scope.attributes or {}
    for name, typed in sorted(learnt.items()):
        if all(name != existing for existing, _ in attributes):
            attributes.append((name, typed))
    return ClassFact(
        qualname=qualname,
        bases=tuple(bases),
        keywords=keywords,
        has_tablename=has_tablename,
        methods=tuple(methods),
        attributes=tuple(attributes),
    )
