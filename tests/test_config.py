"""Configuration: discovery of the config file, validation, defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest

from conformance.config import ConfigError, find_config, load_config, validate
from conformance.engine import analysis_digest

from .conftest import write_tree


def test_nearest_pyproject_with_a_conformance_table_wins(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": "[tool.conformance]\nmodules = ['app/*']\n",
            "sub/pyproject.toml": "[project]\nname = 'inner'\n",
            "sub/pkg/x.py": "",
        },
    )
    root, config_file = find_config(str(tmp_path / "sub" / "pkg" / "x.py"))
    assert root == str(tmp_path)
    assert config_file == str(tmp_path / "pyproject.toml")
    assert load_config(root, config_file).modules == ("app/*",)


def test_without_a_table_the_root_is_the_nearest_project_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n", "a/b.py": ""})
    root, config_file = find_config(str(tmp_path / "a"))
    assert (root, config_file) == (str(tmp_path), None)
    assert load_config(root, None).modules == ("cpv3/modules/*",)


def test_defaults_are_the_cpv3_convention() -> None:
    config = validate({}, root=".", source=None)
    assert config.required_files[0] == "__init__.py" and len(config.required_files) == 6
    assert dict(config.layers)["router"] == ("service", "schemas")
    assert config.role_map()["repository"] == ("repository.py",)


def test_problems_are_collected_not_raised_one_by_one() -> None:
    with pytest.raises(ConfigError) as caught:
        validate(
            {"selct": ["ALL"], "ignore": "CNF1", "layers": {"router": ["nothing"]}},
            root=".",
            source=None,
        )
    problems = caught.value.problems
    assert len(problems) == 3
    assert any("did you mean 'select'" in p for p in problems)


def test_family_options_are_validated() -> None:
    with pytest.raises(ConfigError) as caught:
        validate({"router-name": 3}, root=".", source=None)
    assert "router-name must be a string, got an integer" in caught.value.problems[0]
    assert validate({"router-name": "api"}, root=".", source=None).option("router-name") == "api"


def test_analysis_digest_changes_with_anything_that_changes_findings() -> None:
    def digest(table: Dict[str, Any]) -> str:
        return analysis_digest(validate(table, root=".", source=None), ("CNF101",), ("cpv3",))

    assert digest({}) == digest({})
    assert digest({}) != digest({"ignore": ["CNF101"]})
    assert digest({}) != digest({"router-name": "api"})
