"""Rule metadata and generated documentation stay complete and current."""

from __future__ import annotations

import re
from pathlib import Path

from conformance.docs import expected_pages
from conformance.rules import FAMILIES, all_rules
from conformance.rules.base import DOC_SECTIONS

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

FAMILY_OF_MODULE = {family.package: family.prefix for family in FAMILIES}


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


def test_one_rule_per_module_named_after_the_rule_in_its_family_package() -> None:
    """A newcomer finds CNF430 in `rules/pydantic/pydantic_dict_method.py`: the family package,
    then the rule's name with `-` as `_`; no module holds two rules."""
    import importlib
    import inspect
    import pkgutil

    from conformance.rules.base import Rule

    package_root = Path(__file__).resolve().parent.parent / "conformance" / "rules"
    seen = set()
    for rule in all_rules():
        parts = rule.__module__.split(".")
        assert parts[:2] == ["conformance", "rules"] and len(parts) == 4, rule.__module__
        family, stem = parts[2], parts[3]
        assert rule.code.startswith(FAMILY_OF_MODULE[family]), (rule.code, family)
        assert stem == rule.name.replace("-", "_"), (rule.code, stem)
        assert Path(inspect.getfile(rule)) == package_root / family / f"{stem}.py"
        seen.add(rule.__module__)
    packages = sorted(p.parent.name for p in package_root.glob("*/__init__.py"))
    assert packages == sorted(FAMILY_OF_MODULE), "every family package is in FAMILIES"
    for family in FAMILY_OF_MODULE:
        package = importlib.import_module(f"conformance.rules.{family}")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            rules = [
                value
                for value in vars(module).values()
                if isinstance(value, type)
                and issubclass(value, Rule)
                and value.__module__ == module.__name__
                and getattr(value, "code", "")
            ]
            assert len(rules) == 1, (module.__name__, [r.code for r in rules])
            assert module.__name__ in seen


def test_sections_the_attributes_say_are_written_from_them_not_by_hand() -> None:
    """A docstring leaves out `## Fix` when there is no fix and `## Options` when the rule reads
    none (or declares them in `options`); the docs still show every section."""
    for rule in all_rules():
        source = re.sub(r"\s+", " ", rule.__doc__ or "")
        assert "## Fix None. ##" not in source and not source.rstrip().endswith(
            "## Options None."
        ), rule.code
        docs = rule.docs()
        if "## Fix" not in (rule.__doc__ or ""):
            assert rule.fix is None and "## Fix\nNone.\n" in docs, rule.code
        for option in rule.options:
            assert f"- `{option.key}` (default " in docs.split("## Options", 1)[1], rule.code


def test_a_rule_with_options_lists_their_keys_defaults_and_docs() -> None:
    rule = next(r for r in all_rules() if r.code == "CNF112")
    options = rule.docs().split("## Options\n", 1)[1]
    assert options.startswith('- `router-name` (default `"router"`): Name of the module-level')


def test_pages_name_the_rules_source_file_and_no_internal_catalog_id() -> None:
    root = Path(__file__).resolve().parent.parent
    catalog_id = re.compile(r"\b(STR|LAY|DI|API|PV|SA)\d{3}\b")
    pages = expected_pages()
    for rule in all_rules():
        text = pages[f"{rule.code}.md"]
        found = re.search(r"^- Source: `([^`]+)`$", text, re.MULTILINE)
        assert found and (root / found.group(1)).is_file(), rule.code
        assert found.group(1).endswith("/" + rule.name.replace("-", "_") + ".py"), rule.code
        assert not catalog_id.search(text), (rule.code, catalog_id.search(text))
