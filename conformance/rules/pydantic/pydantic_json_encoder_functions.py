"""CNF474 pydantic-json-encoder-functions."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _short, _with_prefixes
from conformance.rules.pydantic._templates import _ImportedName


class JsonEncoderFunctions(_ImportedName):
    """## What it checks
    `pydantic.json.pydantic_encoder`, `custom_pydantic_encoder`, `timedelta_isoformat`.

    ## Why
    Deprecated in v2: JSON conversion lives in pydantic-core.

    ## Example
    ```python
    json.dumps(data, default=pydantic_encoder)
    ```

    ## Use instead
    ```python
    json.dumps(pydantic_core.to_jsonable_python(data))
    ```
    """

    code = "CNF474"
    name = "pydantic-json-encoder-functions"
    summary = "pydantic.json encoder helpers"
    fix_hint = "use pydantic_core.to_jsonable_python or serializers"
    catalog = "PV074"
    names = _with_prefixes(
        ("pydantic.json", "pydantic.deprecated.json"),
        ("pydantic_encoder", "custom_pydantic_encoder", "timedelta_isoformat"),
    )
    VALID = (Example.code("from pydantic_core import to_jsonable_python\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic.json import pydantic_encoder
            """,
            Expect(
                1,
                27,
                "pydantic_encoder is deprecated in Pydantic v2",
            ),
        ),
    )

    def message(self, qualname: str) -> str:
        return f"{_short(qualname)} is deprecated in Pydantic v2"
