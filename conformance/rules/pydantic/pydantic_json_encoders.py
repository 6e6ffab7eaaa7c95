"""CNF405 pydantic-json-encoders."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
    Tuple,
)

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import SCHEMAS
from conformance.rules.pydantic._templates import _ConfigRule

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class JsonEncodersConfig(_ConfigRule):
    """## What it checks
    `json_encoders` in a model's configuration (`class Config`, `ConfigDict(...)`, dict
    `model_config`).

    ## Why
    v2 still honours `json_encoders` but deprecates it; it applies only to JSON mode and cannot be
    expressed per field. Serializers are the v2 mechanism.

    ## Example
    ```python
    model_config = ConfigDict(json_encoders={Decimal: str})
    ```

    ## Use instead
    ```python
    Money = Annotated[Decimal, PlainSerializer(str, when_used="json")]
    ```
    or a `@field_serializer` on the model.
    """

    code = "CNF405"
    name = "pydantic-json-encoders"
    summary = "deprecated json_encoders in a Pydantic config"
    fix_hint = "serialize with @field_serializer or PlainSerializer in Annotated"
    catalog = "PV005"
    VALID = (
        Example.code(
            """
            json_encoders = {"a": str}
            """,
            path=SCHEMAS,
        ),
    )
    INVALID = (
        Example.code(
            """
            from decimal import Decimal

            from pydantic import BaseModel, ConfigDict


            class Price(BaseModel):
                model_config = ConfigDict(json_encoders={Decimal: str})
            """,
            Expect(
                7,
                31,
                "config key 'json_encoders' is deprecated in Pydantic v2",
            ),
            path=SCHEMAS,
        ),
    )

    def check(
        self, key: str, value: cst.BaseExpression
    ) -> Optional[Tuple[str, Optional[str], Optional[cst.BaseExpression]]]:
        if key != "json_encoders":
            return None
        return (
            "config key 'json_encoders' is deprecated in Pydantic v2",
            None,
            None,
        )
