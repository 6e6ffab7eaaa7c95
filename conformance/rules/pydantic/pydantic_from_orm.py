"""CNF436 pydantic-from-orm."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import (
    _MODEL_FILE,
    SCHEMAS,
    _keyword_arg,
    _short,
    _with_args,
)
from conformance.rules.pydantic._templates import _ModelMethod

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class FromOrmMethod(_ModelMethod):
    """## What it checks
    `M.from_orm(obj)` on a Pydantic model class.

    ## Why
    Deprecated in v2; it also requires `from_attributes=True` in the config, which the v2 call can
    pass explicitly.

    ## Example
    ```python
    return UserOut.from_orm(user)
    ```

    ## Use instead
    ```python
    return UserOut.model_validate(user, from_attributes=True)
    ```

    ## Fix
    Safe: the explicit keyword keeps the v1 semantics (which required `orm_mode`).
    """

    code = "CNF436"
    name = "pydantic-from-orm"
    summary = "Pydantic v1 from_orm()"
    fix_hint = "use .model_validate(obj, from_attributes=True)"
    catalog = "PV036"
    fix = FixSafety.SAFE
    method = "from_orm"
    new = "model_validate"
    positional = 1
    VALID = (
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut


            def read(user) -> UserOut:
                return UserOut.model_validate(user, from_attributes=True)
            """,
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.modules.users.schemas import UserOut as Out


            def read(user) -> Out:
                return Out.from_orm(user)
            """,
            Expect(
                5,
                12,
                ".from_orm() on Pydantic model UserOut is the v1 API (deprecated in v2)",
            ),
            path="cpv3/modules/users/service.py",
            extra={SCHEMAS: _MODEL_FILE},
            fixed="""
            from cpv3.modules.users.schemas import UserOut as Out


            def read(user) -> Out:
                return Out.model_validate(user, from_attributes=True)
            """,
        ),
    )

    def message(self, node: cst.Call, receiver: str) -> str:
        return f".from_orm() on Pydantic model {_short(receiver)} is the v1 API (deprecated in v2)"

    def replacement(self, node: cst.Call) -> Optional[cst.CSTNode]:
        if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
            return None
        func = node.func
        assert isinstance(func, cst.Attribute)
        args = [node.args[0], _keyword_arg("from_attributes", cst.Name("True"))]
        return _with_args(node.with_changes(func=func.with_changes(attr=cst.Name(self.new))), args)
