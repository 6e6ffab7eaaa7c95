"""CNF440 pydantic-validate-method."""

from __future__ import annotations

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _ModelMethod


class ValidateMethod(_ModelMethod):
    """## What it checks
    `M.validate(value)` on a Pydantic model class. Classes that define their own `validate`
    (custom types, models overriding it) do not count.

    ## Why
    Deprecated in v2.

    ## Example
    ```python
    user = UserOut.validate(data)
    ```

    ## Use instead
    ```python
    user = UserOut.model_validate(data)
    ```

    ## Fix
    Safe (model classes only).
    """

    code = "CNF440"
    name = "pydantic-validate-method"
    summary = "Pydantic v1 validate()"
    fix_hint = "use .model_validate()"
    catalog = "PV040"
    fix = FixSafety.SAFE
    method = "validate"
    new = "model_validate"
    positional = 1
    VALID = (
        Example.code(
            """
            import jsonschema


            def check(form, validator: jsonschema.Draft7Validator):
                return form.validate(), validator.validate({})
            """,
        ),
        Example.code(
            """
            from pydantic import BaseModel


            class Email(BaseModel):
                value: str

                @classmethod
                def validate(cls, value):
                    return cls(value=value)


            email = Email.validate("a@b.c")
            """,
            path=SCHEMAS,
            note="the model defines validate() itself",
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            user = UserOut.validate({"id": 1})
            """,
            Expect(
                8,
                8,
                ".validate() on Pydantic model UserOut is the v1 API (deprecated in v2): use .model_validate()",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int


            user = UserOut.model_validate({"id": 1})
            """,
        ),
    )
