"""Rule templates shared by several Pydantic rules (config keys, decorators, methods, fields, imports)."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    ClassVar,
    FrozenSet,
    Mapping,
    Optional,
    Tuple,
)

from conformance.conditions import Condition
from conformance.rules.base import FileRule
from conformance.rules.pydantic._common import (
    _CONFIG_DICT,
    _FIELD,
    _SETTINGS_CONFIG_DICT,
    _VALIDATOR,
    _assigned_name,
    _class_ref,
    _class_scope,
    _decorator_target,
    _imports_pydantic_v1,
    _inner_classes,
    _instance_ref,
    _kwarg,
    _model,
    _short,
    _small_statements,
    _string,
)
from conformance.rules.pydantic._conditions import ModelMember

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class _ConfigRule(FileRule):
    """Shared walk over config entries: assignments in a model's `class Config`, keywords of
    `ConfigDict(...)`/`SettingsConfigDict(...)`, and keys of a dict `model_config`. Each entry is
    reported in the class whose body holds it, so a config inherited by subclasses is reported
    once, at the base."""

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        qualname = self.ctx.definition_qualname(node.name.value)
        when = _model(qualname)
        for config in _inner_classes(node, "Config"):
            for small in _small_statements(config):
                key = _assigned_name(small)
                if key is not None and isinstance(small, cst.Assign):
                    self._entry(key, small, small.value, "class", when)
        for small in _small_statements(node):
            if _assigned_name(small) == "model_config" and isinstance(
                small, (cst.Assign, cst.AnnAssign)
            ):
                if isinstance(small.value, cst.Dict):
                    for element in small.value.elements:
                        key = _string(element.key) if isinstance(element, cst.DictElement) else None
                        if key is not None and isinstance(element, cst.DictElement):
                            self._entry(key, element, element.value, "dict", when)

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.call_name(node)
        if name not in _CONFIG_DICT and name not in _SETTINGS_CONFIG_DICT:
            return
        for arg in node.args:
            if arg.keyword is not None:
                self._entry(arg.keyword.value, arg, arg.value, "call", None)

    def _entry(
        self,
        key: str,
        entry: cst.CSTNode,
        value: cst.BaseExpression,
        kind: str,
        when: Optional[Condition],
    ) -> None:
        found = self.check(key, value)
        if found is None:
            return
        message, new_key, new_value = found
        replacement = None
        if new_key is not None:
            replacement = _rename_entry(entry, kind, new_key, new_value)
        self.report(entry, message, when=when, replacement=replacement)

    def check(
        self, key: str, value: cst.BaseExpression
    ) -> Optional[Tuple[str, Optional[str], Optional[cst.BaseExpression]]]:
        """(message, new key or None, new value or None) for an entry this rule reports."""
        raise NotImplementedError


def _rename_entry(
    entry: cst.CSTNode, kind: str, new_key: str, new_value: Optional[cst.BaseExpression]
) -> cst.CSTNode:
    if isinstance(entry, cst.Assign):
        target = entry.targets[0].with_changes(target=cst.Name(new_key))
        changed = entry.with_changes(targets=[target])
        return changed.with_changes(value=new_value) if new_value is not None else changed
    if isinstance(entry, cst.Arg):
        changed_arg = entry.with_changes(keyword=cst.Name(new_key))
        return changed_arg.with_changes(value=new_value) if new_value is not None else changed_arg
    assert isinstance(entry, cst.DictElement) and isinstance(entry.key, cst.SimpleString)
    old = entry.key
    start = len(old.prefix) + len(old.quote)
    text = old.value[:start] + new_key + old.value[len(old.value) - len(old.quote) :]
    changed_element = entry.with_changes(key=cst.SimpleString(text))
    return (
        changed_element.with_changes(value=new_value) if new_value is not None else changed_element
    )


class _DecoratorRule(FileRule):
    """Rules about a pydantic decorator on a function: ``check`` sees each decorator whose name
    resolves to one of ``decorators``."""

    decorators: ClassVar[FrozenSet[str]] = frozenset()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            qualname, call = _decorator_target(self.ctx, decorator)
            if qualname in self.decorators:
                self.check(node, decorator, call)

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        raise NotImplementedError


class _ValidatorKeyword(_DecoratorRule):
    """A keyword argument of `@validator` that v2 does not take."""

    keyword: ClassVar[str] = ""
    decorators = _VALIDATOR

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        arg = _kwarg(call, self.keyword) if call is not None else None
        if arg is None:
            return
        message = self.message(arg.value)
        if message:
            self.report(arg, message)

    def message(self, value: cst.BaseExpression) -> Optional[str]:
        raise NotImplementedError


class _ModelMethod(FileRule):
    """A v1 method called on a receiver the file proves to be a model: a model class (T1:
    ``UserOut.parse_obj``, ``cls.parse_obj``) and/or a model instance (T2: an annotated parameter,
    a name assigned from a constructor or ``model_validate``, ``self``, ``self.attr``). The finding
    waits for the index when the class is defined in another file, and is dropped when the model
    defines the method itself."""

    method: ClassVar[str] = ""
    new: ClassVar[str] = ""
    on_class: ClassVar[bool] = True
    on_instance: ClassVar[bool] = False
    #: keywords the v2 method accepts unchanged (None: any call without arguments only)
    carry: ClassVar[Optional[FrozenSet[str]]] = frozenset()
    #: positional arguments allowed by the fix
    positional: ClassVar[int] = 0
    #: v1 keywords the v2 method takes under another name (the fix renames them)
    renamed: ClassVar[Mapping[str, str]] = {}

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != self.method:
            return
        receiver = None
        if self.on_class:
            receiver = _class_ref(self.ctx, func.value)
        if receiver is None and self.on_instance:
            receiver = _instance_ref(self.ctx, func.value)
        if receiver is None:
            return
        self.report(
            node,
            self.message(node, receiver),
            when=ModelMember(receiver, self.method),
            replacement=self.replacement(node),
        )

    def message(self, node: cst.Call, receiver: str) -> str:
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in self.renamed:
                old, new = arg.keyword.value, self.renamed[arg.keyword.value]
                return (
                    f".{self.method}({old}=...) on Pydantic model {_short(receiver)} raises "
                    f"TypeError in Pydantic v2: use .{self.new}({new}=...)"
                )
        return (
            f".{self.method}() on Pydantic model {_short(receiver)} is the v1 API (deprecated in "
            f"v2): use .{self.new}()"
        )

    def fixable(self, node: cst.Call) -> bool:
        if self.carry is None:
            return not node.args
        count = 0
        for arg in node.args:
            if arg.star:
                return False
            if arg.keyword is None:
                count += 1
            elif arg.keyword.value not in self.carry and arg.keyword.value not in self.renamed:
                return False
        return count <= self.positional

    def replacement(self, node: cst.Call) -> Optional[cst.CSTNode]:
        if not self.new or not self.fixable(node):
            return None
        func = node.func
        assert isinstance(func, cst.Attribute)
        args = [
            arg.with_changes(keyword=cst.Name(self.renamed[arg.keyword.value]))
            if arg.keyword is not None and arg.keyword.value in self.renamed
            else arg
            for arg in node.args
        ]
        return node.with_changes(func=func.with_changes(attr=cst.Name(self.new)), args=args)


class _ModelAttribute(FileRule):
    """A v1 attribute read on a provable model class or instance."""

    attribute: ClassVar[str] = ""
    on_class: ClassVar[bool] = True
    on_instance: ClassVar[bool] = True

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value != self.attribute:
            return
        receiver = _class_ref(self.ctx, node.value) if self.on_class else None
        tier = "class"
        if receiver is None and self.on_instance:
            receiver = _instance_ref(self.ctx, node.value)
            tier = "instance"
        if receiver is None:
            return
        message, replacement = self.describe(node, receiver, tier)
        self.report(node, message, when=self.condition(receiver), replacement=replacement)

    def condition(self, receiver: str) -> Condition:
        return ModelMember(receiver, self.attribute)

    def describe(
        self, node: cst.Attribute, receiver: str, tier: str
    ) -> Tuple[str, Optional[cst.CSTNode]]:
        raise NotImplementedError


class _FieldKeyword(FileRule):
    """A keyword of `pydantic.Field(...)` that v2 renamed or removed. ``keywords`` maps each
    keyword this rule reports to (message, new keyword or None)."""

    keywords: ClassVar[Mapping[str, Tuple[str, Optional[str]]]] = {}
    functions: ClassVar[FrozenSet[str]] = _FIELD

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.call_name(node) not in self.functions:
            return
        for arg in node.args:
            if arg.keyword is None or arg.keyword.value not in self.keywords:
                continue
            message, new = self.keywords[arg.keyword.value]
            self.report(
                arg, message, replacement=arg.with_changes(keyword=cst.Name(new)) if new else None
            )


class _ImportedName(FileRule):
    """A pydantic name that v2 moved, renamed or removed, reported where the file imports it
    (``from pydantic import X``, ``import pydantic.typing``) or, after ``import pydantic``, where
    it uses it (``pydantic.X``)."""

    names: ClassVar[FrozenSet[str]] = frozenset()
    #: modules all of whose names count, except those in ``allowed``
    modules: ClassVar[Tuple[str, ...]] = ()
    allowed: ClassVar[FrozenSet[str]] = frozenset()

    def matches(self, qualname: Optional[str]) -> bool:
        if qualname is None:
            return False
        if qualname in self.names:
            return True
        for module in self.modules:
            if qualname == module or qualname.startswith(module + "."):
                return qualname.rpartition(".")[2] not in self.allowed
        return False

    def message(self, qualname: str) -> str:
        raise NotImplementedError

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        aliases = [a for a in node.names if isinstance(a.name, cst.Name)]
        for alias, fact in zip(aliases, self.ctx.import_facts(node)):
            if self.matches(fact.target):
                self.report(alias, self.message(fact.target))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = self.ctx.code_for(alias.name)
            if self.matches(name):
                self.report(alias, self.message(name))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        qualname = self.ctx.qualname(node)
        if not self.matches(qualname):
            return
        if isinstance(node.value, cst.Attribute) and self.matches(self.ctx.qualname(node.value)):
            return
        assert qualname is not None
        self.report(node, self.message(qualname))


class _CustomTypeHook(FileRule):
    """A v1 custom-type hook method defined in a class of a file that does not use pydantic.v1."""

    hook: ClassVar[str] = ""
    new: ClassVar[str] = ""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.name.value != self.hook or _class_scope(self.ctx) is None:
            return
        if _imports_pydantic_v1(self.ctx):
            return
        self.report(
            node.name,
            f"{self.hook} is the Pydantic v1 custom-type hook, never called by v2",
            fix_hint=self.new,
        )
