"""CNF441 pydantic-update-forward-refs."""

from __future__ import annotations

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _ModelMethod


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
