"""CNF444 pydantic-private-v1-method."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    _MODEL_FILE,
    _PRIVATE_V1,
    SCHEMAS,
    _class_ref,
    _instance_ref,
)
from conformance.rules.pydantic._conditions import ModelMember

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


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
                "_iter is a private Pydantic v1 helper, gone or deprecated in v2",
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
            f"{name} is a private Pydantic v1 helper, gone or deprecated in v2",
            fix_hint="use the public API (model_dump, model_copy)",
            when=ModelMember(receiver, name),
        )
