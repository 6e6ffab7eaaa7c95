"""Shared helpers of the pydantic rules."""

from __future__ import annotations

import re
from typing import (
    TYPE_CHECKING,
    FrozenSet,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from conformance.conditions import AllOf, Condition, IsKind, Not
from conformance.index import PYDANTIC_MODEL, PYDANTIC_SETTINGS
from conformance.settings import Option

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst


PYDANTIC_VERSION = Option(
    "pydantic-version",
    str,
    "2.0",
    'The Pydantic version the code targets (`"2.0"`, `"2.11"`, ...). Never read from an '
    "installed package. Advice that changed between v2 releases follows it: from 2.11, "
    "CNF403 renames `allow_population_by_field_name` to `validate_by_name` instead of "
    "`populate_by_name`.",
)
OPTIONS = (PYDANTIC_VERSION,)


SCHEMAS = "cpv3/modules/users/schemas.py"


BASE_FILE = {
    "cpv3/core/schemas.py": "import pydantic as pd\n\n\nclass Schema(pd.BaseModel):\n    pass\n"
}


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


def _version(ctx: FileContext) -> Tuple[int, int]:
    """The target Pydantic version from the `pydantic-version` option ("2.11" -> (2, 11))."""
    text = str(ctx.option(PYDANTIC_VERSION))
    parts = re.findall(r"\d+", text)
    if not parts:
        return (2, 0)
    return (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)


def _renamed_key(ctx: FileContext, key: str) -> Optional[str]:
    new = _RENAMED_KEYS.get(key)
    if new == "populate_by_name" and _version(ctx) >= (2, 11):
        return "validate_by_name"
    return new


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
    return body.body if isinstance(body, cst.IndentedBlock) else ()


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


def _class_scope(ctx: FileContext) -> Optional[str]:
    """The qualified name of the class whose body the walk is directly in, else None."""
    return ctx.scope_qualname if ctx.scope_kind == "class" else None


def _decorator_target(
    ctx: FileContext, decorator: cst.Decorator
) -> Tuple[Optional[str], Optional[cst.Call]]:
    """(qualified name, call) of `@name` / `@name(...)`."""
    expr = decorator.decorator
    call = expr if isinstance(expr, cst.Call) else None
    target = call.func if call is not None else expr
    return ctx.qualname(target), call


def _has_decorator(ctx: FileContext, node: cst.FunctionDef, qualname: str) -> bool:
    return any(_decorator_target(ctx, d)[0] == qualname for d in node.decorators)


def _local_name(ctx: FileContext, qualnames: FrozenSet[str], default: str) -> str:
    """The name the file already binds to one of ``qualnames`` at module level, else ``default``
    (the fix then needs the import: see the report of the fix engine's import helper)."""
    names = ctx.module_bindings()
    for name, binding in names.items():
        if binding.kind == "import" and binding.qualname in qualnames:
            return str(name)
    return default


def _imports_pydantic_v1(ctx: FileContext) -> bool:
    """Whether the file imports from ``pydantic.v1`` (v1 code on purpose: the v2 fixes leave it
    alone). Not ``from pydantic import v1``, the form CNF486's fix writes for the one custom error
    class it cannot convert: the rest of the file is still to migrate."""
    names = ctx.module_bindings()
    return any(
        b.kind == "import"
        and b.qualname is not None
        and (b.qualname == "pydantic.v1" or b.qualname.startswith("pydantic.v1."))
        and not (name == "v1" and b.qualname == "pydantic.v1")
        for name, b in names.items()
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


def _class_ref(ctx: FileContext, expr: cst.BaseExpression) -> Optional[str]:
    """Tier T1: the qualified name of a class the expression names (an imported or defined class,
    ``cls`` in a classmethod, a module-level alias), never a value."""
    root: cst.BaseExpression = expr
    while isinstance(root, cst.Attribute):
        root = root.value
    if not isinstance(root, cst.Name):
        return None
    binding = ctx.lookup(root.value)
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
    qualname = ctx.qualname(expr)
    if qualname is None or qualname.startswith("builtins."):
        return None
    return str(qualname)


def _instance_ref(ctx: FileContext, expr: cst.BaseExpression) -> Optional[str]:
    """Tier T2: the class of an instance the file proves (annotated parameter or variable, a name
    assigned from a constructor or ``model_validate``, ``self``, ``self.attr`` typed in the class)."""
    typed = ctx.instance_type(expr)
    if typed is None or typed.startswith(("builtins.", "typing.")):
        return None
    return str(typed)


def _model(qualname: str) -> Condition:
    return IsKind(qualname, PYDANTIC_MODEL)


def _settings(qualname: str) -> Condition:
    return AllOf((IsKind(qualname, PYDANTIC_MODEL), IsKind(qualname, PYDANTIC_SETTINGS)))


def _plain_model(qualname: str) -> Condition:
    return AllOf((IsKind(qualname, PYDANTIC_MODEL), Not(IsKind(qualname, PYDANTIC_SETTINGS))))


_EXTRA_MEMBERS = frozenset(f"{e}.{m}" for e in _EXTRA for m in ("forbid", "allow", "ignore"))


def _positional_params(node: cst.FunctionDef) -> List[cst.Param]:
    return list(node.params.posonly_params) + list(node.params.params)


def _mode(call: Optional[cst.Call]) -> Optional[str]:
    arg = _kwarg(call, "mode") if call is not None else None
    return _string(arg.value) if arg is not None else None


_MODEL_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel"})


_MODEL_FILE = """
from pydantic import BaseModel


class UserOut(BaseModel):
    id: int
"""


_DUMP_KEYWORDS = frozenset(
    {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"}
)


_PRIVATE_V1 = frozenset({"_iter", "_copy_and_set_values", "_get_value", "_calculate_keys"})


_LOOKAROUND = re.compile(r"\(\?<?[=!]|\\[1-9]|\(\?P=")


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


def _with_prefixes(modules: Sequence[str], names: Sequence[str]) -> FrozenSet[str]:
    return frozenset(f"{module}.{name}" for module in modules for name in names)


_TOOLS = ("parse_obj_as", "schema_of", "schema_json_of", "parse_raw_as", "parse_file_as")


_REDIRECTED_UTILS = (
    "deep_update", "GetterDict", "lenient_issubclass", "lenient_isinstance", "is_valid_field",
    "update_not_none", "import_string", "Representation", "ROOT_KEY", "smart_deepcopy",
    "sequence_like",
)  # fmt: skip


_CONSTRAINED = ("ConstrainedStr", "ConstrainedInt", "ConstrainedFloat", "ConstrainedDecimal", "ConstrainedBytes", "ConstrainedList", "ConstrainedSet", "ConstrainedFrozenSet", "ConstrainedDate")  # fmt: skip


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


def _is_v1(name: Optional[str]) -> bool:
    return name is not None and (name == "pydantic.v1" or name.startswith("pydantic.v1."))


_PYDANTIC_DATACLASS = frozenset({"pydantic.dataclasses.dataclass"})


_CON_LISTS = _with_prefixes(("pydantic", "pydantic.types"), ("conlist", "conset", "confrozenset"))


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


_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
_UNION = frozenset({"typing.Union", "typing_extensions.Union"})
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_ANY = frozenset({"typing.Any", "typing_extensions.Any"})


def _implies_none_default(ctx: FileContext, annotation: cst.BaseExpression) -> bool:
    """Whether Pydantic v1 gave a field of this annotation the default None when it had none:
    ``Optional[X]``, ``Union[..., None]``, ``X | None``, ``Any`` (also in ``Annotated[...]`` and in
    a string annotation)."""
    if isinstance(annotation, cst.SimpleString):
        text = _string(annotation)
        if text is None:
            return False
        try:
            annotation = cst.parse_expression(text)
        except cst.ParserSyntaxError:
            return False
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        return any(_is_name(member, "None") for member in _union_members(annotation))
    qualname = ctx.qualname(annotation)
    if qualname in _ANY:
        return True
    if not isinstance(annotation, cst.Subscript):
        return False
    base = ctx.qualname(annotation.value)
    elements = [e.slice.value for e in annotation.slice if isinstance(e.slice, cst.Index)]
    if base in _OPTIONAL:
        return True
    if base in _UNION:
        return any(_is_name(element, "None") for element in elements)
    if base in _ANNOTATED and elements:
        return _implies_none_default(ctx, elements[0])
    return False


def _union_members(node: cst.BaseExpression) -> List[cst.BaseExpression]:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _union_members(node.left) + _union_members(node.right)
    return [node]


#: names whose import shows a file is (still) written for Pydantic v1: they are gone or deprecated
#: in v2.
_V1_ONLY_IMPORTS = frozenset(
    {
        "pydantic.validator", "pydantic.root_validator", "pydantic.BaseSettings",
        "pydantic.BaseConfig", "pydantic.Extra", "pydantic.parse_obj_as",
        "pydantic.PydanticValueError", "pydantic.PydanticTypeError", "pydantic.errors",
        "pydantic.error_wrappers", "pydantic.class_validators", "pydantic.env_settings",
        "pydantic.generics", "pydantic.main.ModelMetaclass", "pydantic.fields.ModelField",
    }
)  # fmt: skip


def _file_shows_pydantic_v1(ctx: FileContext) -> bool:
    """Whether the module imports a name only Pydantic v1 code uses (``validator``,
    ``BaseSettings`` from ``pydantic``, anything from ``pydantic.error_wrappers``, ...)."""
    names = ctx.module_bindings()
    for binding in names.values():
        qualname = binding.qualname
        if binding.kind != "import" or qualname is None:
            continue
        if qualname in _V1_ONLY_IMPORTS or qualname.rpartition(".")[0] in _V1_ONLY_IMPORTS:
            return True
    return False


def _aliases(node: cst.ImportFrom) -> List[cst.ImportAlias]:
    """The aliases of ``from m import a, b as c`` (none for ``import *``), in the order
    ``ctx.import_facts`` gives their facts."""
    if isinstance(node.names, cst.ImportStar):
        return []
    return [alias for alias in node.names if isinstance(alias.name, cst.Name)]


def _without_aliases(node: cst.ImportFrom, dropped: Sequence[cst.ImportAlias]) -> cst.ImportFrom:
    """``node`` without ``dropped`` (at least one alias must stay); the last kept alias takes the
    comma of the statement's last alias, so a trailing comma or its absence stays."""
    assert not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    kept = [alias for alias in names if alias not in dropped]
    kept[-1] = kept[-1].with_changes(comma=names[-1].comma)
    return node.with_changes(names=kept)


def _contains_comment(node: cst.ImportFrom) -> bool:
    """Whether a comment sits inside the statement (a parenthesised list with comments): a
    rewrite of its names could lose it."""
    if isinstance(node.names, cst.ImportStar) or node.lpar is None:
        return False
    parts: List[object] = [node.lpar, node.rpar]
    for alias in node.names:
        parts.append(alias.comma)
    for part in parts:
        for attribute in ("whitespace_before", "whitespace_after"):
            space = getattr(part, attribute, None)
            if isinstance(space, cst.ParenthesizedWhitespace):
                if space.first_line.comment is not None or any(
                    line.comment is not None for line in space.empty_lines
                ):
                    return True
    return False


def _pydantic_name(
    ctx: FileContext, qualnames: FrozenSet[str], name: str
) -> Tuple[cst.BaseExpression, Tuple[Tuple[str, Optional[str]], ...]]:
    """How the fix writes the pydantic name ``name`` in this file, and the import it needs: the
    name the file already binds to it (``ConfigDict``), else ``pydantic.ConfigDict`` (or
    ``pd.ConfigDict``) in a file that uses ``import pydantic [as pd]``, else ``ConfigDict`` with
    ``from pydantic import ConfigDict`` to add."""
    local = _local_name(ctx, qualnames, "")
    if local:
        return cst.Name(local), ()
    for bound, binding in ctx.module_bindings().items():
        if binding.kind == "import" and binding.qualname == "pydantic":
            return cst.Attribute(value=cst.Name(str(bound)), attr=cst.Name(name)), ()
    return cst.Name(name), (("pydantic", name),)
