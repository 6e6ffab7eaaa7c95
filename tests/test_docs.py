"""Rule metadata and generated documentation stay complete and current."""

from __future__ import annotations

import re
from pathlib import Path

from conformance.docs import expected_pages
from conformance.rules import all_rules
from conformance.rules.base import DOC_SECTIONS

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

FAMILY_OF_MODULE = {
    "structure": "CNF1",
    "layering": "CNF2",
    "fastapi": "CNF3",
    "pydantic": "CNF4",
    "sqlalchemy": "CNF5",
    "checker": "CNF9",
}


def test_generated_rule_pages_are_current() -> None:
    """`python -m conformance.docs rules` regenerates them; commit the result."""
    expected = expected_pages()
    actual = {p.name: p.read_text(encoding="utf-8") for p in RULES_DIR.glob("*.md")}
    stale = sorted(name for name in expected if actual.get(name) != expected[name])
    extra = sorted(set(actual) - set(expected))
    assert (stale, extra) == ([], []), "run `python -m conformance.docs rules`"


def test_codes_and_names_are_unique_well_formed_and_in_their_family() -> None:
    rules = all_rules()
    codes = [r.code for r in rules]
    names = [r.name for r in rules]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    for rule in rules:
        assert re.fullmatch(r"CNF[1-9]\d\d", rule.code), rule.code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        family = rule.__module__.split(".")[2]
        assert rule.code.startswith(FAMILY_OF_MODULE[family]), (rule.code, family)
        assert rule.summary and rule.fix_hint, rule.code


def test_every_rule_documents_every_section_in_order() -> None:
    for rule in all_rules():
        docs = rule.docs()
        positions = [docs.find(f"## {section}") for section in DOC_SECTIONS]
        assert -1 not in positions, (rule.code, "missing section")
        assert positions == sorted(positions), (rule.code, "sections out of order")


def test_every_rule_names_its_catalog_entry_except_the_checkers_own() -> None:
    for rule in all_rules():
        if rule.code.startswith("CNF9"):
            continue
        assert re.fullmatch(r"(STR|LAY|DI|API|PV|SA)\d{3}|-", rule.catalog), rule.code
