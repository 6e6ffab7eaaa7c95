"""CNF451 pydantic-pattern-needs-python-re."""

from __future__ import annotations

from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Optional,
    Tuple,
)

from conformance.conditions import Condition
from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    _CONFIG_DICT,
    _CONSTR,
    _FIELD,
    _LOOKAROUND,
    _SETTINGS_CONFIG_DICT,
    SCHEMAS,
    _assigned_name,
    _body,
    _class_scope,
    _inner_classes,
    _keyword_arg,
    _kwarg,
    _pydantic_name,
    _small_statements,
    _string,
    _with_args,
)
from conformance.rules.pydantic._conditions import _PYTHON_RE_KEY, LacksPythonRe


def _short(qualname: str) -> str:
    return qualname.rpartition(".")[2]


if TYPE_CHECKING:
    import libcst as cst

    from conformance.index import ProjectIndex
else:
    from conformance import lazycst as cst

#: module-level aliases whose value carries a look-around pattern: (alias qualname, pattern code)
_PATTERN_ALIASES = "pydantic.pattern-aliases"


@dataclass(frozen=True)
class AliasNeedsPythonRe(Condition):
    """The annotation name is a module-level alias (``NameStr = constr(regex=r"^(?!...)")``, in
    any file) whose pattern needs python-re, and the model lacks it (``LacksPythonRe``)."""

    alias: str
    model: str

    def _pattern(self, index: ProjectIndex) -> Optional[str]:
        def build() -> Dict[str, str]:
            return {
                str(alias): str(pattern) for _, (alias, pattern) in index.extra(_PATTERN_ALIASES)
            }

        patterns: Dict[str, str] = index.memo("pydantic.pattern-aliases", build, Dict[str, str])
        return patterns.get(index.resolve(self.alias))

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        if self._pattern(index) is None:
            if not index.complete and index.is_project_name(index.resolve(self.alias)):
                return None
            return False
        return LacksPythonRe(self.model).evaluate(index)

    def detail(self, index: ProjectIndex) -> str:
        return self._pattern(index) or ""


class PatternNeedsPythonRe(FileRule):
    """## What it checks
    A `pattern=` (or `regex=`) in `Field(...)` or `constr(...)` of a model field that uses
    look-around or back-references (`(?=`, `(?!`, `(?<=`, `(?<!`, `\\1`, `(?P=name)`), in a model
    whose configuration (own or inherited, in any file) does not set
    `regex_engine="python-re"`.

    The pattern may come through a module-level alias used by many models
    (`NameStr = constr(regex=r"^(?!\\s*$).+")`, or `Annotated[str, Field(pattern=...)]`, in any
    file): each model field annotated with the alias is reported, in its model.

    ## Why
    v2 validates patterns with the Rust `regex` crate, which has neither: the model fails to build.

    ## Example
    ```python
    password: str = Field(pattern=r"^(?=.*\\d).{8,}$")
    ```

    ## Use instead
    ```python
    model_config = ConfigDict(regex_engine="python-re")
    password: str = Field(pattern=r"^(?=.*\\d).{8,}$")
    ```
    or a validator that checks the rule in Python.

    ## Fix
    Safe. One finding per model, naming its patterns, at the class (or its `ConfigDict(...)`
    call) when the fix applies, else one finding per pattern: `regex_engine="python-re"` is added to the model's own
    `model_config = ConfigDict(...)` (or `SettingsConfigDict(...)`), or
    `model_config = ConfigDict(regex_engine="python-re")` becomes the first statement of a model
    that has no configuration. Pydantic v1 matched every pattern with Python's `re`, so the
    model's patterns (and its subclasses') then behave as they did in v1. Not while the model
    still has a `class Config` (CNF401 converts it first, then this fix applies) nor for a
    `model_config` that is not a `ConfigDict(...)` call.
    """

    code = "CNF451"
    name = "pydantic-pattern-needs-python-re"
    summary = "pattern needs the python-re regex engine"
    fix_hint = 'set model_config = ConfigDict(regex_engine="python-re") or validate in Python'
    catalog = "PV051"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict, Field


            class Secret(BaseModel):
                model_config = ConfigDict(regex_engine="python-re")

                password: str = Field(pattern=r"^(?=.*\\d).{8,}$")
            """,
            path=SCHEMAS,
        ),
        Example.code(
            """
            from pydantic import Field

            from cpv3.core.schemas import Schema


            class Secret(Schema):
                password: str = Field(pattern=r"^(?=.*\\d).{8,}$")
            """,
            path=SCHEMAS,
            extra={
                "cpv3/core/schemas.py": (
                    "from pydantic import BaseModel, ConfigDict\n\n\nclass Schema(BaseModel):\n"
                    '    model_config = ConfigDict(regex_engine="python-re")\n'
                )
            },
            note="the engine is set on a base class in another file",
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel, Field


            class Secret(BaseModel):
                password: str = Field(pattern=r"^(?=.*\\d).{8,}$")
            """,
            Expect(
                4,
                1,
                'Secret: r"^(?=.*\\d).{8,}$" use look-around or back-references, which the default Rust regex engine of Pydantic v2 rejects',
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel, ConfigDict, Field


            class Secret(BaseModel):
                model_config = ConfigDict(regex_engine="python-re")

                password: str = Field(pattern=r"^(?=.*\\d).{8,}$")
            """,
        ),
        Example.code(
            """
            from pydantic import BaseModel, ConfigDict, Field, constr


            class Secret(BaseModel):
                \"\"\"A secret.\"\"\"

                password: str = Field(pattern=r"^(?=.*\\d).{8,}$")
                pin: constr(pattern=r"^(\\d)\\1+$")


            class Token(BaseModel):
                model_config = ConfigDict(frozen=True)

                value: str = Field(pattern=r"(?<!x)y")


            class Legacy(BaseModel):
                value: str = Field(regex=r"(?=a)")

                class Config:
                    frozen = True
            """,
            Expect(
                4,
                1,
                'Secret: r"^(?=.*\\d).{8,}$", r"^(\\d)\\1+$" use look-around or back-references, which the default Rust regex engine of Pydantic v2 rejects',
            ),
            Expect(
                12,
                20,
                'Token: r"(?<!x)y" use look-around or back-references, which the default Rust regex engine of Pydantic v2 rejects',
            ),
            Expect(
                18,
                30,
                'pattern r"(?=a)" uses look-around or back-references, which the default Rust regex engine of Pydantic v2 rejects',
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel, ConfigDict, Field, constr


            class Secret(BaseModel):
                \"\"\"A secret.\"\"\"
                model_config = ConfigDict(regex_engine="python-re")

                password: str = Field(pattern=r"^(?=.*\\d).{8,}$")
                pin: constr(pattern=r"^(\\d)\\1+$")


            class Token(BaseModel):
                model_config = ConfigDict(frozen=True, regex_engine="python-re")

                value: str = Field(pattern=r"(?<!x)y")


            class Legacy(BaseModel):
                value: str = Field(regex=r"(?=a)")

                class Config:
                    frozen = True
            """,
            note="Legacy: no fix until CNF401 converts its class Config",
        ),
        Example.code(
            """
            from typing import List, Optional

            from pydantic import BaseModel

            from cpv3.core.types import NameStr


            class Folder(BaseModel):
                name: NameStr
                aliases: Optional[List[NameStr]] = None
            """,
            Expect(
                9,
                11,
                'NameStr in Folder carries the pattern r"^(?!\\s*$).+" with look-around or '
                "back-references, which the default Rust regex engine of Pydantic v2 rejects",
            ),
            Expect(
                10,
                28,
                'NameStr in Folder carries the pattern r"^(?!\\s*$).+" with look-around or '
                "back-references, which the default Rust regex engine of Pydantic v2 rejects",
            ),
            path=SCHEMAS,
            extra={
                "cpv3/core/types.py": (
                    'from pydantic import constr\n\nNameStr = constr(regex=r"^(?!\\s*$).+")\n'
                ),
            },
            note="a module-level alias in another file, used by a model",
        ),
    )

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        #: per class (by node identity): its qualified name and the patterns that need python-re
        self._needing: Dict[int, Tuple[str, List[cst.BaseExpression]]] = {}

    def class_end(self, node: cst.ClassDef) -> None:
        found = self._needing.pop(id(node), None)
        if found is None:
            return
        owner, patterns = found
        replacement, imports = self._config_fix(node)
        if replacement is None:
            for pattern in patterns:
                self.report(
                    pattern,
                    f"pattern {self.ctx.code_for(pattern)} uses look-around or back-references, "
                    "which the default Rust regex engine of Pydantic v2 rejects",
                    fix_hint='set model_config = ConfigDict(regex_engine="python-re")',
                    when=LacksPythonRe(owner),
                )
            return
        shown = ", ".join(self.ctx.code_for(pattern) for pattern in patterns)
        self.report(
            replacement[0],
            f"{node.name.value}: {shown} use look-around or back-references, which the default "
            "Rust regex engine of Pydantic v2 rejects",
            fix_hint='add regex_engine="python-re" to the model_config (v1 matched every pattern '
            "with Python's re)",
            replacement=replacement[1],
            when=LacksPythonRe(owner),
            imports=imports,
        )

    def _config_fix(
        self, node: cst.ClassDef
    ) -> Tuple[Optional[Tuple[cst.CSTNode, cst.CSTNode]], Tuple[Tuple[str, Optional[str]], ...]]:
        """((node to replace, replacement), imports) that set the engine in the model's own
        configuration, or (None, ()) when its configuration is not a ``ConfigDict(...)`` call."""
        if _inner_classes(node, "Config"):
            return None, ()  # CNF401 converts it first
        engine = _keyword_arg("regex_engine", cst.SimpleString('"python-re"'))
        configs = [s for s in _small_statements(node) if _assigned_name(s) == "model_config"]
        if configs:
            value = getattr(configs[0], "value", None)
            if (
                len(configs) != 1
                or not isinstance(value, cst.Call)
                or self.ctx.call_name(value) not in _CONFIG_DICT | _SETTINGS_CONFIG_DICT
                or any(arg.star for arg in value.args)
            ):
                return None, ()
            return (value, _with_args(value, [*value.args, engine])), ()
        config_dict, imports = _pydantic_name(self.ctx, _CONFIG_DICT, "ConfigDict")
        line = cst.SimpleStatementLine(
            body=[
                cst.Assign(
                    targets=[cst.AssignTarget(target=cst.Name("model_config"))],
                    value=cst.Call(func=config_dict, args=[engine]),
                )
            ]
        )
        body = list(_body(node))
        position = 1 if body and _is_docstring(body[0]) else 0
        first = body[0] if body else None
        if position == 0 and isinstance(
            first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)
        ):
            line = line.with_changes(leading_lines=first.leading_lines)
            body[0] = body[0].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        body.insert(position, line)
        assert isinstance(node.body, cst.IndentedBlock)
        return (node, node.with_changes(body=node.body.with_changes(body=body))), imports

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for small in _small_statements(node):
            if _assigned_name(small) != "model_config":
                continue
            value = getattr(small, "value", None)
            engine: Optional[str] = None
            if isinstance(value, cst.Call):
                arg = _kwarg(value, "regex_engine")
                engine = _string(arg.value) if arg is not None else None
            elif isinstance(value, cst.Dict):
                for element in value.elements:
                    if (
                        isinstance(element, cst.DictElement)
                        and _string(element.key) == "regex_engine"
                    ):
                        engine = _string(element.value)
            if engine == "python-re":
                self.ctx.add_extra(_PYTHON_RE_KEY, self.ctx.definition_qualname(node.name.value))

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.call_name(node)
        if name not in _FIELD and name not in _CONSTR:
            return
        owner = _class_scope(self.ctx)
        if owner is None:
            self._module_alias(node)
            return
        for keyword in ("pattern", "regex"):
            arg = _kwarg(node, keyword)
            text = _string(arg.value) if arg is not None else None
            if arg is None or text is None or not _LOOKAROUND.search(text):
                continue
            class_def = self.ctx.class_def
            if class_def is not None:  # reported at the end of the class, with its fix
                self._needing.setdefault(id(class_def), (owner, []))[1].append(arg.value)
                continue
            self.report(
                arg.value,
                f"pattern {self.ctx.code_for(arg.value)} uses look-around or back-references, which "
                "the default Rust regex engine of Pydantic v2 rejects",
                fix_hint='set model_config = ConfigDict(regex_engine="python-re")',
                when=LacksPythonRe(owner),
            )

    def _module_alias(self, node: cst.Call) -> None:
        """``NameStr = constr(regex=...)`` or ``= Annotated[str, Field(pattern=...)]`` at module
        level: recorded for the models that use the alias (``visit_AnnAssign``)."""
        ctx = self.ctx
        if ctx.in_function or ctx.class_def is not None:
            return
        statement = ctx.statement
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
        if not isinstance(small, cst.Assign) or len(small.targets) != 1:
            return
        target = small.targets[0].target
        if not isinstance(target, cst.Name):
            return
        for keyword in ("pattern", "regex"):
            arg = _kwarg(node, keyword)
            text = _string(arg.value) if arg is not None else None
            if arg is not None and text is not None and _LOOKAROUND.search(text):
                alias = ctx.definition_qualname(target.value)
                ctx.add_extra(_PATTERN_ALIASES, (alias, ctx.code_for(arg.value)))
                return

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        owner = _class_scope(self.ctx)
        if owner is None:
            return
        stack = [node.annotation.annotation]
        while stack:
            expr = stack.pop()
            if isinstance(expr, cst.Subscript):
                stack.extend(
                    e.slice.value for e in reversed(expr.slice) if isinstance(e.slice, cst.Index)
                )
                continue
            if isinstance(expr, cst.BinaryOperation):
                stack.extend((expr.right, expr.left))
                continue
            if not isinstance(expr, (cst.Name, cst.Attribute)):
                continue
            name = self.ctx.qualname(expr)
            if name is None or not self.ctx.is_project_name(name):
                continue
            self.report(
                expr,
                f"{self.ctx.code_for(expr)} in {_short(owner)} carries the pattern {{detail}} "
                "with look-around or back-references, which the default Rust regex engine of "
                "Pydantic v2 rejects",
                fix_hint='set model_config = ConfigDict(regex_engine="python-re") on the model',
                when=AliasNeedsPythonRe(name, owner),
            )


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
