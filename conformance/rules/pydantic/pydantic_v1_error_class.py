"""CNF486 pydantic-v1-error-class."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Tuple

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    SCHEMAS,
    _assigned_name,
    _body,
    _imports_pydantic_v1,
    _string,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


#: the v1 custom-error bases and the error-type prefix v1 gave their errors
_V1_ERROR_BASES = {
    "pydantic.PydanticValueError": "value_error",
    "pydantic.errors.PydanticValueError": "value_error",
    "pydantic.PydanticTypeError": "type_error",
    "pydantic.errors.PydanticTypeError": "type_error",
}

_CONVERTIBLE_ATTRIBUTES = frozenset({"code", "msg_template"})

_METHODS = """
def __new__(cls, **ctx: Any) -> "{name}":
{code_line}    return super().__new__(cls, {type_expr}, cls.msg_template, ctx)

def __init__(self, **ctx: Any) -> None:
    super().__init__()
"""


class V1ErrorClass(FileRule):
    """## What it checks
    A class deriving from `PydanticValueError` or `PydanticTypeError`, the v1 bases of custom
    validation errors (`code`, `msg_template`, raised as `NotABarError(wrong_value=v)` in
    validators).

    ## Why
    Both are gone in v2: importing them fails, and with them the module that defines the error.
    The v2 form is `pydantic_core.PydanticCustomError(type, message_template, context)`.

    ## Example
    ```python
    from pydantic import PydanticValueError


    class NotABarError(PydanticValueError):
        code = "not_a_bar"
        msg_template = 'value is not "bar", got "{wrong_value}"'
    ```

    ## Use instead
    ```python
    from typing import Any

    from pydantic_core import PydanticCustomError


    class NotABarError(PydanticCustomError):
        code = "not_a_bar"
        msg_template = 'value is not "bar", got "{wrong_value}"'

        def __new__(cls, **ctx: Any) -> "NotABarError":
            return super().__new__(cls, "value_error." + cls.code, cls.msg_template, ctx)

        def __init__(self, **ctx: Any) -> None:
            super().__init__()
    ```

    ## Fix
    Unsafe, in one of two forms; the message says which.
    - **Converted to `PydanticCustomError`** when the class body holds nothing but a docstring,
      `pass` and string assignments to `code` and `msg_template` (with `msg_template` present):
      the base becomes `PydanticCustomError` and a `__new__`/`__init__` pair takes the keyword
      context the raise sites pass. Raising it in a validator gives the error v1 gave: the same
      message (`msg_template` formatted with the context), the same type (`value_error.<code>`,
      `type_error.<code>` for a `PydanticTypeError`; without a `code`, v1's default: the class name
      without `Error`, lower-cased), the same `ctx` and the same empty `args`. Subclasses that only override `code`/`msg_template` keep working. What changes: the
      class is a `ValueError` (a `PydanticTypeError` was a `TypeError`: an `except TypeError`
      around a raise site no longer catches it).
    - **Based on `pydantic.v1.PydanticValueError`** when a `PydanticValueError` subclass does
      more (its own `__str__`, `__init__`, methods, other attributes): the class keeps its v1
      behaviour; raised in a v2 validator, it is a `ValueError` that v2 reports as
      `value_error` with the message `Value error, <str(error)>`.
    A `PydanticTypeError` subclass that does more gets no fix: the v1 class is a `TypeError`,
    which v2 validators do not turn into a validation error (it would escape the model).
    Files that import from `pydantic.v1` are left alone (they are v1 code on purpose). The
    import of the v1 base, unused afterwards, is CNF485's.
    """

    code = "CNF486"
    name = "pydantic-v1-error-class"
    summary = "custom error derived from PydanticValueError/PydanticTypeError"
    fix_hint = "derive it from pydantic_core.PydanticCustomError"
    catalog = "-"  # not in the catalog: issue-driven (v1 custom errors)
    fix = FixSafety.UNSAFE
    VALID = (
        Example.code(
            """
            from pydantic.v1 import PydanticValueError


            class NotABarError(PydanticValueError):
                msg_template = "not bar"
            """,
            path=SCHEMAS,
            note="v1 code on purpose",
        ),
        Example.code(
            """
            try:
                from pydantic.v1 import PydanticValueError
            except ImportError:
                from pydantic import PydanticValueError


            class UnknownColourError(PydanticValueError):
                code = "colour.unknown"
                msg_template = "{msg}"
            """,
            path=SCHEMAS,
            note="the try body's pydantic.v1 base is the one in force; the except ImportError "
            "branch is for older Pydantic",
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import PydanticValueError


            class NotABarError(PydanticValueError):
                \"\"\"The value is not bar.\"\"\"

                code = "not_a_bar"
                msg_template = 'value is not "bar", got "{wrong_value}"'
            """,
            Expect(
                4,
                1,
                "NotABarError derives from PydanticValueError, gone in Pydantic v2 (importing it fails)",
            ),
            path=SCHEMAS,
            unsafe=True,
            fixed="""
            from typing import Any

            from pydantic import PydanticValueError
            from pydantic_core import PydanticCustomError


            class NotABarError(PydanticCustomError):
                \"\"\"The value is not bar.\"\"\"

                code = "not_a_bar"
                msg_template = 'value is not "bar", got "{wrong_value}"'

                def __new__(cls, **ctx: Any) -> "NotABarError":
                    return super().__new__(cls, "value_error." + cls.code, cls.msg_template, ctx)

                def __init__(self, **ctx: Any) -> None:
                    super().__init__()
            """,
        ),
        Example.code(
            """
            from pydantic.errors import PydanticTypeError


            class NotAnIntError(PydanticTypeError):
                msg_template = "not an int"
            """,
            Expect(
                4,
                1,
                "NotAnIntError derives from PydanticTypeError, gone in Pydantic v2 (importing it fails)",
            ),
            path=SCHEMAS,
            unsafe=True,
            fixed="""
            from typing import Any

            from pydantic.errors import PydanticTypeError
            from pydantic_core import PydanticCustomError


            class NotAnIntError(PydanticCustomError):
                msg_template = "not an int"

                def __new__(cls, **ctx: Any) -> "NotAnIntError":
                    code = getattr(cls, "code", None) or cls.__name__.replace("Error", "").lower()
                    return super().__new__(cls, "type_error." + code, cls.msg_template, ctx)

                def __init__(self, **ctx: Any) -> None:
                    super().__init__()
            """,
        ),
        Example.code(
            """
            import pydantic


            class WrongConstantError(pydantic.PydanticValueError):
                code = "const"

                def __str__(self) -> str:
                    return "unexpected value"


            class OddError(pydantic.PydanticTypeError):
                def __str__(self) -> str:
                    return "odd"
            """,
            Expect(
                4,
                1,
                "WrongConstantError derives from PydanticValueError, gone in Pydantic v2 (importing it fails); it defines __str__, so it cannot be converted mechanically",
            ),
            Expect(
                11,
                1,
                "OddError derives from PydanticTypeError, gone in Pydantic v2 (importing it fails); it defines __str__, so it cannot be converted mechanically, and the pydantic.v1 class is a TypeError that v2 validators let escape",
            ),
            path=SCHEMAS,
            unsafe=True,
            fixed="""
            import pydantic
            from pydantic import v1


            class WrongConstantError(v1.PydanticValueError):
                code = "const"

                def __str__(self) -> str:
                    return "unexpected value"


            class OddError(pydantic.PydanticTypeError):
                def __str__(self) -> str:
                    return "odd"
            """,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        found = self._v1_base(node)
        if found is None or _imports_pydantic_v1(self.ctx):
            return
        index, qualname = found
        prefix = _V1_ERROR_BASES[qualname]
        base_name = qualname.rpartition(".")[2]
        head = (
            f"{node.name.value} derives from {base_name}, gone in Pydantic v2 (importing it fails)"
        )
        code, obstacle = _plain_error_body(node)
        if obstacle is None:
            type_text = f"{prefix}.<class name>" if code is None else f"{prefix}.<code>"
            self.report(
                node,
                head,
                fix_hint=f"base it on pydantic_core.PydanticCustomError with v1's error type "
                f"{type_text}, message and context",
                replacement=_converted(node, index, prefix, code is not None),
                imports=(("pydantic_core", "PydanticCustomError"), ("typing", "Any")),
            )
            return
        if prefix == "type_error":
            self.report(
                node,
                f"{head}; {obstacle}, so it cannot be converted mechanically, and the pydantic.v1 "
                "class is a TypeError that v2 validators let escape",
                fix_hint="base it on pydantic_core.PydanticCustomError by hand",
            )
            return
        # ``from pydantic import v1``: ``import pydantic.v1`` would rebind ``pydantic``
        v1_base = cst.Attribute(value=cst.Name("v1"), attr=cst.Name("PydanticValueError"))
        bases = list(node.bases)
        bases[index] = bases[index].with_changes(value=v1_base)
        self.report(
            node,
            f"{head}; {obstacle}, so it cannot be converted mechanically",
            fix_hint="base it on pydantic.v1.PydanticValueError: it keeps its v1 behaviour, and v2 "
            "validators report it as a value_error",
            replacement=node.with_changes(bases=bases),
            imports=(("pydantic", "v1"),),
        )

    def _v1_base(self, node: cst.ClassDef) -> Optional[Tuple[int, str]]:
        for index, base in enumerate(node.bases):
            if base.keyword is not None:
                continue
            qualname = self.ctx.qualname(base.value)
            if qualname in _V1_ERROR_BASES:
                return index, qualname
        return None


def _plain_error_body(node: cst.ClassDef) -> Tuple[Optional[str], Optional[str]]:
    """(the ``code`` string, None) when the body is only a docstring, ``pass`` and string
    assignments to ``code`` and ``msg_template`` (the template present); else (None, what stands
    in the way, in words)."""
    if len(node.bases) != 1 or node.keywords:
        return None, "it has other bases or class keywords"
    values = {}
    for index, statement in enumerate(_body(node)):
        if isinstance(statement, cst.FunctionDef):
            return None, f"it defines {statement.name.value}"
        if not isinstance(statement, cst.SimpleStatementLine):
            return None, "its body holds more than code and msg_template"
        for small in statement.body:
            if isinstance(small, cst.Pass):
                continue
            if (
                index == 0
                and isinstance(small, cst.Expr)
                and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))
            ):
                continue
            name = _assigned_name(small)
            value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
            if name not in _CONVERTIBLE_ATTRIBUTES or _string(value) is None:
                return None, "its body holds more than code and msg_template strings"
            values[name] = _string(value)
    if "msg_template" not in values:
        return None, "it has no msg_template"
    return values.get("code"), None


def _converted(node: cst.ClassDef, index: int, prefix: str, has_code: bool) -> cst.ClassDef:
    """``node`` based on ``PydanticCustomError``, with the ``__new__``/``__init__`` pair that
    passes v1's error type, template and keyword context."""
    name = node.name.value
    code_line = ""
    type_expr = f'"{prefix}." + cls.code'
    if not has_code:  # v1's own default: the class name without "Error", lower-cased
        code_line = (
            '    code = getattr(cls, "code", None) or cls.__name__.replace("Error", "").lower()\n'
        )
        type_expr = f'"{prefix}." + code'
    source = _METHODS.format(name=name, code_line=code_line, type_expr=type_expr)
    methods = cst.parse_module(source).body
    body = node.body
    assert isinstance(body, cst.IndentedBlock)
    kept: List[cst.BaseStatement] = [
        s
        for s in body.body
        if not (
            isinstance(s, cst.SimpleStatementLine)
            and len(s.body) == 1
            and isinstance(s.body[0], cst.Pass)
        )
    ]
    new_methods: List[cst.BaseStatement] = []
    for position, method in enumerate(methods):
        assert isinstance(method, cst.FunctionDef)
        if kept or position:
            method = method.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        new_methods.append(method)
    bases = list(node.bases)
    bases[index] = bases[index].with_changes(value=cst.Name("PydanticCustomError"))
    return node.with_changes(bases=bases, body=body.with_changes(body=kept + new_methods))
