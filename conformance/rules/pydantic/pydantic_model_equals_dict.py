"""CNF448 pydantic-model-equals-dict."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import _MODEL_FILE, SCHEMAS, _instance_ref, _model, _short

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


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
