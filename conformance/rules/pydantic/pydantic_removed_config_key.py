"""CNF404 pydantic-removed-config-key."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    Optional,
    Set,
    Tuple,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _REMOVED_KEYS, SCHEMAS, _is_name, _model, _string
from conformance.rules.pydantic._fields_include import include_fix
from conformance.rules.pydantic._templates import _ConfigRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.conditions import Condition
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
    none for the other keys. `fields` whose entries are all `{"include": True}` (v1 exported only
    those fields, in `dict()`, `json()` and FastAPI responses), written out as a dict or as a
    comprehension over a list of names: unsafe, every *other* field of the model gets
    `exclude=True` (`Field(default, exclude=True)`; a field inherited from a base class of the same
    file is redeclared in the model with its annotation and default) and the key leaves
    `class Config` (CNF401 converts the rest). `model_dump()` then leaves out what v1's `dict()`
    left out; an explicit `include=` argument can no longer bring an excluded field back. Not
    when a base class lives in another file (its fields cannot be listed from this one) or
    derives from something other than `BaseModel`, nor while a v1 `always=True` validator of
    the hierarchy is unconverted (CNF413 first sets `validate_default=True`, which the
    redeclared field must copy). Other `fields` values (aliases) get no fix:
    the message lists the `Field(alias=...)` to write.
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
        Example.code(
            """
            from typing import Optional

            from pydantic import BaseModel, Field


            class User(BaseModel):
                name: str
                email: Optional[str]
                note: str = Field("", max_length=10)


            class UserOut(User):
                token: str = ""
                secret: str = ""

                class Config:
                    orm_mode = True
                    fields = {f: {"include": True} for f in ["name", "token"]}
            """,
            Expect(
                12,
                1,
                "config key 'fields' was removed in Pydantic v2: v2 ignores its include entries (v1 exported only these fields)",
            ),
            path=SCHEMAS,
            unsafe=True,
            fixed="""
            from typing import Optional

            from pydantic import BaseModel, Field


            class User(BaseModel):
                name: str
                email: Optional[str]
                note: str = Field("", max_length=10)


            class UserOut(User):
                token: str = ""
                secret: str = Field("", exclude=True)
                email: Optional[str] = Field(None, exclude=True)
                note: str = Field("", max_length=10, exclude=True)

                class Config:
                    orm_mode = True
            """,
            note="include entries: the other fields of the hierarchy get exclude=True",
        ),
    )

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._handled: Set[int] = set()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        found = include_fix(self.ctx, node)
        if found is not None:
            entry, converted, imports, count = found
            self._handled.add(id(entry))
            self.report(
                node,
                "config key 'fields' was removed in Pydantic v2: v2 ignores its include entries "
                "(v1 exported only these fields)",
                fix_hint=f"set Field(exclude=True) on the {count} other field(s) of "
                f"{node.name.value}, redeclaring inherited ones in the class",
                when=_model(self.ctx.definition_qualname(node.name.value)),
                replacement=converted,
                fix_safety=FixSafety.UNSAFE,
                imports=imports,
            )
        super().visit_ClassDef(node)

    def _entry(
        self,
        key: str,
        entry: cst.CSTNode,
        value: cst.BaseExpression,
        kind: str,
        when: Optional[Condition],
    ) -> None:
        if id(entry) not in self._handled:
            super()._entry(key, entry, value, kind, when)

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
