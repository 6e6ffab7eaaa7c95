"""CNF443 pydantic-fields-set-attribute."""

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
