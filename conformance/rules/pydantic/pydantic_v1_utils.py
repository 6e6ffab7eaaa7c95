"""CNF478 pydantic-v1-utils."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _REDIRECTED_UTILS, _short, _with_prefixes
from conformance.rules.pydantic._templates import _ImportedName


class V1UtilsImport(_ImportedName):
    """## What it checks
    Helpers of `pydantic.utils` that v2 only serves from `pydantic.v1.utils`: `deep_update`,
    `GetterDict`, `lenient_issubclass`, `lenient_isinstance`, `import_string`, `smart_deepcopy`,
    `sequence_like`, ...

    ## Why
    v2 redirects them to the v1 compatibility package with a warning; they are not v2 API and go
    away with `pydantic.v1`.

    ## Example
    ```python
    from pydantic.utils import deep_update
    ```

    ## Use instead
    A small helper of your own, or the v2 API (`ImportString`, `TypeAdapter`).
    """

    code = "CNF478"
    name = "pydantic-v1-utils"
    summary = "pydantic.utils helper redirected to pydantic.v1"
    fix_hint = "use your own helper or the v2 API"
    catalog = "PV078"
    names = _with_prefixes(("pydantic.utils",), _REDIRECTED_UTILS)
    VALID = (Example.code("from pydantic.alias_generators import to_snake\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic import utils


            merged = utils.deep_update({}, {})
            """,
            Expect(
                4,
                10,
                "pydantic.utils.deep_update is v1 API that Pydantic v2 serves from pydantic.v1.utils",
            ),
        ),
    )

    def message(self, qualname: str) -> str:
        return (
            f"pydantic.utils.{_short(qualname)} is v1 API that Pydantic v2 serves from "
            "pydantic.v1.utils"
        )
