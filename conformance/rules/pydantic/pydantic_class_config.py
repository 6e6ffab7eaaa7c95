"""CNF401 pydantic-class-config."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    List,
    Optional,
    Tuple,
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
    _pydantic_name,
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
    `Config` has no bases, decorators or methods, and the class has no `model_config`. Comments
    are kept: with any comment in `class Config`, `ConfigDict(...)` gets one argument a line, each
    comment above or after the entry it was above or after.
    The fix writes `pydantic.ConfigDict` (`pd.ConfigDict`) in a file that imports the `pydantic`
    module, and otherwise adds `from pydantic import ConfigDict` (`from pydantic_settings import
    SettingsConfigDict`) when the file does not bind it yet.
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
                "class Config in Pydantic model UserOut is the v1 configuration",
            ),
            path=SCHEMAS,
            fixed="""
            import pydantic as pd


            class UserOut(pd.BaseModel):
                id: int

                model_config = pd.ConfigDict(from_attributes=True, extra="forbid")
            """,
        ),
        Example.code(
            """
            from pydantic import BaseModel


            class UserOut(BaseModel):
                id: int

                class Config:  # shared with the admin API
                    # rows come from SQLAlchemy
                    orm_mode = True
                    extra = "forbid"  # reject typos
                    # keep in sync with UserIn
            """,
            Expect(
                7,
                5,
                "class Config in Pydantic model UserOut is the v1 configuration",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel, ConfigDict


            class UserOut(BaseModel):
                id: int

                model_config = ConfigDict(  # shared with the admin API
                    # rows come from SQLAlchemy
                    from_attributes=True,
                    extra="forbid",  # reject typos
                    # keep in sync with UserIn
                )
            """,
            note="comments are kept",
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
                "class Config in Pydantic model UserOut is the v1 configuration",
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
                "class Config in settings class Settings is the v1 configuration",
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
        settings_name = _local_name(ctx, _SETTINGS_CONFIG_DICT, "")
        model_imports = _pydantic_name(ctx, _CONFIG_DICT, "ConfigDict")[1]
        settings_imports = () if settings_name else (("pydantic_settings", "SettingsConfigDict"),)
        for config in configs:
            model_fix = None if has_model_config else self._fix(config, settings=False)
            settings_fix = None if has_model_config else self._fix(config, settings=True)
            self.report(
                config,
                f"class Config in Pydantic model {node.name.value} is the v1 configuration",
                when=_plain_model(qualname),
                replacement=model_fix,
                imports=model_imports if model_fix is not None else (),
            )
            self.report(
                config,
                f"class Config in settings class {node.name.value} is the v1 configuration",
                fix_hint="replace it with model_config = SettingsConfigDict(...)",
                when=_settings(qualname),
                replacement=settings_fix,
                imports=settings_imports if settings_fix is not None else (),
            )

    def _fix(self, config: cst.ClassDef, settings: bool) -> Optional[cst.CSTNode]:
        ctx = self.ctx
        if config.bases or config.keywords or config.decorators:
            return None
        body = config.body
        if not isinstance(body, cst.IndentedBlock):
            return None
        known = _V2_KEYS | _SETTINGS_KEYS if settings else _V2_KEYS
        args: List[cst.Arg] = []
        comments: List[Tuple[List[cst.Comment], Optional[cst.Comment]]] = []
        for statement in _body(config):
            if not isinstance(statement, cst.SimpleStatementLine):
                return None
            leading = [line.comment for line in statement.leading_lines if line.comment]
            trailing = statement.trailing_whitespace.comment
            if (leading or trailing) and len(statement.body) != 1:
                return None
            comments.append((leading, trailing))
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
            call = _with_args(cst.Call(func=cst.Name(func)), args)
        else:
            call = _with_args(
                cst.Call(func=_pydantic_name(ctx, _CONFIG_DICT, "ConfigDict")[0]), args
            )
        header = body.header.comment
        footer = [line.comment for line in body.footer if line.comment]
        if header or footer or any(leading or trailing for leading, trailing in comments):
            if len(comments) != len(args):
                return None
            call = _commented_call(call, args, comments, header, footer)
        # a comment inside a value (a multi-line dict) moves with the value
        assign = cst.Assign(targets=[cst.AssignTarget(cst.Name("model_config"))], value=call)
        return cst.SimpleStatementLine(body=[assign], leading_lines=config.leading_lines)


def _commented_call(
    call: cst.Call,
    args: List[cst.Arg],
    comments: List[Tuple[List[cst.Comment], Optional[cst.Comment]]],
    header: Optional[cst.Comment],
    footer: List[cst.Comment],
) -> cst.Call:
    """``call`` with one argument a line and the comments of ``class Config`` kept: a comment
    above an entry stays above its argument, one after it stays after it, the ``class Config:``
    line's comment follows the opening parenthesis, the body's closing comments precede ``)``."""

    def lines(found: List[cst.Comment]) -> List[cst.EmptyLine]:
        return [
            cst.EmptyLine(indent=True, whitespace=cst.SimpleWhitespace("    "), comment=c)
            for c in found
        ]

    def newline(
        comment: Optional[cst.Comment], after: List[cst.Comment], last: bool
    ) -> cst.ParenthesizedWhitespace:
        return cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(
                whitespace=cst.SimpleWhitespace("  " if comment else ""), comment=comment
            ),
            empty_lines=lines(after),
            indent=True,
            last_line=cst.SimpleWhitespace("" if last else "    "),
        )

    new_args: List[cst.Arg] = []
    for index, arg in enumerate(args):
        last = index == len(args) - 1
        after = footer if last else comments[index + 1][0]
        comma = cst.Comma(whitespace_after=newline(comments[index][1], after, last))
        new_args.append(arg.with_changes(comma=comma))
    return call.with_changes(
        args=new_args, whitespace_before_args=newline(header, comments[0][0], False)
    )
