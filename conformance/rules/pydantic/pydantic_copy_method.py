"""CNF432 pydantic-copy-method."""

from __future__ import annotations

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _MODEL_FILE, SCHEMAS
from conformance.rules.pydantic._templates import _ModelMethod


class CopyMethod(_ModelMethod):
    """## What it checks
    `m.copy(...)` where `m` is provably a Pydantic model instance (see CNF430). `dict.copy()`,
    `list.copy()` and unknown receivers never fire.

    ## Why
    `.copy()` is deprecated in v2; `model_copy` does not take `include`/`exclude`.

    ## Example
    ```python
    updated = user.copy(update={"name": name})
    ```

    ## Use instead
    ```python
    updated = user.model_copy(update={"name": name})
    ```

    ## Fix
    Safe with `update=` and `deep=` only.
    """

    code = "CNF432"
    name = "pydantic-copy-method"
    summary = "Pydantic v1 .copy() on a model"
    fix_hint = "use .model_copy(update=..., deep=...)"
    catalog = "PV032"
    fix = FixSafety.SAFE
    method = "copy"
    new = "model_copy"
    on_class = False
    on_instance = True
    carry = frozenset({"update", "deep"})
    VALID = (
        Example.code(
            """
            def merge(defaults: dict, extra: list):
                return defaults.copy(), extra.copy()
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut


            def rename(user: UserOut):
                return user.copy(update={"id": 2}), user.copy(include={"id"})
            """,
            Expect(
                5,
                12,
                ".copy() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_copy()",
            ),
            Expect(
                5,
                41,
                ".copy() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_copy()",
            ),
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
            fixed="""
            from cpv3.modules.users.schemas import UserOut


            def rename(user: UserOut):
                return user.model_copy(update={"id": 2}), user.copy(include={"id"})
            """,
        ),
    )
