"""CNF430 pydantic-dict-method."""

from __future__ import annotations

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _DUMP_KEYWORDS, _MODEL_FILE, SCHEMAS
from conformance.rules.pydantic._templates import _ModelMethod


class DictMethod(_ModelMethod):
    """## What it checks
    `m.dict(...)` where `m` is provably a Pydantic model instance: a parameter or variable
    annotated with a model, a name assigned from a model constructor or `model_validate`, `self` in
    a model, `self.attr` typed in the class. `some_dict.copy()`-style look-alikes and unknown
    receivers never fire.

    ## Why
    `.dict()` is deprecated in v2 (a warning on every call) and will be removed.

    ## Example
    ```python
    def save(user: UserIn) -> None:
        repo.insert(user.dict(exclude_unset=True))
    ```

    ## Use instead
    ```python
        repo.insert(user.model_dump(exclude_unset=True))
    ```

    ## Fix
    Safe: `include`, `exclude`, `by_alias`, `exclude_unset`, `exclude_defaults`, `exclude_none`
    carry over. `skip_defaults=` (v1's old name of `exclude_unset=`, removed in v2: the call
    raises TypeError) becomes `exclude_unset=`, which v1 itself treated as the same option.
    """

    code = "CNF430"
    name = "pydantic-dict-method"
    summary = "Pydantic v1 .dict() on a model"
    fix_hint = "use .model_dump()"
    catalog = "PV030"
    fix = FixSafety.SAFE
    method = "dict"
    new = "model_dump"
    on_class = False
    on_instance = True
    carry = _DUMP_KEYWORDS
    renamed = {"skip_defaults": "exclude_unset"}
    VALID = (
        Example.code(
            """
            from fastapi import Request


            async def handler(request: Request, payload: dict, data):
                body = await request.json()
                return payload.copy(), data.dict(), body
            """,
        ),
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut


            class Report(UserOut):
                def dict(self):
                    return {}


            def render(report: Report):
                return report.dict()
            """,
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
            note="the model defines dict() itself",
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut


            def render(user: UserOut, other: "UserOut | None"):
                fresh = UserOut(id=1)
                return user.dict(exclude_unset=True), other.dict(), fresh.dict(skip_defaults=True)
            """,
            Expect(
                6,
                12,
                ".dict() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_dump()",
            ),
            Expect(
                6,
                43,
                ".dict() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_dump()",
            ),
            Expect(
                6,
                57,
                ".dict(skip_defaults=...) on Pydantic model UserOut raises TypeError in Pydantic v2: use .model_dump(exclude_unset=...)",
            ),
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
            fixed="""
            from cpv3.modules.users.schemas import UserOut


            def render(user: UserOut, other: "UserOut | None"):
                fresh = UserOut(id=1)
                return user.model_dump(exclude_unset=True), other.model_dump(), fresh.model_dump(exclude_unset=True)
            """,
            note="a model class in another file; skip_defaults is exclude_unset",
        ),
    )
