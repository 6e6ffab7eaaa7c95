"""CNF4xx: Pydantic v1 leftovers in v2 code (RULES-CATALOG section 4, PVnnn -> CNF4nn).

FastAPI backends keep v1 idioms for years after a migration: `class Config`, `orm_mode`,
`@validator`, `.dict()`, `from_orm`, `Field(regex=...)`. These rules find them precisely:

* a class is a model when the index says so (`IsKind(qualname, PYDANTIC_MODEL)`), through project
  base classes in other files; classes deriving from `pydantic.v1.BaseModel` are v1 models and are
  left alone (their import is reported once, by CNF483);
* decorators, functions and imports count only when their name resolves to `pydantic` or
  `pydantic_settings` (`import pydantic as pd`, `from pydantic import validator as v` included);
* methods such as `.dict()`, `.json()`, `.copy()` count only on a receiver the file proves to be a
  model class or instance (the catalog's tiers T1/T2); `request.json()` or an unknown receiver's
  `.dict()` never fire.

Codes follow the catalog: PV001 -> CNF401 ... PV091 -> CNF491; the root-model group PV100..PV106,
which has no two-digit room left, is CNF492..CNF498.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Dict,
    FrozenSet,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
    Union,
)

from conformance.conditions import AllOf, Condition, IsKind, Not
from conformance.config import Option
from conformance.diagnostics import FixSafety
from conformance.index import PYDANTIC_MODEL, PYDANTIC_SETTINGS, ProjectIndex
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst

OPTIONS = (
    Option(
        "pydantic-version",
        str,
        "2.0",
        'The Pydantic version the code targets (`"2.0"`, `"2.11"`, ...). Never read from an '
        "installed package. Advice that changed between v2 releases follows it: from 2.11, "
        "CNF403 renames `allow_population_by_field_name` to `validate_by_name` instead of "
        "`populate_by_name`.",
    ),
)

SCHEMAS = "cpv3/modules/users/schemas.py"
BASE_FILE = {
    "cpv3/core/schemas.py": "import pydantic as pd\n\n\nclass Schema(pd.BaseModel):\n    pass\n"
}

# -- names --------------------------------------------------------------------------------------

_VALIDATOR = frozenset(
    {
        "pydantic.validator",
        "pydantic.class_validators.validator",
        "pydantic.deprecated.class_validators.validator",
    }
)
_ROOT_VALIDATOR = frozenset(
    {
        "pydantic.root_validator",
        "pydantic.class_validators.root_validator",
        "pydantic.deprecated.class_validators.root_validator",
    }
)
_FIELD_VALIDATOR = frozenset(
    {"pydantic.field_validator", "pydantic.functional_validators.field_validator"}
)
_MODEL_VALIDATOR = frozenset(
    {"pydantic.model_validator", "pydantic.functional_validators.model_validator"}
)
_FIELD = frozenset({"pydantic.Field", "pydantic.fields.Field"})
_CONFIG_DICT = frozenset({"pydantic.ConfigDict", "pydantic.config.ConfigDict"})
_SETTINGS_CONFIG_DICT = frozenset(
    {"pydantic_settings.SettingsConfigDict", "pydantic_settings.main.SettingsConfigDict"}
)
_EXTRA = frozenset({"pydantic.Extra", "pydantic.config.Extra"})
_CONSTR = frozenset({"pydantic.constr", "pydantic.types.constr"})
_CLASSMETHOD = "builtins.classmethod"
_STATICMETHOD = "builtins.staticmethod"
_ROOT_MODELS = frozenset({"pydantic.RootModel", "pydantic.root_model.RootModel"})

#: v1 config keys renamed in v2 (pydantic/_internal/_config.py V2_RENAMED_KEYS).
_RENAMED_KEYS: Mapping[str, str] = {
    "allow_population_by_field_name": "populate_by_name",
    "anystr_lower": "str_to_lower",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "anystr_upper": "str_to_upper",
    "keep_untouched": "ignored_types",
    "max_anystr_length": "str_max_length",
    "min_anystr_length": "str_min_length",
    "orm_mode": "from_attributes",
    "schema_extra": "json_schema_extra",
    "validate_all": "validate_default",
}

#: v1 config keys removed in v2 (V2_REMOVED_KEYS), with what to do instead.
_REMOVED_KEYS: Mapping[str, str] = {
    "allow_mutation": "use frozen (the inverse: allow_mutation=False is frozen=True)",
    "copy_on_model_validation": "use revalidate_instances",
    "error_msg_templates": "delete it and customise messages where errors are rendered",
    "fields": "declare aliases on the fields with Field(alias=...) or Annotated",
    "getter_dict": "delete it; from_attributes reads attributes directly",
    "json_dumps": "delete it; pydantic-core serialises JSON",
    "json_loads": "delete it; pydantic-core parses JSON",
    "post_init_call": "delete it; dataclasses run __post_init__ after validation",
    "smart_union": "delete it; smart union mode is the default",
    "underscore_attrs_are_private": "delete it; _underscore attributes are always private",
}

#: Keys ConfigDict / SettingsConfigDict know (the class Config -> model_config fix keeps them).
_V2_KEYS = frozenset(
    {
        "title", "model_title_generator", "field_title_generator", "str_to_lower", "str_to_upper",
        "str_strip_whitespace", "str_min_length", "str_max_length", "extra", "frozen",
        "populate_by_name", "use_enum_values", "validate_assignment", "arbitrary_types_allowed",
        "from_attributes", "loc_by_alias", "alias_generator", "ignored_types", "allow_inf_nan",
        "json_schema_extra", "json_encoders", "strict", "revalidate_instances",
        "ser_json_timedelta", "ser_json_bytes", "ser_json_inf_nan", "validate_default",
        "validate_return", "protected_namespaces", "hide_input_in_errors", "defer_build",
        "plugin_settings", "schema_generator", "json_schema_serialization_defaults_required",
        "json_schema_mode_override", "coerce_numbers_to_str", "regex_engine",
        "validation_error_cause", "use_attribute_docstrings", "cache_strings",
        "validate_by_alias", "validate_by_name", "serialize_by_alias",
    }
)  # fmt: skip
_SETTINGS_KEYS = frozenset(
    {
        "case_sensitive", "env_prefix", "env_file", "env_file_encoding", "env_ignore_empty",
        "env_nested_delimiter", "env_parse_none_str", "env_parse_enums", "secrets_dir",
        "json_file", "json_file_encoding", "yaml_file", "yaml_file_encoding", "toml_file",
    }
)  # fmt: skip


def _version(ctx: object) -> Tuple[int, int]:
    """The target Pydantic version from the `pydantic-version` option ("2.11" -> (2, 11))."""
    text = str(ctx.config.option("pydantic-version"))  # type: ignore[attr-defined]
    parts = re.findall(r"\d+", text)
    if not parts:
        return (2, 0)
    return (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)


def _renamed_key(ctx: object, key: str) -> Optional[str]:
    new = _RENAMED_KEYS.get(key)
    if new == "populate_by_name" and _version(ctx) >= (2, 11):
        return "validate_by_name"
    return new


# -- small syntax helpers -----------------------------------------------------------------------


def _short(qualname: str) -> str:
    return qualname.rpartition(".")[2]


def _kwarg(call: cst.Call, name: str) -> Optional[cst.Arg]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def _is_name(node: Optional[cst.BaseExpression], value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value


def _string(node: Optional[cst.BaseExpression]) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _body(node: cst.ClassDef) -> Sequence[cst.BaseStatement]:
    body = node.body
    return body.body if isinstance(body, cst.IndentedBlock) else ()  # type: ignore[return-value]


def _small_statements(node: cst.ClassDef) -> List[cst.BaseSmallStatement]:
    out: List[cst.BaseSmallStatement] = []
    for statement in _body(node):
        if isinstance(statement, cst.SimpleStatementLine):
            out.extend(statement.body)
    return out


def _inner_classes(node: cst.ClassDef, name: str) -> List[cst.ClassDef]:
    return [s for s in _body(node) if isinstance(s, cst.ClassDef) and s.name.value == name]


def _assigned_name(small: cst.BaseSmallStatement) -> Optional[str]:
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        return target.value if isinstance(target, cst.Name) else None
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        return small.target.value
    return None


def _class_scope(ctx: object) -> Optional[str]:
    """The qualified name of the class whose body the walk is directly in, else None."""
    scope = ctx.resolver.current  # type: ignore[attr-defined]
    return scope.qualname if scope.kind == "class" else None


def _decorator_target(
    ctx: object, decorator: cst.Decorator
) -> Tuple[Optional[str], Optional[cst.Call]]:
    """(qualified name, call) of `@name` / `@name(...)`."""
    expr = decorator.decorator
    call = expr if isinstance(expr, cst.Call) else None
    target = call.func if call is not None else expr
    return ctx.qualname(target), call  # type: ignore[attr-defined]


def _has_decorator(ctx: object, node: cst.FunctionDef, qualname: str) -> bool:
    return any(_decorator_target(ctx, d)[0] == qualname for d in node.decorators)


def _local_name(ctx: object, qualnames: FrozenSet[str], default: str) -> str:
    """The name the file already binds to one of ``qualnames`` at module level, else ``default``
    (the fix then needs the import: see the report of the fix engine's import helper)."""
    names = ctx.resolver.module_scope.names or {}  # type: ignore[attr-defined]
    for name, binding in names.items():
        if binding.kind == "import" and binding.qualname in qualnames:
            return str(name)
    return default


def _imports_pydantic_v1(ctx: object) -> bool:
    names = ctx.resolver.module_scope.names or {}  # type: ignore[attr-defined]
    return any(
        b.kind == "import"
        and b.qualname is not None
        and (b.qualname == "pydantic.v1" or b.qualname.startswith("pydantic.v1."))
        for b in names.values()
    )


def _with_args(call: cst.Call, args: Sequence[cst.Arg]) -> cst.Call:
    """``call`` with ``args``, separated by ``", "`` (the last one without a comma)."""
    fixed: List[cst.Arg] = []
    for index, arg in enumerate(args):
        last = index == len(args) - 1
        comma: Union[cst.Comma, cst.MaybeSentinel] = (
            cst.MaybeSentinel.DEFAULT
            if last
            else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
        fixed.append(arg.with_changes(comma=comma))
    return call.with_changes(args=fixed)


def _keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )


def _class_ref(ctx: object, expr: cst.BaseExpression) -> Optional[str]:
    """Tier T1: the qualified name of a class the expression names (an imported or defined class,
    ``cls`` in a classmethod, a module-level alias), never a value."""
    root: cst.BaseExpression = expr
    while isinstance(root, cst.Attribute):
        root = root.value
    if not isinstance(root, cst.Name):
        return None
    binding = ctx.lookup(root.value)  # type: ignore[attr-defined]
    if binding is None:
        return None
    if isinstance(expr, cst.Name):
        plain_alias = binding.kind == "global" and isinstance(
            binding.value, (cst.Name, cst.Attribute)
        )
        if binding.kind not in ("class", "import") and not plain_alias:
            return None
    elif binding.kind != "import":
        return None
    qualname = ctx.qualname(expr)  # type: ignore[attr-defined]
    if qualname is None or qualname.startswith("builtins."):
        return None
    return str(qualname)


def _instance_ref(ctx: object, expr: cst.BaseExpression) -> Optional[str]:
    """Tier T2: the class of an instance the file proves (annotated parameter or variable, a name
    assigned from a constructor or ``model_validate``, ``self``, ``self.attr`` typed in the class)."""
    typed = ctx.instance_type(expr)  # type: ignore[attr-defined]
    if typed is None or typed.startswith(("builtins.", "typing.")):
        return None
    return str(typed)


# -- conditions ---------------------------------------------------------------------------------


def _project_chain(index: ProjectIndex, qualname: str) -> Tuple[List[object], bool]:
    """The project classes among ``qualname`` and its bases (transitively), and whether the list is
    complete (False when a base lives in a file this partial index does not have)."""
    out: List[object] = []
    complete = True
    seen: Set[str] = set()
    stack = [index.type_of(qualname)]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        cls = index.classes.get(current)
        if cls is None:
            if index.is_project_name(current) and not index.complete:
                complete = False
            continue
        out.append(cls)
        for base in cls.bases:
            if base != "?":
                stack.append(index.type_of(base))
    return out, complete


@dataclass(frozen=True)
class ModelMember(Condition):
    """The class is a v2 Pydantic model and no project class in its hierarchy defines ``member``
    itself (a model's own ``copy()`` or ``validate()`` is not the deprecated v1 method)."""

    qualname: str
    member: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        is_model = index.is_kind(self.qualname, PYDANTIC_MODEL)
        if is_model is not True:
            return is_model
        chain, complete = _project_chain(index, self.qualname)
        for cls in chain:
            for method in cls.methods:  # type: ignore[attr-defined]
                if method.qualname.rpartition(".")[2] == self.member:
                    return False
        return True if complete else None


@dataclass(frozen=True)
class IsRootModel(Condition):
    """The class is a v2 model that is a root model: it derives from `RootModel` or declares a
    `__root__` field (the v1 form)."""

    qualname: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        is_model = index.is_kind(self.qualname, PYDANTIC_MODEL)
        if is_model is not True:
            return is_model
        chain, complete = _project_chain(index, self.qualname)
        for cls in chain:
            if any(name == "__root__" for name, _ in cls.attributes):  # type: ignore[attr-defined]
                return True
            if any(index.type_of(base) in _ROOT_MODELS for base in cls.bases):  # type: ignore[attr-defined]
                return True
        return None if not complete else False


_PYTHON_RE_KEY = "pydantic.python-re"


@dataclass(frozen=True)
class LacksPythonRe(Condition):
    """The model is a v2 model and no class of its hierarchy sets `regex_engine="python-re"`."""

    qualname: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        is_model = index.is_kind(self.qualname, PYDANTIC_MODEL)
        if is_model is not True:
            return is_model
        marked = {value for _, value in index.extra(_PYTHON_RE_KEY)}
        chain, complete = _project_chain(index, self.qualname)
        if any(cls.qualname in marked for cls in chain):  # type: ignore[attr-defined]
            return False
        return True if complete else None


def _model(qualname: str) -> Condition:
    return IsKind(qualname, PYDANTIC_MODEL)


def _settings(qualname: str) -> Condition:
    return AllOf((IsKind(qualname, PYDANTIC_MODEL), IsKind(qualname, PYDANTIC_SETTINGS)))


def _plain_model(qualname: str) -> Condition:
    return AllOf((IsKind(qualname, PYDANTIC_MODEL), Not(IsKind(qualname, PYDANTIC_SETTINGS))))


# -- 4.1 config ---------------------------------------------------------------------------------


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


class ClassConfig(FileRule):
    """## What it checks
    A nested `class Config:` in a Pydantic model or settings class (found through base classes in
    any file).

    ## Why
    Pydantic v2 reads configuration from `model_config`; `class Config` still works but is
    deprecated and will be removed, and its v1 keys (`orm_mode`, ...) are renamed or gone.

    ## Example
    ```python
    class UserOut(BaseModel):
        id: int

        class Config:
            from_attributes = True
    ```

    ## Use instead
    ```python
    class UserOut(BaseModel):
        id: int

        model_config = ConfigDict(from_attributes=True)
    ```
    Settings classes use `SettingsConfigDict` from `pydantic_settings`.

    ## Fix
    Safe, when the body is only simple assignments of known keys (v1 keys are renamed on the way),
    `Config` has no bases, decorators, methods or comments, and the class has no `model_config`.
    The fix adds `from pydantic import ConfigDict` (`from pydantic_settings import
    SettingsConfigDict`) when the file does not bind it yet.

    ## Options
    None.
    """

    code = "CNF401"
    name = "pydantic-class-config"
    summary = "nested class Config in a Pydantic model"
    fix_hint = "replace it with model_config = ConfigDict(...) (SettingsConfigDict for settings)"
    catalog = "PV001"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                model_config = ConfigDict(from_attributes=True)
            """,
            path=SCHEMAS,
        ),
        Example.code(
            """
            from pydantic.v1 import BaseModel


            class UserOut(BaseModel):
                class Config:
                    orm_mode = True
            """,
            path=SCHEMAS,
            note="pydantic.v1 models are left alone (the import is CNF483)",
        ),
        Example.code(
            """
            class Settings:
                class Config:
                    debug = True
            """,
            path=SCHEMAS,
            note="not a model",
        ),
    )
    INVALID = (
        Example.code(
            """
            import pydantic as pd


            class UserOut(pd.BaseModel):
                id: int

                class Config:
                    orm_mode = True
                    extra = "forbid"
            """,
            Expect(
                7,
                5,
                "class Config in Pydantic model UserOut is the v1 configuration: use model_config = ConfigDict(...)",
            ),
            path=SCHEMAS,
            fixed="""
            import pydantic as pd
            from pydantic import ConfigDict


            class UserOut(pd.BaseModel):
                id: int

                model_config = ConfigDict(from_attributes=True, extra="forbid")
            """,
        ),
        Example.code(
            """
            from cpv3.core.schemas import Schema


            class UserOut(Schema):
                id: int

                class Config:
                    def alias_generator(name):
                        return name.upper()
            """,
            Expect(
                7,
                5,
                "class Config in Pydantic model UserOut is the v1 configuration: use model_config = ConfigDict(...)",
            ),
            path=SCHEMAS,
            extra=BASE_FILE,
            note="the base class lives in another file; a method in Config: no fix",
        ),
        Example.code(
            """
            from pydantic_settings import BaseSettings


            class Settings(BaseSettings):
                class Config:
                    env_prefix = "APP_"
            """,
            Expect(
                5,
                5,
                "class Config in settings class Settings is the v1 configuration: use model_config = SettingsConfigDict(...)",
            ),
            path="cpv3/core/config.py",
            fixed="""
            from pydantic_settings import BaseSettings, SettingsConfigDict


            class Settings(BaseSettings):
                model_config = SettingsConfigDict(env_prefix="APP_")
            """,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        configs = _inner_classes(node, "Config")
        if not configs:
            return
        qualname = ctx.definition_qualname(node.name.value)
        has_model_config = any(_assigned_name(s) == "model_config" for s in _small_statements(node))
        model_name = _local_name(ctx, _CONFIG_DICT, "")
        settings_name = _local_name(ctx, _SETTINGS_CONFIG_DICT, "")
        model_imports = () if model_name else (("pydantic", "ConfigDict"),)
        settings_imports = () if settings_name else (("pydantic_settings", "SettingsConfigDict"),)
        for config in configs:
            model_fix = None if has_model_config else self._fix(config, settings=False)
            settings_fix = None if has_model_config else self._fix(config, settings=True)
            self.report(
                config,
                f"class Config in Pydantic model {node.name.value} is the v1 configuration: "
                "use model_config = ConfigDict(...)",
                when=_plain_model(qualname),
                replacement=model_fix,
                imports=model_imports if model_fix is not None else (),
            )
            self.report(
                config,
                f"class Config in settings class {node.name.value} is the v1 configuration: "
                "use model_config = SettingsConfigDict(...)",
                fix_hint="replace it with model_config = SettingsConfigDict(...)",
                when=_settings(qualname),
                replacement=settings_fix,
                imports=settings_imports if settings_fix is not None else (),
            )

    def _fix(self, config: cst.ClassDef, settings: bool) -> Optional[cst.CSTNode]:
        ctx = self.ctx
        if config.bases or config.keywords or config.decorators:
            return None
        if "#" in ctx.code_for(config.body):
            return None
        known = _V2_KEYS | _SETTINGS_KEYS if settings else _V2_KEYS
        args: List[cst.Arg] = []
        for statement in _body(config):
            if not isinstance(statement, cst.SimpleStatementLine):
                return None
            for small in statement.body:
                key = _assigned_name(small)
                if key is None or not isinstance(small, cst.Assign):
                    return None
                new_key = _renamed_key(ctx, key) or key
                if new_key not in known:
                    return None
                args.append(_keyword_arg(new_key, small.value))
        if not args:
            return None
        if settings:
            func = _local_name(ctx, _SETTINGS_CONFIG_DICT, "SettingsConfigDict")
        else:
            func = _local_name(ctx, _CONFIG_DICT, "ConfigDict")
        call = _with_args(cst.Call(func=cst.Name(func)), args)
        assign = cst.Assign(targets=[cst.AssignTarget(cst.Name("model_config"))], value=call)
        return cst.SimpleStatementLine(body=[assign], leading_lines=config.leading_lines)


class ConfigAndModelConfig(FileRule):
    """## What it checks
    A model class that has both a nested `class Config` and a `model_config` attribute.

    ## Why
    Pydantic v2 refuses the class at creation (`config-both`): "Config" and "model_config" cannot
    be used together. It is a half-finished migration.

    ## Example
    ```python
    class UserOut(BaseModel):
        model_config = ConfigDict(frozen=True)

        class Config:
            orm_mode = True
    ```

    ## Use instead
    ```python
    class UserOut(BaseModel):
        model_config = ConfigDict(frozen=True, from_attributes=True)
    ```

    ## Fix
    None: merge the keys by hand.

    ## Options
    None.
    """

    code = "CNF402"
    name = "pydantic-config-and-model-config"
    summary = "class Config and model_config on one model"
    fix_hint = "move the keys of class Config into model_config and delete class Config"
    catalog = "PV002"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                model_config = ConfigDict(frozen=True)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                model_config = ConfigDict(frozen=True)

                class Config:
                    orm_mode = True
            """,
            Expect(
                7,
                5,
                "UserOut has both class Config and model_config, which Pydantic v2 rejects at class creation: move the keys into model_config and delete class Config",
            ),
            path=SCHEMAS,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        configs = _inner_classes(node, "Config")
        if not configs or not any(
            _assigned_name(s) == "model_config" for s in _small_statements(node)
        ):
            return
        qualname = self.ctx.definition_qualname(node.name.value)
        self.report(
            configs[0],
            f"{node.name.value} has both class Config and model_config, which Pydantic v2 rejects "
            "at class creation: move the keys into model_config and delete class Config",
            when=_model(qualname),
        )


class RenamedConfigKey(_ConfigRule):
    """## What it checks
    A v1 configuration key that v2 renamed, in `class Config`, `ConfigDict(...)`,
    `SettingsConfigDict(...)` or a dict `model_config`: `orm_mode` -> `from_attributes`,
    `allow_population_by_field_name` -> `populate_by_name` (`validate_by_name` from 2.11),
    `anystr_strip_whitespace` -> `str_strip_whitespace`, `anystr_lower` -> `str_to_lower`,
    `anystr_upper` -> `str_to_upper`, `min_anystr_length` -> `str_min_length`,
    `max_anystr_length` -> `str_max_length`, `schema_extra` -> `json_schema_extra`,
    `validate_all` -> `validate_default`, `keep_untouched` -> `ignored_types`.

    ## Why
    v2 warns and maps some of them, ignores others in `ConfigDict` (a typed dict: the key is just
    unknown), so `orm_mode = True` may silently stop reading ORM objects.

    ## Example
    ```python
    model_config = ConfigDict(orm_mode=True)
    ```

    ## Use instead
    ```python
    model_config = ConfigDict(from_attributes=True)
    ```

    ## Fix
    Safe: a pure rename (v2 `json_schema_extra` accepts the v1 dict or callable).

    ## Options
    `pydantic-version`: from `"2.11"`, `allow_population_by_field_name` becomes `validate_by_name`.
    """

    code = "CNF403"
    name = "pydantic-renamed-config-key"
    summary = "Pydantic v1 config key renamed in v2"
    fix_hint = "rename the key"
    catalog = "PV003"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                model_config = ConfigDict(from_attributes=True, populate_by_name=True)
            """,
            path=SCHEMAS,
        ),
        Example.code(
            """
            settings = dict(orm_mode=True)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.core.schemas import Schema


            class UserOut(Schema):
                id: int
            """,
            Expect(
                6,
                9,
                "config key 'orm_mode' was renamed in Pydantic v2: use 'from_attributes'",
                path="cpv3/core/schemas.py",
            ),
            path=SCHEMAS,
            extra={
                "cpv3/core/schemas.py": (
                    "from pydantic import BaseModel\n\n\nclass Schema(BaseModel):\n"
                    "    class Config:\n        orm_mode = True\n"
                )
            },
            note="an inherited config is reported once, at the base, not on each subclass",
        ),
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                class Config:
                    orm_mode = True
                    anystr_strip_whitespace = True
            """,
            Expect(6, 9, "config key 'orm_mode' was renamed in Pydantic v2: use 'from_attributes'"),
            Expect(
                7,
                9,
                "config key 'anystr_strip_whitespace' was renamed in Pydantic v2: use 'str_strip_whitespace'",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class UserOut(BaseModel):
                class Config:
                    from_attributes = True
                    str_strip_whitespace = True
            """,
        ),
        Example.code(
            """
            from pydantic import ConfigDict as CD
            from cpv3.core.schemas import Schema


            class UserOut(Schema):
                model_config = CD(allow_population_by_field_name=True)


            class UserIn(Schema):
                model_config = {"schema_extra": {"examples": []}}
            """,
            Expect(
                6,
                23,
                "config key 'allow_population_by_field_name' was renamed in Pydantic v2: use 'validate_by_name'",
            ),
            Expect(
                10,
                21,
                "config key 'schema_extra' was renamed in Pydantic v2: use 'json_schema_extra'",
            ),
            path=SCHEMAS,
            extra=BASE_FILE,
            config='pydantic-version = "2.11"',
            fixed="""
            from pydantic import ConfigDict as CD
            from cpv3.core.schemas import Schema


            class UserOut(Schema):
                model_config = CD(validate_by_name=True)


            class UserIn(Schema):
                model_config = {"json_schema_extra": {"examples": []}}
            """,
        ),
    )

    def check(
        self, key: str, value: cst.BaseExpression
    ) -> Optional[Tuple[str, Optional[str], Optional[cst.BaseExpression]]]:
        new = _renamed_key(self.ctx, key)
        if new is None:
            return None
        return f"config key '{key}' was renamed in Pydantic v2: use '{new}'", new, None


class RemovedConfigKey(_ConfigRule):
    """## What it checks
    A v1 configuration key that v2 removed: `allow_mutation`, `smart_union`,
    `underscore_attrs_are_private`, `copy_on_model_validation`, `fields`, `getter_dict`,
    `error_msg_templates`, `json_loads`, `json_dumps`, `post_init_call`; in `class Config`,
    `ConfigDict(...)` or a dict `model_config`.

    ## Why
    v2 ignores these keys (with a warning at best): `allow_mutation = False` no longer freezes the
    model, `fields = {...}` no longer sets aliases.

    ## Example
    ```python
    class Config:
        allow_mutation = False
    ```

    ## Use instead
    ```python
    model_config = ConfigDict(frozen=True)
    ```
    `copy_on_model_validation` -> `revalidate_instances`; `fields` -> `Field(alias=...)`;
    `smart_union` and `underscore_attrs_are_private` -> delete (v2 behaves that way already).

    ## Fix
    Safe for `allow_mutation` with a literal value (becomes `frozen` with the inverse value);
    none for the other keys.

    ## Options
    None.
    """

    code = "CNF404"
    name = "pydantic-removed-config-key"
    summary = "Pydantic v1 config key removed in v2"
    fix_hint = "delete the key or use its v2 replacement"
    catalog = "PV004"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                model_config = ConfigDict(frozen=True, revalidate_instances="never")
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                class Config:
                    allow_mutation = False


            class UserIn(BaseModel):
                model_config = ConfigDict(smart_union=True)
            """,
            Expect(
                6,
                9,
                "config key 'allow_mutation' was removed in Pydantic v2: use frozen (the inverse: allow_mutation=False is frozen=True)",
            ),
            Expect(
                10,
                31,
                "config key 'smart_union' was removed in Pydantic v2: delete it; smart union mode is the default",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                class Config:
                    frozen = True


            class UserIn(BaseModel):
                model_config = ConfigDict(smart_union=True)
            """,
        ),
    )

    def check(
        self, key: str, value: cst.BaseExpression
    ) -> Optional[Tuple[str, Optional[str], Optional[cst.BaseExpression]]]:
        advice = _REMOVED_KEYS.get(key)
        if advice is None:
            return None
        message = f"config key '{key}' was removed in Pydantic v2: {advice}"
        if key == "allow_mutation" and (_is_name(value, "True") or _is_name(value, "False")):
            inverse = "True" if _is_name(value, "False") else "False"
            return message, "frozen", cst.Name(inverse)
        return message, None, None


class JsonEncodersConfig(_ConfigRule):
    """## What it checks
    `json_encoders` in a model's configuration (`class Config`, `ConfigDict(...)`, dict
    `model_config`).

    ## Why
    v2 still honours `json_encoders` but deprecates it; it applies only to JSON mode and cannot be
    expressed per field. Serializers are the v2 mechanism.

    ## Example
    ```python
    model_config = ConfigDict(json_encoders={Decimal: str})
    ```

    ## Use instead
    ```python
    Money = Annotated[Decimal, PlainSerializer(str, when_used="json")]
    ```
    or a `@field_serializer` on the model.

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF405"
    name = "pydantic-json-encoders"
    summary = "deprecated json_encoders in a Pydantic config"
    fix_hint = "serialize with @field_serializer or PlainSerializer in Annotated"
    catalog = "PV005"
    VALID = (
        Example.code(
            """
            json_encoders = {"a": str}
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from decimal import Decimal

            from pydantic import BaseModel, ConfigDict


            class Price(BaseModel):
                model_config = ConfigDict(json_encoders={Decimal: str})
            """,
            Expect(
                7,
                31,
                "config key 'json_encoders' is deprecated in Pydantic v2: serialize with @field_serializer or PlainSerializer in Annotated",
            ),
            path=SCHEMAS,
        ),
    )

    def check(
        self, key: str, value: cst.BaseExpression
    ) -> Optional[Tuple[str, Optional[str], Optional[cst.BaseExpression]]]:
        if key != "json_encoders":
            return None
        return (
            "config key 'json_encoders' is deprecated in Pydantic v2: serialize with "
            "@field_serializer or PlainSerializer in Annotated",
            None,
            None,
        )


_EXTRA_MEMBERS = frozenset(f"{e}.{m}" for e in _EXTRA for m in ("forbid", "allow", "ignore"))


class ExtraEnum(FileRule):
    """## What it checks
    `Extra.forbid`, `Extra.allow`, `Extra.ignore` (`pydantic.Extra`, `pydantic.config.Extra`).

    ## Why
    The `Extra` enum is deprecated in v2; `extra` takes the strings `"forbid"`, `"allow"`,
    `"ignore"`.

    ## Example
    ```python
    model_config = ConfigDict(extra=Extra.forbid)
    ```

    ## Use instead
    ```python
    model_config = ConfigDict(extra="forbid")
    ```

    ## Fix
    Safe: the member becomes its string.

    ## Options
    None.
    """

    code = "CNF406"
    name = "pydantic-extra-enum"
    summary = "deprecated Extra enum"
    fix_hint = 'use the string: extra="forbid"'
    catalog = "PV006"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from enum import Enum


            class Extra(Enum):
                forbid = 1


            value = Extra.forbid
            """,
            path=SCHEMAS,
            note="a project enum of the same name",
        ),
    )
    INVALID = (
        Example.code(
            """
            import pydantic as pd
            from pydantic import BaseModel, ConfigDict, Extra


            class UserIn(BaseModel):
                model_config = ConfigDict(extra=Extra.forbid)


            class UserOut(BaseModel):
                model_config = ConfigDict(extra=pd.Extra.ignore)
            """,
            Expect(6, 37, 'Extra.forbid is deprecated in Pydantic v2: use the string "forbid"'),
            Expect(10, 37, 'Extra.ignore is deprecated in Pydantic v2: use the string "ignore"'),
            path=SCHEMAS,
            fixed="""
            import pydantic as pd
            from pydantic import BaseModel, ConfigDict, Extra


            class UserIn(BaseModel):
                model_config = ConfigDict(extra="forbid")


            class UserOut(BaseModel):
                model_config = ConfigDict(extra="ignore")
            """,
        ),
    )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self.ctx.qualname(node) not in _EXTRA_MEMBERS:
            return
        member = node.attr.value
        self.report(
            node,
            f'Extra.{member} is deprecated in Pydantic v2: use the string "{member}"',
            replacement=cst.SimpleString(f'"{member}"'),
        )


# -- 4.2 validators -----------------------------------------------------------------------------


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


def _positional_params(node: cst.FunctionDef) -> List[cst.Param]:
    return list(node.params.posonly_params) + list(node.params.params)


class V1Validator(_DecoratorRule):
    """## What it checks
    `@validator(...)` from Pydantic v1 (`@pydantic.validator`, `from pydantic import validator as
    v`, bare `@validator`).

    ## Why
    `@validator` is deprecated in v2 and kept only as a shim; its arguments (`pre`, `each_item`,
    `always`) and signatures (`values`, `field`, `config`) differ from `@field_validator`.

    ## Example
    ```python
    @validator("name", pre=True, allow_reuse=True)
    def strip(cls, v):
        return v.strip()
    ```

    ## Use instead
    ```python
    @field_validator("name", mode="before")
    @classmethod
    def strip(cls, v):
        return v.strip()
    ```

    ## Fix
    Safe when only field names, `pre`, `check_fields` and `allow_reuse` are passed and the
    function takes exactly `(cls, v)`: `pre=True` becomes `mode="before"`, `allow_reuse` is dropped
    and `@classmethod` is added. The replacement of the decorator is a `libcst.FlattenSentinel` of
    two decorators. The fix adds `from pydantic import field_validator` when the file does not bind
    it yet. Otherwise (a `values` parameter, `each_item`, `always`) no fix.

    ## Options
    None.
    """

    code = "CNF410"
    name = "pydantic-v1-validator"
    summary = "Pydantic v1 @validator"
    fix_hint = "use @field_validator(...) with @classmethod"
    catalog = "PV010"
    fix = FixSafety.SAFE
    decorators = _VALIDATOR
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, field_validator


            class UserIn(BaseModel):
                name: str

                @field_validator("name")
                @classmethod
                def strip(cls, v):
                    return v.strip()
            """,
            path=SCHEMAS,
        ),
        Example.code(
            """
            from pydantic.v1 import BaseModel, validator


            class UserIn(BaseModel):
                name: str

                @validator("name")
                def strip(cls, v):
                    return v.strip()
            """,
            path=SCHEMAS,
            note="pydantic.v1 code is left alone",
        ),
        Example.code(
            """
            from myapp.checks import validator


            @validator("name")
            def strip(v):
                return v
            """,
            path=SCHEMAS,
            note="another library's validator",
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator as v


            class UserIn(BaseModel):
                name: str

                @v("name", pre=True, allow_reuse=True)
                def strip(cls, value):
                    return value.strip()
            """,
            Expect(
                7,
                5,
                "@validator is the Pydantic v1 decorator: use @field_validator with @classmethod",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel, field_validator, validator as v


            class UserIn(BaseModel):
                name: str

                @field_validator("name", mode="before")
                @classmethod
                def strip(cls, value):
                    return value.strip()
            """,
        ),
        Example.code(
            """
            import pydantic as pd


            class UserIn(pd.BaseModel):
                name: str

                @pd.validator("name")
                def strip(cls, v, values):
                    return v.strip()
            """,
            Expect(
                7,
                5,
                "@validator is the Pydantic v1 decorator: use @field_validator with @classmethod",
            ),
            path=SCHEMAS,
            note="a values parameter: no fix (info.data)",
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        replacement = self._fix(node, decorator, call)
        imports: Tuple[Tuple[str, Optional[str]], ...] = ()
        if replacement is not None and call is not None and isinstance(call.func, cst.Name):
            if not _local_name(self.ctx, _FIELD_VALIDATOR, ""):
                imports = (("pydantic", "field_validator"),)
        self.report(
            decorator,
            "@validator is the Pydantic v1 decorator: use @field_validator with @classmethod",
            replacement=replacement,
            imports=imports,
        )

    def _fix(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> Any:
        """The new decorator, or a FlattenSentinel of it and ``@classmethod``; None: no fix."""
        ctx = self.ctx
        if call is None or not call.args:
            return None
        params = node.params
        positional = _positional_params(node)
        if (
            len(positional) != 2
            or positional[0].name.value != "cls"
            or params.posonly_params
            or params.kwonly_params
            or isinstance(params.star_arg, cst.Param)
            or params.star_kwarg is not None
            or any(p.default is not None for p in positional)
            or _has_decorator(ctx, node, _STATICMETHOD)
        ):
            return None
        args: List[cst.Arg] = []
        for arg in call.args:
            if arg.star:
                return None
            if arg.keyword is None:
                if _string(arg.value) is None:
                    return None
                args.append(arg)
                continue
            keyword = arg.keyword.value
            if keyword == "pre":
                if _is_name(arg.value, "True"):
                    args.append(_keyword_arg("mode", cst.SimpleString('"before"')))
                elif not _is_name(arg.value, "False"):
                    return None
            elif keyword == "allow_reuse":
                continue
            elif keyword == "check_fields":
                args.append(arg)
            else:
                return None
        func = call.func
        if isinstance(func, cst.Attribute):
            new_func: cst.BaseExpression = func.with_changes(attr=cst.Name("field_validator"))
        else:
            new_func = cst.Name(_local_name(ctx, _FIELD_VALIDATOR, "field_validator"))
        new_decorator = decorator.with_changes(
            decorator=_with_args(call.with_changes(func=new_func), args)
        )
        if _has_decorator(ctx, node, _CLASSMETHOD):
            return new_decorator
        return cst.FlattenSentinel([new_decorator, cst.Decorator(cst.Name("classmethod"))])


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


class ValidatorPre(_ValidatorKeyword):
    """## What it checks
    `pre=True` / `pre=False` in `@validator(...)`.

    ## Why
    `@field_validator` has no `pre`: the v2 spelling is `mode="before"` (and the default,
    `mode="after"`, for `pre=False`).

    ## Example
    ```python
    @validator("name", pre=True)
    ```

    ## Use instead
    ```python
    @field_validator("name", mode="before")
    ```

    ## Fix
    Applied by CNF410's fix, which rewrites the whole decorator.

    ## Options
    None.
    """

    code = "CNF411"
    name = "pydantic-validator-pre"
    summary = "pre= in a v1 @validator"
    fix_hint = 'use mode="before" in @field_validator (omit it for pre=False)'
    catalog = "PV011"
    keyword = "pre"
    VALID = (
        Example.code(
            """
            from pydantic import field_validator


            @field_validator("name", mode="before")
            def strip(cls, v):
                return v
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator


            class UserIn(BaseModel):
                name: str

                @validator("name", pre=True)
                def strip(cls, v):
                    return v
            """,
            Expect(7, 24, 'pre=True in @validator: @field_validator takes mode="before"'),
            path=SCHEMAS,
        ),
    )

    def message(self, value: cst.BaseExpression) -> Optional[str]:
        if _is_name(value, "False"):
            return (
                'pre=False in @validator: omit it (mode="after" is the default of @field_validator)'
            )
        return 'pre=True in @validator: @field_validator takes mode="before"'


class ValidatorEachItem(_ValidatorKeyword):
    """## What it checks
    `each_item=True` in `@validator(...)`.

    ## Why
    v2 has no per-item validators: `@field_validator` sees the whole value. Moving the decorator
    without the keyword silently validates the list instead of its items.

    ## Example
    ```python
    @validator("tags", each_item=True)
    def lower(cls, v):
        return v.lower()
    ```

    ## Use instead
    ```python
    tags: list[Annotated[str, AfterValidator(str.lower)]]
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF412"
    name = "pydantic-validator-each-item"
    summary = "each_item= in a v1 @validator"
    fix_hint = "validate the item type: list[Annotated[T, AfterValidator(f)]]"
    catalog = "PV012"
    keyword = "each_item"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator


            class UserIn(BaseModel):
                tags: list

                @validator("tags", each_item=False)
                def lower(cls, v):
                    return v
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            import pydantic


            class UserIn(pydantic.BaseModel):
                tags: list

                @pydantic.validator("tags", each_item=True)
                def lower(cls, v):
                    return v.lower()
            """,
            Expect(
                7,
                33,
                "each_item=True has no @field_validator equivalent: validate the item type instead (list[Annotated[T, AfterValidator(f)]])",
            ),
            path=SCHEMAS,
        ),
    )

    def message(self, value: cst.BaseExpression) -> Optional[str]:
        if _is_name(value, "False"):
            return None
        return (
            "each_item=True has no @field_validator equivalent: validate the item type instead "
            "(list[Annotated[T, AfterValidator(f)]])"
        )


class ValidatorAlways(_ValidatorKeyword):
    """## What it checks
    `always=True` in `@validator(...)`.

    ## Why
    `@field_validator` has no `always`; v2 validates defaults only with
    `Field(validate_default=True)`, and then also runs the type's own validation on the default.

    ## Example
    ```python
    @validator("created", always=True)
    ```

    ## Use instead
    ```python
    created: datetime = Field(default=None, validate_default=True)
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF413"
    name = "pydantic-validator-always"
    summary = "always= in a v1 @validator"
    fix_hint = "set Field(validate_default=True) on the field"
    catalog = "PV013"
    keyword = "always"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class UserIn(BaseModel):
                name: str = Field(default="", validate_default=True)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator


            class UserIn(BaseModel):
                name: str = ""

                @validator("name", always=True)
                def fill(cls, v):
                    return v or "anonymous"
            """,
            Expect(
                7,
                24,
                "always=True has no @field_validator equivalent: set Field(validate_default=True) on the field (v2 then also validates the default against its type)",
            ),
            path=SCHEMAS,
        ),
    )

    def message(self, value: cst.BaseExpression) -> Optional[str]:
        if _is_name(value, "False"):
            return None
        return (
            "always=True has no @field_validator equivalent: set Field(validate_default=True) on "
            "the field (v2 then also validates the default against its type)"
        )


class ValidatorAllowReuse(_ValidatorKeyword):
    """## What it checks
    `allow_reuse=...` in `@validator(...)` (and `@root_validator(...)`).

    ## Why
    v2 validators can always be reused; the keyword is a v1 leftover that `@field_validator` does
    not accept.

    ## Example
    ```python
    @validator("name", allow_reuse=True)
    ```

    ## Use instead
    ```python
    @field_validator("name")
    ```

    ## Fix
    Applied by CNF410's fix, which drops the keyword.

    ## Options
    None.
    """

    code = "CNF414"
    name = "pydantic-validator-allow-reuse"
    summary = "allow_reuse= in a v1 validator"
    fix_hint = "delete it (v2 validators can always be reused)"
    catalog = "PV014"
    keyword = "allow_reuse"
    decorators = _VALIDATOR | _ROOT_VALIDATOR
    VALID = (
        Example.code(
            """
            from pydantic import field_validator


            @field_validator("name")
            def strip(cls, v):
                return v
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator


            class UserIn(BaseModel):
                name: str

                @validator("name", allow_reuse=True)
                def strip(cls, v):
                    return v
            """,
            Expect(7, 24, "allow_reuse is not needed in Pydantic v2: delete it"),
            path=SCHEMAS,
        ),
    )

    def message(self, value: cst.BaseExpression) -> Optional[str]:
        return "allow_reuse is not needed in Pydantic v2: delete it"


class ValidatorV1Signature(_DecoratorRule):
    """## What it checks
    A `@validator` function whose parameters v2 cannot call: `field` or `config` parameters, or any
    parameter without a default besides the value, `values` and `**kwargs`.

    ## Why
    Even through the deprecated `@validator` shim, v2 fails at class creation
    (`validator-field-config-info`, `validator-v1-signature`): the whole model cannot be imported.

    ## Example
    ```python
    @validator("name")
    def check(cls, v, values, field, config):
        ...
    ```

    ## Use instead
    ```python
    @field_validator("name")
    @classmethod
    def check(cls, v, info: ValidationInfo):
        ...  # info.data, info.field_name, info.config
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF415"
    name = "pydantic-validator-v1-signature"
    summary = "validator signature that fails in Pydantic v2"
    fix_hint = "take info: ValidationInfo (info.field_name, info.config, info.data)"
    catalog = "PV015"
    decorators = _VALIDATOR
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator


            class UserIn(BaseModel):
                name: str

                @validator("name")
                def check(cls, v, values, **kwargs):
                    return v
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, validator


            class UserIn(BaseModel):
                name: str

                @validator("name")
                def check(cls, v, values, field, extra):
                    return v
            """,
            Expect(
                8,
                31,
                "validator parameter 'field' is not available in Pydantic v2 (class creation fails): use @field_validator with info: ValidationInfo (info.field_name)",
            ),
            Expect(
                8,
                38,
                "validator parameter 'extra' is not a supported validator signature in Pydantic v2 (class creation fails): use @field_validator with (cls, v, info: ValidationInfo)",
            ),
            path=SCHEMAS,
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        if _has_decorator(self.ctx, node, _STATICMETHOD):
            return
        params = node.params
        ordered = _positional_params(node)[1:]  # without cls
        everything: List[Tuple[cst.Param, bool]] = [(p, True) for p in ordered]
        if isinstance(params.star_arg, cst.Param):
            everything.append((params.star_arg, False))
        everything.extend((p, True) for p in params.kwonly_params)
        for number, (param, keywordable) in enumerate(everything):
            name = param.name.value
            if keywordable and name in ("field", "config"):
                use = "info.field_name" if name == "field" else "info.config"
                self.report(
                    param,
                    f"validator parameter '{name}' is not available in Pydantic v2 (class creation "
                    f"fails): use @field_validator with info: ValidationInfo ({use})",
                )
            elif keywordable and name == "values":
                continue
            elif number == 0 and param in ordered:
                continue
            elif param.default is None:
                self.report(
                    param,
                    f"validator parameter '{name}' is not a supported validator signature in "
                    "Pydantic v2 (class creation fails): use @field_validator with "
                    "(cls, v, info: ValidationInfo)",
                )


class V1RootValidator(_DecoratorRule):
    """## What it checks
    `@root_validator` / `@root_validator(...)` from Pydantic v1.

    ## Why
    Deprecated in v2. Its replacement, `@model_validator`, splits into `mode="before"` (a
    classmethod receiving the raw input, which need not be a dict) and `mode="after"` (an instance
    method returning `self`): the body changes from `values[...]` to attributes.

    ## Example
    ```python
    @root_validator(pre=True)
    def fill(cls, values):
        ...
    ```

    ## Use instead
    ```python
    @model_validator(mode="before")
    @classmethod
    def fill(cls, data: Any) -> Any:
        ...
    ```

    ## Fix
    None: the body has to change (the catalog's safe case, a `pre=True` body that only reads and
    writes the dict, cannot be proven syntactically because v2 may pass a non-dict).

    ## Options
    None.
    """

    code = "CNF416"
    name = "pydantic-v1-root-validator"
    summary = "Pydantic v1 @root_validator"
    fix_hint = (
        '@model_validator(mode="before") on a classmethod, or mode="after" on an instance method'
    )
    catalog = "PV016"
    decorators = _ROOT_VALIDATOR
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, model_validator


            class Period(BaseModel):
                @model_validator(mode="after")
                def ordered(self):
                    return self
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, root_validator as rv


            class Period(BaseModel):
                @rv(pre=True)
                def fill(cls, values):
                    return values
            """,
            Expect(
                5,
                5,
                '@root_validator is the Pydantic v1 decorator: use @model_validator(mode="before") on a classmethod or mode="after" on an instance method returning self',
            ),
            path=SCHEMAS,
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        self.report(
            decorator,
            '@root_validator is the Pydantic v1 decorator: use @model_validator(mode="before") on '
            'a classmethod or mode="after" on an instance method returning self',
        )


class RootValidatorWithoutSkip(_DecoratorRule):
    """## What it checks
    `@root_validator` with neither `pre=True` nor `skip_on_failure=True` (bare `@root_validator`
    included).

    ## Why
    Pydantic v2 raises at class creation (`root-validator-pre-skip`): the module defining the
    model cannot be imported.

    ## Example
    ```python
    @root_validator
    def ordered(cls, values):
        ...
    ```

    ## Use instead
    ```python
    @model_validator(mode="after")
    def ordered(self):
        ...
        return self
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF417"
    name = "pydantic-root-validator-without-skip"
    summary = "@root_validator without pre=True or skip_on_failure=True"
    fix_hint = 'use @model_validator(mode="after") (or pass skip_on_failure=True)'
    catalog = "PV017"
    decorators = _ROOT_VALIDATOR
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, root_validator


            class Period(BaseModel):
                @root_validator(skip_on_failure=True)
                def ordered(cls, values):
                    return values
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            import pydantic


            class Period(pydantic.BaseModel):
                @pydantic.root_validator
                def ordered(cls, values):
                    return values
            """,
            Expect(
                5,
                5,
                '@root_validator without pre=True or skip_on_failure=True fails at class creation in Pydantic v2: use @model_validator(mode="after")',
            ),
            path=SCHEMAS,
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        if call is not None:
            if any(arg.star for arg in call.args):
                return
            pre = _kwarg(call, "pre")
            skip = _kwarg(call, "skip_on_failure")
            if (pre is not None and not _is_name(pre.value, "False")) or (
                skip is not None and not _is_name(skip.value, "False")
            ):
                return
        self.report(
            decorator,
            "@root_validator without pre=True or skip_on_failure=True fails at class creation in "
            'Pydantic v2: use @model_validator(mode="after")',
        )


def _mode(call: Optional[cst.Call]) -> Optional[str]:
    arg = _kwarg(call, "mode") if call is not None else None
    return _string(arg.value) if arg is not None else None


class ValidatorOnInstanceMethod(_DecoratorRule):
    """## What it checks
    `@field_validator` or `@model_validator(mode="before"/"wrap")` on a method whose first
    parameter is `self` (and that is not a classmethod).

    ## Why
    v2 refuses it at class creation (`validator-instance-method`): these validators run before an
    instance exists.

    ## Example
    ```python
    @field_validator("name")
    def strip(self, v):
        ...
    ```

    ## Use instead
    ```python
    @field_validator("name")
    @classmethod
    def strip(cls, v):
        ...
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF418"
    name = "pydantic-validator-instance-method"
    summary = "field or before-model validator on an instance method"
    fix_hint = "make it a @classmethod taking cls"
    catalog = "PV018"
    decorators = _FIELD_VALIDATOR | _MODEL_VALIDATOR
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, model_validator


            class Period(BaseModel):
                @model_validator(mode="after")
                def ordered(self):
                    return self
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, field_validator


            class UserIn(BaseModel):
                name: str

                @field_validator("name")
                def strip(self, v):
                    return v.strip()
            """,
            Expect(
                8,
                15,
                "@field_validator on an instance method fails at class creation in Pydantic v2: make it a @classmethod taking cls",
            ),
            path=SCHEMAS,
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        qualname, _ = _decorator_target(self.ctx, decorator)
        if qualname in _MODEL_VALIDATOR and _mode(call) not in ("before", "wrap"):
            return
        if _has_decorator(self.ctx, node, _CLASSMETHOD) or _has_decorator(
            self.ctx, node, _STATICMETHOD
        ):
            return
        positional = _positional_params(node)
        if not positional or positional[0].name.value != "self":
            return
        which = (
            "@field_validator"
            if qualname in _FIELD_VALIDATOR
            else f'@model_validator(mode="{_mode(call)}")'
        )
        self.report(
            positional[0],
            f"{which} on an instance method fails at class creation in Pydantic v2: make it a "
            "@classmethod taking cls",
        )


class AfterValidatorClassmethod(_DecoratorRule):
    """## What it checks
    `@model_validator(mode="after")` on a classmethod.

    ## Why
    An after validator receives the built instance; as a classmethod it is deprecated and gets the
    instance as its second argument, which reads wrongly and will stop working.

    ## Example
    ```python
    @model_validator(mode="after")
    @classmethod
    def ordered(cls, model):
        ...
    ```

    ## Use instead
    ```python
    @model_validator(mode="after")
    def ordered(self):
        ...
        return self
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF419"
    name = "pydantic-after-validator-classmethod"
    summary = 'model_validator(mode="after") on a classmethod'
    fix_hint = "make it an instance method taking self and returning self"
    catalog = "PV019"
    decorators = _MODEL_VALIDATOR
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, model_validator


            class Period(BaseModel):
                @model_validator(mode="before")
                @classmethod
                def fill(cls, data):
                    return data
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, model_validator


            class Period(BaseModel):
                @model_validator(mode="after")
                @classmethod
                def ordered(cls, model):
                    return model
            """,
            Expect(
                5,
                5,
                '@model_validator(mode="after") on a classmethod is deprecated: make it an instance method taking self and returning self',
            ),
            path=SCHEMAS,
        ),
    )

    def check(
        self, node: cst.FunctionDef, decorator: cst.Decorator, call: Optional[cst.Call]
    ) -> None:
        if _mode(call) == "after" and _has_decorator(self.ctx, node, _CLASSMETHOD):
            self.report(
                decorator,
                '@model_validator(mode="after") on a classmethod is deprecated: make it an '
                "instance method taking self and returning self",
            )


_MODEL_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel"})


class FieldValidatorUnknownField(FileRule):
    """## What it checks
    `@field_validator` with no field names (`@field_validator()`, bare `@field_validator`), or
    naming a field that the class and its bases do not define. Only classes whose bases are all
    `pydantic.BaseModel` or classes of the same file are judged: fields of a base in another file
    or library are unknown, so those classes are skipped.

    ## Why
    v2 fails at class creation (`decorator-missing-arguments`, `decorator-missing-field`), often
    after a field was renamed and its validator was not.

    ## Example
    ```python
    class UserIn(BaseModel):
        email: str

        @field_validator("mail")
        @classmethod
        def lower(cls, v): ...
    ```

    ## Use instead
    Name the real field (`"email"`), or pass `check_fields=False` for fields defined by
    subclasses.

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF421"
    name = "pydantic-validator-unknown-field"
    summary = "@field_validator names no field or an unknown field"
    fix_hint = "name real fields, or pass check_fields=False"
    catalog = "PV021"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, field_validator


            class Base(BaseModel):
                email: str


            class UserIn(Base):
                name: str

                @field_validator("email", "name")
                @classmethod
                def lower(cls, v):
                    return v.lower()

                @field_validator("extra", check_fields=False)
                @classmethod
                def other(cls, v):
                    return v
            """,
            path=SCHEMAS,
        ),
        Example.code(
            """
            from pydantic import field_validator

            from cpv3.core.schemas import Schema


            class UserIn(Schema):
                @field_validator("email")
                @classmethod
                def lower(cls, v):
                    return v.lower()
            """,
            path=SCHEMAS,
            extra={
                "cpv3/core/schemas.py": "from pydantic import BaseModel\n\n\nclass Schema(BaseModel):\n    email: str\n"
            },
            note="fields of a base in another file are unknown: skipped",
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, field_validator


            class UserIn(BaseModel):
                email: str

                @field_validator("mail")
                @classmethod
                def lower(cls, v):
                    return v.lower()

                @field_validator()
                @classmethod
                def other(cls, v):
                    return v
            """,
            Expect(
                7,
                22,
                "@field_validator names 'mail', which UserIn does not define (class creation fails): name a real field or pass check_fields=False",
            ),
            Expect(
                12,
                6,
                "@field_validator names no field (class creation fails): pass the field names",
            ),
            path=SCHEMAS,
        ),
    )

    def __init__(self, ctx: object) -> None:
        super().__init__(ctx)  # type: ignore[arg-type]
        #: classes of this file: qualname -> (fields, all bases known)
        self.classes: Dict[str, Tuple[Set[str], bool]] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        fields: Set[str] = set()
        for small in _small_statements(node):
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                fields.add(small.target.value)
        known = bool(node.bases) and not node.keywords
        for arg in node.bases:
            value = arg.value
            if isinstance(value, cst.Subscript):
                known = False
                break
            base = ctx.qualname(value)
            if base in _MODEL_BASES:
                continue
            inherited = self.classes.get(base or "")
            if inherited is None or not inherited[1]:
                known = False
                break
            fields |= inherited[0]
        self.classes[ctx.definition_qualname(node.name.value)] = (fields, known)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        owner = _class_scope(ctx)
        for decorator in node.decorators:
            qualname, call = _decorator_target(ctx, decorator)
            if qualname not in _FIELD_VALIDATOR:
                continue
            if call is None or not any(a.keyword is None for a in call.args):
                if call is not None and any(a.star for a in call.args):
                    continue
                self.report(
                    decorator.decorator,
                    "@field_validator names no field (class creation fails): pass the field names",
                )
                continue
            check = _kwarg(call, "check_fields")
            if owner is None or (check is not None and not _is_name(check.value, "True")):
                continue
            fields, known = self.classes.get(owner, (set(), False))
            if not known:
                continue
            for arg in call.args:
                name = _string(arg.value) if arg.keyword is None else None
                if name is not None and name != "*" and name not in fields:
                    self.report(
                        arg.value,
                        f"@field_validator names '{name}', which {_short(owner)} does not define "
                        "(class creation fails): name a real field or pass check_fields=False",
                    )


# -- 4.3 BaseModel methods and attributes -------------------------------------------------------

_MODEL_FILE = """
from pydantic import BaseModel


class UserOut(BaseModel):
    id: int
"""


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
            elif arg.keyword.value not in self.carry:
                return False
        return count <= self.positional

    def replacement(self, node: cst.Call) -> Optional[cst.CSTNode]:
        if not self.new or not self.fixable(node):
            return None
        func = node.func
        assert isinstance(func, cst.Attribute)
        return node.with_changes(func=func.with_changes(attr=cst.Name(self.new)))


_DUMP_KEYWORDS = frozenset(
    {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"}
)


class DictMethod(_ModelMethod):
    """## What it checks
    `m.dict(...)` where `m` is provably a Pydantic model instance: a parameter or variable
    annotated with a model, a name assigned from a model constructor or `model_validate`, `self` in
    a model, `self.attr` typed in the class. `some_dict.copy()`-style look-alikes and unknown
    receivers never fire.

    ## Why
    `.dict()` is deprecated in v2 (a warning on every call) and will be removed.

    ## Example
    ```python
    def save(user: UserIn) -> None:
        repo.insert(user.dict(exclude_unset=True))
    ```

    ## Use instead
    ```python
        repo.insert(user.model_dump(exclude_unset=True))
    ```

    ## Fix
    Safe: `include`, `exclude`, `by_alias`, `exclude_unset`, `exclude_defaults`, `exclude_none`
    carry over. `skip_defaults` (removed) gets no fix.

    ## Options
    None.
    """

    code = "CNF430"
    name = "pydantic-dict-method"
    summary = "Pydantic v1 .dict() on a model"
    fix_hint = "use .model_dump()"
    catalog = "PV030"
    fix = FixSafety.SAFE
    method = "dict"
    new = "model_dump"
    on_class = False
    on_instance = True
    carry = _DUMP_KEYWORDS
    VALID = (
        Example.code(
            """
            from fastapi import Request


            async def handler(request: Request, payload: dict, data):
                body = await request.json()
                return payload.copy(), data.dict(), body
            """,
        ),
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut


            class Report(UserOut):
                def dict(self):
                    return {}


            def render(report: Report):
                return report.dict()
            """,
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
            note="the model defines dict() itself",
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut


            def render(user: UserOut, other: "UserOut | None"):
                fresh = UserOut(id=1)
                return user.dict(exclude_unset=True), other.dict(), fresh.dict(skip_defaults=True)
            """,
            Expect(
                6,
                12,
                ".dict() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_dump()",
            ),
            Expect(
                6,
                43,
                ".dict() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_dump()",
            ),
            Expect(
                6,
                57,
                ".dict() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_dump()",
            ),
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
            fixed="""
            from cpv3.modules.users.schemas import UserOut


            def render(user: UserOut, other: "UserOut | None"):
                fresh = UserOut(id=1)
                return user.model_dump(exclude_unset=True), other.model_dump(), fresh.dict(skip_defaults=True)
            """,
            note="a model class in another file; skip_defaults: no fix",
        ),
    )


class JsonMethod(_ModelMethod):
    """## What it checks
    `m.json(...)` where `m` is provably a Pydantic model instance (see CNF430 for the receivers).
    `request.json()` (Starlette) and `response.json()` (httpx, requests) never fire.

    ## Why
    `.json()` is deprecated in v2, and its `json.dumps` keywords (`encoder=`, `models_as_dict=`,
    `sort_keys=`, ...) now raise `TypeError`.

    ## Example
    ```python
    payload = order.json(by_alias=True)
    ```

    ## Use instead
    ```python
    payload = order.model_dump_json(by_alias=True)
    ```

    ## Fix
    Safe when only `include`, `exclude`, `by_alias`, `exclude_unset`, `exclude_defaults`,
    `exclude_none` or `indent` are passed; no fix otherwise (those calls fail in v2).

    ## Options
    None.
    """

    code = "CNF431"
    name = "pydantic-json-method"
    summary = "Pydantic v1 .json() on a model"
    fix_hint = "use .model_dump_json()"
    catalog = "PV031"
    fix = FixSafety.SAFE
    method = "json"
    new = "model_dump_json"
    on_class = False
    on_instance = True
    carry = _DUMP_KEYWORDS | {"indent"}
    VALID = (
        Example.code(
            """
            import httpx


            async def fetch(client: httpx.AsyncClient, response: httpx.Response):
                return response.json()
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class Order(BaseModel):
                id: int

                def payload(self):
                    return self.json(indent=2), self.json(sort_keys=True)
            """,
            Expect(
                8,
                16,
                ".json() on Pydantic model Order is the v1 API (deprecated in v2): use .model_dump_json()",
            ),
            Expect(
                8,
                37,
                '.json(sort_keys=...) on Pydantic model Order raises TypeError in Pydantic v2: use .model_dump_json() and json.dumps(m.model_dump(mode="json"), ...) for json.dumps options',
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class Order(BaseModel):
                id: int

                def payload(self):
                    return self.model_dump_json(indent=2), self.json(sort_keys=True)
            """,
        ),
    )

    def message(self, node: cst.Call, receiver: str) -> str:
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value not in self.carry:  # type: ignore[operator]
                return (
                    f".json({arg.keyword.value}=...) on Pydantic model {_short(receiver)} raises "
                    "TypeError in Pydantic v2: use .model_dump_json() and "
                    'json.dumps(m.model_dump(mode="json"), ...) for json.dumps options'
                )
        return super().message(node, receiver)


class CopyMethod(_ModelMethod):
    """## What it checks
    `m.copy(...)` where `m` is provably a Pydantic model instance (see CNF430). `dict.copy()`,
    `list.copy()` and unknown receivers never fire.

    ## Why
    `.copy()` is deprecated in v2; `model_copy` does not take `include`/`exclude`.

    ## Example
    ```python
    updated = user.copy(update={"name": name})
    ```

    ## Use instead
    ```python
    updated = user.model_copy(update={"name": name})
    ```

    ## Fix
    Safe with `update=` and `deep=` only.

    ## Options
    None.
    """

    code = "CNF432"
    name = "pydantic-copy-method"
    summary = "Pydantic v1 .copy() on a model"
    fix_hint = "use .model_copy(update=..., deep=...)"
    catalog = "PV032"
    fix = FixSafety.SAFE
    method = "copy"
    new = "model_copy"
    on_class = False
    on_instance = True
    carry = frozenset({"update", "deep"})
    VALID = (
        Example.code(
            """
            def merge(defaults: dict, extra: list):
                return defaults.copy(), extra.copy()
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut


            def rename(user: UserOut):
                return user.copy(update={"id": 2}), user.copy(include={"id"})
            """,
            Expect(
                5,
                12,
                ".copy() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_copy()",
            ),
            Expect(
                5,
                41,
                ".copy() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_copy()",
            ),
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
            fixed="""
            from cpv3.modules.users.schemas import UserOut


            def rename(user: UserOut):
                return user.model_copy(update={"id": 2}), user.copy(include={"id"})
            """,
        ),
    )


class ParseObjMethod(_ModelMethod):
    """## What it checks
    `M.parse_obj(x)` on a Pydantic model class (imported, defined, `cls` in a classmethod).

    ## Why
    Deprecated in v2.

    ## Example
    ```python
    user = UserOut.parse_obj(row)
    ```

    ## Use instead
    ```python
    user = UserOut.model_validate(row)
    ```

    ## Fix
    Safe.

    ## Options
    None.
    """

    code = "CNF433"
    name = "pydantic-parse-obj"
    summary = "Pydantic v1 parse_obj()"
    fix_hint = "use .model_validate()"
    catalog = "PV033"
    fix = FixSafety.SAFE
    method = "parse_obj"
    new = "model_validate"
    positional = 1
    VALID = (
        Example.code(
            """
            from myapp.legacy import Parser


            value = Parser.parse_obj({})
            """,
            note="not a model",
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users import schemas as s


            def load(row):
                return s.UserOut.parse_obj(row)
            """,
            Expect(
                5,
                12,
                ".parse_obj() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_validate()",
            ),
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
            fixed="""
            from cpv3.modules.users import schemas as s


            def load(row):
                return s.UserOut.model_validate(row)
            """,
        ),
    )


class ParseRawMethod(_ModelMethod):
    """## What it checks
    `M.parse_raw(s)` on a Pydantic model class.

    ## Why
    Deprecated in v2; `content_type`, `encoding`, `proto` and `allow_pickle` have no equivalent.

    ## Example
    ```python
    user = UserOut.parse_raw(body)
    ```

    ## Use instead
    ```python
    user = UserOut.model_validate_json(body)
    ```

    ## Fix
    Safe without `content_type`, `encoding`, `proto`, `allow_pickle`.

    ## Options
    None.
    """

    code = "CNF434"
    name = "pydantic-parse-raw"
    summary = "Pydantic v1 parse_raw()"
    fix_hint = "use .model_validate_json()"
    catalog = "PV034"
    fix = FixSafety.SAFE
    method = "parse_raw"
    new = "model_validate_json"
    positional = 1
    VALID = (
        Example.code(
            """
            import json


            value = json.JSONDecoder().raw_decode("{}")
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            user = UserOut.parse_raw('{"id": 1}')
            """,
            Expect(
                8,
                8,
                ".parse_raw() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_validate_json()",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            user = UserOut.model_validate_json('{"id": 1}')
            """,
        ),
    )


class ParseFileMethod(_ModelMethod):
    """## What it checks
    `M.parse_file(path)` on a Pydantic model class.

    ## Why
    Deprecated in v2 and removed in v3; there is no file-reading validator.

    ## Example
    ```python
    config = AppConfig.parse_file("config.json")
    ```

    ## Use instead
    ```python
    config = AppConfig.model_validate_json(Path("config.json").read_text())
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF435"
    name = "pydantic-parse-file"
    summary = "Pydantic v1 parse_file()"
    fix_hint = "read the file, then call .model_validate_json()"
    catalog = "PV035"
    method = "parse_file"
    VALID = (
        Example.code(
            """
            def load(loader):
                return loader.parse_file("x.json")
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class AppConfig(BaseModel):
                debug: bool = False

                @classmethod
                def load(cls):
                    return cls.parse_file("config.json")
            """,
            Expect(
                9,
                16,
                ".parse_file() on Pydantic model AppConfig is the v1 API (deprecated in v2): read the file and call .model_validate_json()",
            ),
            path=SCHEMAS,
        ),
    )

    def message(self, node: cst.Call, receiver: str) -> str:
        return (
            f".parse_file() on Pydantic model {_short(receiver)} is the v1 API (deprecated in v2): "
            "read the file and call .model_validate_json()"
        )


class FromOrmMethod(_ModelMethod):
    """## What it checks
    `M.from_orm(obj)` on a Pydantic model class.

    ## Why
    Deprecated in v2; it also requires `from_attributes=True` in the config, which the v2 call can
    pass explicitly.

    ## Example
    ```python
    return UserOut.from_orm(user)
    ```

    ## Use instead
    ```python
    return UserOut.model_validate(user, from_attributes=True)
    ```

    ## Fix
    Safe: the explicit keyword keeps the v1 semantics (which required `orm_mode`).

    ## Options
    None.
    """

    code = "CNF436"
    name = "pydantic-from-orm"
    summary = "Pydantic v1 from_orm()"
    fix_hint = "use .model_validate(obj, from_attributes=True)"
    catalog = "PV036"
    fix = FixSafety.SAFE
    method = "from_orm"
    new = "model_validate"
    positional = 1
    VALID = (
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut


            def read(user) -> UserOut:
                return UserOut.model_validate(user, from_attributes=True)
            """,
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut as Out


            def read(user) -> Out:
                return Out.from_orm(user)
            """,
            Expect(
                5,
                12,
                ".from_orm() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_validate(obj, from_attributes=True)",
            ),
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
            fixed="""
            from cpv3.modules.users.schemas import UserOut as Out


            def read(user) -> Out:
                return Out.model_validate(user, from_attributes=True)
            """,
        ),
    )

    def message(self, node: cst.Call, receiver: str) -> str:
        return (
            f".from_orm() on Pydantic model {_short(receiver)} is the v1 API (deprecated in v2): "
            "use .model_validate(obj, from_attributes=True)"
        )

    def replacement(self, node: cst.Call) -> Optional[cst.CSTNode]:
        if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
            return None
        func = node.func
        assert isinstance(func, cst.Attribute)
        args = [node.args[0], _keyword_arg("from_attributes", cst.Name("True"))]
        return _with_args(node.with_changes(func=func.with_changes(attr=cst.Name(self.new))), args)


class ConstructMethod(_ModelMethod):
    """## What it checks
    `M.construct(...)` on a Pydantic model class.

    ## Why
    Deprecated in v2.

    ## Example
    ```python
    user = UserOut.construct(id=1)
    ```

    ## Use instead
    ```python
    user = UserOut.model_construct(id=1)
    ```

    ## Fix
    Safe (model classes only: the arguments are the same).

    ## Options
    None.
    """

    code = "CNF437"
    name = "pydantic-construct"
    summary = "Pydantic v1 construct()"
    fix_hint = "use .model_construct()"
    catalog = "PV037"
    fix = FixSafety.SAFE
    method = "construct"
    new = "model_construct"

    def fixable(self, node: cst.Call) -> bool:
        return True

    VALID = (
        Example.code(
            """
            def build(factory):
                return factory.construct(id=1)
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            user = UserOut.construct(id=1)
            """,
            Expect(
                8,
                8,
                ".construct() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_construct()",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            user = UserOut.model_construct(id=1)
            """,
        ),
    )


class SchemaMethod(_ModelMethod):
    """## What it checks
    `M.schema(...)` on a Pydantic model class.

    ## Why
    Deprecated in v2.

    ## Example
    ```python
    schema = UserOut.schema(by_alias=True)
    ```

    ## Use instead
    ```python
    schema = UserOut.model_json_schema(by_alias=True)
    ```

    ## Fix
    Safe with `by_alias` and `ref_template` only.

    ## Options
    None.
    """

    code = "CNF438"
    name = "pydantic-schema-method"
    summary = "Pydantic v1 schema()"
    fix_hint = "use .model_json_schema()"
    catalog = "PV038"
    fix = FixSafety.SAFE
    method = "schema"
    new = "model_json_schema"
    carry = frozenset({"by_alias", "ref_template"})
    VALID = (
        Example.code(
            """
            import marshmallow


            def describe(s: marshmallow.Schema):
                return s.schema()
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            SCHEMA = UserOut.schema(by_alias=True)
            """,
            Expect(
                8,
                10,
                ".schema() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_json_schema()",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            SCHEMA = UserOut.model_json_schema(by_alias=True)
            """,
        ),
    )


class SchemaJsonMethod(_ModelMethod):
    """## What it checks
    `M.schema_json(...)` on a Pydantic model class.

    ## Why
    Deprecated in v2; there is no JSON-string variant any more.

    ## Example
    ```python
    text = UserOut.schema_json(indent=2)
    ```

    ## Use instead
    ```python
    text = json.dumps(UserOut.model_json_schema(), indent=2)
    ```

    ## Fix
    None (it needs an import and splits the keywords between the two calls).

    ## Options
    None.
    """

    code = "CNF439"
    name = "pydantic-schema-json"
    summary = "Pydantic v1 schema_json()"
    fix_hint = "use json.dumps(M.model_json_schema(...))"
    catalog = "PV039"
    method = "schema_json"
    VALID = (
        Example.code(
            """
            def describe(thing):
                return thing.schema_json()
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            TEXT = UserOut.schema_json(indent=2)
            """,
            Expect(
                8,
                8,
                ".schema_json() on Pydantic model UserOut is the v1 API (deprecated in v2): use json.dumps(UserOut.model_json_schema())",
            ),
            path=SCHEMAS,
        ),
    )

    def message(self, node: cst.Call, receiver: str) -> str:
        name = _short(receiver)
        return (
            f".schema_json() on Pydantic model {name} is the v1 API (deprecated in v2): use "
            f"json.dumps({name}.model_json_schema())"
        )


class ValidateMethod(_ModelMethod):
    """## What it checks
    `M.validate(value)` on a Pydantic model class. Classes that define their own `validate`
    (custom types, models overriding it) do not count.

    ## Why
    Deprecated in v2.

    ## Example
    ```python
    user = UserOut.validate(data)
    ```

    ## Use instead
    ```python
    user = UserOut.model_validate(data)
    ```

    ## Fix
    Safe (model classes only).

    ## Options
    None.
    """

    code = "CNF440"
    name = "pydantic-validate-method"
    summary = "Pydantic v1 validate()"
    fix_hint = "use .model_validate()"
    catalog = "PV040"
    fix = FixSafety.SAFE
    method = "validate"
    new = "model_validate"
    positional = 1
    VALID = (
        Example.code(
            """
            import jsonschema


            def check(form, validator: jsonschema.Draft7Validator):
                return form.validate(), validator.validate({})
            """,
        ),
        Example.code(
            """
            from pydantic import BaseModel


            class Email(BaseModel):
                value: str

                @classmethod
                def validate(cls, value):
                    return cls(value=value)


            email = Email.validate("a@b.c")
            """,
            path=SCHEMAS,
            note="the model defines validate() itself",
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            user = UserOut.validate({"id": 1})
            """,
            Expect(
                8,
                8,
                ".validate() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_validate()",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            user = UserOut.model_validate({"id": 1})
            """,
        ),
    )


class UpdateForwardRefsMethod(_ModelMethod):
    """## What it checks
    `M.update_forward_refs(...)` on a Pydantic model class.

    ## Why
    Deprecated in v2, where `model_rebuild()` resolves forward references.

    ## Example
    ```python
    Node.update_forward_refs()
    ```

    ## Use instead
    ```python
    Node.model_rebuild()
    ```

    ## Fix
    Safe without arguments; none with a namespace (`_types_namespace=` differs).

    ## Options
    None.
    """

    code = "CNF441"
    name = "pydantic-update-forward-refs"
    summary = "Pydantic v1 update_forward_refs()"
    fix_hint = "use .model_rebuild()"
    catalog = "PV041"
    fix = FixSafety.SAFE
    method = "update_forward_refs"
    new = "model_rebuild"
    carry = None
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class Node(BaseModel):
                children: "list[Node]" = []


            Node.model_rebuild()
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class Node(BaseModel):
                children: "list[Node]" = []


            Node.update_forward_refs()
            """,
            Expect(
                8,
                1,
                ".update_forward_refs() on Pydantic model Node is the v1 API (deprecated in v2): use .model_rebuild()",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class Node(BaseModel):
                children: "list[Node]" = []


            Node.model_rebuild()
            """,
        ),
    )


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


class FieldsAttribute(_ModelAttribute):
    """## What it checks
    `__fields__` read on a Pydantic model class or instance.

    ## Why
    Deprecated in v2; `model_fields` maps names to `FieldInfo` (not v1 `ModelField`) and, from
    2.11, is read on the class.

    ## Example
    ```python
    names = list(UserOut.__fields__)
    ```

    ## Use instead
    ```python
    names = list(UserOut.model_fields)
    ```
    For an instance: `type(user).model_fields`.

    ## Fix
    Safe on a model class; none on an instance.

    ## Options
    None.
    """

    code = "CNF442"
    name = "pydantic-fields-attribute"
    summary = "Pydantic v1 __fields__"
    fix_hint = "use model_fields on the class"
    catalog = "PV042"
    fix = FixSafety.SAFE
    attribute = "__fields__"
    VALID = (
        Example.code(
            """
            import dataclasses


            def names(obj):
                return obj.__fields__, dataclasses.fields(obj)
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut


            def names(user: UserOut):
                return list(UserOut.__fields__), list(user.__fields__)
            """,
            Expect(
                5,
                17,
                "__fields__ on Pydantic model UserOut is the v1 API (deprecated in v2): use UserOut.model_fields",
            ),
            Expect(
                5,
                43,
                "__fields__ on a UserOut instance is the v1 API (deprecated in v2): use type(obj).model_fields",
            ),
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
            fixed="""
            from cpv3.modules.users.schemas import UserOut


            def names(user: UserOut):
                return list(UserOut.model_fields), list(user.__fields__)
            """,
        ),
    )

    def describe(
        self, node: cst.Attribute, receiver: str, tier: str
    ) -> Tuple[str, Optional[cst.CSTNode]]:
        name = _short(receiver)
        if tier == "class":
            return (
                f"__fields__ on Pydantic model {name} is the v1 API (deprecated in v2): use "
                f"{name}.model_fields",
                node.with_changes(attr=cst.Name("model_fields")),
            )
        return (
            f"__fields__ on a {name} instance is the v1 API (deprecated in v2): use "
            "type(obj).model_fields",
            None,
        )


class FieldsSetAttribute(_ModelAttribute):
    """## What it checks
    `__fields_set__` read on a Pydantic model instance.

    ## Why
    Deprecated in v2.

    ## Example
    ```python
    changed = patch.__fields_set__
    ```

    ## Use instead
    ```python
    changed = patch.model_fields_set
    ```

    ## Fix
    Safe.

    ## Options
    None.
    """

    code = "CNF443"
    name = "pydantic-fields-set-attribute"
    summary = "Pydantic v1 __fields_set__"
    fix_hint = "use model_fields_set"
    catalog = "PV043"
    fix = FixSafety.SAFE
    attribute = "__fields_set__"
    on_class = False
    VALID = (
        Example.code(
            """
            def changed(patch):
                return patch.__fields_set__
            """,
            note="unknown receiver",
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut


            def changed(patch: UserOut):
                return patch.__fields_set__
            """,
            Expect(
                5,
                12,
                "__fields_set__ on a UserOut instance is the v1 API (deprecated in v2): use model_fields_set",
            ),
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
            fixed="""
            from cpv3.modules.users.schemas import UserOut


            def changed(patch: UserOut):
                return patch.model_fields_set
            """,
        ),
    )

    def describe(
        self, node: cst.Attribute, receiver: str, tier: str
    ) -> Tuple[str, Optional[cst.CSTNode]]:
        return (
            f"__fields_set__ on a {_short(receiver)} instance is the v1 API (deprecated in v2): "
            "use model_fields_set",
            node.with_changes(attr=cst.Name("model_fields_set")),
        )


_PRIVATE_V1 = frozenset({"_iter", "_copy_and_set_values", "_get_value", "_calculate_keys"})


class PrivateV1Method(FileRule):
    """## What it checks
    The private v1 helpers `_iter`, `_copy_and_set_values`, `_get_value`, `_calculate_keys` used
    on a Pydantic model class or instance (unless the model defines them itself).

    ## Why
    They are gone or deprecated shims in v2, with different behaviour.

    ## Example
    ```python
    for name, value in user._iter(exclude_none=True): ...
    ```

    ## Use instead
    ```python
    for name, value in user.model_dump(exclude_none=True).items(): ...
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF444"
    name = "pydantic-private-v1-method"
    summary = "private Pydantic v1 helper used"
    fix_hint = "use the public API: model_dump, model_copy"
    catalog = "PV044"
    VALID = (
        Example.code(
            """
            def walk(tree):
                return tree._iter()
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut


            def pairs(user: UserOut):
                return list(user._iter(exclude_none=True))
            """,
            Expect(
                5,
                17,
                "_iter is a private Pydantic v1 helper, gone or deprecated in v2: use the public API (model_dump, model_copy)",
            ),
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
        ),
    )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = node.attr.value
        if name not in _PRIVATE_V1:
            return
        receiver = _class_ref(self.ctx, node.value) or _instance_ref(self.ctx, node.value)
        if receiver is None:
            return
        self.report(
            node,
            f"{name} is a private Pydantic v1 helper, gone or deprecated in v2: use the public API "
            "(model_dump, model_copy)",
            when=ModelMember(receiver, name),
        )


class InstanceModelFields(_ModelAttribute):
    """## What it checks
    `model_fields` or `model_computed_fields` read on a model instance (`self.model_fields`,
    `user.model_fields`).

    ## Why
    Instance access is deprecated from Pydantic 2.11; the class attribute works in every v2
    release.

    ## Example
    ```python
    for name in self.model_fields: ...
    ```

    ## Use instead
    ```python
    for name in type(self).model_fields: ...
    ```

    ## Fix
    Safe (when the builtin `type` is not shadowed).

    ## Options
    None.
    """

    code = "CNF446"
    name = "pydantic-instance-model-fields"
    summary = "model_fields read on an instance"
    fix_hint = "read it on the class: type(self).model_fields"
    catalog = "PV046"
    fix = FixSafety.SAFE
    attribute = "model_fields"
    on_class = False
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int

                def names(self):
                    return list(type(self).model_fields), list(UserOut.model_fields)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int

                def names(self):
                    return list(self.model_fields), list(self.model_computed_fields)
            """,
            Expect(
                8,
                21,
                "model_fields read on a UserOut instance is deprecated from Pydantic 2.11: use type(self).model_fields",
            ),
            Expect(
                8,
                46,
                "model_computed_fields read on a UserOut instance is deprecated from Pydantic 2.11: use type(self).model_computed_fields",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int

                def names(self):
                    return list(type(self).model_fields), list(type(self).model_computed_fields)
            """,
        ),
    )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = node.attr.value
        if name not in ("model_fields", "model_computed_fields"):
            return
        receiver = _instance_ref(self.ctx, node.value)
        if receiver is None:
            return
        value = node.value
        shown = self.ctx.code_for(value) if isinstance(value, cst.Name) else "obj"
        replacement = None
        if self.ctx.lookup("type") is None:
            replacement = node.with_changes(
                value=cst.Call(func=cst.Name("type"), args=[cst.Arg(value=value)])
            )
        self.report(
            node,
            f"{name} read on a {_short(receiver)} instance is deprecated from Pydantic 2.11: use "
            f"type({shown}).{name}",
            when=_model(receiver),
            replacement=replacement,
        )


class RootAttribute(_ModelAttribute):
    """## What it checks
    `x.__root__` where `x` is a root model (a `RootModel` subclass or a v1-style model with a
    `__root__` field) class instance.

    ## Why
    v2 root models keep their value in `.root`; `__root__` does not exist.

    ## Example
    ```python
    ids = payload.__root__
    ```

    ## Use instead
    ```python
    ids = payload.root
    ```

    ## Fix
    Safe.

    ## Options
    None.
    """

    code = "CNF447"
    name = "pydantic-root-attribute"
    summary = "__root__ read on a root model"
    fix_hint = "use .root"
    catalog = "PV047"
    fix = FixSafety.SAFE
    attribute = "__root__"
    on_class = False
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            def read(user: UserOut, other):
                return other.__root__
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import List

            from pydantic import RootModel


            class Ids(RootModel[List[int]]):
                pass


            def read(ids: Ids):
                return ids.__root__
            """,
            Expect(11, 12, "__root__ on root model Ids does not exist in Pydantic v2: use .root"),
            path=SCHEMAS,
            fixed="""
            from typing import List

            from pydantic import RootModel


            class Ids(RootModel[List[int]]):
                pass


            def read(ids: Ids):
                return ids.root
            """,
        ),
    )

    def condition(self, receiver: str) -> Condition:
        return IsRootModel(receiver)

    def describe(
        self, node: cst.Attribute, receiver: str, tier: str
    ) -> Tuple[str, Optional[cst.CSTNode]]:
        return (
            f"__root__ on root model {_short(receiver)} does not exist in Pydantic v2: use .root",
            node.with_changes(attr=cst.Name("root")),
        )


class ModelEqualsDict(FileRule):
    """## What it checks
    A model instance compared with `==` or `!=` to a dict literal or comprehension.

    ## Why
    v1 models compared equal to a dict of their fields; v2 models never equal a dict, so the
    comparison is always False (or always True for `!=`).

    ## Example
    ```python
    assert user == {"id": 1}
    ```

    ## Use instead
    ```python
    assert user.model_dump() == {"id": 1}
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF448"
    name = "pydantic-model-equals-dict"
    summary = "model compared to a dict"
    fix_hint = "compare m.model_dump() to the dict"
    catalog = "PV048"
    VALID = (
        Example.code(
            """
            def same(payload: dict, other):
                return payload == {"id": 1} or other == {}
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut


            def same(user: UserOut):
                return user == {"id": 1}
            """,
            Expect(
                5,
                12,
                "a UserOut model never equals a dict in Pydantic v2: compare user.model_dump() to it",
            ),
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
        ),
    )

    def visit_Comparison(self, node: cst.Comparison) -> None:
        left: cst.BaseExpression = node.left
        for target in node.comparisons:
            right = target.comparator
            if isinstance(target.operator, (cst.Equal, cst.NotEqual)):
                for model, other in ((left, right), (right, left)):
                    if not isinstance(other, (cst.Dict, cst.DictComp)):
                        continue
                    receiver = _instance_ref(self.ctx, model)
                    if receiver is None:
                        continue
                    shown = self.ctx.code_for(model) if isinstance(model, cst.Name) else "m"
                    self.report(
                        node,
                        f"a {_short(receiver)} model never equals a dict in Pydantic v2: compare "
                        f"{shown}.model_dump() to it",
                        when=_model(receiver),
                    )
                    return
            left = right


# -- 4.4 Field() arguments ----------------------------------------------------------------------


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


class FieldRegex(_FieldKeyword):
    """## What it checks
    `Field(regex=...)`.

    ## Why
    v2 raises at the `Field()` call (`removed-kwargs`): the module cannot be imported.

    ## Example
    ```python
    code: str = Field(regex=r"^[A-Z]{3}$")
    ```

    ## Use instead
    ```python
    code: str = Field(pattern=r"^[A-Z]{3}$")
    ```

    ## Fix
    Safe: the keyword is renamed.

    ## Options
    None.
    """

    code = "CNF450"
    name = "pydantic-field-regex"
    summary = "Field(regex=...) removed in v2"
    fix_hint = "use pattern="
    catalog = "PV050"
    fix = FixSafety.SAFE
    keywords = {"regex": ("Field(regex=...) fails in Pydantic v2: use pattern=", "pattern")}
    VALID = (
        Example.code(
            """
            from dataclasses import field


            x = field(metadata={"regex": 1})
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            import pydantic as pd


            class Currency(pd.BaseModel):
                code: str = pd.Field(regex=r"^[A-Z]{3}$")
            """,
            Expect(5, 26, "Field(regex=...) fails in Pydantic v2: use pattern="),
            path=SCHEMAS,
            fixed="""
            import pydantic as pd


            class Currency(pd.BaseModel):
                code: str = pd.Field(pattern=r"^[A-Z]{3}$")
            """,
        ),
    )


_LOOKAROUND = re.compile(r"\(\?<?[=!]|\\[1-9]|\(\?P=")


class PatternNeedsPythonRe(FileRule):
    """## What it checks
    A `pattern=` (or `regex=`) in `Field(...)` or `constr(...)` of a model field that uses
    look-around or back-references (`(?=`, `(?!`, `(?<=`, `(?<!`, `\\1`, `(?P=name)`), in a model
    whose configuration (own or inherited, in any file) does not set
    `regex_engine="python-re"`.

    ## Why
    v2 validates patterns with the Rust `regex` crate, which has neither: the model fails to build.

    ## Example
    ```python
    password: str = Field(pattern=r"^(?=.*\\d).{8,}$")
    ```

    ## Use instead
    ```python
    model_config = ConfigDict(regex_engine="python-re")
    password: str = Field(pattern=r"^(?=.*\\d).{8,}$")
    ```
    or a validator that checks the rule in Python.

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF451"
    name = "pydantic-pattern-needs-python-re"
    summary = "pattern needs the python-re regex engine"
    fix_hint = 'set model_config = ConfigDict(regex_engine="python-re") or validate in Python'
    catalog = "PV051"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict, Field


            class Secret(BaseModel):
                model_config = ConfigDict(regex_engine="python-re")

                password: str = Field(pattern=r"^(?=.*\\d).{8,}$")
            """,
            path=SCHEMAS,
        ),
        Example.code(
            """
            from pydantic import Field

            from cpv3.core.schemas import Schema


            class Secret(Schema):
                password: str = Field(pattern=r"^(?=.*\\d).{8,}$")
            """,
            path=SCHEMAS,
            extra={
                "cpv3/core/schemas.py": (
                    "from pydantic import BaseModel, ConfigDict\n\n\nclass Schema(BaseModel):\n"
                    '    model_config = ConfigDict(regex_engine="python-re")\n'
                )
            },
            note="the engine is set on a base class in another file",
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Secret(BaseModel):
                password: str = Field(pattern=r"^(?=.*\\d).{8,}$")
            """,
            Expect(
                5,
                35,
                'pattern r"^(?=.*\\d).{8,}$" uses look-around or back-references, which the default Rust regex engine of Pydantic v2 rejects: set model_config = ConfigDict(regex_engine="python-re")',
            ),
            path=SCHEMAS,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for small in _small_statements(node):
            if _assigned_name(small) != "model_config":
                continue
            value = getattr(small, "value", None)
            engine: Optional[str] = None
            if isinstance(value, cst.Call):
                arg = _kwarg(value, "regex_engine")
                engine = _string(arg.value) if arg is not None else None
            elif isinstance(value, cst.Dict):
                for element in value.elements:
                    if (
                        isinstance(element, cst.DictElement)
                        and _string(element.key) == "regex_engine"
                    ):
                        engine = _string(element.value)
            if engine == "python-re":
                self.ctx.add_extra(_PYTHON_RE_KEY, self.ctx.definition_qualname(node.name.value))

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.call_name(node)
        if name not in _FIELD and name not in _CONSTR:
            return
        owner = _class_scope(self.ctx)
        if owner is None:
            return
        for keyword in ("pattern", "regex"):
            arg = _kwarg(node, keyword)
            text = _string(arg.value) if arg is not None else None
            if arg is None or text is None or not _LOOKAROUND.search(text):
                continue
            self.report(
                arg.value,
                f"pattern {self.ctx.code_for(arg.value)} uses look-around or back-references, which "
                "the default Rust regex engine of Pydantic v2 rejects: set model_config = "
                'ConfigDict(regex_engine="python-re")',
                when=LacksPythonRe(owner),
            )


class FieldItemsLength(_FieldKeyword):
    """## What it checks
    `Field(min_items=...)` / `Field(max_items=...)`.

    ## Why
    Deprecated in v2 (a warning on import); the v2 names are `min_length` / `max_length`.

    ## Example
    ```python
    tags: list[str] = Field(min_items=1, max_items=10)
    ```

    ## Use instead
    ```python
    tags: list[str] = Field(min_length=1, max_length=10)
    ```

    ## Fix
    Safe: the keyword is renamed.

    ## Options
    None.
    """

    code = "CNF452"
    name = "pydantic-field-min-max-items"
    summary = "Field(min_items/max_items) deprecated in v2"
    fix_hint = "use min_length / max_length"
    catalog = "PV052"
    fix = FixSafety.SAFE
    keywords = {
        "min_items": (
            "Field(min_items=...) is deprecated in Pydantic v2: use min_length=",
            "min_length",
        ),
        "max_items": (
            "Field(max_items=...) is deprecated in Pydantic v2: use max_length=",
            "max_length",
        ),
    }
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Order(BaseModel):
                items: list = Field(min_length=1, max_length=100)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field as F


            class Order(BaseModel):
                items: list = F(min_items=1, max_items=100)
            """,
            Expect(5, 21, "Field(min_items=...) is deprecated in Pydantic v2: use min_length="),
            Expect(5, 34, "Field(max_items=...) is deprecated in Pydantic v2: use max_length="),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel, Field as F


            class Order(BaseModel):
                items: list = F(min_length=1, max_length=100)
            """,
        ),
    )


class FieldUniqueItems(_FieldKeyword):
    """## What it checks
    `Field(unique_items=...)`.

    ## Why
    v2 raises at the `Field()` call (`removed-kwargs`).

    ## Example
    ```python
    tags: list[str] = Field(unique_items=True)
    ```

    ## Use instead
    ```python
    tags: set[str]
    ```
    or an `AfterValidator` that rejects duplicates while keeping the order.

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF453"
    name = "pydantic-field-unique-items"
    summary = "Field(unique_items=...) removed in v2"
    fix_hint = "use set[T] / frozenset[T] or a uniqueness validator"
    catalog = "PV053"
    keywords = {
        "unique_items": (
            "Field(unique_items=...) fails in Pydantic v2: use set[T] or frozenset[T], or a "
            "validator that rejects duplicates",
            None,
        )
    }
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class Post(BaseModel):
                tags: set
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Post(BaseModel):
                tags: list = Field(unique_items=True)
            """,
            Expect(
                5,
                24,
                "Field(unique_items=...) fails in Pydantic v2: use set[T] or frozenset[T], or a validator that rejects duplicates",
            ),
            path=SCHEMAS,
        ),
    )


class FieldConst(_FieldKeyword):
    """## What it checks
    `Field(const=...)`.

    ## Why
    v2 raises at the `Field()` call (`removed-kwargs`).

    ## Example
    ```python
    kind: str = Field("user", const=True)
    ```

    ## Use instead
    ```python
    kind: Literal["user"] = "user"
    ```

    ## Fix
    None (the annotation changes).

    ## Options
    None.
    """

    code = "CNF454"
    name = "pydantic-field-const"
    summary = "Field(const=...) removed in v2"
    fix_hint = "annotate the field with Literal[<value>]"
    catalog = "PV054"
    keywords = {
        "const": (
            "Field(const=...) fails in Pydantic v2: annotate the field with Literal[<value>]",
            None,
        )
    }
    VALID = (
        Example.code(
            """
            from typing import Literal

            from pydantic import BaseModel


            class Event(BaseModel):
                kind: Literal["user"] = "user"
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Event(BaseModel):
                kind: str = Field("user", const=True)
            """,
            Expect(
                5,
                31,
                "Field(const=...) fails in Pydantic v2: annotate the field with Literal[<value>]",
            ),
            path=SCHEMAS,
        ),
    )


class FieldAllowMutation(FileRule):
    """## What it checks
    `Field(allow_mutation=...)`.

    ## Why
    Deprecated in v2; the v2 keyword is `frozen`, with the inverse meaning.

    ## Example
    ```python
    id: int = Field(allow_mutation=False)
    ```

    ## Use instead
    ```python
    id: int = Field(frozen=True)
    ```

    ## Fix
    Safe for a literal `True`/`False` (inverted).

    ## Options
    None.
    """

    code = "CNF455"
    name = "pydantic-field-allow-mutation"
    summary = "Field(allow_mutation=...) deprecated in v2"
    fix_hint = "use frozen= with the inverse value"
    catalog = "PV055"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class UserOut(BaseModel):
                id: int = Field(frozen=True)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class UserOut(BaseModel):
                id: int = Field(allow_mutation=False)
            """,
            Expect(
                5,
                21,
                "Field(allow_mutation=...) is deprecated in Pydantic v2: use frozen= with the inverse value",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel, Field


            class UserOut(BaseModel):
                id: int = Field(frozen=True)
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.call_name(node) not in _FIELD:
            return
        arg = _kwarg(node, "allow_mutation")
        if arg is None:
            return
        replacement = None
        if _is_name(arg.value, "True") or _is_name(arg.value, "False"):
            inverse = "True" if _is_name(arg.value, "False") else "False"
            replacement = arg.with_changes(keyword=cst.Name("frozen"), value=cst.Name(inverse))
        self.report(
            arg,
            "Field(allow_mutation=...) is deprecated in Pydantic v2: use frozen= with the inverse value",
            replacement=replacement,
        )


class FieldFinal(_FieldKeyword):
    """## What it checks
    `Field(final=...)`.

    ## Why
    v2 has no `final` keyword (it is stored as JSON schema extra and ignored); finality is a
    `typing.Final` annotation.

    ## Example
    ```python
    version: int = Field(1, final=True)
    ```

    ## Use instead
    ```python
    version: Final[int] = 1
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF456"
    name = "pydantic-field-final"
    summary = "Field(final=...) has no effect in v2"
    fix_hint = "annotate the field with typing.Final[...]"
    catalog = "PV056"
    keywords = {
        "final": (
            "Field(final=...) has no effect in Pydantic v2: annotate the field with typing.Final[...]",
            None,
        )
    }
    VALID = (
        Example.code(
            """
            from typing import Final

            from pydantic import BaseModel


            class Doc(BaseModel):
                version: Final[int] = 1
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Doc(BaseModel):
                version: int = Field(1, final=True)
            """,
            Expect(
                5,
                29,
                "Field(final=...) has no effect in Pydantic v2: annotate the field with typing.Final[...]",
            ),
            path=SCHEMAS,
        ),
    )


_FIELD_V2_KEYWORDS = frozenset(
    {
        "default", "default_factory", "alias", "alias_priority", "validation_alias",
        "serialization_alias", "title", "field_title_generator", "description", "examples",
        "exclude", "discriminator", "deprecated", "json_schema_extra", "frozen",
        "validate_default", "repr", "init", "init_var", "kw_only", "pattern", "strict",
        "coerce_numbers_to_str", "gt", "ge", "lt", "le", "multiple_of", "allow_inf_nan",
        "max_digits", "decimal_places", "min_length", "max_length", "union_mode", "fail_fast",
        "exclude_if",
    }
)  # fmt: skip
#: keywords other rules report (CNF450, 452..456, 459)
_FIELD_OWNED = frozenset(
    {"regex", "min_items", "max_items", "unique_items", "const", "allow_mutation", "final", "env"}
)


class FieldExtraKeyword(FileRule):
    """## What it checks
    `Field(example=...)` or any keyword `Field` does not know in v2 (v1's `include=`, typos,
    custom metadata), other than those with their own rule.

    ## Why
    v2 moves unknown keywords into `json_schema_extra` with a deprecation warning: they no longer
    do what v1 did, and `example=` produces a different schema than `examples=[...]`.

    ## Example
    ```python
    name: str = Field(example="Ada", include=True)
    ```

    ## Use instead
    ```python
    name: str = Field(examples=["Ada"])
    ```
    Custom metadata goes in `json_schema_extra={...}`.

    ## Fix
    Unsafe for `example=` (becomes `examples=[...]`, the schema output changes); none otherwise.

    ## Options
    None.
    """

    code = "CNF457"
    name = "pydantic-field-extra-keyword"
    summary = "unknown or v1-only Field() keyword"
    fix_hint = "use examples=[...] or json_schema_extra={...}"
    catalog = "PV057"
    fix = FixSafety.UNSAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class UserIn(BaseModel):
                name: str = Field(examples=["Ada"], json_schema_extra={"x-order": 1})
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class UserIn(BaseModel):
                name: str = Field(example="Ada", include=True)
            """,
            Expect(
                5,
                23,
                "Field(example=...) is not a Pydantic v2 keyword (it lands in json_schema_extra with a deprecation warning): use examples=[...]",
            ),
            Expect(
                5,
                38,
                "Field(include=...) is not a Pydantic v2 keyword (it lands in json_schema_extra with a deprecation warning): use json_schema_extra={...} or remove it",
            ),
            path=SCHEMAS,
            unsafe=True,
            fixed="""
            from pydantic import BaseModel, Field


            class UserIn(BaseModel):
                name: str = Field(examples=["Ada"], include=True)
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.call_name(node) not in _FIELD:
            return
        for arg in node.args:
            if arg.keyword is None:
                continue
            key = arg.keyword.value
            if key in _FIELD_V2_KEYWORDS or key in _FIELD_OWNED:
                continue
            what = "examples=[...]" if key == "example" else "json_schema_extra={...} or remove it"
            replacement = None
            if key == "example":
                replacement = arg.with_changes(
                    keyword=cst.Name("examples"),
                    value=cst.List([cst.Element(arg.value)]),
                )
            self.report(
                arg,
                f"Field({key}=...) is not a Pydantic v2 keyword (it lands in json_schema_extra with "
                f"a deprecation warning): use {what}",
                replacement=replacement,
            )


class FieldExcludeCollection(FileRule):
    """## What it checks
    `Field(exclude=...)` given a set or dict (v1's nested exclusion).

    ## Why
    v2's `exclude` is a bool; nested exclusion belongs to the inner model's fields or to
    `model_dump(exclude=...)`.

    ## Example
    ```python
    user: UserOut = Field(exclude={"password"})
    ```

    ## Use instead
    ```python
    password: str = Field(exclude=True)  # on UserOut
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF458"
    name = "pydantic-field-exclude-collection"
    summary = "Field(exclude=<set or dict>)"
    fix_hint = "set exclude=True on the inner field, or pass exclude= to model_dump()"
    catalog = "PV058"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class UserOut(BaseModel):
                password: str = Field(exclude=True)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Order(BaseModel):
                user: dict = Field(exclude={"password"})
            """,
            Expect(
                5,
                24,
                "Field(exclude=...) takes a bool in Pydantic v2, not a set or dict: set exclude=True on the inner field or pass exclude= to model_dump()",
            ),
            path=SCHEMAS,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.call_name(node) not in _FIELD:
            return
        arg = _kwarg(node, "exclude")
        if arg is not None and isinstance(
            arg.value, (cst.Set, cst.Dict, cst.SetComp, cst.DictComp)
        ):
            self.report(
                arg,
                "Field(exclude=...) takes a bool in Pydantic v2, not a set or dict: set "
                "exclude=True on the inner field or pass exclude= to model_dump()",
            )


class SettingsFieldEnv(FileRule):
    """## What it checks
    `Field(env=...)` on a field of a settings class (`pydantic_settings.BaseSettings`, through
    base classes in any file).

    ## Why
    v2 settings ignore `env=` (it lands in the JSON schema): the variable is silently no longer
    read.

    ## Example
    ```python
    class Settings(BaseSettings):
        url: str = Field(env="DATABASE_URL")
    ```

    ## Use instead
    ```python
        url: str = Field(validation_alias="DATABASE_URL")
    ```
    Note that `env_prefix` does not apply to aliases.

    ## Fix
    Unsafe (string values only): the keyword becomes `validation_alias`, which `env_prefix` does
    not prefix.

    ## Options
    None.
    """

    code = "CNF459"
    name = "pydantic-settings-field-env"
    summary = "Field(env=...) on a settings field"
    fix_hint = "use validation_alias= (env_prefix does not apply to it)"
    catalog = "PV059"
    fix = FixSafety.UNSAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Row(BaseModel):
                env: str = Field(default="dev")
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import Field
            from pydantic_settings import BaseSettings


            class Settings(BaseSettings):
                url: str = Field(env="DATABASE_URL")
            """,
            Expect(
                6,
                22,
                "Field(env=...) is ignored by pydantic-settings v2: use validation_alias= (env_prefix does not apply to it)",
            ),
            path="cpv3/core/config.py",
            unsafe=True,
            fixed="""
            from pydantic import Field
            from pydantic_settings import BaseSettings


            class Settings(BaseSettings):
                url: str = Field(validation_alias="DATABASE_URL")
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.call_name(node) not in _FIELD:
            return
        owner = _class_scope(self.ctx)
        arg = _kwarg(node, "env")
        if owner is None or arg is None:
            return
        replacement = None
        if _string(arg.value) is not None:
            replacement = arg.with_changes(keyword=cst.Name("validation_alias"))
        self.report(
            arg,
            "Field(env=...) is ignored by pydantic-settings v2: use validation_alias= "
            "(env_prefix does not apply to it)",
            when=_settings(owner),
            replacement=replacement,
        )


_CONTAINERS = frozenset(
    {
        "builtins.list", "builtins.set", "builtins.frozenset", "builtins.tuple", "builtins.dict",
        "typing.List", "typing.Set", "typing.FrozenSet", "typing.Tuple", "typing.Dict",
        "typing.Sequence", "typing.Mapping", "typing.Iterable", "typing.AbstractSet",
        "collections.abc.Sequence", "collections.abc.Mapping", "collections.abc.Iterable",
        "collections.abc.Set",
    }
)  # fmt: skip
_ITEM_CONSTRAINTS = frozenset(
    {
        "pattern",
        "regex",
        "gt",
        "ge",
        "lt",
        "le",
        "multiple_of",
        "max_digits",
        "decimal_places",
        "allow_inf_nan",
    }
)


class ItemConstraintOnContainer(FileRule):
    """## What it checks
    A string or number constraint (`pattern`, `gt`, `ge`, `lt`, `le`, `multiple_of`,
    `max_digits`, `decimal_places`) in the `Field(...)` of a container field
    (`list[str]`, `List[int]`, `set[...]`, `dict[...]`, `Sequence[...]`).

    ## Why
    v1 pushed such constraints down to the items; v2 applies them to the container itself, where
    they fail at schema build or at validation.

    ## Example
    ```python
    tags: list[str] = Field(pattern=r"^[a-z]+$")
    ```

    ## Use instead
    ```python
    tags: list[Annotated[str, Field(pattern=r"^[a-z]+$")]]
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF460"
    name = "pydantic-item-constraint-on-container"
    summary = "item constraint on a container field"
    fix_hint = "constrain the item type: list[Annotated[T, Field(...)]]"
    catalog = "PV060"
    VALID = (
        Example.code(
            """
            from typing import Annotated, List

            from pydantic import BaseModel, Field


            class Post(BaseModel):
                tags: List[Annotated[str, Field(pattern=r"^[a-z]+$")]] = Field(min_length=1)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import Annotated, List, Optional

            from pydantic import BaseModel, Field


            class Post(BaseModel):
                tags: Optional[List[str]] = Field(None, pattern=r"^[a-z]+$")
                scores: Annotated[list[int], Field(ge=0)] = []
            """,
            Expect(
                7,
                45,
                "pattern= on the container field tags applies to the container in Pydantic v2, not its items: constrain the item type (list[Annotated[T, Field(pattern=...)]])",
            ),
            Expect(
                8,
                40,
                "ge= on the container field scores applies to the container in Pydantic v2, not its items: constrain the item type (list[Annotated[T, Field(ge=...)]])",
            ),
            path=SCHEMAS,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.call_name(node) not in _FIELD or _class_scope(ctx) is None:
            return
        ancestors = ctx.ancestors
        field: Optional[str] = None
        annotation: Optional[cst.BaseExpression] = None
        statement = ancestors[-1] if ancestors else None
        if (
            isinstance(statement, cst.AnnAssign)
            and statement.value is node
            and isinstance(statement.target, cst.Name)
        ):
            field, annotation = statement.target.value, statement.annotation.annotation
        elif len(ancestors) >= 3 and isinstance(ancestors[-3], cst.Subscript):
            subscript = ancestors[-3]
            if ctx.qualname(subscript.value) in ("typing.Annotated", "typing_extensions.Annotated"):
                first = subscript.slice[0].slice
                if isinstance(first, cst.Index):
                    annotation = first.value
                for outer in reversed(ancestors[:-3]):
                    if isinstance(outer, cst.AnnAssign) and isinstance(outer.target, cst.Name):
                        if outer.annotation.annotation is subscript:
                            field = outer.target.value
                        break
        if field is None or annotation is None:
            return
        if ctx.annotation_type(annotation) not in _CONTAINERS:
            return
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in _ITEM_CONSTRAINTS:
                key = arg.keyword.value
                self.report(
                    arg,
                    f"{key}= on the container field {field} applies to the container in Pydantic "
                    f"v2, not its items: constrain the item type (list[Annotated[T, "
                    f"Field({key}=...)]])",
                )


# -- 4.5 moved, renamed and removed imports -----------------------------------------------------


def _with_prefixes(modules: Sequence[str], names: Sequence[str]) -> FrozenSet[str]:
    return frozenset(f"{module}.{name}" for module in modules for name in names)


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


class MovedBaseSettings(_ImportedName):
    """## What it checks
    `BaseSettings` imported from `pydantic` (or `pydantic.env_settings`).

    ## Why
    Settings moved to the separate `pydantic-settings` package; importing `BaseSettings` from
    `pydantic` raises `PydanticImportError` in v2.

    ## Example
    ```python
    from pydantic import BaseSettings
    ```

    ## Use instead
    ```python
    from pydantic_settings import BaseSettings
    ```
    (add `pydantic-settings` to the dependencies).

    ## Fix
    None yet (the import rewrite is left to the fix engine's import helper).

    ## Options
    None.
    """

    code = "CNF470"
    name = "pydantic-moved-base-settings"
    summary = "BaseSettings imported from pydantic"
    fix_hint = "from pydantic_settings import BaseSettings"
    catalog = "PV070"
    names = frozenset({"pydantic.BaseSettings", "pydantic.env_settings.BaseSettings"})
    VALID = (
        Example.code("from pydantic_settings import BaseSettings\n", path="cpv3/core/config.py"),
    )
    INVALID = (
        Example.code(
            """
            import pydantic
            from pydantic import BaseSettings as Base


            class Settings(Base):
                debug: bool = False


            class Other(pydantic.BaseSettings):
                pass
            """,
            Expect(
                2,
                22,
                "BaseSettings moved to pydantic-settings in Pydantic v2 (importing it from pydantic fails): from pydantic_settings import BaseSettings",
            ),
            Expect(
                9,
                13,
                "BaseSettings moved to pydantic-settings in Pydantic v2 (importing it from pydantic fails): from pydantic_settings import BaseSettings",
            ),
            path="cpv3/core/config.py",
        ),
    )

    def message(self, qualname: str) -> str:
        return (
            "BaseSettings moved to pydantic-settings in Pydantic v2 (importing it from pydantic "
            "fails): from pydantic_settings import BaseSettings"
        )


class GenericModelImport(_ImportedName):
    """## What it checks
    `pydantic.generics.GenericModel`.

    ## Why
    v2 removed `GenericModel`: generic models derive from `BaseModel` and `typing.Generic`.

    ## Example
    ```python
    class Page(GenericModel, Generic[T]):
        items: list[T]
    ```

    ## Use instead
    ```python
    class Page(BaseModel, Generic[T]):
        items: list[T]
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF471"
    name = "pydantic-generic-model"
    summary = "pydantic.generics.GenericModel"
    fix_hint = "derive from BaseModel and typing.Generic[T]"
    catalog = "PV071"
    names = frozenset({"pydantic.generics.GenericModel"})
    VALID = (
        Example.code(
            "from typing import Generic\n\nfrom pydantic import BaseModel\n", path=SCHEMAS
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic.generics import GenericModel
            """,
            Expect(
                1,
                31,
                "GenericModel is gone in Pydantic v2: derive from BaseModel and typing.Generic[T]",
            ),
            path=SCHEMAS,
        ),
    )

    def message(self, qualname: str) -> str:
        return "GenericModel is gone in Pydantic v2: derive from BaseModel and typing.Generic[T]"


class ValidateArgumentsImport(_ImportedName):
    """## What it checks
    `validate_arguments` (`pydantic`, `pydantic.decorator`).

    ## Why
    Deprecated in v2; `validate_call` replaces it (no `.raw_function` / `.validate`, different
    config).

    ## Example
    ```python
    from pydantic import validate_arguments
    ```

    ## Use instead
    ```python
    from pydantic import validate_call
    ```

    ## Fix
    None (the decorated function's attributes differ).

    ## Options
    None.
    """

    code = "CNF472"
    name = "pydantic-validate-arguments"
    summary = "deprecated validate_arguments"
    fix_hint = "use validate_call"
    catalog = "PV072"
    names = _with_prefixes(
        ("pydantic", "pydantic.decorator", "pydantic.deprecated.decorator"), ("validate_arguments",)
    )
    VALID = (Example.code("from pydantic import validate_call\n"),)
    INVALID = (
        Example.code(
            """
            import pydantic as pd


            @pd.validate_arguments
            def total(a: int, b: int) -> int:
                return a + b
            """,
            Expect(
                4,
                2,
                "validate_arguments is deprecated in Pydantic v2: use validate_call (no .raw_function or .validate)",
            ),
            path="cpv3/modules/users/service.py",
        ),
    )

    def message(self, qualname: str) -> str:
        return "validate_arguments is deprecated in Pydantic v2: use validate_call (no .raw_function or .validate)"


_TOOLS = ("parse_obj_as", "schema_of", "schema_json_of", "parse_raw_as", "parse_file_as")


class ToolsFunctions(_ImportedName):
    """## What it checks
    `parse_obj_as`, `schema_of`, `schema_json_of` (deprecated) and `parse_raw_as`,
    `parse_file_as` (removed), from `pydantic` or `pydantic.tools`.

    ## Why
    v2 validates arbitrary types with `TypeAdapter`, built once (at module level) and reused.

    ## Example
    ```python
    users = parse_obj_as(list[UserOut], rows)
    ```

    ## Use instead
    ```python
    USERS = TypeAdapter(list[UserOut])
    users = USERS.validate_python(rows)
    ```

    ## Fix
    None (where the adapter lives is a design choice).

    ## Options
    None.
    """

    code = "CNF473"
    name = "pydantic-tools-functions"
    summary = "parse_obj_as / schema_of and friends"
    fix_hint = "use a module-level TypeAdapter(T)"
    catalog = "PV073"
    names = _with_prefixes(("pydantic", "pydantic.tools", "pydantic.deprecated.tools"), _TOOLS)
    VALID = (Example.code("from pydantic import TypeAdapter\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic import parse_obj_as, parse_raw_as
            """,
            Expect(
                1,
                22,
                "parse_obj_as is deprecated in Pydantic v2: use TypeAdapter(T).validate_python(...) (build the adapter once, at module level)",
            ),
            Expect(
                1,
                36,
                "parse_raw_as is gone in Pydantic v2: use TypeAdapter(T).validate_json(...) (build the adapter once, at module level)",
            ),
            path="cpv3/modules/users/service.py",
        ),
    )

    def message(self, qualname: str) -> str:
        name = _short(qualname)
        how = {
            "parse_obj_as": "validate_python(...)",
            "parse_raw_as": "validate_json(...)",
            "parse_file_as": "validate_json(...) on the file's text",
            "schema_of": "json_schema()",
            "schema_json_of": "json_schema() with json.dumps",
        }[name]
        state = "is gone" if name in ("parse_raw_as", "parse_file_as") else "is deprecated"
        return f"{name} {state} in Pydantic v2: use TypeAdapter(T).{how} (build the adapter once, at module level)"


class JsonEncoderFunctions(_ImportedName):
    """## What it checks
    `pydantic.json.pydantic_encoder`, `custom_pydantic_encoder`, `timedelta_isoformat`.

    ## Why
    Deprecated in v2: JSON conversion lives in pydantic-core.

    ## Example
    ```python
    json.dumps(data, default=pydantic_encoder)
    ```

    ## Use instead
    ```python
    json.dumps(pydantic_core.to_jsonable_python(data))
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF474"
    name = "pydantic-json-encoder-functions"
    summary = "pydantic.json encoder helpers"
    fix_hint = "use pydantic_core.to_jsonable_python or serializers"
    catalog = "PV074"
    names = _with_prefixes(
        ("pydantic.json", "pydantic.deprecated.json"),
        ("pydantic_encoder", "custom_pydantic_encoder", "timedelta_isoformat"),
    )
    VALID = (Example.code("from pydantic_core import to_jsonable_python\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic.json import pydantic_encoder
            """,
            Expect(
                1,
                27,
                "pydantic_encoder is deprecated in Pydantic v2: use pydantic_core.to_jsonable_python or a serializer",
            ),
        ),
    )

    def message(self, qualname: str) -> str:
        return f"{_short(qualname)} is deprecated in Pydantic v2: use pydantic_core.to_jsonable_python or a serializer"


class ErrorWrappersImport(_ImportedName):
    """## What it checks
    `pydantic.error_wrappers.ValidationError` and `ErrorWrapper`.

    ## Why
    `pydantic.error_wrappers` is gone in v2; `ValidationError` is `pydantic.ValidationError`
    (from pydantic-core) and `ErrorWrapper` has no equivalent.

    ## Example
    ```python
    from pydantic.error_wrappers import ValidationError
    ```

    ## Use instead
    ```python
    from pydantic import ValidationError
    ```

    ## Fix
    None yet (import rewrites are left to the fix engine's import helper).

    ## Options
    None.
    """

    code = "CNF475"
    name = "pydantic-error-wrappers"
    summary = "pydantic.error_wrappers import"
    fix_hint = "from pydantic import ValidationError"
    catalog = "PV075"
    names = frozenset(
        {"pydantic.error_wrappers.ValidationError", "pydantic.error_wrappers.ErrorWrapper"}
    )
    VALID = (Example.code("from pydantic import ValidationError\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic.error_wrappers import ErrorWrapper, ValidationError
            """,
            Expect(
                1,
                37,
                "ErrorWrapper is gone in Pydantic v2: raise PydanticCustomError or ValueError in validators",
            ),
            Expect(
                1,
                51,
                "pydantic.error_wrappers is gone in Pydantic v2: from pydantic import ValidationError",
            ),
        ),
    )

    def message(self, qualname: str) -> str:
        if qualname.endswith("ErrorWrapper"):
            return "ErrorWrapper is gone in Pydantic v2: raise PydanticCustomError or ValueError in validators"
        return (
            "pydantic.error_wrappers is gone in Pydantic v2: from pydantic import ValidationError"
        )


class UtilsCamel(_ImportedName):
    """## What it checks
    `pydantic.utils.to_camel` and `pydantic.utils.to_lower_camel`.

    ## Why
    They moved to `pydantic.alias_generators` under different names: v1 `to_camel` (`"foo_bar"`
    -> `"FooBar"`) is v2 `to_pascal`; v1 `to_lower_camel` (`"fooBar"`) is v2 `to_camel`. Taking
    the same-looking name changes every alias.

    ## Example
    ```python
    from pydantic.utils import to_camel
    ```

    ## Use instead
    ```python
    from pydantic.alias_generators import to_pascal
    ```

    ## Fix
    None yet.

    ## Options
    None.
    """

    code = "CNF476"
    name = "pydantic-utils-camel"
    summary = "pydantic.utils camel-case helpers"
    fix_hint = "to_camel -> alias_generators.to_pascal; to_lower_camel -> alias_generators.to_camel"
    catalog = "PV076"
    names = frozenset({"pydantic.utils.to_camel", "pydantic.utils.to_lower_camel"})
    VALID = (Example.code("from pydantic.alias_generators import to_camel, to_pascal\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic.utils import to_camel, to_lower_camel
            """,
            Expect(
                1,
                28,
                "pydantic.utils.to_camel is pydantic.alias_generators.to_pascal in Pydantic v2 (alias_generators.to_camel is a different function)",
            ),
            Expect(
                1,
                38,
                "pydantic.utils.to_lower_camel is pydantic.alias_generators.to_camel in Pydantic v2",
            ),
        ),
    )

    def message(self, qualname: str) -> str:
        if qualname.endswith("to_lower_camel"):
            return (
                "pydantic.utils.to_lower_camel is pydantic.alias_generators.to_camel in Pydantic v2"
            )
        return (
            "pydantic.utils.to_camel is pydantic.alias_generators.to_pascal in Pydantic v2 "
            "(alias_generators.to_camel is a different function)"
        )


class PyObjectType(_ImportedName):
    """## What it checks
    `PyObject` (`pydantic`, `pydantic.types`).

    ## Why
    Removed in v2 (importing it fails); `ImportString` is the replacement.

    ## Example
    ```python
    from pydantic import PyObject
    ```

    ## Use instead
    ```python
    from pydantic import ImportString
    ```

    ## Fix
    None yet.

    ## Options
    None.
    """

    code = "CNF477"
    name = "pydantic-pyobject"
    summary = "PyObject removed in v2"
    fix_hint = "use ImportString"
    catalog = "PV077"
    names = _with_prefixes(("pydantic", "pydantic.types"), ("PyObject",))
    VALID = (Example.code("from pydantic import ImportString\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic.types import PyObject
            """,
            Expect(1, 28, "PyObject is gone in Pydantic v2 (importing it fails): use ImportString"),
        ),
    )

    def message(self, qualname: str) -> str:
        return "PyObject is gone in Pydantic v2 (importing it fails): use ImportString"


_REDIRECTED_UTILS = (
    "deep_update", "GetterDict", "lenient_issubclass", "lenient_isinstance", "is_valid_field",
    "update_not_none", "import_string", "Representation", "ROOT_KEY", "smart_deepcopy",
    "sequence_like",
)  # fmt: skip


class V1UtilsImport(_ImportedName):
    """## What it checks
    Helpers of `pydantic.utils` that v2 only serves from `pydantic.v1.utils`: `deep_update`,
    `GetterDict`, `lenient_issubclass`, `lenient_isinstance`, `import_string`, `smart_deepcopy`,
    `sequence_like`, ...

    ## Why
    v2 redirects them to the v1 compatibility package with a warning; they are not v2 API and go
    away with `pydantic.v1`.

    ## Example
    ```python
    from pydantic.utils import deep_update
    ```

    ## Use instead
    A small helper of your own, or the v2 API (`ImportString`, `TypeAdapter`).

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF478"
    name = "pydantic-v1-utils"
    summary = "pydantic.utils helper redirected to pydantic.v1"
    fix_hint = "use your own helper or the v2 API"
    catalog = "PV078"
    names = _with_prefixes(("pydantic.utils",), _REDIRECTED_UTILS)
    VALID = (Example.code("from pydantic.alias_generators import to_snake\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic import utils


            merged = utils.deep_update({}, {})
            """,
            Expect(
                4,
                10,
                "pydantic.utils.deep_update is v1 API that Pydantic v2 serves from pydantic.v1.utils: use your own helper or the v2 API",
            ),
        ),
    )

    def message(self, qualname: str) -> str:
        return (
            f"pydantic.utils.{_short(qualname)} is v1 API that Pydantic v2 serves from "
            "pydantic.v1.utils: use your own helper or the v2 API"
        )


_CONSTRAINED = ("ConstrainedStr", "ConstrainedInt", "ConstrainedFloat", "ConstrainedDecimal", "ConstrainedBytes", "ConstrainedList", "ConstrainedSet", "ConstrainedFrozenSet", "ConstrainedDate")  # fmt: skip


class ConstrainedTypes(_ImportedName):
    """## What it checks
    `ConstrainedStr`, `ConstrainedInt`, `ConstrainedFloat`, `ConstrainedDecimal`,
    `ConstrainedBytes`, `ConstrainedList`, `ConstrainedSet`, `ConstrainedFrozenSet`,
    `ConstrainedDate` (`pydantic`, `pydantic.types`).

    ## Why
    Removed in v2: importing them fails.

    ## Example
    ```python
    class Sku(ConstrainedStr):
        max_length = 12
    ```

    ## Use instead
    ```python
    Sku = Annotated[str, StringConstraints(max_length=12)]
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF479"
    name = "pydantic-constrained-types"
    summary = "Constrained* classes removed in v2"
    fix_hint = "use Annotated[T, Field(...)] or Annotated[str, StringConstraints(...)]"
    catalog = "PV079"
    names = _with_prefixes(("pydantic", "pydantic.types"), _CONSTRAINED)
    VALID = (Example.code("from pydantic import StringConstraints\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic import ConstrainedStr


            class Sku(ConstrainedStr):
                max_length = 12
            """,
            Expect(
                1,
                22,
                "ConstrainedStr is gone in Pydantic v2 (importing it fails): use Annotated[T, Field(...)] or Annotated[str, StringConstraints(...)]",
            ),
            path=SCHEMAS,
        ),
    )

    def message(self, qualname: str) -> str:
        return (
            f"{_short(qualname)} is gone in Pydantic v2 (importing it fails): use "
            "Annotated[T, Field(...)] or Annotated[str, StringConstraints(...)]"
        )


_REMOVED_NAMES = {
    "NoneStr": "use Optional[str]",
    "NoneBytes": "use Optional[bytes]",
    "StrBytes": "use Union[str, bytes]",
    "NoneStrBytes": "use Optional[Union[str, bytes]]",
    "Required": "use no default (or ...)",
    "JsonWrapper": "use Json[T]",
    "compiled": "delete it (pydantic is always compiled)",
    "stricturl": "use Annotated[AnyUrl, UrlConstraints(...)]",
    "create_model_from_namedtuple": "use TypeAdapter(NamedTuple)",
    "create_model_from_typeddict": "use TypeAdapter(TypedDict)",
    "validate_model": "use Model.model_validate(...)",
    "Protocol": "delete it (a v1 parsing helper)",
    "get_config": "use ConfigDict",
    "inherit_config": "use ConfigDict",
    "prepare_config": "use ConfigDict",
}
_V2_ERRORS = frozenset(
    {
        "PydanticUserError", "PydanticUndefinedAnnotation", "PydanticImportError",
        "PydanticSchemaGenerationError", "PydanticInvalidForJsonSchema", "PydanticErrorCodes",
        "PydanticErrorMixin", "PydanticForbiddenQualifier",
    }
)  # fmt: skip


class RemovedNames(_ImportedName):
    """## What it checks
    Other names v2 removed: `NoneStr`, `NoneBytes`, `StrBytes`, `NoneStrBytes`, `Required`,
    `JsonWrapper`, `compiled`, `stricturl`, `create_model_from_namedtuple`,
    `create_model_from_typeddict`, `validate_model`, `config.get_config/inherit_config/
    prepare_config`, everything in `pydantic.typing` and `pydantic.datetime_parse`, and the v1
    error classes of `pydantic.errors`.

    ## Why
    Importing them fails in v2 (`PydanticImportError`).

    ## Example
    ```python
    from pydantic import NoneStr
    from pydantic.errors import EmailError
    ```

    ## Use instead
    `Optional[str]`; raise `PydanticCustomError` or `ValueError` in validators; see the message
    for each name.

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF480"
    name = "pydantic-removed-names"
    summary = "name removed in Pydantic v2"
    fix_hint = "use the v2 replacement named in the message"
    catalog = "PV080"
    names = frozenset(
        [
            f"pydantic.{n}"
            for n in _REMOVED_NAMES
            if n not in ("get_config", "inherit_config", "prepare_config")
        ]
        + [f"pydantic.config.{n}" for n in ("get_config", "inherit_config", "prepare_config")]
        + ["pydantic.main.validate_model", "pydantic.networks.stricturl"]
    )
    modules = ("pydantic.typing", "pydantic.datetime_parse", "pydantic.errors")
    allowed = _V2_ERRORS
    VALID = (Example.code("from pydantic.errors import PydanticUserError\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic import NoneStr
            from pydantic.errors import EmailError
            import pydantic.typing
            """,
            Expect(1, 22, "NoneStr is gone in Pydantic v2 (importing it fails): use Optional[str]"),
            Expect(
                2,
                29,
                "pydantic.errors.EmailError is gone in Pydantic v2 (importing it fails): raise PydanticCustomError or ValueError",
            ),
            Expect(
                3,
                8,
                "pydantic.typing is gone in Pydantic v2 (importing it fails): use typing / typing_extensions",
            ),
        ),
    )

    def message(self, qualname: str) -> str:
        for module, advice in (
            ("pydantic.typing", "use typing / typing_extensions"),
            ("pydantic.datetime_parse", "let the model parse dates, or use TypeAdapter(datetime)"),
            ("pydantic.errors", "raise PydanticCustomError or ValueError"),
        ):
            if qualname == module or qualname.startswith(module + "."):
                return f"{qualname} is gone in Pydantic v2 (importing it fails): {advice}"
        name = _short(qualname)
        return f"{name} is gone in Pydantic v2 (importing it fails): {_REMOVED_NAMES[name]}"


class ExtraTypesImport(_ImportedName):
    """## What it checks
    `Color` (`pydantic.color`), `PaymentCardNumber`, `PaymentCardBrand` (`pydantic`,
    `pydantic.types`, `pydantic.payment`).

    ## Why
    Deprecated in v2: they moved to the `pydantic-extra-types` package.

    ## Example
    ```python
    from pydantic.color import Color
    ```

    ## Use instead
    ```python
    from pydantic_extra_types.color import Color
    ```

    ## Fix
    None yet.

    ## Options
    None.
    """

    code = "CNF481"
    name = "pydantic-extra-types"
    summary = "type moved to pydantic-extra-types"
    fix_hint = "import it from pydantic_extra_types"
    catalog = "PV081"
    names = frozenset({"pydantic.color.Color", "pydantic.Color"}) | _with_prefixes(
        ("pydantic", "pydantic.types", "pydantic.payment"),
        ("PaymentCardNumber", "PaymentCardBrand"),
    )
    VALID = (Example.code("from pydantic_extra_types.color import Color\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic.color import Color
            """,
            Expect(
                1,
                28,
                "Color is deprecated in Pydantic v2: import it from pydantic_extra_types.color",
            ),
        ),
    )

    def message(self, qualname: str) -> str:
        name = _short(qualname)
        where = "color" if name == "Color" else "payment"
        return f"{name} is deprecated in Pydantic v2: import it from pydantic_extra_types.{where}"


class BaseConfigImport(_ImportedName):
    """## What it checks
    `BaseConfig` (`pydantic`, `pydantic.config`).

    ## Why
    Deprecated in v2: configuration is a `ConfigDict`, not a class to subclass.

    ## Example
    ```python
    class Config(BaseConfig):
        orm_mode = True
    ```

    ## Use instead
    ```python
    model_config = ConfigDict(from_attributes=True)
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF482"
    name = "pydantic-base-config"
    summary = "BaseConfig deprecated in v2"
    fix_hint = "use ConfigDict"
    catalog = "PV082"
    names = _with_prefixes(("pydantic", "pydantic.config"), ("BaseConfig",))
    VALID = (Example.code("from pydantic import ConfigDict\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic import BaseConfig
            """,
            Expect(1, 22, "BaseConfig is deprecated in Pydantic v2: use ConfigDict"),
        ),
    )

    def message(self, qualname: str) -> str:
        return "BaseConfig is deprecated in Pydantic v2: use ConfigDict"


def _is_v1(name: Optional[str]) -> bool:
    return name is not None and (name == "pydantic.v1" or name.startswith("pydantic.v1."))


class PydanticV1Namespace(FileRule):
    """## What it checks
    `import pydantic.v1`, `from pydantic.v1 import ...`, `from pydantic import v1`: reported once,
    at the import. Code that uses those names is otherwise left alone by this family (classes
    deriving from `pydantic.v1.BaseModel` are v1 models).

    ## Why
    The `pydantic.v1` namespace is a migration crutch: v1 models cannot be nested in v2 models,
    FastAPI only supports them in a compatibility mode, and the namespace goes away.

    ## Example
    ```python
    from pydantic.v1 import BaseModel
    ```

    ## Use instead
    ```python
    from pydantic import BaseModel
    ```
    and migrate the model.

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF483"
    name = "pydantic-v1-namespace"
    summary = "pydantic.v1 compatibility namespace used"
    fix_hint = "migrate to the v2 API"
    catalog = "PV083"
    VALID = (Example.code("from pydantic import BaseModel\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic.v1 import BaseModel, validator
            from pydantic import v1
            import pydantic.v1 as p1
            """,
            Expect(
                1,
                1,
                "pydantic.v1 is the v1 compatibility namespace: migrate this code to the Pydantic v2 API",
            ),
            Expect(
                2,
                1,
                "pydantic.v1 is the v1 compatibility namespace: migrate this code to the Pydantic v2 API",
            ),
            Expect(
                3,
                1,
                "pydantic.v1 is the v1 compatibility namespace: migrate this code to the Pydantic v2 API",
            ),
            path=SCHEMAS,
        ),
    )

    def _check(self, node: cst.CSTNode) -> None:
        if any(_is_v1(fact.target) or _is_v1(fact.module) for fact in self.ctx.import_facts(node)):
            self.report(
                node,
                "pydantic.v1 is the v1 compatibility namespace: migrate this code to the Pydantic v2 API",
            )

    def visit_Import(self, node: cst.Import) -> None:
        self._check(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._check(node)


_PYDANTIC_DATACLASS = frozenset({"pydantic.dataclasses.dataclass"})


class DataclassV1Idioms(FileRule):
    """## What it checks
    v1 idioms in pydantic dataclasses: `@dataclass(config=SomeClass)` with a class of this file,
    and a `__post_init_post_parse__` method in a pydantic dataclass.

    ## Why
    v2 takes `config=ConfigDict(...)`, and silently never calls `__post_init_post_parse__`
    (`__post_init__` now runs after validation).

    ## Example
    ```python
    @dataclass(config=Config)
    class Point:
        def __post_init_post_parse__(self): ...
    ```

    ## Use instead
    ```python
    @dataclass(config=ConfigDict(frozen=True))
    class Point:
        def __post_init__(self): ...
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF484"
    name = "pydantic-dataclass-v1-idioms"
    summary = "Pydantic v1 dataclass idiom"
    fix_hint = "config=ConfigDict(...); __post_init__ runs after validation"
    catalog = "PV084"
    VALID = (
        Example.code(
            """
            from dataclasses import dataclass


            class Config:
                frozen = True


            @dataclass
            class Point:
                def __post_init_post_parse__(self):
                    pass
            """,
            path=SCHEMAS,
            note="a standard-library dataclass",
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic.dataclasses import dataclass


            class Config:
                frozen = True


            @dataclass(config=Config)
            class Point:
                x: int

                def __post_init_post_parse__(self):
                    pass
            """,
            Expect(
                8,
                12,
                "config= of a pydantic dataclass takes a ConfigDict in Pydantic v2, not a class: use config=ConfigDict(...)",
            ),
            Expect(
                12,
                9,
                "__post_init_post_parse__ is never called in Pydantic v2: use __post_init__ (it runs after validation)",
            ),
            path=SCHEMAS,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        for decorator in node.decorators:
            qualname, call = _decorator_target(ctx, decorator)
            if qualname not in _PYDANTIC_DATACLASS:
                continue
            config = _kwarg(call, "config") if call is not None else None
            if config is not None and isinstance(config.value, cst.Name):
                binding = ctx.lookup(config.value.value)
                if binding is not None and binding.kind == "class":
                    self.report(
                        config,
                        "config= of a pydantic dataclass takes a ConfigDict in Pydantic v2, not a "
                        "class: use config=ConfigDict(...)",
                    )
            for statement in _body(node):
                if (
                    isinstance(statement, cst.FunctionDef)
                    and statement.name.value == "__post_init_post_parse__"
                ):
                    self.report(
                        statement.name,
                        "__post_init_post_parse__ is never called in Pydantic v2: use "
                        "__post_init__ (it runs after validation)",
                    )


# -- 4.6 constrained-type functions -------------------------------------------------------------

_CON_LISTS = _with_prefixes(("pydantic", "pydantic.types"), ("conlist", "conset", "confrozenset"))


class ConFunctionV1Keywords(FileRule):
    """## What it checks
    v1 keywords in `con*` calls, which are `TypeError`s in v2: `conlist/conset/confrozenset(
    min_items=, max_items=, unique_items=)`, `constr(regex=, curtail_length=)`.

    ## Why
    The module fails at import.

    ## Example
    ```python
    Tags = conlist(str, min_items=1)
    Code = constr(regex=r"^[A-Z]+$")
    ```

    ## Use instead
    ```python
    Tags = conlist(str, min_length=1)
    Code = constr(pattern=r"^[A-Z]+$")
    ```

    ## Fix
    Safe for the renames (`min_items` -> `min_length`, `max_items` -> `max_length`, `regex` ->
    `pattern`); none for `unique_items` and `curtail_length`.

    ## Options
    None.
    """

    code = "CNF491"
    name = "pydantic-con-function-v1-keyword"
    summary = "v1 keyword in a con* function"
    fix_hint = "min_length / max_length / pattern"
    catalog = "PV091"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from pydantic import conlist, constr

            Tags = conlist(str, min_length=1)
            Code = constr(pattern=r"^[A-Z]+$")
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            import pydantic as pd

            Tags = pd.conlist(str, min_items=1, unique_items=True)
            Code = pd.constr(regex=r"^[A-Z]+$")
            """,
            Expect(3, 24, "conlist(min_items=...) fails in Pydantic v2: use min_length="),
            Expect(
                3,
                37,
                "conlist(unique_items=...) fails in Pydantic v2: use a set type or a uniqueness validator",
            ),
            Expect(4, 18, "constr(regex=...) fails in Pydantic v2: use pattern="),
            fixed="""
            import pydantic as pd

            Tags = pd.conlist(str, min_length=1, unique_items=True)
            Code = pd.constr(pattern=r"^[A-Z]+$")
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.call_name(node)
        if name in _CON_LISTS:
            table: Mapping[str, Optional[str]] = {
                "min_items": "min_length",
                "max_items": "max_length",
                "unique_items": None,
            }
        elif name in _CONSTR:
            table = {"regex": "pattern", "curtail_length": None}
        else:
            return
        function = _short(name or "")
        for arg in node.args:
            if arg.keyword is None or arg.keyword.value not in table:
                continue
            key = arg.keyword.value
            new = table[key]
            if new is not None:
                self.report(
                    arg,
                    f"{function}({key}=...) fails in Pydantic v2: use {new}=",
                    replacement=arg.with_changes(keyword=cst.Name(new)),
                )
            else:
                advice = (
                    "use a set type or a uniqueness validator"
                    if key == "unique_items"
                    else "truncate in a validator"
                )
                self.report(arg, f"{function}({key}=...) fails in Pydantic v2: {advice}")


# -- 4.7 root models, custom types, field declarations ------------------------------------------


class RootField(FileRule):
    """## What it checks
    A `__root__: T` field in a model.

    ## Why
    v2 has no custom root fields: the class fails to build. Root models derive from
    `RootModel[T]` and keep their value in `.root`.

    ## Example
    ```python
    class Ids(BaseModel):
        __root__: list[int]
    ```

    ## Use instead
    ```python
    class Ids(RootModel[list[int]]):
        pass
    ```
    and `.root` at the use sites (CNF447).

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF492"
    name = "pydantic-root-field"
    summary = "__root__ field in a model"
    fix_hint = "derive from RootModel[T] and use .root"
    catalog = "PV100"
    VALID = (
        Example.code(
            """
            from typing import List

            from pydantic import RootModel


            class Ids(RootModel[List[int]]):
                pass
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from typing import List

            from cpv3.core.schemas import Schema


            class Ids(Schema):
                __root__: List[int]
            """,
            Expect(
                7,
                5,
                "__root__ field in Ids is not supported in Pydantic v2: derive from RootModel[T] and read .root",
            ),
            path=SCHEMAS,
            extra=BASE_FILE,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for small in _small_statements(node):
            if isinstance(small, cst.AnnAssign) and _is_name(small.target, "__root__"):
                self.report(
                    small,
                    f"__root__ field in {node.name.value} is not supported in Pydantic v2: derive "
                    "from RootModel[T] and read .root",
                    when=_model(self.ctx.definition_qualname(node.name.value)),
                )


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
            f"{self.hook} is the Pydantic v1 custom-type hook, never called by v2: {self.new}",
        )


class GetValidatorsHook(_CustomTypeHook):
    """## What it checks
    A `__get_validators__` method (the v1 custom-type protocol). Files that import `pydantic.v1`
    are left alone.

    ## Why
    v2 never calls it: the type is not validated, or the schema build fails.

    ## Example
    ```python
    class Sku(str):
        @classmethod
        def __get_validators__(cls):
            yield cls.validate
    ```

    ## Use instead
    ```python
    Sku = Annotated[str, AfterValidator(check_sku)]
    ```
    or `__get_pydantic_core_schema__`.

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF493"
    name = "pydantic-get-validators"
    summary = "v1 __get_validators__ hook"
    fix_hint = "use __get_pydantic_core_schema__ or Annotated[..., BeforeValidator(...)]"
    catalog = "PV101"
    hook = "__get_validators__"
    new = "use __get_pydantic_core_schema__ or Annotated[..., AfterValidator(...)]"
    VALID = (
        Example.code(
            """
            from pydantic.v1 import BaseModel


            class Sku(str):
                @classmethod
                def __get_validators__(cls):
                    yield cls
            """,
            path=SCHEMAS,
            note="pydantic.v1 code is left alone",
        ),
    )
    INVALID = (
        Example.code(
            """
            class Sku(str):
                @classmethod
                def __get_validators__(cls):
                    yield cls
            """,
            Expect(
                3,
                9,
                "__get_validators__ is the Pydantic v1 custom-type hook, never called by v2: use __get_pydantic_core_schema__ or Annotated[..., AfterValidator(...)]",
            ),
            path=SCHEMAS,
        ),
    )


class ModifySchemaHook(_CustomTypeHook):
    """## What it checks
    A `__modify_schema__` method (the v1 JSON-schema hook). Files that import `pydantic.v1` are
    left alone.

    ## Why
    v2 never calls it: the JSON schema silently loses the customisation.

    ## Example
    ```python
    @classmethod
    def __modify_schema__(cls, field_schema):
        field_schema.update(format="sku")
    ```

    ## Use instead
    ```python
    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        schema = handler(core_schema)
        schema.update(format="sku")
        return schema
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF494"
    name = "pydantic-modify-schema"
    summary = "v1 __modify_schema__ hook"
    fix_hint = "use __get_pydantic_json_schema__"
    catalog = "PV102"
    hook = "__modify_schema__"
    new = "use __get_pydantic_json_schema__"
    VALID = (
        Example.code(
            """
            class Sku(str):
                @classmethod
                def __get_pydantic_json_schema__(cls, core_schema, handler):
                    return handler(core_schema)
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            class Sku(str):
                @classmethod
                def __modify_schema__(cls, field_schema):
                    field_schema.update(format="sku")
            """,
            Expect(
                3,
                9,
                "__modify_schema__ is the Pydantic v1 custom-type hook, never called by v2: use __get_pydantic_json_schema__",
            ),
            path=SCHEMAS,
        ),
    )


def _literal_type(value: cst.BaseExpression) -> Optional[str]:
    if isinstance(value, cst.Integer):
        return "int"
    if isinstance(value, cst.Float):
        return "float"
    if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
        return "str"
    if _is_name(value, "True") or _is_name(value, "False"):
        return "bool"
    return None


def _is_plain_value(value: cst.BaseExpression) -> bool:
    if _literal_type(value) is not None or _is_name(value, "None"):
        return True
    if isinstance(
        value, (cst.List, cst.Dict, cst.Set, cst.Tuple, cst.SimpleString, cst.ConcatenatedString)
    ):
        return True
    return isinstance(value, cst.UnaryOperation) and isinstance(
        value.expression, (cst.Integer, cst.Float)
    )


class UnannotatedField(FileRule):
    """## What it checks
    A non-annotated attribute with a plain value (`is_active = True`, `tags = []`, `x = Field()`)
    in a model body. `_private` names, `model_config`, methods and other values (calls that may
    return descriptors) are skipped.

    ## Why
    v1 inferred a field; v2 refuses the class at creation (`model-field-missing-annotation`).

    ## Example
    ```python
    class UserOut(BaseModel):
        is_active = True
    ```

    ## Use instead
    ```python
    class UserOut(BaseModel):
        is_active: bool = True
    ```
    (`ClassVar[bool]` if it is not a field).

    ## Fix
    Safe for `bool`, `int`, `float` and `str` literals (when the builtin is not shadowed); none
    otherwise.

    ## Options
    None.
    """

    code = "CNF495"
    name = "pydantic-unannotated-field"
    summary = "non-annotated attribute in a model"
    fix_hint = "annotate it (ClassVar[...] if it is not a field)"
    catalog = "PV103"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from typing import ClassVar

            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                model_config = ConfigDict(frozen=True)
                _cache = {}
                LIMIT: ClassVar[int] = 10
                is_active: bool = True
            """,
            path=SCHEMAS,
        ),
        Example.code(
            """
            class Plain:
                is_active = True
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.core.schemas import Schema


            class UserOut(Schema):
                is_active = True
                tags = []
            """,
            Expect(
                5,
                5,
                "is_active has no annotation: Pydantic v2 refuses the model at class creation; annotate it (is_active: bool = ...) or use ClassVar",
            ),
            Expect(
                6,
                5,
                "tags has no annotation: Pydantic v2 refuses the model at class creation; annotate it or use ClassVar",
            ),
            path=SCHEMAS,
            extra=BASE_FILE,
            fixed="""
            from cpv3.core.schemas import Schema


            class UserOut(Schema):
                is_active: bool = True
                tags = []
            """,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        when = _model(ctx.definition_qualname(node.name.value))
        for small in _small_statements(node):
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                continue
            target = small.targets[0].target
            if (
                not isinstance(target, cst.Name)
                or target.value.startswith("_")
                or target.value == "model_config"
            ):
                continue
            value = small.value
            is_field = isinstance(value, cst.Call) and ctx.call_name(value) in _FIELD
            if not is_field and not _is_plain_value(value):
                continue
            typed = _literal_type(value)
            replacement = None
            if typed is not None and ctx.lookup(typed) is None:
                replacement = cst.AnnAssign(
                    target=target, annotation=cst.Annotation(cst.Name(typed)), value=value
                )
            hint = f" ({target.value}: {typed} = ...)" if typed else ""
            self.report(
                small,
                f"{target.value} has no annotation: Pydantic v2 refuses the model at class "
                f"creation; annotate it{hint} or use ClassVar",
                when=when,
                replacement=replacement,
            )


_BASEMODEL_ATTRIBUTES = frozenset(
    {
        "model_fields", "model_computed_fields", "model_extra", "model_fields_set",
        "model_construct", "model_copy", "model_dump", "model_dump_json", "model_json_schema",
        "model_parametrized_name", "model_post_init", "model_rebuild", "model_validate",
        "model_validate_json", "model_validate_strings", "dict", "json", "parse_obj",
        "parse_raw", "parse_file", "from_orm", "construct", "copy", "schema", "schema_json",
        "validate", "update_forward_refs",
    }
)  # fmt: skip


class FieldShadowsModelAttribute(FileRule):
    """## What it checks
    A field named like a `BaseModel` method or attribute (`json`, `dict`, `copy`, `schema`,
    `validate`, `model_dump`, ...), or an annotated `model_config` without a value.

    ## Why
    `model_config: ...` without a value fails at class creation
    (`model-config-invalid-field-name`); a field shadowing a `BaseModel` method warns and breaks
    the method for every caller (`user.json` is now a string).

    ## Example
    ```python
    class Event(BaseModel):
        json: dict
    ```

    ## Use instead
    ```python
    class Event(BaseModel):
        payload: dict = Field(alias="json")
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF496"
    name = "pydantic-field-shadows-model-attribute"
    summary = "field named like a BaseModel attribute"
    fix_hint = "rename the field and keep the external name with Field(alias=...)"
    catalog = "PV104"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict, Field


            class Event(BaseModel):
                model_config: ConfigDict = ConfigDict(frozen=True)
                payload: dict = Field(alias="json")
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict


            class Event(BaseModel):
                json: dict
                model_config: ConfigDict
            """,
            Expect(
                5,
                5,
                'field json of Event shadows BaseModel.json: rename it and keep the external name with Field(alias="json")',
            ),
            Expect(
                6,
                5,
                "model_config cannot be a field (class creation fails in Pydantic v2): assign model_config = ConfigDict(...)",
            ),
            path=SCHEMAS,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        when = _model(self.ctx.definition_qualname(node.name.value))
        for small in _small_statements(node):
            if not isinstance(small, cst.AnnAssign) or not isinstance(small.target, cst.Name):
                continue
            name = small.target.value
            if name == "model_config" and small.value is None:
                self.report(
                    small,
                    "model_config cannot be a field (class creation fails in Pydantic v2): assign "
                    "model_config = ConfigDict(...)",
                    when=when,
                )
            elif name in _BASEMODEL_ATTRIBUTES:
                self.report(
                    small,
                    f"field {name} of {node.name.value} shadows BaseModel.{name}: rename it and "
                    f'keep the external name with Field(alias="{name}")',
                    when=when,
                )


class DuplicateField(FileRule):
    """## What it checks
    The same field annotated twice in one model body.

    ## Why
    The second declaration silently replaces the first (type, default and constraints), usually a
    copy-paste leftover.

    ## Example
    ```python
    class UserOut(BaseModel):
        id: int
        id: str
    ```

    ## Use instead
    Keep one declaration.

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF498"
    name = "pydantic-duplicate-field"
    summary = "field declared twice in a model"
    fix_hint = "remove the duplicate declaration"
    catalog = "PV106"
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int
                name: str
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int
                name: str
                id: str
            """,
            Expect(
                7,
                5,
                "field id is declared twice in UserOut (the first declaration is replaced): remove the duplicate",
            ),
            path=SCHEMAS,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        when = _model(self.ctx.definition_qualname(node.name.value))
        seen: Dict[str, cst.AnnAssign] = {}
        for small in _small_statements(node):
            if not isinstance(small, cst.AnnAssign) or not isinstance(small.target, cst.Name):
                continue
            name = small.target.value
            if name in seen:
                self.report(
                    small,
                    f"field {name} is declared twice in {node.name.value} (the first declaration "
                    "is replaced): remove the duplicate",
                    when=when,
                )
            else:
                seen[name] = small
