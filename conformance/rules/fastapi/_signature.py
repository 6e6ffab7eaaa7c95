"""Parameter signatures of routes and providers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Dict,
    List,
    Optional,
    Set,
)

from conformance.rules.base import FileRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import (
    DEPENDS,
    _all_params,
    _annotated_parts,
    _enclosing_param,
    _has_star,
    _in_annotation,
    _keyword,
    _marker,
    _string_value,
)


@dataclass
class _Signature:
    names: List[str]
    deps: List[str]
    aliases: List[str]
    open: bool


def signature_of(ctx: FileContext, node: cst.FunctionDef, skip_first: bool) -> _Signature:
    """Parameter names and dependencies of a function (``open``: something cannot be followed:
    ``**kwargs``, an unresolvable dependency, an ``alias=`` on a parameter marker)."""
    out = _Signature([], [], [], False)
    params = _all_params(node)
    if skip_first and params:
        params = params[1:]
    if isinstance(node.params.star_kwarg, cst.Param):
        out.open = True
    for param in params:
        out.names.append(param.name.value)
        calls: List[cst.Call] = []
        if isinstance(param.default, cst.Call) and _marker(ctx, param.default):
            calls.append(param.default)
        parts = _annotated_parts(ctx, param.annotation)
        if parts is not None:
            calls.extend(e for e in parts[1][1:] if isinstance(e, cst.Call) and _marker(ctx, e))
        elif param.annotation is not None:
            annotation = param.annotation.annotation
            if isinstance(annotation, (cst.Name, cst.Attribute)):
                name = ctx.qualname(annotation)
                if name is None:
                    out.open = True
                elif not name.startswith("builtins."):
                    out.aliases.append(name)
            elif isinstance(annotation, (cst.SimpleString, cst.ConcatenatedString)):
                out.open = True
        for call in calls:
            marker = ctx.call_name(call)
            if marker in DEPENDS:
                target: Optional[str]
                if call.args and call.args[0].keyword is None:
                    value = call.args[0].value
                    target = (
                        ctx.qualname(value)
                        if isinstance(value, (cst.Name, cst.Attribute))
                        else None
                    )
                else:
                    first = (
                        parts[1][0]
                        if parts is not None
                        else (param.annotation.annotation if param.annotation is not None else None)
                    )
                    target = ctx.annotation_type(first)
                if target is None:
                    out.open = True
                else:
                    out.deps.append(target)
            elif _keyword(call, "alias") is not None or _has_star(call):
                out.open = True
    return out


class _Recorder(FileRule):
    """Shared base of the rules that need cross-file facts: the first such rule of a file records
    them (once per file, whichever rules are selected)."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        owner = ctx.memo("fastapi.recorder", lambda: self)
        self.records = owner is self
        self._attr_refs: Set[str] = set()
        self._signed: Dict[int, str] = {}  # id of a function whose signature is recorded -> name

    def _record_call(self, node: cst.Call) -> None:
        """The shape of a call to a project function, or of a method call by name: how many
        positional arguments, which keywords, whether ``*``/``**`` hide the rest (CNF305 asks
        whether callers pass a ``Depends`` parameter themselves)."""
        ctx = self.ctx
        func = node.func
        name = ctx.qualname(func) if isinstance(func, (cst.Name, cst.Attribute)) else None
        if name is not None and ctx.is_project_name(name):
            key = name
        elif isinstance(func, cst.Attribute):
            key = "." + func.attr.value
        else:
            return
        positional = sum(1 for a in node.args if a.keyword is None and not a.star)
        keywords = tuple(sorted(a.keyword.value for a in node.args if a.keyword is not None))
        starred = any(a.star for a in node.args)
        ctx.add_extra("fastapi.calls", (key, positional, keywords, starred))

    def visit_Call(self, node: cst.Call) -> None:
        if not self.records:
            return
        ctx = self.ctx
        if ctx.call_name(node) not in DEPENDS:
            self._record_call(node)
            return
        if node.args and node.args[0].keyword is None and not node.args[0].star:
            value = node.args[0].value
            name = ctx.qualname(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
            if name is not None:
                ctx.add_extra("fastapi.providers", name)
            elif isinstance(value, cst.Name):
                ctx.add_extra("fastapi.unresolved", value.value)
            elif isinstance(value, cst.Attribute):
                ctx.add_extra("fastapi.unresolved", value.attr.value)
        elif not node.args:
            param = _enclosing_param(ctx)
            if param is not None and param.annotation is not None:
                parts = _annotated_parts(ctx, param.annotation)
                first = parts[1][0] if parts is not None else param.annotation.annotation
                typed = ctx.annotation_type(first)
                if typed is not None:
                    ctx.add_extra("fastapi.providers", typed)

    def _reference(self, node: cst.BaseExpression) -> None:
        parent = self.ctx.parent
        if isinstance(parent, cst.Attribute):
            return  # the outer attribute of the chain is the reference
        if isinstance(parent, cst.Call) and parent.func is node:
            return
        if isinstance(node, cst.Attribute):
            self._attr_refs.add(node.attr.value)
        name = self.ctx.qualname(node)
        if name is None or not self.ctx.is_project_name(name):
            return
        self.ctx.add_extra("fastapi.refs", name)
        if not _in_annotation(self.ctx):
            self.ctx.add_extra("fastapi.value_refs", name)

    def visit_Name(self, node: cst.Name) -> None:
        if self.records:
            self._reference(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self.records:
            self._reference(node)
            if node.attr.value == "path_params":
                self._record_path_params(node)

    def _record_path_params(self, node: cst.Attribute) -> None:
        """``request.path_params`` read in a function whose signature is recorded (in a function
        nested in it too): the function takes the path parameter it names without declaring it
        (``fastapi.path_params``: function, the literal name, or None when the read names no
        literal: ``.get(key)``, iterated, passed on)."""
        ctx = self.ctx
        function = next(
            (
                self._signed[id(a)]
                for a in ctx.ancestors
                if isinstance(a, cst.FunctionDef) and id(a) in self._signed
            ),
            None,
        )
        if function is None:
            return
        parent = ctx.parent
        key: Optional[cst.BaseExpression] = None
        if isinstance(parent, cst.Subscript) and parent.value is node and len(parent.slice) == 1:
            index = parent.slice[0].slice
            key = index.value if isinstance(index, cst.Index) else None
        elif isinstance(parent, cst.Attribute) and parent.attr.value == "get":
            ancestors = ctx.ancestors
            call = ancestors[-2] if len(ancestors) >= 2 else None
            if isinstance(call, cst.Call) and call.func is parent and call.args:
                key = call.args[0].value if call.args[0].keyword is None else None
        name = _string_value(key)
        ctx.add_extra("fastapi.path_params", (function, name))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self.records or self.ctx.in_function:
            return
        in_class = self.ctx.class_def is not None
        signature = signature_of(self.ctx, node, skip_first=in_class)
        qualname = self.ctx.definition_qualname(node.name.value)
        self._signed[id(node)] = qualname
        self.ctx.add_extra(
            "fastapi.signatures",
            (
                qualname,
                tuple(signature.names),
                tuple(signature.deps),
                tuple(signature.aliases),
                signature.open,
            ),
        )

    def finish(self) -> None:
        if self.records and self._attr_refs:
            self.ctx.add_extra("fastapi.attr_refs", tuple(sorted(self._attr_refs)))
