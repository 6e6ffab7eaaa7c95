"""The generated rule table (``conformance/rules/_registry.py``): current, loud when stale, and
selecting exactly as the rule classes say (ALL, prefixes, opt-in rules only by exact code or
name, the more specific of select and ignore winning, unknown selectors refused)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Sequence

import pytest

from conformance.docs import REGISTRY_FILE, registry_source, write_registry
from conformance.rules import (
    find,
    lookup,
    scan_options,
    scan_rules,
    selected,
    selected_specs,
    specs,
    unknown_selectors,
)
from conformance.rules.spec import spec_of
from conformance.rules.structure.sql_outside_repository import SqlOutsideRepository

from .conftest import run_main, write_tree


def codes(
    select: Sequence[str], ignore: Sequence[str] = (), extend: Sequence[str] = ()
) -> List[str]:
    return [spec.code for spec in selected_specs(select, ignore, extend)]


def test_the_rule_table_is_what_the_generator_writes() -> None:
    """`python -m conformance.docs` rewrites it with the pages; commit the result."""
    with open(REGISTRY_FILE, encoding="utf-8") as handle:
        assert handle.read() == registry_source(), "run `python -m conformance.docs`"


def test_the_table_holds_every_rule_class_and_family_option_as_they_are() -> None:
    assert list(specs()) == [spec_of(rule) for rule in scan_rules()]
    from conformance.rules import all_options

    assert all_options() == scan_options()


def test_a_rule_changed_without_regenerating_fails_the_check_and_its_loading(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(SqlOutsideRepository, "default", False)
    with open(REGISTRY_FILE, encoding="utf-8") as handle:
        assert handle.read() != registry_source()
    with pytest.raises(RuntimeError, match=r"_registry\.py is stale"):
        find("CNF113").load()
    target = tmp_path / "_registry.py"
    assert write_registry(str(target))
    row = next(line for line in target.read_text(encoding="utf-8").splitlines() if "CNF113" in line)
    assert "'sql-outside-repository'" in row and "'file', False," in row
    assert not write_registry(str(target))  # unchanged: not written again


def test_all_selects_the_default_rules_and_no_opt_in_one() -> None:
    everything = codes(["ALL"])
    assert everything == [rule.code for rule in scan_rules() if rule.default]
    assert "CNF113" in everything and "CNF114" not in everything  # CNF114 is opt-in
    assert codes(["CNF"]) == everything


def test_a_prefix_selects_its_default_rules_and_an_exact_code_or_name_an_opt_in_one() -> None:
    structure = codes(["CNF1"])
    assert structure and all(code.startswith("CNF1") for code in structure)
    assert "CNF114" not in structure and "CNF115" not in structure
    assert codes(["CNF114"]) == ["CNF114"]
    assert codes(["class-naming"]) == ["CNF114"]
    assert "CNF114" in codes(["ALL"], extend=["cnf114"])
    assert codes(["cnf11"]) == [c for c in structure if c.startswith("CNF11")]


def test_the_more_specific_of_select_and_ignore_wins_and_a_tie_ignores() -> None:
    assert "CNF113" not in codes(["CNF1"], ["CNF11"])
    assert "CNF113" in codes(["CNF113"], ["CNF1"])
    assert "CNF113" in codes(["CNF11"], ["CNF1"])
    assert "CNF113" not in codes(["CNF11"], ["CNF11"])
    assert "CNF113" not in codes(["CNF113"], ["sql-outside-repository"])
    assert codes(["ALL"], ["ALL"]) == []


def test_selected_and_lookup_give_the_classes_of_the_rows() -> None:
    assert [rule.code for rule in selected(["CNF11"], ["CNF112"])] == codes(["CNF11"], ["CNF112"])
    assert lookup("cnf113") is SqlOutsideRepository
    assert lookup(" sql-outside-repository ") is SqlOutsideRepository
    with pytest.raises(KeyError):
        lookup("CNF999")
    with pytest.raises(KeyError):
        lookup("SQL-OUTSIDE-REPOSITORY")  # names are exact, codes are not case-sensitive


def test_unknown_selectors_are_the_ones_matching_no_rule() -> None:
    assert unknown_selectors(["ALL", "CNF1", "CNF999", "cnf113", "nope", "class-naming"]) == [
        "CNF999",
        "nope",
    ]
    assert unknown_selectors(["CNF7"]) == ["CNF7"]


def test_a_check_reports_opt_in_rules_only_when_named(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    files = {f"cpv3/modules/users/{n}": "" for n in ("__init__.py", "models.py", "schemas.py")}
    files.update({f"cpv3/modules/users/{n}": "" for n in ("router.py", "service.py")})
    files["cpv3/__init__.py"] = ""
    files["cpv3/modules/users/repository.py"] = (
        "import abc\n\n\nclass UserStore(abc.ABC):\n    pass\n"
    )
    write_tree(tmp_path, files)

    def found(*args: str) -> List[str]:
        result = run_main(["check", "--format", "concise", "--no-cache", *args], tmp_path)
        assert result.returncode in (0, 1), result.stderr
        return sorted({line.split()[1] for line in result.stdout.splitlines() if ": CNF" in line})

    assert "CNF114" not in found("--select", "ALL")
    assert found("--select", "CNF114") == ["CNF114"]
    assert found("--select", "class-naming") == ["CNF114"]
    assert "CNF114" in found("--select", "CNF1", "--extend-select", "class-naming")
    assert found("--select", "CNF114", "--ignore", "CNF1") == ["CNF114"]
    assert "CNF114" not in found("--select", "CNF114", "--ignore", "class-naming")
    refused = run_main(["check", "--select", "CNF118"], tmp_path)
    assert refused.returncode == 2 and "CNF118" in refused.stderr
