"""Every rule's VALID and INVALID examples, run through the real engine (Fixit's model).

An INVALID example pins each finding of the rule: path, line, column and the exact message. A
VALID example must produce no finding of the rule. The whole default rule set runs alongside, as
in a real run, so that interactions (superseded findings, suppressions) are exercised too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Type

import pytest

from conformance.config import validate
from conformance.diagnostics import Violation
from conformance.engine import RunOptions, run
from conformance.rules import all_rules
from conformance.rules.base import Example, Rule
from tests.conftest import PLACEHOLDER, shared_words, write_tree

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

Finding = Tuple[str, Optional[int], Optional[int], str]


def _cases(kind: str) -> List[object]:
    cases = []
    for rule in all_rules():
        for number, example in enumerate(getattr(rule, kind)):
            cases.append(pytest.param(rule, example, id=f"{rule.code}-{rule.name}-{number}"))
    return cases


#: the violations of each example already run in this process (two tests read each INVALID one)
_RUNS: Dict[Tuple[str, int], List[Violation]] = {}


def violations_of(tmp_path: Path, rule: Type[Rule], example: Example) -> List[Violation]:
    """Write the example tree, run the checker with the rule selected, return its violations."""
    key = (rule.code, id(example))
    if key not in _RUNS:
        write_tree(tmp_path, example.files)
        table = tomllib.loads(example.config) if example.config else {}
        table.setdefault("extend-select", [])
        table["extend-select"] = list(table["extend-select"]) + [rule.code]
        config = validate(table, root=str(tmp_path), source=None)
        result = run(config, [str(tmp_path)], RunOptions(jobs=1))
        _RUNS[key] = [v for v in result.violations if v.code == rule.code]
    return _RUNS[key]


def findings_of(tmp_path: Path, rule: Type[Rule], example: Example) -> List[Finding]:
    """The example's findings of the rule: path, line, column, message."""
    return sorted(
        (v.path, v.location.line, v.location.column, v.message)
        for v in violations_of(tmp_path, rule, example)
    )


@pytest.mark.parametrize(("rule", "example"), _cases("VALID"))
def test_valid_example_has_no_finding(tmp_path: Path, rule: Type[Rule], example: Example) -> None:
    assert findings_of(tmp_path, rule, example) == []


@pytest.mark.parametrize(("rule", "example"), _cases("INVALID"))
def test_invalid_example_has_exactly_the_expected_findings(
    tmp_path: Path, rule: Type[Rule], example: Example
) -> None:
    first_path = next(iter(example.files))
    expected = sorted((e.path or first_path, e.line, e.column, e.message) for e in example.expect)
    assert expected, "an INVALID example must expect at least one finding"
    assert findings_of(tmp_path, rule, example) == expected


def test_every_rule_has_examples_of_both_kinds() -> None:
    missing = [r.code for r in all_rules() if not r.VALID or not r.INVALID]
    assert missing == []


@pytest.mark.parametrize(("rule", "example"), _cases("INVALID"))
def test_help_says_how_to_fix_without_repeating_the_message(
    tmp_path: Path, rule: Type[Rule], example: Example
) -> None:
    """The message says what is wrong with the code's names, the help line how to fix it: a help
    that repeats the message's words is noise under it, a made-up name (TheService) confuses."""
    for violation in violations_of(tmp_path, rule, example):
        hint, message = violation.fix_hint, violation.message
        assert hint, f"{rule.code}: no help for {message!r}"
        assert shared_words(message, hint) is None, (message, hint, shared_words(message, hint))
        assert not PLACEHOLDER.search(hint), hint
