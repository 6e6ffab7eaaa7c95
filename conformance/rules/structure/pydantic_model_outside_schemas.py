"""CNF110 pydantic-model-outside-schemas."""

from __future__ import annotations

from conformance.conditions import AllOf, Condition, IsKind, Not
from conformance.index import PYDANTIC_MODEL, PYDANTIC_SETTINGS
from conformance.rules.base import Example, Expect
from conformance.rules.structure._common import _ClassPlacement


class PydanticModelOutsideSchemas(_ClassPlacement):
    """## What it checks
    A Pydantic model (a subclass of `pydantic.BaseModel`, directly or through project base classes
    in any file) defined in a module file other than `schemas.py`. Settings classes
    (`pydantic_settings.BaseSettings`) are exempt.

    ## Why
    Request and response shapes are the module's contract; scattered across routers and services
    they are duplicated, drift apart, and end up importing ORM code.

    ## Example
    ```python
    # cpv3/modules/users/router.py
    from pydantic import BaseModel

    class UserOut(BaseModel):
        id: int
    ```

    ## Use instead
    Define `UserOut` in `cpv3/modules/users/schemas.py` and import it.

    ## Options
    `roles.schemas`.
    """

    code = "CNF110"
    requires_roles = ("schemas",)
    name = "pydantic-model-outside-schemas"
    summary = "Pydantic model defined outside schemas.py"
    fix_hint = "move the class to the module's schemas.py"
    catalog = "STR010"
    home_role = "schemas"
    VALID = (
        Example.code(
            """
            from pydantic_settings import BaseSettings

            class UsersSettings(BaseSettings):
                page_size: int = 50
            """,
            path="cpv3/modules/users/service.py",
            note="settings classes are exempt",
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.core.schemas import Schema

            class UserOut(Schema):
                id: int
            """,
            Expect(
                3,
                7,
                "Pydantic model UserOut is defined in router.py",
            ),
            extra={
                "cpv3/core/schemas.py": "import pydantic as pd\n\nclass Schema(pd.BaseModel):\n    pass\n"
            },
            note="the base class lives in another file",
        ),
    )

    def condition(self, qualname: str) -> Condition:
        return AllOf((IsKind(qualname, PYDANTIC_MODEL), Not(IsKind(qualname, PYDANTIC_SETTINGS))))

    def message(self, name: str) -> str:
        return f"Pydantic model {name} is defined in {self.ctx.path.rpartition('/')[2]}"
