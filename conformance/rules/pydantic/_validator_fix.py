"""The v1 `@validator` -> v2 `@field_validator` conversion shared by CNF410 (the function) and
CNF413 (the fields of an `always=True` validator): both compute the same plan, so a validator is
converted exactly when its fields get `validate_default=True`, in the same round of `--fix`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from conformance.rules.pydantic._common import (
    _CLASSMETHOD,
    _FIELD,
    _FIELD_VALIDATOR,
    _OPTIONAL,
    _STATICMETHOD,
    _has_decorator,
    _implies_none_default,
    _is_name,
    _keyword_arg,
    _kwarg,
    _local_name,
    _positional_params,
    _pydantic_name,
    _small_statements,
    _string,
    _with_args,
)

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst

_VALIDATION_INFO = frozenset(
    {"pydantic.ValidationInfo", "pydantic_core.core_schema.ValidationInfo"}
)


@dataclass(frozen=True)
class ValidatorPlan:
    """How one `@validator` converts: the new decorator arguments, whether the function reads
    `values` (then `info.data`), whether it has `always=True`, and the fields of an `always`
    validator that still need `validate_default=True` (name, statement in the class body).

    The order is what keeps v1's behaviour whatever rules are selected: CNF413 first adds
    `validate_default=True` to the fields (harmless while the v1 decorator stays), and CNF410
    converts an `always` validator only once no field is pending, in the next round."""

    args: Tuple[cst.Arg, ...]
    reads_values: bool
    #: a ``**kwargs`` the body never uses (v1 passed ``field``/``config`` through it): dropped
    drops_kwargs: bool
    always: bool
    pending: Tuple[Tuple[str, cst.AnnAssign], ...]
    #: fields of an ``always`` validator declared by a base class of the same file that need
    #: ``validate_default=True``: (name, the base class, the statement there). v2 sets that
    #: flag on a field, not on a validator: the fix redeclares the field in this class (a
    #: redeclared field keeps the position it has in the base, so ``info.data`` stays the same).
    inherited: Tuple[Tuple[str, str, cst.AnnAssign], ...] = ()
    #: the body passes ``values, **kwargs`` on to ``super().<same name>(...)``, a validator of a
    #: same-file base that takes ``values`` too (converted alike): the call then passes ``info``
    forwards: bool = False

    @property
    def rewrites_function(self) -> bool:
        return self.reads_values or self.drops_kwargs

    @property
    def waiting(self) -> bool:
        """Whether fields still need ``validate_default=True`` before the decorator converts."""
        return bool(self.pending or self.inherited)

    @property
    def unsafe(self) -> bool:
        return self.reads_values or self.always


def validator_plan(
    ctx: FileContext, node: cst.FunctionDef, call: Optional[cst.Call]
) -> Optional[ValidatorPlan]:
    """The conversion of ``@validator(...)`` on ``node``, or None when it is not mechanical
    (``each_item``, ``field``/``config`` parameters, ``*``-fields with ``always``, a field the
    class body does not declare, a body that rebinds ``values`` or already uses ``info``)."""
    if call is None or not call.args:
        return None
    params = node.params
    positional = _positional_params(node)
    if (
        len(positional) not in (2, 3)
        or positional[0].name.value != "cls"
        or params.posonly_params
        or params.kwonly_params
        or isinstance(params.star_arg, cst.Param)
        or any(p.default is not None for p in positional)
        or _has_decorator(ctx, node, _STATICMETHOD)
    ):
        return None
    reads_values = len(positional) == 3
    if reads_values and positional[2].name.value != "values":
        return None
    kwargs = params.star_kwarg
    unused: List[str] = (["info"] if reads_values else []) + ([kwargs.name.value] if kwargs else [])
    forwards = False
    if unused and not _rebinds_nothing(node, ("values" if reads_values else "", *unused)):
        forwards = (
            reads_values
            and kwargs is not None
            and _rebinds_nothing(node, ("values", "info"))
            and _only_forwards(ctx, node, kwargs.name.value)
        )
        if not forwards:
            return None
    args: List[cst.Arg] = []
    fields: List[str] = []
    always = False
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            name = _string(arg.value)
            if name is None:
                return None
            fields.append(name)
            args.append(arg)
            continue
        keyword = arg.keyword.value
        if keyword in ("pre", "always"):
            if _is_name(arg.value, "True"):
                if keyword == "pre":
                    args.append(_keyword_arg("mode", cst.SimpleString('"before"')))
                else:
                    always = True
            elif not _is_name(arg.value, "False"):
                return None
        elif keyword == "allow_reuse":
            continue
        elif keyword == "check_fields":
            args.append(arg)
        else:
            return None
    pending: List[Tuple[str, cst.AnnAssign]] = []
    inherited: List[Tuple[str, str, cst.AnnAssign]] = []
    if always:
        declared = _declared_fields(ctx.class_def)
        for name in fields:
            if name in declared:
                if field_with_validate_default(ctx, declared[name])[0] is not None:
                    pending.append((name, declared[name]))
                continue
            found = inherited_field(ctx, ctx.class_def, name)
            if found is None:
                return None  # "*", or a field of a base class in another file
            if field_with_validate_default(ctx, found[1])[0] is not None:
                inherited.append((name, found[0], found[1]))
    return ValidatorPlan(
        tuple(args),
        reads_values,
        kwargs is not None,
        always,
        tuple(pending),
        tuple(inherited),
        forwards,
    )


def _only_forwards(ctx: FileContext, node: cst.FunctionDef, kwargs: str) -> bool:
    """Whether every read of ``kwargs`` in the body is the ``**kwargs`` of a
    ``super().<node's name>(..., values, **kwargs)`` call, and that method is a validator of a
    base class in the same file whose third parameter is ``values`` (or already ``info``)."""
    counter = _walkers()[2](node.name.value, kwargs)
    node.body.visit(counter)
    if counter.calls == 0 or counter.names != counter.forwarded:
        return False
    module = ctx.ancestors[0] if ctx.ancestors else None
    class_def = ctx.class_def
    if class_def is None or not isinstance(module, cst.Module):
        return False
    classes = {s.name.value: s for s in module.body if isinstance(s, cst.ClassDef)}
    for base in class_def.bases:
        if not isinstance(base.value, cst.Name) or base.value.value not in classes:
            return False
        for statement in _body_of(classes[base.value.value]):
            if isinstance(statement, cst.FunctionDef) and statement.name.value == node.name.value:
                positional = _positional_params(statement)
                return len(positional) == 3 and positional[2].name.value in ("values", "info")
    return False


def _body_of(node: cst.ClassDef) -> Sequence[cst.BaseStatement]:
    return node.body.body if isinstance(node.body, cst.IndentedBlock) else ()


def inherited_field(
    ctx: FileContext, class_def: Optional[cst.ClassDef], name: str
) -> Optional[Tuple[str, cst.AnnAssign]]:
    """(base class name, statement) of the field ``name`` that ``class_def`` inherits from a
    class defined at the top level of the same file, searched in v1's order (the bases left to
    right, each with its own bases), or None (a base in another file, or no such field)."""
    module = ctx.ancestors[0] if ctx.ancestors else None
    if class_def is None or not isinstance(module, cst.Module):
        return None
    classes = {s.name.value: s for s in module.body if isinstance(s, cst.ClassDef)}
    seen: List[str] = []

    def search(node: cst.ClassDef) -> Optional[Tuple[str, cst.AnnAssign]]:
        for base in node.bases:
            if base.keyword is not None or not isinstance(base.value, cst.Name):
                continue
            base_name = base.value.value
            binding = ctx.module_bindings().get(base_name)
            if base_name in seen or base_name not in classes:
                continue
            if binding is None or binding.kind != "class":
                continue
            seen.append(base_name)
            declared = _declared_fields(classes[base_name])
            if name in declared:
                return base_name, declared[name]
            deeper = search(classes[base_name])
            if deeper is not None:
                return deeper
        return None

    return search(class_def)


def converted_function(
    ctx: FileContext,
    node: cst.FunctionDef,
    decorator: cst.Decorator,
    call: cst.Call,
    plan: ValidatorPlan,
) -> Tuple[Any, Tuple[Tuple[str, Optional[str]], ...]]:
    """(the replacement, the imports it needs): the new decorator (with ``@classmethod``), or,
    when the function reads ``values``, the whole function with ``info: ValidationInfo`` and
    ``info.data`` in place of ``values``."""
    imports: List[Tuple[str, Optional[str]]] = []
    func = call.func
    if isinstance(func, cst.Attribute):
        new_func: cst.BaseExpression = func.with_changes(attr=cst.Name("field_validator"))
    else:
        local = _local_name(ctx, _FIELD_VALIDATOR, "")
        if not local:
            imports.append(("pydantic", "field_validator"))
        new_func = cst.Name(local or "field_validator")
    new_decorator = decorator.with_changes(
        decorator=_with_args(call.with_changes(func=new_func), plan.args)
    )
    classmethod = cst.Decorator(cst.Name("classmethod"))
    has_classmethod = _has_decorator(ctx, node, _CLASSMETHOD)
    if not plan.rewrites_function:
        if has_classmethod:
            return new_decorator, tuple(imports)
        return cst.FlattenSentinel([new_decorator, classmethod]), tuple(imports)
    decorators: List[cst.Decorator] = []
    for existing in node.decorators:
        if existing is decorator:
            decorators.append(new_decorator)
            if not has_classmethod:
                decorators.append(classmethod)
        else:
            decorators.append(existing)
    positional = list(node.params.params)
    body: Any = node.body
    if plan.reads_values:
        info, info_imports = _pydantic_name(ctx, _VALIDATION_INFO, "ValidationInfo")
        imports.extend(info_imports)
        positional[2] = positional[2].with_changes(
            name=cst.Name("info"), annotation=cst.Annotation(info)
        )
        body = body.visit(_walkers()[1]())
        if plan.forwards:
            assert node.params.star_kwarg is not None and isinstance(
                node.params.star_kwarg, cst.Param
            )
            body = body.visit(_walkers()[3](node.name.value, node.params.star_kwarg.name.value))
    new_params = node.params.with_changes(params=positional)
    if plan.drops_kwargs:
        positional[-1] = positional[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        new_params = node.params.with_changes(params=positional, star_kwarg=None)
    function = node.with_changes(decorators=decorators, params=new_params, body=body)
    return function, tuple(imports)


def field_with_validate_default(
    ctx: FileContext, statement: cst.AnnAssign
) -> Tuple[Optional[cst.AnnAssign], Tuple[Tuple[str, Optional[str]], ...]]:
    """The field's statement with ``validate_default=True`` (None: nothing to add: a required
    field, or one that already has it), and the imports it needs."""
    value = statement.value
    implied_none = _implies_none_default(ctx, statement.annotation.annotation)
    validate = _keyword_arg("validate_default", cst.Name("True"))
    if not implied_none and _defaults_to_none(ctx, value):
        # v1 made `x: X = None` Optional[X]; v2 validating that default needs it written out
        if isinstance(value, cst.Call) and _kwarg(value, "validate_default") is not None:
            return None, ()
        optional, optional_imports = _optional_name(ctx)
        wrapped = cst.Subscript(
            value=optional,
            slice=[cst.SubscriptElement(cst.Index(statement.annotation.annotation))],
        )
        statement = statement.with_changes(
            annotation=statement.annotation.with_changes(annotation=wrapped)
        )
        fixed, imports = field_with_validate_default(ctx, statement)
        return fixed, (*optional_imports, *imports)
    if isinstance(value, cst.Call) and ctx.call_name(value) in _FIELD:
        if _kwarg(value, "validate_default") is not None:
            return None, ()
        args = list(value.args)
        has_default = any(a.keyword is None and not a.star for a in args) or any(
            _kwarg(value, k) is not None for k in ("default", "default_factory")
        )
        if not has_default:
            if not implied_none:
                return None, ()  # required in v1 too: no default to validate
            args.insert(0, cst.Arg(cst.Name("None")))
        return statement.with_changes(value=_with_args(value, [*args, validate])), ()
    if value is None and not implied_none:
        return None, ()
    func, imports = _pydantic_name(ctx, _FIELD, "Field")
    default = value if value is not None else cst.Name("None")
    call = cst.Call(func=func, args=[cst.Arg(default), validate])
    equal: Union[cst.AssignEqual, cst.MaybeSentinel] = statement.equal
    if value is None:
        equal = cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(" "), whitespace_after=cst.SimpleWhitespace(" ")
        )
    return statement.with_changes(value=_with_args(call, call.args), equal=equal), imports


def _defaults_to_none(ctx: FileContext, value: Optional[cst.BaseExpression]) -> bool:
    """Whether the field's default is the literal None (``= None``, ``Field(None)``,
    ``Field(default=None)``)."""
    if _is_name(value, "None"):
        return True
    if isinstance(value, cst.Call) and ctx.call_name(value) in _FIELD:
        default = _kwarg(value, "default")
        if default is None and value.args and value.args[0].keyword is None:
            default = value.args[0]
        return default is not None and not default.star and _is_name(default.value, "None")
    return False


def _optional_name(
    ctx: FileContext,
) -> Tuple[cst.BaseExpression, Tuple[Tuple[str, Optional[str]], ...]]:
    local = _local_name(ctx, _OPTIONAL, "")
    if local:
        return cst.Name(local), ()
    return cst.Name("Optional"), (("typing", "Optional"),)


def _declared_fields(class_def: Optional[cst.ClassDef]) -> Dict[str, cst.AnnAssign]:
    if class_def is None:
        return {}
    out: Dict[str, cst.AnnAssign] = {}
    for small in _small_statements(class_def):
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            out[small.target.value] = small
    return out


def _rebinds_nothing(node: cst.FunctionDef, names: Tuple[str, ...]) -> bool:
    """Whether the body never binds nor reads ``names[1:]`` and never rebinds ``names[0]`` (an
    assignment, a nested function's parameter, a loop or comprehension target, global/nonlocal):
    the rename of ``values`` to ``info.data`` is then exact. Only run for validators that take
    ``values``, where a fix is being built."""
    finder = _walkers()[0](names)
    node.body.visit(finder)
    return not finder.found


def _walkers() -> Tuple[Any, Any, Any, Any]:
    """The visitor and transformer classes, defined on first use: subclassing a libcst class at
    import time would import libcst on runs that never parse (a warm cache)."""
    global _WALKERS
    if _WALKERS is None:

        class _Binds(cst.CSTVisitor):
            def __init__(self, names: Tuple[str, ...]) -> None:
                super().__init__()
                self.names = names
                self.found = False

            def visit_Name(self, node: cst.Name) -> None:
                if node.value in self.names[1:]:
                    self.found = True

            def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
                self._target(node.target)

            def visit_AugAssign(self, node: cst.AugAssign) -> None:
                self._target(node.target)

            def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
                self._target(node.target)

            def visit_For(self, node: cst.For) -> None:
                self._target(node.target)

            def visit_CompFor(self, node: cst.CompFor) -> None:
                self._target(node.target)

            def visit_AsName(self, node: cst.AsName) -> None:
                self._target(node.name)

            def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
                self._target(node.target)

            def visit_Param(self, node: cst.Param) -> None:
                self._target(node.name)

            def visit_Global(self, node: cst.Global) -> None:
                self.found = self.found or any(n.name.value == self.names[0] for n in node.names)

            def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
                self.found = self.found or any(n.name.value == self.names[0] for n in node.names)

            def _target(self, target: cst.BaseExpression) -> None:
                if isinstance(target, cst.Name) and target.value == self.names[0]:
                    self.found = True
                elif isinstance(target, (cst.Tuple, cst.List)):
                    for element in target.elements:
                        self._target(element.value)
                elif isinstance(target, cst.StarredElement):
                    self._target(target.value)

        class _ValuesToInfoData(cst.CSTTransformer):
            """``values`` -> ``info.data`` wherever it is read (attribute names and keywords are not
            ``Name`` reads and stay)."""

            def leave_Attribute(
                self, original: cst.Attribute, updated: cst.Attribute
            ) -> cst.Attribute:
                return updated.with_changes(attr=original.attr)

            def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
                return updated.with_changes(keyword=original.keyword)

            def leave_Name(self, original: cst.Name, updated: cst.Name) -> Any:
                if original.value == "values":
                    return cst.Attribute(value=cst.Name("info"), attr=cst.Name("data"))
                return updated

        def _is_super_call(call: cst.Call, name: str) -> bool:
            func = call.func
            return (
                isinstance(func, cst.Attribute)
                and func.attr.value == name
                and isinstance(func.value, cst.Call)
                and isinstance(func.value.func, cst.Name)
                and func.value.func.value == "super"
                and not func.value.args
            )

        class _Forwards(cst.CSTVisitor):
            """Counts the reads of ``kwargs`` and those that are the ``**kwargs`` of a
            ``super().name(..., values, **kwargs)`` call."""

            def __init__(self, name: str, kwargs: str) -> None:
                super().__init__()
                self.name, self.kwargs = name, kwargs
                self.names = self.forwarded = self.calls = 0

            def visit_Name(self, node: cst.Name) -> None:
                if node.value == self.kwargs:
                    self.names += 1

            def visit_Call(self, node: cst.Call) -> None:
                if not _is_super_call(node, self.name):
                    return
                if not any(_is_name(a.value, "values") and not a.star for a in node.args):
                    return
                self.calls += 1
                self.forwarded += sum(
                    1 for a in node.args if a.star == "**" and _is_name(a.value, self.kwargs)
                )

        class _ForwardInfo(cst.CSTTransformer):
            """In ``super().name(...)``: ``info.data`` (was ``values``) -> ``info``, and the
            ``**kwargs`` dropped (v2 passes no ``field``/``config``)."""

            def __init__(self, name: str, kwargs: str) -> None:
                super().__init__()
                self.name, self.kwargs = name, kwargs

            def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
                if not _is_super_call(original, self.name):
                    return updated
                args = []
                for arg in updated.args:
                    if arg.star == "**" and _is_name(arg.value, self.kwargs):
                        continue
                    value = arg.value
                    if (
                        isinstance(value, cst.Attribute)
                        and _is_name(value.value, "info")
                        and value.attr.value == "data"
                    ):
                        arg = arg.with_changes(value=cst.Name("info"))
                    args.append(arg)
                if args:
                    args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                return updated.with_changes(args=args)

        _WALKERS = (_Binds, _ValuesToInfoData, _Forwards, _ForwardInfo)
    return _WALKERS


_WALKERS: Optional[Tuple[Any, Any, Any, Any]] = None
