"""The Pydantic fixes keep v1 behaviour: each rule's INVALID example runs under ``pydantic.v1`` and
its fixed source under Pydantic v2, on the same inputs, with the same outcome.

The examples are this project's own code (the rule docs), so the tests may run them; the checker
itself never imports the code it checks.
"""

from __future__ import annotations

import itertools
import re
import sys
import types
import warnings
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
    v1 = _namespace(_as_v1(example.files[path]))[model]
    v2 = _namespace(example.fixed[path])[model]
    outcomes = []
    for data in inputs:
        before, after = _outcome(v1, data, True), _outcome(v2, data, False)
        assert after == before, f"{code} {model}({data!r}): v1 {before!r}, fixed under v2 {after!r}"
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
