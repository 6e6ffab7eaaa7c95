"""The v1 ``class Config: fields = {name: {"include": True}, ...}`` -> v2 ``Field(exclude=True)``
conversion of CNF404: v1 exported only the listed fields; v2 has no such key, so every *other*
field gets ``exclude=True`` (redeclared in the class when a base class of the same file declares
it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Set, Tuple

from conformance.rules.pydantic._common import (
    _FIELD,
    _MODEL_BASES,
    _VALIDATOR,
    _assigned_name,
    _body,
    _implies_none_default,
    _inner_classes,
    _is_name,
    _keyword_arg,
    _kwarg,
    _pydantic_name,
    _string,
    _with_args,
)

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst

Imports = Tuple[Tuple[str, Optional[str]], ...]


def include_fix(
    ctx: FileContext, node: cst.ClassDef
) -> Optional[Tuple[cst.CSTNode, cst.ClassDef, Imports, int]]:
    """(the ``fields`` entry, the converted class, imports, how many fields are left out) when
    ``node``'s ``class Config`` holds ``fields`` with only ``{"include": True}`` entries, written
    out, and every field of the class hierarchy is declared in this file; else None."""
    configs = _inner_classes(node, "Config")
    if len(configs) != 1:
        return None
    config = configs[0]
    entry: Optional[cst.Assign] = None
    for statement in _body(config):
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if _assigned_name(small) == "fields" and isinstance(small, cst.Assign):
                    if entry is not None or len(statement.body) != 1:
                        return None
                    entry = small
    if entry is None:
        return None
    included = _included(entry.value)
    fields = _hierarchy_fields(ctx, node)
    if not included or fields is None:
        return None
    latest: Dict[str, Tuple[cst.AnnAssign, cst.ClassDef]] = {}
    for name, declared, owner in fields:  # the most derived declaration wins, as in v1
        latest[name] = (declared, owner)
    replaced: Dict[int, cst.AnnAssign] = {}
    added: List[cst.BaseStatement] = []
    imports: List[Tuple[str, Optional[str]]] = []
    for name, (declared, owner) in latest.items():
        if name in included:
            continue
        excluded, needed = _with_exclude(ctx, declared)
        if excluded is None:
            continue
        imports.extend(needed)
        if owner is node:
            replaced[id(declared)] = excluded
        else:
            added.append(
                cst.SimpleStatementLine(
                    body=[excluded.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)]
                )
            )
    if not replaced and not added:
        return None
    body: List[cst.BaseStatement] = []
    for statement in _body(node):
        if statement is config:
            body.extend(added)
            kept = [s for s in _body(config) if not _holds(s, entry)]
            if kept:
                body.append(config.with_changes(body=config.body.with_changes(body=kept)))
            continue
        if isinstance(statement, cst.SimpleStatementLine):
            statement = statement.with_changes(
                body=[replaced.get(id(small), small) for small in statement.body]
            )
        body.append(statement)
    assert isinstance(node.body, cst.IndentedBlock)
    converted = node.with_changes(body=node.body.with_changes(body=body))
    return entry, converted, tuple(dict.fromkeys(imports)), len(replaced) + len(added)


def _holds(statement: cst.BaseStatement, entry: cst.Assign) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        small is entry for small in statement.body
    )


def _included(value: cst.BaseExpression) -> Set[str]:
    """The names of ``{name: {"include": True}, ...}`` or ``{f: {"include": True} for f in
    [names]}``; empty when the value is anything else."""

    def is_include(item: cst.BaseExpression) -> bool:
        return (
            isinstance(item, cst.Dict)
            and len(item.elements) == 1
            and isinstance(item.elements[0], cst.DictElement)
            and _string(item.elements[0].key) == "include"
            and _is_name(item.elements[0].value, "True")
        )

    names: Set[str] = set()
    if isinstance(value, cst.DictComp):
        comp = value.for_in
        if (
            not is_include(value.value)
            or not isinstance(value.key, cst.Name)
            or not isinstance(comp.target, cst.Name)
            or comp.target.value != value.key.value
            or comp.ifs
            or comp.inner_for_in is not None
            or not isinstance(comp.iter, (cst.List, cst.Tuple, cst.Set))
        ):
            return set()
        for element in comp.iter.elements:
            name = _string(element.value)
            if name is None:
                return set()
            names.add(name)
        return names
    if isinstance(value, cst.Dict):
        for entry in value.elements:
            if not isinstance(entry, cst.DictElement) or not is_include(entry.value):
                return set()
            name = _string(entry.key)
            if name is None:
                return set()
            names.add(name)
    return names


def _hierarchy_fields(
    ctx: FileContext, node: cst.ClassDef
) -> Optional[List[Tuple[str, cst.AnnAssign, cst.ClassDef]]]:
    """Every field of ``node`` and its bases, base classes first (name, statement, the class that
    declares it); None when a base is neither ``BaseModel`` nor a top-level class of this file."""
    module = ctx.ancestors[0] if ctx.ancestors else None
    if not isinstance(module, cst.Module):
        return None
    classes = {s.name.value: s for s in module.body if isinstance(s, cst.ClassDef)}
    out: List[Tuple[str, cst.AnnAssign, cst.ClassDef]] = []

    def walk(cls: cst.ClassDef, depth: int) -> bool:
        if depth > 20:
            return False
        for base in cls.bases:
            if base.keyword is not None:
                return False
            if ctx.qualname(base.value) in _MODEL_BASES:
                continue
            if not isinstance(base.value, cst.Name) or base.value.value not in classes:
                return False
            if not walk(classes[base.value.value], depth + 1):
                return False
        for statement in _body(cls):
            if isinstance(statement, cst.FunctionDef) and _always_validator(ctx, statement):
                return False  # CNF413 first: a redeclared field must copy its validate_default
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        out.append((small.target.value, small, cls))
        return True

    return out if walk(node, 0) else None


def _always_validator(ctx: FileContext, node: cst.FunctionDef) -> bool:
    for decorator in node.decorators:
        call = decorator.decorator
        if (
            isinstance(call, cst.Call)
            and ctx.qualname(call.func) in _VALIDATOR
            and _kwarg(call, "always") is not None
        ):
            return True
    return False


def _with_exclude(
    ctx: FileContext, statement: cst.AnnAssign
) -> Tuple[Optional[cst.AnnAssign], Imports]:
    """The field statement with ``exclude=True`` (None when it has an ``exclude`` already)."""
    exclude = _keyword_arg("exclude", cst.Name("True"))
    value = statement.value
    if isinstance(value, cst.Call) and ctx.call_name(value) in _FIELD:
        if _kwarg(value, "exclude") is not None:
            return None, ()
        return statement.with_changes(value=_with_args(value, [*value.args, exclude])), ()
    func, imports = _pydantic_name(ctx, _FIELD, "Field")
    if value is None and _implies_none_default(ctx, statement.annotation.annotation):
        value = cst.Name("None")
    args = [cst.Arg(value), exclude] if value is not None else [exclude]
    call = cst.Call(func=func, args=args)
    return (
        statement.with_changes(
            value=_with_args(call, call.args),
            equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(" "),
                whitespace_after=cst.SimpleWhitespace(" "),
            ),
        ),
        imports,
    )
