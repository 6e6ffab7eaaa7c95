"""Every INVALID example with ``fixed=``: the fix, run through the real engine, gives exactly the
expected source, and the fixed tree has no finding of the rule left (Fixit's
``expected_replacement``, libcst's ``assertCodemod``).

The fix run selects the rule on top of the default rule set, as ``tests/rules/test_rule_examples.py``
does, and applies the fixes of that rule only, so that an example's expected source never depends
on another family's fixes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Type

import libcst as cst
import pytest

from conformance.config import validate
from conformance.engine import RunOptions, run
from conformance.fixes import fix_paths, fixable
from conformance.rules import all_rules
from conformance.rules.base import Example, Rule
from conformance.settings import Config
from tests.conftest import write_tree

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def _fix_cases() -> List[object]:
    cases = []
    for rule in all_rules():
        for number, example in enumerate(rule.INVALID):
            if example.fixed:
                cases.append(pytest.param(rule, example, id=f"{rule.code}-{rule.name}-{number}"))
    return cases


def _config(tmp_path: Path, rule: Type[Rule], example: Example) -> Config:
    table = tomllib.loads(example.config) if example.config else {}
    table["extend-select"] = list(table.get("extend-select", [])) + [rule.code]
    return validate(table, root=str(tmp_path), source=None)


@pytest.mark.parametrize(("rule", "example"), _fix_cases())
def test_fix_gives_the_expected_source(tmp_path: Path, rule: Type[Rule], example: Example) -> None:
    write_tree(tmp_path, example.files)
    config = _config(tmp_path, rule, example)
    outcome = fix_paths(
        config, [str(tmp_path)], RunOptions(jobs=1), unsafe=example.unsafe, codes={rule.code}
    )
    assert outcome.problems == []
    for path, expected in example.fixed.items():
        actual = (tmp_path / path).read_text(encoding="utf-8")
        assert actual == expected, f"{path} after --fix"
        cst.parse_module(actual)
    for path, source in example.files.items():
        if path not in example.fixed:
            assert (tmp_path / path).read_text(encoding="utf-8") == source, f"{path} changed"

    # Re-checked, the fixed files hold no finding of the rule that the fix run would fix: the
    # ones left are those the rule offers no fix for (the example's note says why).
    after = run(config, [str(tmp_path)], RunOptions(jobs=1))
    left = [
        (v.path, v.location.line, v.message)
        for v in after.violations
        if v.code == rule.code and v.path in example.fixed and fixable(v, example.unsafe)
    ]
    assert left == [], "the fixed file still has fixable findings of the rule"
    fixed_count = len(example.expect) - sum(
        1 for v in after.violations if v.code == rule.code and v.path in example.fixed
    )
    assert outcome.fixed >= fixed_count > 0


@pytest.mark.parametrize(("rule", "example"), _fix_cases())
def test_fix_is_idempotent(tmp_path: Path, rule: Type[Rule], example: Example) -> None:
    write_tree(tmp_path, {path: source for path, source in example.files.items()})
    write_tree(tmp_path, example.fixed)
    config = _config(tmp_path, rule, example)
    outcome = fix_paths(
        config, [str(tmp_path)], RunOptions(jobs=1), unsafe=example.unsafe, codes={rule.code}
    )
    assert outcome.changes == []


def test_fixed_examples_belong_to_fixable_rules() -> None:
    wrong = [
        rule.code
        for rule in all_rules()
        if rule.fix is None and any(example.fixed for example in rule.INVALID)
    ]
    assert wrong == []


#: Fixable rules whose INVALID examples do not show the fixed source yet (tested elsewhere).
_NO_FIXED_EXAMPLE_YET = {"CNF902"}  # tests/test_fixes.py covers its fix in detail


def test_every_fixable_rule_shows_its_fix() -> None:
    missing = [
        rule.code
        for rule in all_rules()
        if rule.fix is not None
        and rule.code not in _NO_FIXED_EXAMPLE_YET
        and not any(example.fixed for example in rule.INVALID)
    ]
    assert missing == [], "add `fixed=` (the expected source after --fix) to an INVALID example"
