"""CNF446 pydantic-instance-model-fields."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS, _instance_ref, _model, _short
from conformance.rules.pydantic._templates import _ModelAttribute

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


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
