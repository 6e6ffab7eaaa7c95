"""CNF480 pydantic-removed-names."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _REMOVED_NAMES, _V2_ERRORS, _short
from conformance.rules.pydantic._templates import _ImportedName


class RemovedNames(_ImportedName):
    """## What it checks
    Other names v2 removed: `NoneStr`, `NoneBytes`, `StrBytes`, `NoneStrBytes`, `Required`,
    `JsonWrapper`, `compiled`, `stricturl`, `create_model_from_namedtuple`,
    `create_model_from_typeddict`, `validate_model`, `config.get_config/inherit_config/
    prepare_config`, everything in `pydantic.typing` and `pydantic.datetime_parse`, and the v1
    error classes of `pydantic.errors`.

    ## Why
    Importing them fails in v2 (`PydanticImportError`).

    ## Example
    ```python
    from pydantic import NoneStr
    from pydantic.errors import EmailError
    ```

    ## Use instead
    `Optional[str]`; raise `PydanticCustomError` or `ValueError` in validators; see the message
    for each name.
    """

    code = "CNF480"
    name = "pydantic-removed-names"
    summary = "name removed in Pydantic v2"
    fix_hint = "use the v2 replacement named in the message"
    catalog = "PV080"
    names = frozenset(
        [
            f"pydantic.{n}"
            for n in _REMOVED_NAMES
            if n not in ("get_config", "inherit_config", "prepare_config")
        ]
        + [f"pydantic.config.{n}" for n in ("get_config", "inherit_config", "prepare_config")]
        + ["pydantic.main.validate_model", "pydantic.networks.stricturl"]
    )
    modules = ("pydantic.typing", "pydantic.datetime_parse", "pydantic.errors")
    allowed = _V2_ERRORS
    VALID = (Example.code("from pydantic.errors import PydanticUserError\n"),)
    INVALID = (
        Example.code(
            """
            from pydantic import NoneStr
            from pydantic.errors import EmailError
            import pydantic.typing
            """,
            Expect(1, 22, "NoneStr is gone in Pydantic v2 (importing it fails): use Optional[str]"),
            Expect(
                2,
                29,
                "pydantic.errors.EmailError is gone in Pydantic v2 (importing it fails): raise PydanticCustomError or ValueError",
            ),
            Expect(
                3,
                8,
                "pydantic.typing is gone in Pydantic v2 (importing it fails): use typing / typing_extensions",
            ),
        ),
    )

    def message(self, qualname: str) -> str:
        for module, advice in (
            ("pydantic.typing", "use typing / typing_extensions"),
            ("pydantic.datetime_parse", "let the model parse dates, or use TypeAdapter(datetime)"),
            ("pydantic.errors", "raise PydanticCustomError or ValueError"),
        ):
            if qualname == module or qualname.startswith(module + "."):
                return f"{qualname} is gone in Pydantic v2 (importing it fails): {advice}"
        name = _short(qualname)
        return f"{name} is gone in Pydantic v2 (importing it fails): {_REMOVED_NAMES[name]}"
