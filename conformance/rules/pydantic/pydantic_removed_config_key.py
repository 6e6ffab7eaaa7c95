"""CNF404 pydantic-removed-config-key."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
    Tuple,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _REMOVED_KEYS, SCHEMAS, _is_name
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
