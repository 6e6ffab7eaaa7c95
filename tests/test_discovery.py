"""Discovery: which files are checked, which folders are module packages, roles and module names."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from conformance.config import validate
from conformance.discovery import discover, module_name
from conformance.model import Layout
from conformance.roles import RoleMatcher

from .conftest import write_tree


def layout_of(root: Path, table: Optional[dict] = None, paths: Optional[list] = None) -> Layout:
    config = validate(table or {}, root=str(root), source=None)
    return discover(config, [str(p) for p in (paths or [root])])


def test_module_packages_roles_and_names(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "cpv3/__init__.py": "",
            "cpv3/modules/users/__init__.py": "",
            "cpv3/modules/users/router.py": "",
            "cpv3/modules/users/utils.py": "",
            "cpv3/core/db.py": "",
        },
    )
    layout = layout_of(tmp_path)
    by_path = {f.path: f for f in layout.files}
    assert [p.name for p in layout.packages] == ["users"]
    assert by_path["cpv3/modules/users/router.py"].role == "router"
    assert by_path["cpv3/modules/users/router.py"].feature == "users"
    assert by_path["cpv3/modules/users/utils.py"].role is None
    assert by_path["cpv3/modules/users/utils.py"].feature == "users"
    assert by_path["cpv3/core/db.py"].module == "cpv3.core.db"
    assert by_path["cpv3/modules/users/__init__.py"].module == "cpv3.modules.users"
    assert by_path["cpv3/modules/users/__init__.py"].is_package


def test_src_layout_module_names() -> None:
    assert module_name("src/app/x.py", (".", "src")) == ("app.x", False)
    assert module_name("app/x/__init__.py", (".", "src")) == ("app.x", True)


def test_excludes_gitignore_hidden_venv_and_symlinks(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_tree(outside, {"leak.py": ""})
    root = tmp_path / "proj"
    write_tree(
        root,
        {
            "app/a.py": "",
            "app/migrations/0001.py": "",
            "app/generated/g.py": "",
            "app/.hidden/h.py": "",
            "env/pyvenv.cfg": "",
            "env/lib/site.py": "",
            "scripts/s.py": "",
            ".gitignore": "generated/\n",
        },
    )
    os.symlink(outside, root / "app" / "link")
    layout = layout_of(root, {"extend-exclude": ["scripts/"]})
    assert [f.path for f in layout.files] == ["app/a.py"]
    unrespected = layout_of(root, {"respect-gitignore": False})
    assert "app/generated/g.py" in [f.path for f in unrespected.files]


def test_a_file_in_a_module_brings_its_package(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "cpv3/modules/users/router.py": "",
            "cpv3/modules/users/service.py": "",
            "cpv3/modules/orders/router.py": "",
        },
    )
    layout = layout_of(tmp_path, paths=[tmp_path / "cpv3/modules/users/router.py"])
    assert [f.path for f in layout.files] == [
        "cpv3/modules/users/router.py",
        "cpv3/modules/users/service.py",
    ]
    assert [p.name for p in layout.packages] == ["users"]


def test_roles_by_path_outside_modules(tmp_path: Path) -> None:
    config = validate(
        {"roles": {"models": ["models.py", "app/models/**"], "schemas": "schemas.py"}},
        root=str(tmp_path),
        source=None,
    )
    matcher = RoleMatcher(config)
    assert matcher.for_path("app/models/user.py") == ("models", None)
    assert matcher.for_path("cpv3/modules/users/models.py") == ("models", "users")
    assert matcher.for_module("cpv3.modules.users.schemas") == ("schemas", "users")
    assert matcher.for_module("cpv3.core.db") == (None, None)


def test_stray_files_in_the_modules_root(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "cpv3/modules/__init__.py": "",
            "cpv3/modules/helpers.py": "",
            "cpv3/modules/users/__init__.py": "",
            "cpv3/modules/orders/__init__.py": "",
        },
    )
    layout = layout_of(tmp_path)
    assert layout.modules_root_files == ("cpv3/modules/helpers.py",)


def test_excludes_as_one_expression_answer_as_pathspec_does() -> None:
    """Discovery matches the excludes as one regular expression when no pattern negates: on
    random paths it must answer exactly as pathspec's gitignore matching, files and folders."""
    import random

    import pathspec

    from conformance.discovery import _Matcher
    from conformance.settings import DEFAULT_EXCLUDE

    lines = [*DEFAULT_EXCLUDE, "*.gen.py", "docs/", "/top.py", "a/**/b", "x?y", "[ab]c.py"]
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    fast = _Matcher(spec)
    assert fast.regex is not None
    parts = ["a", "b", "build", "docs", "migrations", "alembic", "versions", "x1y", "ac.py"]
    parts += ["top.py", "m.gen.py", "venv", "node_modules", "src", ".git", "c.py"]
    rng = random.Random(0)
    for _ in range(5000):
        path = "/".join(rng.choice(parts) for _ in range(rng.randint(1, 5)))
        for probe in (path, path + "/"):
            assert fast.match_file(probe) == bool(spec.match_file(probe)), probe
    negating = _Matcher(pathspec.GitIgnoreSpec.from_lines(["build", "!build/keep.py"]))
    assert negating.regex is None  # falls back to pathspec, which handles negation
    assert not negating.match_file("build/keep.py") and negating.match_file("build/x.py")
