"""CNF401 pydantic-class-config."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    List,
    Optional,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    _CONFIG_DICT,
    _SETTINGS_CONFIG_DICT,
    _SETTINGS_KEYS,
    _V2_KEYS,
    BASE_FILE,
    SCHEMAS,
    _assigned_name,
    _body,
    _inner_classes,
    _keyword_arg,
    _local_name,
    _plain_model,
    _renamed_key,
    _settings,
    _small_statements,
    _with_args,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class ClassConfig(FileRule):
    """## What it checks
    A nested `class Config:` in a Pydantic model or settings class (found through base classes in
    any file).

    ## Why
    Pydantic v2 reads configuration from `model_config`; `class Config` still works but is
    deprecated and will be removed, and its v1 keys (`orm_mode`, ...) are renamed or gone.

    ## Example
    ```python
    class UserOut(BaseModel):
        id: int

        class Config:
            from_attributes = True
    ```

    ## Use instead
    ```python
    class UserOut(BaseModel):
        id: int

        model_config = ConfigDict(from_attributes=True)
    ```
    Settings classes use `SettingsConfigDict` from `pydantic_settings`.

    ## Fix
    Safe, when the body is only simple assignments of known keys (v1 keys are renamed on the way),
    `Config` has no bases, decorators, methods or comments, and the class has no `model_config`.
    The fix adds `from pydantic import ConfigDict` (`from pydantic_settings import
    SettingsConfigDict`) when the file does not bind it yet.

    ## Options
    None.
    """

    code = "CNF401"
    name = "pydantic-class-config"
    summary = "nested class Config in a Pydantic model"
    fix_hint = "replace it with model_config = ConfigDict(...) (SettingsConfigDict for settings)"
    catalog = "PV001"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                model_config = ConfigDict(from_attributes=True)
            """,
            path=SCHEMAS,
        ),
        Example.code(
            """
            from pydantic.v1 import BaseModel


            class UserOut(BaseModel):
                class Config:
                    orm_mode = True
            """,
            path=SCHEMAS,
            note="pydantic.v1 models are left alone (the import is CNF483)",
        ),
        Example.code(
            """
            class Settings:
                class Config:
                    debug = True
            """,
            path=SCHEMAS,
            note="not a model",
        ),
    )
    INVALID = (
        Example.code(
            """
            import pydantic as pd


            class UserOut(pd.BaseModel):
                id: int

                class Config:
                    orm_mode = True
                    extra = "forbid"
            """,
            Expect(
                7,
                5,
                "class Config in Pydantic model UserOut is the v1 configuration: use model_config = ConfigDict(...)",
            ),
            path=SCHEMAS,
            fixed="""
            import pydantic as pd
            from pydantic import ConfigDict


            class UserOut(pd.BaseModel):
                id: int

                model_config = ConfigDict(from_attributes=True, extra="forbid")
            """,
        ),
        Example.code(
            """
            from cpv3.core.schemas import Schema


            class UserOut(Schema):
                id: int

                class Config:
                    def alias_generator(name):
                        return name.upper()
            """,
            Expect(
                7,
                5,
                "class Config in Pydantic model UserOut is the v1 configuration: use model_config = ConfigDict(...)",
            ),
            path=SCHEMAS,
            extra=BASE_FILE,
            note="the base class lives in another file; a method in Config: no fix",
        ),
        Example.code(
            """
            from pydantic_settings import BaseSettings


            class Settings(BaseSettings):
                class Config:
                    env_prefix = "APP_"
            """,
            Expect(
                5,
                5,
                "class Config in settings class Settings is the v1 configuration: use model_config = SettingsConfigDict(...)",
            ),
            path="cpv3/core/config.py",
            fixed="""
            from pydantic_settings import BaseSettings, SettingsConfigDict


            class Settings(BaseSettings):
                model_config = SettingsConfigDict(env_prefix="APP_")
            """,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        configs = _inner_classes(node, "Config")
        if not configs:
            return
        qualname = ctx.definition_qualname(node.name.value)
        has_model_config = any(_assigned_name(s) == "model_config" for s in _small_statements(node))
        model_name = _local_name(ctx, _CONFIG_DICT, "")
        settings_name = _local_name(ctx, _SETTINGS_CONFIG_DICT, "")
        model_imports = () if model_name else (("pydantic", "ConfigDict"),)
        settings_imports = () if settings_name else (("pydantic_settings", "SettingsConfigDict"),)
        for config in configs:
            model_fix = None if has_model_config else self._fix(config, settings=False)
            settings_fix = None if has_model_config else self._fix(config, settings=True)
            self.report(
                config,
                f"class Config in Pydantic model {node.name.value} is the v1 configuration: "
                "use model_config = ConfigDict(...)",
                when=_plain_model(qualname),
                replacement=model_fix,
                imports=model_imports if model_fix is not None else (),
            )
            self.report(
                config,
                f"class Config in settings class {node.name.value} is the v1 configuration: "
                "use model_config = SettingsConfigDict(...)",
                fix_hint="replace it with model_config = SettingsConfigDict(...)",
                when=_settings(qualname),
                replacement=settings_fix,
                imports=settings_imports if settings_fix is not None else (),
            )

    def _fix(self, config: cst.ClassDef, settings: bool) -> Optional[cst.CSTNode]:
        ctx = self.ctx
        if config.bases or config.keywords or config.decorators:
            return None
        if "#" in ctx.code_for(config.body):
            return None
        known = _V2_KEYS | _SETTINGS_KEYS if settings else _V2_KEYS
        args: List[cst.Arg] = []
        for statement in _body(config):
            if not isinstance(statement, cst.SimpleStatementLine):
                return None
            for small in statement.body:
                key = _assigned_name(small)
                if key is None or not isinstance(small, cst.Assign):
                    return None
                new_key = _renamed_key(ctx, key) or key
                if new_key not in known:
                    return None
                args.append(_keyword_arg(new_key, small.value))
        if not args:
            return None
        if settings:
            func = _local_name(ctx, _SETTINGS_CONFIG_DICT, "SettingsConfigDict")
        else:
            func = _local_name(ctx, _CONFIG_DICT, "ConfigDict")
        call = _with_args(cst.Call(func=cst.Name(func)), args)
        assign = cst.Assign(targets=[cst.AssignTarget(cst.Name("model_config"))], value=call)
        return cst.SimpleStatementLine(body=[assign], leading_lines=config.leading_lines)
