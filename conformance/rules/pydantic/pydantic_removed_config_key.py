"""CNF404 pydantic-removed-config-key."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
    Tuple,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _REMOVED_KEYS, SCHEMAS, _is_name, _string
from conformance.rules.pydantic._templates import _ConfigRule

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


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
    `copy_on_model_validation` -> `revalidate_instances`; `fields` -> `Field(alias=...)` for its
    alias entries (the message lists them) and `Field(exclude=True)` on every field to leave out
    for its `include`/`exclude` entries; `smart_union` and `underscore_attrs_are_private` ->
    delete (v2 behaves that way already).

    ## Fix
    Safe for `allow_mutation` with a literal value (becomes `frozen` with the inverse value);
    none for the other keys. None for `fields` either: its entries belong on the fields, and
    `include` entries (only these fields are exported) become `exclude=True` on all the *other*
    fields, inherited ones included (redeclared in the class), which a fix of one file cannot list
    when a base class lives in another file; the message says which case the value is.

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


            class UserDb(BaseModel):
                class Config:
                    fields = {"id": "_id", "name": {"alias": "fullName"}}


            class UserPublic(UserDb):
                class Config:
                    fields = {f: {"include": True} for f in ["name"]}
            """,
            Expect(
                20,
                9,
                "config key 'fields' was removed in Pydantic v2: its include/exclude entries have no v2 config key: set Field(exclude=True) on each field dump() should leave out (redeclare the inherited ones in this class)",
            ),
            Expect(
                15,
                9,
                "config key 'fields' was removed in Pydantic v2: declare the aliases on the fields: id: ... = Field(alias='_id'), name: ... = Field(alias='fullName')",
            ),
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


            class UserDb(BaseModel):
                class Config:
                    fields = {"id": "_id", "name": {"alias": "fullName"}}


            class UserPublic(UserDb):
                class Config:
                    fields = {f: {"include": True} for f in ["name"]}
            """,
        ),
    )

    def check(
        self, key: str, value: cst.BaseExpression
    ) -> Optional[Tuple[str, Optional[str], Optional[cst.BaseExpression]]]:
        advice = _REMOVED_KEYS.get(key)
        if advice is None:
            return None
        if key == "fields":
            advice = _fields_advice(value)
        message = f"config key '{key}' was removed in Pydantic v2: {advice}"
        if key == "allow_mutation" and (_is_name(value, "True") or _is_name(value, "False")):
            inverse = "True" if _is_name(value, "False") else "False"
            return message, "frozen", cst.Name(inverse)
        return message, None, None


def _fields_advice(value: cst.BaseExpression) -> str:
    """What replaces a v1 ``fields = {...}`` config value: the aliases it sets, listed, or the
    ``include``/``exclude`` entries that become ``Field(exclude=True)`` on fields."""
    entries = []
    if isinstance(value, cst.DictComp):
        entries = [value.value]
    elif isinstance(value, cst.Dict):
        entries = [e.value for e in value.elements if isinstance(e, cst.DictElement)]
    aliases = []
    for entry in entries:
        if isinstance(entry, cst.Dict):
            keys = [_string(e.key) for e in entry.elements if isinstance(e, cst.DictElement)]
            if "include" in keys or "exclude" in keys:
                return (
                    "its include/exclude entries have no v2 config key: set Field(exclude=True) "
                    "on each field dump() should leave out (redeclare the inherited ones in this "
                    "class)"
                )
    if isinstance(value, cst.Dict):
        for element in value.elements:
            if not isinstance(element, cst.DictElement):
                break
            name, alias = _string(element.key), _string(element.value)
            if alias is None and isinstance(element.value, cst.Dict):
                for inner in element.value.elements:
                    if isinstance(inner, cst.DictElement) and _string(inner.key) == "alias":
                        alias = _string(inner.value)
            if name is None or alias is None:
                break
            aliases.append(f"{name}: ... = Field(alias={alias!r})")
        else:
            if aliases:
                return "declare the aliases on the fields: " + ", ".join(aliases)
    return _REMOVED_KEYS["fields"]
