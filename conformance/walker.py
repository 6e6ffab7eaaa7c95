"""The traversal: one walk over a file's libcst tree that keeps the scopes, collects the facts and
calls every enabled rule's ``visit_<Node>``/``leave_<Node>`` hooks.

The walk is hand-written (libcst's own visitor costs more than the parse; see ``bench/``) and
iterative: an explicit stack instead of recursion, so that deep but valid code (a 500-branch
``elif``, a 300-call ``.where()`` chain) is checked like any other. Items on the stack are nodes
to enter and small tuples: the end of a node (its leave hooks) or a step of a scope-changing node
(a function's body starts once its decorators, parameters and annotation were walked outside it).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Dict, FrozenSet, List, Sequence, Tuple, Union

import libcst as cst

from conformance.collect import (
    class_fact,
    dynamic_import,
    function_fact,
    import_fallbacks,
    module_aliases,
    module_statements,
)
from conformance.context import FileContext, FileState
from conformance.facts import FunctionFact, ImportFact
from conformance.rules.base import FileRule
from conformance.scope import TYPE_CHECKING_NAMES, Binding, Scope, bind_targets, dotted

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

_PARAMETER_FIELDS = ("params", "star_arg", "kwonly_params", "star_kwarg", "posonly_params")

_FIELDS: Dict[type, Tuple[str, ...]] = {}


def _fields_of(kind: type) -> Tuple[str, ...]:
    found = _FIELD_OVERRIDES.get(kind)
    if found is None:
        found = tuple(
            f.name for f in dataclasses.fields(kind) if not f.name.startswith(_SKIP_PREFIXES)
        )
    _FIELDS[kind] = found
    return found


Hook = Callable[[Any], None]
_HOOKS: Dict[type, Tuple[Tuple[type, str, str], ...]] = {}


def _hooks_of(rule_class: type) -> Tuple[Tuple[type, str, str], ...]:
    """(node class, "visit"/"leave", method name) for each hook a rule class defines."""
    hooks = _HOOKS.get(rule_class)
    if hooks is not None:
        return hooks
    found: List[Tuple[type, str, str]] = []
    # the classes' own namespaces, not dir(): a fresh process asks this of every rule class
    names = sorted({name for klass in rule_class.__mro__ for name in vars(klass)})
    for attr in names:
        for prefix in ("visit_", "leave_"):
            if attr.startswith(prefix):
                node_class = getattr(cst, attr[len(prefix) :], None)
                if isinstance(node_class, type) and issubclass(node_class, cst.CSTNode):
                    found.append((node_class, prefix[:-1], attr))
    _HOOKS[rule_class] = tuple(found)
    return _HOOKS[rule_class]


def _overrides(rule: FileRule, method: str) -> bool:
    return getattr(type(rule), method) is not getattr(FileRule, method)


_STATEMENT_TYPES = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
_STATEMENT_KINDS: Dict[type, bool] = {}  # node class -> is a statement (isinstance, cached)

# What a field value is, by its class (cached: the walk asks for every field of every node).
_OTHER, _NODE, _SEQUENCE = 1, 2, 3
_SHAPES: Dict[type, int] = {}


def _shape_of(kind: type) -> int:
    # The class's MRO, not issubclass: CSTNode is an ABC, and its subclass check costs a
    # fresh process several milliseconds over the node classes of its first file.
    if cst.CSTNode in kind.__mro__:
        shape = _NODE
    elif issubclass(kind, (tuple, list)):
        shape = _SEQUENCE
    else:
        shape = _OTHER
    _SHAPES[kind] = shape
    return shape


def _child_nodes(node: cst.CSTNode, names: Sequence[str]) -> List[cst.CSTNode]:
    """The child nodes in the fields ``names`` of ``node``, in order."""
    out: List[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        # _shape_of(type) instead of isinstance: CSTNode is an ABC, whose isinstance check
        # costs a Python-level call per field of every node.
        shape = _SHAPES.get(type(value)) or _shape_of(type(value))
        if shape == _NODE:
            out.append(value)
        elif shape == _SEQUENCE:
            for item in value:
                if (_SHAPES.get(type(item)) or _shape_of(type(item))) == _NODE:
                    out.append(item)
    return out


#: The stack item that ends a node: (_LEAVE, node, the statement to restore or _KEEP).
_LEAVE = object()
_KEEP = object()

#: A stack item: a node to enter, an end marker, or a step (function, argument).
Item = Union[cst.CSTNode, Tuple[Any, ...]]


class Walker:
    """One traversal of one file: scopes, facts, and the rules' hooks."""

    def __init__(self, ctx: FileContext, state: FileState, rules: Sequence[FileRule]) -> None:
        self.ctx = ctx
        self.state = state
        self.resolver = state.resolver
        self.module = ctx.module
        self.visit: Dict[type, List[Hook]] = {}
        self.leave: Dict[type, List[Hook]] = {}
        for rule in rules:
            for node_class, kind, attr in _hooks_of(type(rule)):
                table = self.visit if kind == "visit" else self.leave
                table.setdefault(node_class, []).append(getattr(rule, attr))
        # Called at the end of a function's or class's body, while its scope is still active
        # (``leave_FunctionDef`` runs after the scope is gone).
        self.function_end: List[Hook] = [
            rule.function_end for rule in rules if _overrides(rule, "function_end")
        ]
        self.class_end: List[Hook] = [
            rule.class_end for rule in rules if _overrides(rule, "class_end")
        ]
        self.special: Dict[type, Callable[[Any], None]] = {
            cst.FunctionDef: self._function,
            cst.ClassDef: self._class,
            cst.If: self._if,
            cst.Import: self._record_imports,
            cst.ImportFrom: self._record_imports,
            cst.Lambda: self._lambda,
        }
        # What a node means for scopes and facts before its children are walked.
        self.extras: Dict[type, Callable[[Any], None]] = {
            cst.Yield: self._yield,
            cst.Call: self._call,
            cst.Assign: self._assign,
            cst.AnnAssign: self._ann_assign,
            cst.With: self._with,
            cst.Try: self._try,
            cst.TryStar: self._try,
        }
        self.stack: List[Item] = []
        self.methods: Dict[int, List[FunctionFact]] = {}  # class node id -> its method facts
        #: binding node id -> the names it leaves to its ``try`` body (collect.import_fallbacks)
        self.fallbacks: Dict[int, FrozenSet[str]] = {}

    def run(self, module: cst.Module) -> None:
        self._prebind_module(module.body)
        self._walk(module)
        self.state.alias_facts.extend(
            module_aliases(module.body, self.module, self.resolver, self.fallbacks)
        )

    # -- the walk -------------------------------------------------------------------------------

    def _walk(self, root: cst.CSTNode) -> None:
        state = self.state
        ancestors = state.ancestors
        visit, leave, special, extras = self.visit, self.leave, self.special, self.extras
        stack = self.stack
        stack.append(root)
        pop, push = stack.pop, stack.append
        while stack:
            item = pop()
            if isinstance(item, tuple):
                if item[0] is _LEAVE:
                    node = item[1]
                    ancestors.pop()
                    if item[2] is not _KEEP:
                        state.statement = item[2]
                    hooks = leave.get(type(node))
                    if hooks:
                        state.current = node
                        for hook in hooks:
                            hook(node)
                else:
                    item[0](item[1])
                continue
            node = item
            kind = type(node)
            hooks = visit.get(kind)
            if hooks:
                state.current = node
                for hook in hooks:
                    hook(node)
            is_statement = _STATEMENT_KINDS.get(kind)
            if is_statement is None:
                is_statement = _STATEMENT_KINDS[kind] = any(
                    base in kind.__mro__ for base in _STATEMENT_TYPES
                )
            if is_statement:
                push((_LEAVE, node, state.statement))
                state.statement = node
            else:
                push((_LEAVE, node, _KEEP))
            ancestors.append(node)
            handler = special.get(kind)
            if handler is not None:
                handler(node)
                continue
            extra = extras.get(kind)
            if extra is not None:
                extra(node)
            children = _child_nodes(node, _FIELDS.get(kind) or _fields_of(kind))
            children.reverse()
            stack.extend(children)

    def _then(self, *items: Item) -> None:
        """Walk ``items`` next, in this order (nodes, or steps ``(function, argument)``)."""
        self.stack.extend(reversed(items))

    # -- module level ---------------------------------------------------------------------------

    def _prebind_module(self, body: Sequence[cst.CSTNode]) -> None:
        """Bind module-level names before the walk: a function body may use an import or a
        definition written below it."""
        module = self.module
        self.fallbacks = import_fallbacks(body)
        bind = self._bind
        for statement in module_statements(body):
            if isinstance(statement, cst.FunctionDef):
                name = statement.name.value
                bind(statement, name, Binding("def", f"{module}.{name}"))
            elif isinstance(statement, cst.ClassDef):
                name = statement.name.value
                bind(statement, name, Binding("class", f"{module}.{name}"))
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        for fact in self.ctx.import_facts(small):
                            if fact.alias:
                                bind(small, fact.alias, Binding("import", fact.target))
                    elif isinstance(small, cst.Assign):
                        for name, _ in bind_targets(t.target for t in small.targets):
                            bind(
                                small,
                                name,
                                Binding("global", f"{module}.{name}", value=small.value),
                            )
                    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        bind(
                            small,
                            small.target.value,
                            Binding(
                                "global",
                                f"{module}.{small.target.value}",
                                annotation=small.annotation.annotation,
                                value=small.value,
                            ),
                        )

    def _bind(self, node: cst.CSTNode, name: str, binding: Binding) -> None:
        """Bind ``name`` in the current scope, unless ``node`` is an ``except ImportError:``
        fallback for a name its ``try`` body bound (that binding stays in force)."""
        if name not in self.fallbacks.get(id(node), ()):
            self.resolver.bind(name, binding)

    def _try(self, node: Union[cst.Try, cst.TryStar]) -> None:
        if self.state.functions:  # module-level ones were found before the walk
            self.fallbacks.update(import_fallbacks([node]))

    # -- imports --------------------------------------------------------------------------------

    def _record_imports(self, node: Union[cst.Import, cst.ImportFrom]) -> None:
        state = self.state
        facts = self.ctx.import_facts(node)
        yields = self.fallbacks.get(id(node))
        if yields:
            facts = [
                dataclasses.replace(fact, fallback=True) if fact.alias in yields else fact
                for fact in facts
            ]
        state.imports.extend(facts)
        if state.functions:
            for fact in facts:
                if fact.alias and not fact.fallback:
                    self.resolver.bind(fact.alias, Binding("import", fact.target))

    def _call(self, node: cst.Call) -> None:
        """Literal dynamic imports are import edges too."""
        if not node.args or not isinstance(node.args[0].value, cst.SimpleString):
            return
        target = dynamic_import(node, self.ctx.qualname(node.func))
        if target is None:
            return
        state = self.state
        state.imports.append(
            ImportFact(
                module=target,
                name=None,
                target=target,
                alias=None,
                type_only=state.type_checking_depth > 0,
                deferred=bool(state.functions),
                dynamic=True,
                module_level=False,
            )
        )

    # -- scopes ---------------------------------------------------------------------------------

    def _function(self, node: cst.FunctionDef) -> None:
        """Decorators, parameters and the return annotation in the outer scope; the body in the
        function's own scope; the function's fact once the body (and its yields) was walked."""
        outer = self.resolver.current
        self._then(
            *node.decorators,
            *_child_nodes(node.params, _PARAMETER_FIELDS),
            *((node.returns,) if node.returns is not None else ()),
            (self._function_body, (node, outer)),
        )

    def _function_body(self, arg: Tuple[cst.FunctionDef, Scope]) -> None:
        node, outer = arg
        resolver = self.resolver
        qualname = f"{outer.qualname}.{node.name.value}"
        if outer.kind == "function":
            self._bind(node, node.name.value, Binding("def", qualname))
        resolver.push(Scope("function", f"{qualname}.<locals>", node))
        self._bind_params(node, outer)
        self.state.functions.append(node)
        self._then(node.body, (self._function_done, (node, outer, qualname)))

    def _function_done(self, arg: Tuple[cst.FunctionDef, Scope, str]) -> None:
        node, outer, qualname = arg
        for hook in self.function_end:
            hook(node)
        self.state.functions.pop()
        self.resolver.pop()
        if outer.kind in ("module", "class"):
            fact = function_fact(
                node, qualname, self.resolver, is_generator=id(node) in self.state.generators
            )
            if outer.kind == "module":
                self.state.function_facts.append(fact)
            else:
                self.methods.setdefault(id(outer.node), []).append(fact)

    def _bind_params(self, node: cst.FunctionDef, outer: Scope) -> None:
        resolver = self.resolver
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
        outer = self.resolver.current
        self._then(*node.decorators, *node.bases, *node.keywords, (self._class_body, (node, outer)))

    def _class_body(self, arg: Tuple[cst.ClassDef, Scope]) -> None:
        node, outer = arg
        qualname = f"{outer.qualname}.{node.name.value}"
        if outer.kind != "module":
            self._bind(node, node.name.value, Binding("class", qualname))
        scope = Scope("class", qualname, node)
        self.resolver.push(scope)
        self.state.classes.append(node)
        self._then(node.body, (self._class_done, (node, scope)))

    def _class_done(self, arg: Tuple[cst.ClassDef, Scope]) -> None:
        node, scope = arg
        for hook in self.class_end:
            hook(node)
        self.state.classes.pop()
        self.resolver.pop()
        methods = self.methods.pop(id(node), [])
        self.state.class_facts.append(
            class_fact(node, scope.qualname, self.resolver, scope, methods)
        )

    def _lambda(self, node: cst.Lambda) -> None:
        resolver = self.resolver
        resolver.push(Scope("function", f"{resolver.current.qualname}.<lambda>", node))
        for param in node.params.params:
            resolver.bind(param.name.value, Binding("param"))
        self._then(node.body, (self._pop_scope, None))

    def _pop_scope(self, _: None) -> None:
        self.resolver.pop()

    def _if(self, node: cst.If) -> None:
        self._then(node.test, (self._if_body, node))

    def _if_body(self, node: cst.If) -> None:
        """After the test: the body, under ``TYPE_CHECKING`` when the test says so."""
        test = node.test
        name = self.ctx.qualname(test) if isinstance(test, (cst.Name, cst.Attribute)) else None
        is_type_checking = name in TYPE_CHECKING_NAMES or (
            isinstance(test, cst.Name) and test.value == "TYPE_CHECKING" and name is None
        )
        orelse = (node.orelse,) if node.orelse is not None else ()
        if is_type_checking:
            self.state.type_checking_depth += 1
            self._then(node.body, (self._type_checking_done, None), *orelse)
        else:
            self._then(node.body, *orelse)

    def _type_checking_done(self, _: None) -> None:
        self.state.type_checking_depth -= 1

    def _yield(self, node: cst.Yield) -> None:
        functions = self.state.functions
        if functions:
            self.state.generators.add(id(functions[-1]))

    def _assign(self, node: cst.Assign) -> None:
        if not self.state.functions:
            return  # module-level names were bound before the walk
        for target in node.targets:
            expr = target.target
            if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
                if expr.value.value == "self":
                    self._record_self_attribute(expr.attr.value, node.value)
                continue
            for name, _ in bind_targets([expr]):
                single = isinstance(expr, cst.Name)
                self._bind(node, name, Binding("local", value=node.value if single else None))

    def _ann_assign(self, node: cst.AnnAssign) -> None:
        if not self.state.functions:
            if self.resolver.current.kind == "class":
                self._class_ann_assign(node)
            return
        target = node.target
        annotation = node.annotation.annotation
        if isinstance(target, cst.Name):
            self._bind(
                node, target.value, Binding("local", annotation=annotation, value=node.value)
            )
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            if target.value.value == "self":
                typed = self.ctx.annotation_type(annotation)
                cls = self.resolver.enclosing_class()
                if typed and cls is not None and cls.attributes is not None:
                    cls.attributes.setdefault(target.attr.value, typed)

    def _class_ann_assign(self, node: cst.AnnAssign) -> None:
        """``session: AsyncSession`` in a class body types ``self.session`` in its methods."""
        target = node.target
        cls = self.resolver.current
        if not isinstance(target, cst.Name) or cls.attributes is None:
            return
        typed = self.ctx.annotation_type(node.annotation.annotation)
        if typed:
            cls.attributes.setdefault(target.value, typed)

    def _with(self, node: cst.With) -> None:
        """``with X as name:`` in a function binds ``name`` (to what ``X.__enter__`` returns, so
        with no type: ``Binding.entered`` keeps ``X`` for rules that know the context manager)."""
        if not self.state.functions:
            return
        resolver = self.resolver
        for item in node.items:
            if item.asname is None:
                continue
            target = item.asname.name
            if isinstance(target, cst.Name):
                resolver.bind(target.value, Binding("local", entered=item.item))
            elif isinstance(target, (cst.Tuple, cst.List)):
                for name, _ in bind_targets([target]):
                    resolver.bind(name, Binding("local"))

    def _record_self_attribute(self, attr: str, value: cst.BaseExpression) -> None:
        """``self.session = session`` in a method types ``self.session`` like the parameter."""
        cls = self.resolver.enclosing_class()
        if cls is None or cls.attributes is None or attr in cls.attributes:
            return
        typed = self.ctx.instance_type(value)
        if typed:
            cls.attributes[attr] = typed
