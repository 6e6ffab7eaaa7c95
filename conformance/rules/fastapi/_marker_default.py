"""The logic CNF301 and CNF317 share: a FastAPI marker as a parameter default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Dict, FrozenSet, List, Optional, Tuple

from conformance.conditions import Not
from conformance.diagnostics import FixSafety
from conformance.rules.base import FileRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._built_in_route import route_builds
from conformance.rules.fastapi._common import (
    DEPENDS,
    PARAM_MARKERS,
    _all_params,
    _annotated,
    _annotated_name,
    _annotated_parts,
    _has_comment,
    _keyword,
    _marker,
    _marker_default,
    _order_valid,
    _short,
    _without_arg,
)

#: the code reporting each kind of marker: dependencies (CNF301) and parameter markers (CNF317)
DEPENDS_CODE = "CNF301"
PARAM_CODE = "CNF317"

#: the longest literal default the help line spells out (longer ones: "after `=`")
_SHOWN_LITERAL = 30


def _code_of(marker: str) -> str:
    return DEPENDS_CODE if marker in DEPENDS else PARAM_CODE


class MarkerDefault(FileRule):
    """A parameter whose default is one of ``markers``; the fix moves it into ``Annotated``.

    Both codes look at every marker of the signature: the fix of one parameter is only valid
    when the parameter order stays valid, which depends on which of the two codes also rewrite
    their parameters in this run."""

    markers: ClassVar[FrozenSet[str]] = frozenset()

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._pending: Dict[int, List[_Pending]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        fixes: Dict[int, bool] = {}
        found: List[Tuple[cst.Param, str, cst.Call, Optional[cst.BaseExpression]]] = []
        for param in _all_params(node):
            marker = _marker(ctx, param.default)
            if marker is None or not isinstance(param.default, cst.Call):
                continue
            rewritten = ctx.is_selected(_code_of(marker))
            parts = _annotated_parts(ctx, param.annotation)
            if parts is not None and any(_marker(ctx, e) for e in parts[1][1:]):
                continue  # both places: CNF314
            call = param.default
            literal: Optional[cst.BaseExpression] = None
            if marker in PARAM_MARKERS:
                _, literal = _marker_default(call)
            # the others keep their default (not fixable, or their code does not run): the
            # order check sees it
            if rewritten and _fixable(param, call):
                fixes[id(param)] = literal is not None
            if marker in self.markers:
                found.append((param, marker, call, literal))
        if not found:
            return
        order_ok = _order_valid(node, fixes)
        kwonly = {id(p) for p in node.params.kwonly_params}
        annotated, missing = _annotated_name(ctx)
        for param, marker, call, literal in found:
            name = param.name.value
            short = _short(marker)
            message = f"parameter '{name}' has {short}(...) as its default"
            hint = _hint(ctx, param, short, literal)
            replacement: Optional[cst.Param] = None
            safety: Optional[FixSafety] = None
            if param.annotation is not None and _fixable(param, call):
                marker_call = call
                default_arg, _ = (None, None)
                if marker in PARAM_MARKERS:
                    default_arg, _ = _marker_default(call)
                if default_arg is not None:
                    marker_call = _without_arg(call, default_arg)
                new_annotation = param.annotation.with_changes(
                    annotation=_annotated(annotated, param.annotation.annotation, marker_call)
                )
                if literal is not None:
                    replacement = param.with_changes(annotation=new_annotation, default=literal)
                else:
                    replacement = param.with_changes(
                        annotation=new_annotation, default=None, equal=cst.MaybeSentinel.DEFAULT
                    )
                if literal is None and id(param) not in kwonly and not order_ok:
                    replacement = None  # a required parameter after a defaulted one: no fix
                safety = FixSafety.UNSAFE if _has_comment(ctx.code_for(call)) else FixSafety.SAFE
            needs = (("typing", "Annotated"),) if missing and replacement is not None else ()
            self._pending.setdefault(id(node), []).append(
                _Pending(param, message, hint, replacement, safety, needs, marker in DEPENDS)
            )

    def function_end(self, node: cst.FunctionDef) -> None:
        # reported after the body: a route building its service from the parameter (CNF306)
        # implies the Depends default, so the finding stands only where that is not the case
        pending = self._pending.pop(id(node), None)
        if not pending:
            return
        builds = route_builds(self.ctx)
        for found in pending:
            implied = (
                builds.implied_by(self.ctx, node, found.param.name.value) if found.depends else None
            )
            self.report(
                found.param,
                found.message,
                fix_hint=found.hint,
                when=Not(implied) if implied is not None else None,
                replacement=found.replacement,
                fix_safety=found.safety,
                imports=found.imports,
            )


@dataclass(frozen=True)
class _Pending:
    param: cst.Param
    message: str
    hint: str
    replacement: Optional[cst.Param]
    safety: Optional[FixSafety]
    imports: Tuple[Tuple[str, Optional[str]], ...]
    depends: bool


def _hint(
    ctx: FileContext, param: cst.Param, short: str, literal: Optional[cst.BaseExpression]
) -> str:
    """How this parameter is declared instead, spelled with its own name and type."""
    name = param.name.value
    if param.annotation is None:
        return f"give '{name}' a type and write `{name}: Annotated[<type>, {short}(...)]`"
    declared = f"{name}: Annotated[{ctx.code_for(param.annotation.annotation)}, {short}(...)]"
    if literal is None:
        return f"write `{declared}`"
    shown = ctx.code_for(literal)
    if len(shown) > _SHOWN_LITERAL or "\n" in shown:
        return f"write `{declared}` with the literal default after `=`"
    return f"write `{declared} = {shown}`"


def _fixable(param: cst.Param, call: cst.Call) -> bool:
    """Whether the fix can rewrite the parameter: it needs the type, and a ``default_factory``
    has no place in ``Annotated``."""
    return param.annotation is not None and _keyword(call, "default_factory") is None
