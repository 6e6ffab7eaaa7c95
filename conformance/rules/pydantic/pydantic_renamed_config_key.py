"""CNF403 pydantic-renamed-config-key."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
    Tuple,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import BASE_FILE, SCHEMAS, _renamed_key
from conformance.rules.pydantic._templates import _ConfigRule

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class RenamedConfigKey(_ConfigRule):
    """## What it checks
    A v1 configuration key that v2 renamed, in `class Config`, `ConfigDict(...)`,
    `SettingsConfigDict(...)` or a dict `model_config`: `orm_mode` -> `from_attributes`,
    `allow_population_by_field_name` -> `populate_by_name` (`validate_by_name` from 2.11),
    `anystr_strip_whitespace` -> `str_strip_whitespace`, `anystr_lower` -> `str_to_lower`,
    `anystr_upper` -> `str_to_upper`, `min_anystr_length` -> `str_min_length`,
    `max_anystr_length` -> `str_max_length`, `schema_extra` -> `json_schema_extra`,
    `validate_all` -> `validate_default`, `keep_untouched` -> `ignored_types`.

    ## Why
    v2 warns and maps some of them, ignores others in `ConfigDict` (a typed dict: the key is just
    unknown), so `orm_mode = True` may silently stop reading ORM objects.

    ## Example
    ```python
    model_config = ConfigDict(orm_mode=True)
    ```

    ## Use instead
    ```python
    model_config = ConfigDict(from_attributes=True)
    ```

    ## Fix
    Safe: a pure rename (v2 `json_schema_extra` accepts the v1 dict or callable).

    ## Options
    `pydantic-version`: from `"2.11"`, `allow_population_by_field_name` becomes `validate_by_name`.
    """

    code = "CNF403"
    name = "pydantic-renamed-config-key"
    summary = "Pydantic v1 config key renamed in v2"
    fix_hint = "rename the key"
    catalog = "PV003"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                model_config = ConfigDict(from_attributes=True, populate_by_name=True)
            """,
            path=SCHEMAS,
        ),
        Example.code(
            """
            settings = dict(orm_mode=True)
            """,
            path=SCHEMAS,
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
                6,
                9,
                "config key 'orm_mode' was renamed in Pydantic v2: use 'from_attributes'",
                path="cpv3/core/schemas.py",
            ),
            path=SCHEMAS,
            extra={
                "cpv3/core/schemas.py": (
                    "from pydantic import BaseModel\n\n\nclass Schema(BaseModel):\n"
                    "    class Config:\n        orm_mode = True\n"
                )
            },
            note="an inherited config is reported once, at the base, not on each subclass",
        ),
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                class Config:
                    orm_mode = True
                    anystr_strip_whitespace = True
            """,
            Expect(6, 9, "config key 'orm_mode' was renamed in Pydantic v2: use 'from_attributes'"),
            Expect(
                7,
                9,
                "config key 'anystr_strip_whitespace' was renamed in Pydantic v2: use 'str_strip_whitespace'",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class UserOut(BaseModel):
                class Config:
                    from_attributes = True
                    str_strip_whitespace = True
            """,
        ),
        Example.code(
            """
            from pydantic import ConfigDict as CD
            from cpv3.core.schemas import Schema


            class UserOut(Schema):
                model_config = CD(allow_population_by_field_name=True)


            class UserIn(Schema):
                model_config = {"schema_extra": {"examples": []}}
            """,
            Expect(
                6,
                23,
                "config key 'allow_population_by_field_name' was renamed in Pydantic v2: use 'validate_by_name'",
            ),
            Expect(
                10,
                21,
                "config key 'schema_extra' was renamed in Pydantic v2: use 'json_schema_extra'",
            ),
            path=SCHEMAS,
            extra=BASE_FILE,
            config='pydantic-version = "2.11"',
            fixed="""
            from pydantic import ConfigDict as CD
            from cpv3.core.schemas import Schema


            class UserOut(Schema):
                model_config = CD(validate_by_name=True)


            class UserIn(Schema):
                model_config = {"json_schema_extra": {"examples": []}}
            """,
        ),
    )

    def check(
        self, key: str, value: cst.BaseExpression
    ) -> Optional[Tuple[str, Optional[str], Optional[cst.BaseExpression]]]:
        new = _renamed_key(self.ctx, key)
        if new is None:
            return None
        return f"config key '{key}' was renamed in Pydantic v2: use '{new}'", new, None
