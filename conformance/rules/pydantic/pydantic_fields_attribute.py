"""CNF442 pydantic-fields-attribute."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
    Tuple,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _MODEL_FILE, SCHEMAS, _short
from conformance.rules.pydantic._templates import _ModelAttribute

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


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
