"""CNF493 pydantic-get-validators."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _CustomTypeHook


class GetValidatorsHook(_CustomTypeHook):
    """## What it checks
    A `__get_validators__` method (the v1 custom-type protocol). Files that import `pydantic.v1`
    are left alone.

    ## Why
    v2 never calls it: the type is not validated, or the schema build fails.

    ## Example
    ```python
    class Sku(str):
        @classmethod
        def __get_validators__(cls):
            yield cls.validate
    ```

    ## Use instead
    ```python
    Sku = Annotated[str, AfterValidator(check_sku)]
    ```
    or `__get_pydantic_core_schema__`.
    """

    code = "CNF493"
    name = "pydantic-get-validators"
    summary = "v1 __get_validators__ hook"
    fix_hint = "use __get_pydantic_core_schema__ or Annotated[..., BeforeValidator(...)]"
    catalog = "PV101"
    hook = "__get_validators__"
    new = "use __get_pydantic_core_schema__ or Annotated[..., AfterValidator(...)]"
    VALID = (
        Example.code(
            """
            from pydantic.v1 import BaseModel


            class Sku(str):
                @classmethod
                def __get_validators__(cls):
                    yield cls
            """,
            path=SCHEMAS,
            note="pydantic.v1 code is left alone",
        ),
    )
    INVALID = (
        Example.code(
            """
            class Sku(str):
                @classmethod
                def __get_validators__(cls):
                    yield cls
            """,
            Expect(
                3,
                9,
                "__get_validators__ is the Pydantic v1 custom-type hook, never called by v2",
            ),
            path=SCHEMAS,
        ),
    )
