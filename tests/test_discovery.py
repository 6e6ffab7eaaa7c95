"""Discovery: which files are checked, which folders are module packages, roles and module names."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, List, Optional

import pytest

from conformance import discovery
from conformance.config import validate
from conformance.discovery import config_and_layout, discover, module_name
from conformance.model import Layout
from conformance.roles import RoleMatcher
from conformance.session import Session

from .conftest import git_init, run_main, write_tree


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


# -- source roots found once, from the one discovery the run reuses --------------------------------


class Spy:
    """Counts the calls of a function of conformance.discovery (replaced by monkeypatch)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.calls: List[Any] = []
        original = getattr(discovery, name)

        def spy(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(args)
            return original(*args, **kwargs)

        monkeypatch.setattr(discovery, name, spy)


def default_roots_tree(root: Path) -> Path:
    write_tree(
        root,
        {
            "pyproject.toml": "[project]\nname = 'demo'\n",
            "cpv3/__init__.py": "",
            "cpv3/modules/__init__.py": "",
            "cpv3/modules/users/__init__.py": "",
            "cpv3/modules/users/service.py": "from cpv3.modules.users import repository\n",
            "cpv3/modules/users/repository.py": "",
        },
    )
    git_init(root)
    return root


def test_packages_at_the_default_roots_are_not_read_and_the_tree_is_walked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = default_roots_tree(tmp_path)
    reads = Spy(monkeypatch, "read_source")
    walks = Spy(monkeypatch, "discover")
    result = run_main(["check", "--no-cache", "--format", "concise"], root)
    assert result.returncode in (0, 1), result.stderr
    # no package that a root could be found for: no file read to scan imports, and the
    # layout the roots were found with is the run's
    assert reads.calls == []
    assert len(walks.calls) == 1
    # a run of a folder walks that folder, and the whole project once
    run_main(["check", "--no-cache", "--format", "concise", "cpv3/modules/users"], root)
    assert [len(call[1]) for call in walks.calls[1:]] == [1, 1]
    assert reads.calls == []


def test_a_session_reuses_a_layout_only_in_the_check_that_loaded_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = default_roots_tree(tmp_path)
    walks = Spy(monkeypatch, "discover")
    session = Session(cache=False, incremental=True)
    (first,) = session.check([str(root)])
    assert len(walks.calls) == 1
    # a file added between checks (the language server lives on): the next check sees it
    (root / "cpv3/modules/users/router.py").write_text("", encoding="utf-8")
    (second,) = session.check([str(root)])
    assert "cpv3/modules/users/router.py" in {f.path for f in second.result.layout.files}
    assert "cpv3/modules/users/router.py" not in {f.path for f in first.result.layout.files}
    assert len(walks.calls) == 2


def test_a_root_found_from_the_imports_keeps_the_one_discovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "server/polar/__init__.py": "",
        "server/polar/auth/__init__.py": "",
        "server/polar/auth/service.py": "",
        "server/polar/auth/router.py": "from polar.auth import service\n",
        "server/tools/notes.py": "polar = 1\n",  # the name, but no import of it
        "server/tools/zz_late.py": "import polar\n",  # after the first importer: not read
    }
    write_tree(tmp_path, files)
    config = validate({"modules": ["server/polar/*"]}, root=str(tmp_path), source=None)
    reads = Spy(monkeypatch, "read_source")
    found, layout = config_and_layout(config)
    assert found.src == (".", "src", "server")
    assert found.source_warnings == ()
    # the layout of the found roots, without a second walk: what discovery lists under them
    assert layout == discover(found, [str(tmp_path)])
    assert dict((f.path, f.module) for f in layout.files)["server/polar/auth/router.py"] == (
        "polar.auth.router"
    )
    # read in path order until every package looked for has its importer
    read = [os.path.relpath(call[0], tmp_path).replace(os.sep, "/") for call in reads.calls]
    assert read == sorted(read) and "server/tools/zz_late.py" not in read
    assert "server/polar/auth/router.py" in read
