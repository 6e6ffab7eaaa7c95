"""CNF4xx (Pydantic v2 idioms): behaviour beyond the rules' own examples.

* every INVALID example with ``fixed=`` is reproduced by applying the rules' replacement nodes (the
  imports a fix needs are the fix engine's job: lines the expected source adds are left out of the
  comparison here);
* a file full of non-Pydantic ``.dict()``/``.json()``/``.copy()``/``.validate()`` look-alikes
  produces nothing;
* cross-file cases through the real engine.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple, Type

import pytest

from conformance.config import validate
from conformance.engine import RunOptions, run
from conformance.fixes import fix_paths
from conformance.rules import all_rules
from conformance.rules.base import Example, Rule
from tests.conftest import dedent, write_tree

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PYDANTIC_RULES = [rule for rule in all_rules() if rule.code.startswith("CNF4")]


def _config(tmp_path: Path, body: str, select: List[str]) -> Any:
    table = tomllib.loads(body) if body else {}
    table["select"] = select
    return validate(table, root=str(tmp_path), source=None)


def _findings(
    tmp_path: Path, files: Mapping[str, str], select: List[str], body: str = ""
) -> List[Tuple[str, int, int, str, str]]:
    write_tree(tmp_path, {path: dedent(text) for path, text in files.items()})
    result = run(_config(tmp_path, body, select), [str(tmp_path)], RunOptions(jobs=1))
    return sorted(
        (v.path, v.location.line or 0, v.location.column or 0, v.code, v.message)
        for v in result.violations
    )


def _fixed_source(tmp_path: Path, rule: Type[Rule], example: Example) -> Dict[str, str]:
    """The example's files after the real fix engine applied this rule's fixes (imports
    included)."""
    write_tree(tmp_path, example.files)
    config = _config(tmp_path, example.config, [rule.code])
    outcome = fix_paths(
        config,
        [str(tmp_path)],
        RunOptions(jobs=1),
        unsafe=example.unsafe,
        write=False,
        codes=[rule.code],
    )
    assert outcome.problems == []
    changed = {change.path: change.fixed.decode(change.encoding) for change in outcome.changes}
    return {path: changed.get(path, example.files[path]) for path in example.fixed}


_FIX_CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{number}")
    for rule in PYDANTIC_RULES
    for number, example in enumerate(rule.INVALID)
    if example.fixed
]


@pytest.mark.parametrize(("rule", "example"), _FIX_CASES)
def test_fixes_produce_the_fixed_source(tmp_path: Path, rule: Type[Rule], example: Example) -> None:
    assert _fixed_source(tmp_path, rule, example) == dict(example.fixed)


def test_every_fixable_rule_shows_its_fix() -> None:
    missing = [
        r.code for r in PYDANTIC_RULES if r.fix is not None and not any(e.fixed for e in r.INVALID)
    ]
    assert missing == []


LOOK_ALIKES = """
import json
from dataclasses import dataclass
from typing import Any, Dict, List

import httpx
import requests
from fastapi import Request
from starlette.responses import JSONResponse

from cpv3.modules.users.schemas import UserOut


@dataclass
class Point:
    x: int

    def dict(self) -> Dict[str, int]:
        return {"x": self.x}

    def copy(self) -> "Point":
        return Point(self.x)


class Form:
    def validate(self) -> bool:
        return True

    @classmethod
    def parse_obj(cls, data: Any) -> "Form":
        return cls()


async def handler(request: Request, payload: dict, items: List[int], raw, client: httpx.AsyncClient):
    body = await request.json()
    response = await client.get("/x")
    data = response.json()
    other = requests.get("/y").json()
    copied = payload.copy(), items.copy(), raw.copy(), raw.dict(), raw.json()
    point = Point(1)
    form = Form()
    unknown = make_model()
    checked = form.validate(), Form.parse_obj({}), point.dict(), point.copy(), unknown.dict()
    fields = raw.__fields__, raw.__fields_set__, raw.__root__
    same = payload == {"a": 1}
    return JSONResponse(json.dumps(body)), data, other, copied, checked, fields, same


def make_model():
    return UserOut(id=1)


class Schema:
    class Config:
        orm_mode = True

    is_active = True
    json: dict
"""

_MODEL = """
from pydantic import BaseModel


class UserOut(BaseModel):
    id: int
"""


def test_look_alikes_of_v1_methods_produce_nothing(tmp_path: Path) -> None:
    files = {
        "cpv3/modules/users/service.py": LOOK_ALIKES,
        "cpv3/modules/users/schemas.py": _MODEL,
    }
    assert [f for f in _findings(tmp_path, files, ["CNF4"]) if f[3].startswith("CNF4")] == []


def test_a_project_base_class_in_another_file_makes_a_model(tmp_path: Path) -> None:
    files = {
        "cpv3/core/schemas.py": "from pydantic import BaseModel\n\n\nclass Schema(BaseModel):\n    pass\n",
        "cpv3/modules/users/schemas.py": """
            from cpv3.core.schemas import Schema


            class UserOut(Schema):
                id: int
            """,
        "cpv3/modules/users/service.py": """
            from .schemas import UserOut


            def load(row, user: UserOut):
                return UserOut.parse_obj(row), user.dict()
            """,
    }
    found = [(f[0], f[1], f[3]) for f in _findings(tmp_path, files, ["CNF4"])]
    assert found == [
        ("cpv3/modules/users/service.py", 5, "CNF433"),
        ("cpv3/modules/users/service.py", 5, "CNF430"),
    ]


def test_a_base_that_is_not_a_model_drops_the_finding(tmp_path: Path) -> None:
    files = {
        "cpv3/core/schemas.py": "class Schema:\n    pass\n",
        "cpv3/modules/users/schemas.py": """
            from cpv3.core.schemas import Schema


            class UserOut(Schema):
                is_active = True

                class Config:
                    orm_mode = True
            """,
        "cpv3/modules/users/service.py": """
            from .schemas import UserOut


            def load(row, user: UserOut):
                return UserOut.parse_obj(row), user.dict()
            """,
    }
    assert [f for f in _findings(tmp_path, files, ["CNF4"]) if f[3].startswith("CNF4")] == []


def test_pydantic_v1_code_is_reported_once_at_the_import(tmp_path: Path) -> None:
    files = {
        "cpv3/modules/users/schemas.py": """
            from pydantic.v1 import BaseModel, validator


            class UserOut(BaseModel):
                is_active = True

                class Config:
                    orm_mode = True

                @validator("is_active")
                def check(cls, v, field):
                    return v


            def load(row, user: UserOut):
                return UserOut.parse_obj(row), user.dict()
            """,
    }
    found = [(f[1], f[3]) for f in _findings(tmp_path, files, ["CNF4"])]
    assert found == [(1, "CNF483")]


@pytest.mark.parametrize(
    ("version", "key"),
    [("2.0", "populate_by_name"), ("2.11", "validate_by_name"), ("2.10", "populate_by_name")],
)
def test_the_target_version_decides_the_populate_by_name_advice(
    tmp_path: Path, version: str, key: str
) -> None:
    files = {
        "cpv3/modules/users/schemas.py": """
            from pydantic import ConfigDict

            CONFIG = ConfigDict(allow_population_by_field_name=True)
            """,
    }
    found = _findings(tmp_path, files, ["CNF403"], f'pydantic-version = "{version}"')
    assert [f[4] for f in found] == [
        f"config key 'allow_population_by_field_name' was renamed in Pydantic v2: use '{key}'"
    ]
