"""The Pydantic fixes keep v1 behaviour: each rule's INVALID example runs under ``pydantic.v1`` and
its fixed source under Pydantic v2, on the same inputs, with the same outcome.

The examples are this project's own code (the rule docs), so the tests may run them; the checker
itself never imports the code it checks.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import types
import warnings
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence, Tuple, Type

import pytest

from conformance.rules import by_code
from conformance.rules.base import Example, Rule

pydantic = pytest.importorskip("pydantic")
if not pydantic.VERSION.startswith("2."):  # pragma: no cover - the dev extra installs v2
    pytest.skip(
        "these tests need Pydantic v2 (with its pydantic.v1 namespace)", allow_module_level=True
    )

Outcome = Tuple[str, Any]
_COUNTER = itertools.count()


def _rule(code: str) -> Type[Rule]:
    return by_code()[code]


def _example(code: str, index: int) -> Example:
    return _rule(code).INVALID[index]


def _as_v1(source: str) -> str:
    """The example as Pydantic v1 code: every ``pydantic`` import goes to ``pydantic.v1``."""
    source = re.sub(
        r"^from pydantic(\.\w+)? import", r"from pydantic.v1\1 import", source, flags=re.M
    )
    return re.sub(r"^import pydantic as", "import pydantic.v1 as", source, flags=re.M)


def _namespace(source: str) -> Dict[str, Any]:
    """Run the source as a module of its own (string annotations resolve in its namespace)."""
    module = types.ModuleType(f"_runtime_example_{next(_COUNTER)}")
    sys.modules[module.__name__] = module
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(source, "<example>", "exec"), module.__dict__)
    return module.__dict__


def _outcome(model: Any, data: Mapping[str, Any], v1: bool) -> Outcome:
    """("ok", the dumped model) or ("error", the failing locations), the same shape in v1 and v2."""
    errors_type = pydantic.v1.ValidationError if v1 else pydantic.ValidationError
    try:
        instance = model(**data)
    except errors_type as error:
        return ("error", sorted(tuple(e["loc"]) for e in error.errors()))
    except (ValueError, TypeError) as error:  # raised outside validation: compare the message
        return ("raised", str(error))
    return ("ok", instance.dict() if v1 else instance.model_dump())


def _compare(
    code: str, index: int, model: str, inputs: Sequence[Mapping[str, Any]]
) -> List[Outcome]:
    example = _example(code, index)
    (path,) = example.fixed
    return _compare_sources(example.files[path], example.fixed[path], model, inputs)


def _fixed_by_cli(tmp_path: Path, source: str) -> str:
    """The source after ``conformance check --fix --unsafe-fixes`` with the Pydantic rules; a
    second run would change nothing."""
    schemas = tmp_path / "cpv3" / "modules" / "users" / "schemas.py"
    schemas.parent.mkdir(parents=True)
    for folder in (tmp_path / "cpv3", tmp_path / "cpv3" / "modules", schemas.parent):
        (folder / "__init__.py").write_text("")
    schemas.write_text(source, encoding="utf-8")
    command = [sys.executable, "-m", "conformance", "check", "--select", "CNF4"]
    options = ["--unsafe-fixes", "--no-cache", "--exit-zero", "."]
    done = subprocess.run(
        [*command, "--fix", *options], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    again = subprocess.run(
        [*command, "--diff", *options], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert again.stdout == "", "a second --fix would change the file"
    return schemas.read_text(encoding="utf-8")


def _compare_sources(
    source: str, fixed: str, model: str, inputs: Sequence[Mapping[str, Any]]
) -> List[Outcome]:
    v1 = _namespace(_as_v1(source))[model]
    v2 = _namespace(fixed)[model]
    outcomes = []
    for data in inputs:
        before, after = _outcome(v1, data, True), _outcome(v2, data, False)
        assert after == before, f"{model}({data!r}): v1 {before!r}, fixed under v2 {after!r}"
        outcomes.append(before)
    return outcomes


def test_optional_fields_default_to_none_as_in_v1() -> None:
    outcomes = _compare(
        "CNF461",
        0,
        "UserOut",
        [{}, {"nickname": "ann", "age": 3}, {"age": -1}, {"note": None, "extra": [1]}],
    )
    assert outcomes[0] == (
        "ok",
        {"nickname": None, "city": None, "zip": None, "extra": None, "age": None, "note": None},
    )
    assert outcomes[2] == ("error", [("age",)])


def test_optional_fields_unfixed_are_required_in_v2() -> None:
    """The reason for CNF461: the v1 source, unfixed, behaves differently under v2."""
    example = _example("CNF461", 0)
    (path,) = example.fixed
    model = _namespace(example.files[path])["UserOut"]
    assert _outcome(model, {}, False)[0] == "error"


_WINDOW = """
from typing import Optional

from pydantic import BaseModel, validator


class Window(BaseModel):
    start: int = 0
    end: Optional[int]
    label: str = ""
    code: str = "a"

    @validator("end", always=True)
    def default_end(cls, v, values):
        if v is None:
            return values.get("start", 0) + 10
        if "start" in values and v < values["start"]:
            raise ValueError("end before start")
        return v

    @validator("label", pre=True, always=True)
    def fill_label(cls, v, values, **kwargs):
        return v or f"from {values.get('start')}"

    @validator("code", pre=True)
    def upper(cls, v):
        return v.upper() if isinstance(v, str) else v
"""

_WINDOW_INPUTS = [
    {},
    {"start": 5},
    {"start": 5, "end": 3},
    {"end": 20},
    {"start": "x"},
    {"label": "given", "end": None},
    {"label": None},
    {"code": "b", "start": 2, "end": 2},
]


def test_validators_with_always_values_and_pre_keep_v1_behaviour(tmp_path: Path) -> None:
    """The whole --fix (CNF461, CNF413, CNF410 over several rounds) on v1 validators that read
    values, run always and run before: the result under v2 behaves as the source under v1."""
    fixed = _fixed_by_cli(tmp_path, _WINDOW.lstrip())
    assert "@validator" not in fixed and "always" not in fixed and "values" not in fixed
    outcomes = _compare_sources(_WINDOW, fixed, "Window", _WINDOW_INPUTS)
    assert outcomes[0] == ("ok", {"start": 0, "end": 10, "label": "from 0", "code": "a"})
    assert outcomes[2] == ("error", [("end",)])
    assert outcomes[4][0] == "error"


_NAIVE = """
from typing import Optional

from pydantic import BaseModel, ValidationInfo, field_validator


class Window(BaseModel):
    start: int = 0
    end: Optional[int] = None

    @field_validator("end")
    @classmethod
    def default_end(cls, v, info: ValidationInfo):
        return info.data.get("start", 0) + 10 if v is None else v
"""


def test_dropping_always_without_validate_default_changes_behaviour() -> None:
    """Why the fix sets validate_default: a @field_validator without it (the hand conversion that
    drops always=True) no longer runs when the field is omitted."""
    v2 = _namespace(_NAIVE)["Window"]
    assert _outcome(v2, {}, False) == ("ok", {"start": 0, "end": None})
    v1 = _namespace(_as_v1(_WINDOW))["Window"]
    assert _outcome(v1, {}, True)[1]["end"] == 10


_ERRORS = """
from pydantic import BaseModel, PydanticTypeError, PydanticValueError, validator


class NotABarError(PydanticValueError):
    code = "not_a_bar"
    msg_template = 'value is not "bar", got "{wrong_value}"'


class NotBazError(NotABarError):
    msg_template = "not baz: {wrong_value}"


class TooOddError(PydanticTypeError):
    msg_template = "odd {n}"


class LoudError(PydanticValueError):
    code = "loud"

    def __str__(self) -> str:
        return "too loud"


class Model(BaseModel):
    foo: str = "bar"
    n: int = 0

    @validator("foo")
    def must_be_bar(cls, v):
        if v == "baz":
            raise NotBazError(wrong_value=v)
        if v == "LOUD":
            raise LoudError()
        if v != "bar":
            raise NotABarError(wrong_value=v)
        return v

    @validator("n")
    def even(cls, v):
        if v % 2:
            raise TooOddError(n=v)
        return v
"""


def _errors(model: Any, data: Mapping[str, Any], v1: bool) -> Any:
    errors_type = pydantic.v1.ValidationError if v1 else pydantic.ValidationError
    try:
        model(**data)
    except errors_type as error:
        return [
            (tuple(e["loc"]), e["msg"], e["type"], e.get("ctx"))
            for e in error.errors()  # type: ignore[attr-defined]
        ]
    return "ok"


def test_v1_error_classes_converted_give_v1_errors(tmp_path: Path) -> None:
    """CNF486 (+ CNF410, CNF485): custom errors derived from PydanticValueError/PydanticTypeError
    raised in validators give, under v2, the loc, message, type and ctx v1 gave; the one with its
    own __str__ (based on pydantic.v1) reports its message as a value_error."""
    fixed = _fixed_by_cli(tmp_path, _ERRORS.lstrip())
    assert "PydanticValueError," not in fixed and "PydanticTypeError" not in fixed
    assert "v1.PydanticValueError" in fixed
    v1 = _namespace(_as_v1(_ERRORS))["Model"]
    v2 = _namespace(fixed)["Model"]
    for data in ({}, {"foo": "x"}, {"foo": "baz"}, {"n": 3}, {"foo": "x", "n": 5}):
        assert _errors(v2, data, False) == _errors(v1, data, True), data
    assert _errors(v2, {"foo": "x"}, False) == [
        (("foo",), 'value is not "bar", got "x"', "value_error.not_a_bar", {"wrong_value": "x"})
    ]
    assert _errors(v1, {"foo": "LOUD"}, True) == [(("foo",), "too loud", "value_error.loud", None)]
    ((loc, message, kind, ctx),) = _errors(v2, {"foo": "LOUD"}, False)
    assert (loc, message, kind, str(ctx["error"])) == (
        ("foo",),
        "Value error, too loud",
        "value_error",
        "too loud",
    )


_WRAPPED = """
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from pydantic.error_wrappers import ErrorWrapper, ValidationError


class UserIn(BaseModel):
    name: str = ""


def fail(raw):
    try:
        int(raw)
    except (ValueError, TypeError) as e:
        raise ValidationError([ErrorWrapper(e, loc="__root__")], UserIn) from e
    raise ValidationError(
        [ErrorWrapper(ValueError("odd {x}"), loc=("a", 1)), ErrorWrapper(TypeError("t"), "b")],
        model=UserIn,
    )


def request_errors():
    return RequestValidationError([ErrorWrapper(ValueError("bad"), loc=("body", "x"))]).errors()
"""


def test_error_wrappers_converted_give_v1_errors(tmp_path: Path) -> None:
    """CNF475 (+ CNF485): a ValidationError raised by hand from ErrorWrappers gives, under v2,
    the loc, msg and type of each error v1 gave; RequestValidationError gets v1's dicts."""
    pytest.importorskip("fastapi")
    fixed = _fixed_by_cli(tmp_path, _WRAPPED.lstrip())
    assert "error_wrappers" not in fixed and "ErrorWrapper" not in fixed
    v1 = _namespace(_as_v1(_WRAPPED))
    v2 = _namespace(fixed)

    def errors(namespace: Dict[str, Any], raw: Any, error_type: Any) -> Any:
        with pytest.raises(error_type) as raised:
            namespace["fail"](raw)
        return [(tuple(e["loc"]), e["msg"], e["type"]) for e in raised.value.errors()]

    for raw in (None, "x", "1"):
        before = errors(v1, raw, pydantic.v1.ValidationError)
        assert errors(v2, raw, pydantic.ValidationError) == before, raw
    assert errors(v2, "1", pydantic.ValidationError) == [
        (("a", 1), "odd {x}", "value_error"),
        (("b",), "t", "type_error"),
    ]
    assert errors(v2, None, pydantic.ValidationError)[0][2] == "type_error"
    assert v2["request_errors"]() == [{"loc": ("body", "x"), "msg": "bad", "type": "value_error"}]


_PATTERNS = """
from pydantic import BaseModel, Field, constr

Pin = constr(regex=r"^\\d{4}$")


class Secret(BaseModel):
    password: str = Field(regex=r"^(?=.*\\d)(?!.*x).{4,}$")
    pin: Pin = "1234"
    twice: str = Field("aa", regex=r"^(\\w)\\1$")

    class Config:
        frozen = True
"""


def test_patterns_needing_python_re_keep_v1_matching(tmp_path: Path) -> None:
    """CNF450 + CNF401 + CNF451: look-around and back-references, which v2's default engine
    rejects (the model does not build), match under v2 as under v1 once the fix sets
    regex_engine="python-re"."""
    fixed = _fixed_by_cli(tmp_path, _PATTERNS.lstrip())
    assert 'regex_engine="python-re"' in fixed and "regex=" not in fixed
    outcomes = _compare_sources(
        _PATTERNS,
        fixed,
        "Secret",
        [
            {"password": "ab1d"},
            {"password": "abcd"},
            {"password": "ab1x"},
            {"password": "ab1d", "twice": "ab"},
            {"password": "ab1d", "pin": "12"},
        ],
    )
    assert [kind for kind, _ in outcomes] == ["ok", "error", "error", "error", "error"]
    with pytest.raises(Exception, match="regex"):
        _namespace(fixed.replace(', regex_engine="python-re"', ""))


_INHERITED = """
from enum import Enum
from typing import Dict, List, Optional

from pydantic import BaseModel, validator


class Status(str, Enum):
    active = "active"


class User(BaseModel):
    proxies: List[str] = ["vmess"]
    inbounds: Dict[str, List[str]] = {}
    note: Optional[str]

    @validator("proxies", pre=True, always=True)
    def norm_proxies(cls, v, values, **kwargs):
        return [p.lower() for p in v] if isinstance(v, list) else v


class UserCreate(User):
    name: str = "u"
    status: Status = None

    @validator("status", pre=True, always=True)
    def keep_status(cls, status, values):
        return status

    @validator("proxies", pre=True, always=True)
    def norm_proxies(cls, v, values, **kwargs):
        if isinstance(v, str):
            v = v.split(",")
        return super().norm_proxies(v, values, **kwargs)

    @validator("inbounds", pre=True, always=True)
    def fill_inbounds(cls, inbounds, values, **kwargs):
        for proxy in values.get("proxies", []):
            inbounds.setdefault(proxy, ["default"])
        return inbounds

    @validator("note", always=True)
    def fill_note(cls, v, values):
        return v or f"{len(values.get('inbounds', {}))} inbound(s)"
"""


def test_always_validators_on_inherited_fields_keep_v1_behaviour(tmp_path: Path) -> None:
    """CNF413 redeclares the inherited fields with validate_default=True, then CNF410 converts:
    the validators still run when the field is omitted, and see the same values as in v1."""
    fixed = _fixed_by_cli(tmp_path, _INHERITED.lstrip())
    assert "@validator" not in fixed and "always" not in fixed
    outcomes = _compare_sources(
        _INHERITED,
        fixed,
        "UserCreate",
        [
            {},
            {"proxies": ["a", "b"]},
            {"inbounds": {"a": []}, "note": "n"},
            {"proxies": 3},
            {"status": "active"},
            {"status": None},
            {"status": "gone"},
            {"proxies": "A,b"},
        ],
    )
    assert outcomes[-1][1]["proxies"] == ["a", "b"]  # the override ran, then the base's
    assert "super().norm_proxies(v, info)" in fixed
    assert outcomes[0] == (
        "ok",
        {
            "proxies": ["vmess"],
            "inbounds": {"vmess": ["default"]},
            "note": "1 inbound(s)",
            "name": "u",
            "status": None,
        },
    )
    assert [kind for kind, _ in outcomes[4:7]] == ["ok", "ok", "error"]
    # v1 made `status: Status = None` Optional; validating the default in v2 needs it written
    assert "status: Optional[Status] = Field(None, validate_default=True)" in fixed


def test_config_fields_include_converted_exports_the_same_fields(tmp_path: Path) -> None:
    """CNF404 + CNF401: `fields = {f: {"include": True} ...}` (v1 exported only those fields)
    becomes exclude=True on the other fields, inherited ones redeclared: model_dump() under v2
    gives what dict() gave under v1."""
    example = _example("CNF404", 1)
    (path,) = example.fixed
    source = example.files[path].replace(
        '    note: str = Field("", max_length=10)\n',
        '    note: str = Field("", max_length=10)\n\n'
        '    @validator("email", always=True)\n'
        "    def fill(cls, v, values):\n"
        '        return v or values.get("name", "") + "@x"\n',
    )
    source = source.replace("BaseModel, Field", "BaseModel, Field, validator")
    fixed = _fixed_by_cli(tmp_path, source)
    assert "validate_default=True, exclude=True" in fixed
    assert "class Config" not in fixed and "fields =" not in fixed
    outcomes = _compare_sources(
        source,
        fixed,
        "UserOut",
        [{"name": "a"}, {"name": "a", "email": "e", "token": "t", "secret": "s"}, {}],
    )
    assert outcomes[1] == ("ok", {"name": "a", "token": "t"})
