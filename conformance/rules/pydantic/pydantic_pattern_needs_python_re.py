"""CNF451 pydantic-pattern-needs-python-re."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    _CONSTR,
    _FIELD,
    _LOOKAROUND,
    SCHEMAS,
    _assigned_name,
    _class_scope,
    _kwarg,
    _small_statements,
    _string,
)
from conformance.rules.pydantic._conditions import _PYTHON_RE_KEY, LacksPythonRe

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class PatternNeedsPythonRe(FileRule):
    """## What it checks
    A `pattern=` (or `regex=`) in `Field(...)` or `constr(...)` of a model field that uses
    look-around or back-references (`(?=`, `(?!`, `(?<=`, `(?<!`, `\\1`, `(?P=name)`), in a model
    whose configuration (own or inherited, in any file) does not set
    `regex_engine="python-re"`.

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
    None.

    ## Options
    None.
    """

    code = "CNF451"
    name = "pydantic-pattern-needs-python-re"
    summary = "pattern needs the python-re regex engine"
    fix_hint = 'set model_config = ConfigDict(regex_engine="python-re") or validate in Python'
    catalog = "PV051"
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
                5,
                35,
                'pattern r"^(?=.*\\d).{8,}$" uses look-around or back-references, which the default Rust regex engine of Pydantic v2 rejects',
            ),
            path=SCHEMAS,
        ),
    )

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
            return
        for keyword in ("pattern", "regex"):
            arg = _kwarg(node, keyword)
            text = _string(arg.value) if arg is not None else None
            if arg is None or text is None or not _LOOKAROUND.search(text):
                continue
            self.report(
                arg.value,
                f"pattern {self.ctx.code_for(arg.value)} uses look-around or back-references, which "
                "the default Rust regex engine of Pydantic v2 rejects",
                fix_hint='set model_config = ConfigDict(regex_engine="python-re")',
                when=LacksPythonRe(owner),
            )
