"""``conformance mcp`` through the official MCP SDK's own client over stdio: the server is a real
subprocess, every call goes through the protocol."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from conformance.edits import apply_edits
from tests.agent_tree import FILES, OVERLAP_WARNING, agent_tree, edits_of, with_overlapping_roles
from tests.conftest import REPO_ROOT, write_tree

if sys.version_info < (3, 10):
    pytest.skip("the MCP SDK (the mcp extra) needs Python >= 3.10", allow_module_level=True)
mcp = pytest.importorskip("mcp", reason="the mcp extra is not installed")

from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402

Call = Tuple[str, Dict[str, Any]]


async def _session(root: Path, calls: List[Call]) -> Tuple[List[str], List[Any]]:
    env = {
        "PYTHONPATH": str(REPO_ROOT),
        "CONFORMANCE_CACHE_DIR": str(root / ".test-cache"),
    }
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "conformance", "mcp"], cwd=str(root), env=env
    )
    with open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = [tool.name for tool in (await session.list_tools()).tools]
                results = [await session.call_tool(name, arguments) for name, arguments in calls]
    return tools, results


def talk(root: Path, *calls: Call) -> Tuple[List[str], List[Any]]:
    return asyncio.run(asyncio.wait_for(_session(root, list(calls)), timeout=240))


def is_error(result: Any) -> bool:
    """``is_error`` in mcp 2, ``isError`` in mcp 1."""
    return bool(getattr(result, "is_error", None) or getattr(result, "isError", False))


def payload(result: Any) -> Any:
    assert not is_error(result), result.content
    text = "".join(part.text for part in result.content if getattr(part, "type", "") == "text")
    try:
        return json.loads(text)
    except ValueError:
        return text


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return agent_tree(tmp_path / "repo")


def test_tools_and_check_with_fix_edits(tree: Path) -> None:
    tools, (checked, one_file) = talk(
        tree, ("check", {}), ("check", {"paths": ["cpv3/modules/users/models.py"]})
    )
    assert sorted(tools) == ["check", "explain", "fix", "rules"]
    report = payload(checked)
    assert report["summary"]["findings"] == 5 and report["summary"]["fixable"] == 5
    column = next(f for f in report["findings"] if f["code"] == "CNF503")
    assert (column["path"], column["line"], column["column"]) == (
        "cpv3/modules/users/models.py",
        13,
        12,
    )
    fixed = apply_edits(FILES[column["path"]], edits_of(column))
    assert "name = mapped_column(String(64), nullable=False)" in fixed
    # A file brings its module package, as on the command line.
    assert payload(one_file)["summary"]["findings"] == 5
    assert (report["warnings"], report["problems"]) == ([], [])  # nothing the check cannot see


def test_check_says_the_projects_warnings_and_problems(tree: Path) -> None:
    with_overlapping_roles(tree)
    _, (checked,) = talk(tree, ("check", {}))
    report = payload(checked)
    assert (report["warnings"], report["problems"]) == ([OVERLAP_WARNING], [])
    assert report["summary"]["findings"] > 0  # the findings all the same
    # a configuration mistake only the tree shows (the command line exits 2): the findings,
    # and what to correct
    write_tree(tree, {"pyproject.toml": '[tool.conformance]\nmodules = ["app/modules/*"]\n'})
    _, (mistaken,) = talk(tree, ("check", {}))
    report = payload(mistaken)
    assert report["problems"] == [
        "pyproject.toml: [tool.conformance].modules: 'app/modules/*' matches no folder with"
        " Python files (`conformance init` proposes globs for this tree)"
    ]


def test_explain_and_rules(tree: Path) -> None:
    _, (rule, family, rules, unknown) = talk(
        tree,
        ("explain", {"rule": "CNF503"}),
        ("explain", {"rule": "CNF5"}),
        ("rules", {}),
        ("explain", {"rule": "CNF000"}),
    )
    assert payload(rule).startswith("# CNF503 `column-in-orm-class`")
    assert payload(family).startswith("# CNF5: SQLAlchemy 2.0 async")
    listed = payload(rules)["rules"]
    assert any(r["code"] == "CNF503" and r["fix"] == "safe" for r in listed)
    assert is_error(unknown)
    assert "unknown rule 'CNF000'" in unknown.content[0].text


def test_fix_dry_run_then_apply(tree: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(tree, reference)
    _, (preview, applied, after) = talk(
        tree,
        ("fix", {"paths": ["cpv3/modules/users/models.py"]}),
        ("fix", {"paths": ["cpv3/modules/users/models.py"], "dry_run": False}),
        ("check", {"paths": ["cpv3/modules/users/models.py"]}),
    )
    diff = payload(preview)
    assert diff["applied"] is False and diff["fixed"] >= 1
    assert "+    name = mapped_column(String(64), nullable=False)" in diff["diff"]
    assert "cpv3/modules/users/models.py" in diff["files"]
    done = payload(applied)
    assert done["applied"] is True and "cpv3/modules/users/models.py" in done["files"]
    assert payload(after)["summary"]["fixable"] == 0
    written = (tree / "cpv3/modules/users/models.py").read_text(encoding="utf-8")
    assert "name = mapped_column(String(64), nullable=False)" in written


def test_a_missing_path_is_a_tool_error(tree: Path) -> None:
    _, (missing,) = talk(tree, ("check", {"paths": ["nope"]}))
    assert is_error(missing) and "nope: no such file or folder" in missing.content[0].text
