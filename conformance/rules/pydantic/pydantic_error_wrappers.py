"""CNF475 pydantic-error-wrappers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import (
    _aliases,
    _contains_comment,
    _imports_pydantic_v1,
    _kwarg,
)
from conformance.rules.pydantic._templates import _ImportedName

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


_ERROR_WRAPPER = "pydantic.error_wrappers.ErrorWrapper"
_WRAPPERS_VALIDATION_ERROR = "pydantic.error_wrappers.ValidationError"
_VALIDATION_ERROR = frozenset({"pydantic.ValidationError", _WRAPPERS_VALIDATION_ERROR})
_REQUEST_VALIDATION_ERROR = frozenset(
    {
        "fastapi.exceptions.RequestValidationError",
        "fastapi.exceptions.WebSocketRequestValidationError",
    }
)
_EXCEPTION_TYPES = {"builtins.ValueError": "value_error", "builtins.TypeError": "type_error"}

_GONE = "pydantic.error_wrappers is gone in Pydantic v2"


class ErrorWrappersImport(_ImportedName):
    """## What it checks
    `pydantic.error_wrappers.ValidationError` and `ErrorWrapper`, and the v1 way of raising a
    validation error by hand: `ValidationError([ErrorWrapper(exc, loc=...)], model)` (also with
    `ValidationError` imported from `pydantic`) and FastAPI's
    `RequestValidationError([ErrorWrapper(exc, loc=...)])`.

    ## Why
    `pydantic.error_wrappers` is gone in v2 (importing it fails); `ValidationError` is
    `pydantic.ValidationError` (from pydantic-core), which has no constructor taking wrapped
    errors: it is built with `ValidationError.from_exception_data(title, line_errors)`.
    FastAPI's `RequestValidationError` takes the error dicts themselves.

    ## Example
    ```python
    from pydantic.error_wrappers import ErrorWrapper, ValidationError

    raise ValidationError([ErrorWrapper(ValueError("bad"), loc="name")], model=UserIn)
    ```

    ## Use instead
    ```python
    from pydantic import ValidationError
    from pydantic_core import PydanticCustomError

    raise ValidationError.from_exception_data(
        UserIn.__name__,
        [{"type": PydanticCustomError("value_error", str(ValueError("bad"))), "loc": ("name",), "input": None}],
    )
    ```

    ## Fix
    - `from pydantic.error_wrappers import ValidationError` (with an `ErrorWrapper` nothing uses
      any more) becomes `from pydantic import ValidationError`: **safe**, `except
      ValidationError` then catches v2's errors (whose `errors()` entries also carry `input` and
      `url`). Not when a comment sits inside the statement.
    - `ValidationError([ErrorWrapper(exc, loc=L), ...], model)`: **unsafe**, becomes
      `ValidationError.from_exception_data(model.__name__, [...])` (`type(self).__name__` for
      `self`) with one `{"type": PydanticCustomError(kind, str(exc)), "loc": ..., "input": None}`
      per wrapper, so `errors()` gives the `loc`, `msg` and `type` v1 gave: `msg` is `str(exc)`
      (braces kept as written), `loc` the tuple v1 made of `L` (a string `L` becomes `(L,)`), and
      `type` `value_error` or `type_error` as the exception is a `ValueError` or a `TypeError`
      (v1 added a suffix for other classes, such as `value_error.jsondecode`: v2 says
      `value_error`). The error's `str()` changes (v2's layout, with the input).
    - `RequestValidationError([ErrorWrapper(exc, loc=L), ...])`: **unsafe**, each wrapper becomes
      the dict FastAPI's handler returns, `{"loc": ..., "msg": str(exc), "type": ...}`, the
      entries v1's `errors()` gave.
    Only when `exc` is a name, an attribute or a `ValueError(...)`/`TypeError(...)` call (`exc` is
    read twice), `L` is a string, a tuple or a name, and the list is written out; otherwise the
    finding says the call cannot be converted mechanically (build the error dicts by hand; the
    `pydantic.v1` classes do not help: their `errors()` reads the v1 model config of the model).
    `ErrorWrapper` calls elsewhere get no fix. Files that import from `pydantic.v1` are left alone.
    """

    code = "CNF475"
    name = "pydantic-error-wrappers"
    summary = "pydantic.error_wrappers import"
    fix_hint = "from pydantic import ValidationError"
    catalog = "PV075"
    fix = FixSafety.SAFE
    names = frozenset({_WRAPPERS_VALIDATION_ERROR, _ERROR_WRAPPER})
    VALID = (
        Example.code("from pydantic import ValidationError\n"),
        Example.code(
            """
            from pydantic.v1 import ValidationError
            from pydantic.v1.error_wrappers import ErrorWrapper


            def fail(model):
                raise ValidationError([ErrorWrapper(ValueError("bad"), loc="x")], model)
            """,
            note="v1 code on purpose",
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic.error_wrappers import ErrorWrapper, ValidationError
            """,
            Expect(1, 1, _GONE),
            unsafe=True,
            fixed="""
            from pydantic import ValidationError
            """,
        ),
        Example.code(
            """
            from fastapi.exceptions import RequestValidationError
            from pydantic import BaseModel, ValidationError
            from pydantic.error_wrappers import ErrorWrapper


            class UserIn(BaseModel):
                name: str

                def check(self, raw):
                    try:
                        return int(raw)
                    except (ValueError, TypeError) as e:
                        raise ValidationError([ErrorWrapper(e, loc="__root__")], self) from e


            def parse(model, raw):
                if not raw:
                    raise ValidationError(
                        [ErrorWrapper(ValueError("empty"), loc=("body", "raw"))], model=model
                    )
                raise RequestValidationError([ErrorWrapper(TypeError("bad"), ("body", "x"))])


            def odd(errors):
                raise ValidationError(errors, UserIn)
            """,
            Expect(
                13,
                19,
                "ValidationError([ErrorWrapper(...)], model) does not work in Pydantic v2 (pydantic.error_wrappers is gone)",
            ),
            Expect(
                18,
                15,
                "ValidationError([ErrorWrapper(...)], model) does not work in Pydantic v2 (pydantic.error_wrappers is gone)",
            ),
            Expect(
                21,
                35,
                "ErrorWrapper is gone in Pydantic v2, and RequestValidationError takes error dicts",
            ),
            Expect(
                25,
                11,
                "ValidationError(errors, model) does not work in Pydantic v2, and these errors are not a list of ErrorWrapper(exc, loc) calls the fix could convert",
            ),
            unsafe=True,
            fixed="""
            from fastapi.exceptions import RequestValidationError
            from pydantic import BaseModel, ValidationError
            from pydantic.error_wrappers import ErrorWrapper
            from pydantic_core import PydanticCustomError


            class UserIn(BaseModel):
                name: str

                def check(self, raw):
                    try:
                        return int(raw)
                    except (ValueError, TypeError) as e:
                        raise ValidationError.from_exception_data(type(self).__name__, [{"type": PydanticCustomError("type_error" if isinstance(e, TypeError) else "value_error", str(e)), "loc": ("__root__",), "input": None}]) from e


            def parse(model, raw):
                if not raw:
                    raise ValidationError.from_exception_data(model.__name__, [{"type": PydanticCustomError("value_error", str(ValueError("empty"))), "loc": ("body", "raw"), "input": None}])
                raise RequestValidationError([{"loc": ("body", "x"), "msg": str(TypeError("bad")), "type": "type_error"}])


            def odd(errors):
                raise ValidationError(errors, UserIn)
            """,
        ),
    )

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._imports: List[Tuple[cst.CSTNode, cst.ImportFrom, bool]] = []
        self._used: Dict[str, int] = {}
        self._wrapper_calls = 0

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        facts = self.ctx.import_facts(node)
        if not any(self.matches(fact.target) for fact in facts):
            return
        statement = self.ctx.statement
        if statement is not None:
            at_module_level = not self.ctx.in_function and self.ctx.class_def is None
            self._imports.append((statement, node, at_module_level))

    def visit_Name(self, node: cst.Name) -> None:
        self._used[node.value] = self._used.get(node.value, 0) + 1

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        target = ctx.call_name(node)
        if target not in _VALIDATION_ERROR and target not in _REQUEST_VALIDATION_ERROR:
            if target == _ERROR_WRAPPER and not self._inside_converted_call():
                self._wrapper_calls += 1
                if not _imports_pydantic_v1(ctx):
                    self.report(
                        node,
                        "ErrorWrapper is gone in Pydantic v2",
                        fix_hint="raise ValueError or PydanticCustomError in validators, or build "
                        "the error with ValidationError.from_exception_data(title, line_errors)",
                    )
            return
        if _imports_pydantic_v1(ctx) or not node.args or node.args[0].keyword is not None:
            return
        wrappers = self._wrappers(node.args[0].value)
        if target in _REQUEST_VALIDATION_ERROR:
            if wrappers is None:
                return
            for wrapper, parts in wrappers:
                self._wrapper_calls += 1
                if parts is None:
                    continue
                error, loc, kind = parts
                self.report(
                    wrapper,
                    "ErrorWrapper is gone in Pydantic v2, and RequestValidationError takes error "
                    "dicts",
                    fix_hint='write the dict v1 made of it: {"loc": ..., "msg": ..., "type": ...}',
                    replacement=cst.parse_expression(
                        f'{{"loc": {loc}, "msg": str({error}), "type": {kind}}}'
                    ),
                    fix_safety=FixSafety.UNSAFE,
                )
            return
        model = _kwarg(node, "model")
        if model is None and len(node.args) > 1 and node.args[1].keyword is None:
            model = node.args[1]
        if model is None:
            return
        if wrappers is None or any(parts is None for _, parts in wrappers):
            self._wrapper_calls += len(wrappers or ())
            self.report(
                node,
                "ValidationError(errors, model) does not work in Pydantic v2, and these errors are "
                "not a list of ErrorWrapper(exc, loc) calls the fix could convert",
                fix_hint="build it with ValidationError.from_exception_data(title, line_errors)",
            )
            return
        self._wrapper_calls += len(wrappers)
        details = []
        for _, parts in wrappers:
            assert parts is not None
            error, loc, kind = parts
            details.append(
                f'{{"type": PydanticCustomError({kind}, str({error})), "loc": {loc}, '
                '"input": None}'
            )
        model_text = ctx.code_for(model.value)
        title = "type(self).__name__" if model_text == "self" else f"{model_text}.__name__"
        func = ctx.code_for(node.func)
        self.report(
            node,
            "ValidationError([ErrorWrapper(...)], model) does not work in Pydantic v2 "
            "(pydantic.error_wrappers is gone)",
            fix_hint="build it with ValidationError.from_exception_data(title, line_errors), "
            "keeping the loc, msg and type v1 gave",
            replacement=cst.parse_expression(
                f"{func}.from_exception_data({title}, [{', '.join(details)}])"
            ),
            fix_safety=FixSafety.UNSAFE,
            imports=(("pydantic_core", "PydanticCustomError"),),
        )

    def _inside_converted_call(self) -> bool:
        """Whether the walk is inside a ValidationError/RequestValidationError call, which
        reports its wrappers itself."""
        for ancestor in reversed(self.ctx.ancestors):
            if isinstance(ancestor, cst.Call):
                target = self.ctx.call_name(ancestor)
                if target in _VALIDATION_ERROR or target in _REQUEST_VALIDATION_ERROR:
                    return True
        return False

    def _wrappers(
        self, errors: cst.BaseExpression
    ) -> Optional[List[Tuple[cst.Call, Optional[Tuple[str, str, str]]]]]:
        """The ``ErrorWrapper`` calls of a written-out list, each with (exception, loc tuple,
        error type) as source text when it converts; None when ``errors`` is not such a list."""
        if not isinstance(errors, cst.List) or not errors.elements:
            return None
        out: List[Tuple[cst.Call, Optional[Tuple[str, str, str]]]] = []
        for element in errors.elements:
            call = element.value
            if (
                not isinstance(element, cst.Element)
                or not isinstance(call, cst.Call)
                or self.ctx.call_name(call) != _ERROR_WRAPPER
            ):
                return None
            out.append((call, self._parts(call)))
        return out

    def _parts(self, call: cst.Call) -> Optional[Tuple[str, str, str]]:
        args = call.args
        if len(args) != 2 or args[0].keyword is not None or args[0].star or args[1].star:
            return None
        if args[1].keyword is not None and args[1].keyword.value != "loc":
            return None
        error, loc = args[0].value, args[1].value
        error_text = self.ctx.code_for(error)
        if isinstance(error, (cst.Name, cst.Attribute)):
            kind = f'"type_error" if isinstance({error_text}, TypeError) else "value_error"'
        elif isinstance(error, cst.Call) and self.ctx.call_name(error) in _EXCEPTION_TYPES:
            kind = f'"{_EXCEPTION_TYPES[self.ctx.call_name(error) or ""]}"'
        else:
            return None
        loc_text = self.ctx.code_for(loc)
        if isinstance(loc, cst.Tuple):
            pass
        elif isinstance(loc, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            loc_text = f"({loc_text},)"
        elif isinstance(loc, (cst.Name, cst.Attribute)):
            loc_text = f"({loc_text},) if isinstance({loc_text}, str) else tuple({loc_text})"
        else:
            return None
        return error_text, loc_text, kind

    def finish(self) -> None:
        for statement, node, at_module_level in self._imports:
            self._report_import(statement, node, at_module_level)

    def _report_import(
        self, statement: cst.CSTNode, node: cst.ImportFrom, at_module_level: bool
    ) -> None:
        aliases = _aliases(node)
        facts = self.ctx.import_facts(node)
        wrapper_used = False
        for alias, fact in zip(aliases, facts):
            if fact.target != _ERROR_WRAPPER:
                continue
            uses = self._used.get(_bound(alias), 0)
            if uses > self._wrapper_calls:  # used otherwise than in the calls reported
                self.report(
                    alias,
                    "ErrorWrapper is gone in Pydantic v2: raise PydanticCustomError or "
                    "ValueError in validators",
                )
            wrapper_used = wrapper_used or uses > 0
        kept = [
            alias
            for alias, fact in zip(aliases, facts)
            if fact.target == _WRAPPERS_VALIDATION_ERROR
        ]
        if not kept:
            return
        others = [
            fact.target
            for fact in facts
            if fact.target not in (_ERROR_WRAPPER, _WRAPPERS_VALIDATION_ERROR)
        ]
        replacement: Optional[cst.CSTNode] = None
        if (
            not others
            and not wrapper_used
            and len(kept) == 1
            and isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and not _contains_comment(node)
            and at_module_level
        ):
            new = node.with_changes(
                module=cst.Name("pydantic"),
                names=[kept[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)],
                lpar=None,
                rpar=None,
            )
            replacement = statement.with_changes(body=[new])
        self.report(
            statement if replacement is not None else kept[0],
            _GONE,
            replacement=replacement,
        )

    def message(self, qualname: str) -> str:
        if qualname.endswith("ErrorWrapper"):
            return (
                "ErrorWrapper is gone in Pydantic v2: raise PydanticCustomError or ValueError "
                "in validators"
            )
        return _GONE


def _bound(alias: cst.ImportAlias) -> str:
    asname = alias.asname
    if asname is not None and isinstance(asname.name, cst.Name):
        return asname.name.value
    assert isinstance(alias.name, cst.Name)
    return alias.name.value
