"""Real layouts through the real CLI in temporary git repositories: where printed paths are
relative to, one configuration per project in a monorepo, SARIF identities."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, List

from .conftest import git_init, run_cli, write_tree

SIX = ("__init__.py", "models.py", "schemas.py", "repository.py", "service.py", "router.py")
ROUTER = 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/x", tags=["x"])\n'
QUERY = "from sqlalchemy import select\n\n\ndef names():\n    return select(1), select(1)\n"


def module(prefix: str, name: str, extra: Dict[str, str] = {}) -> Dict[str, str]:  # noqa: B006
    files = {f"{prefix}/{name}/{file}": "" for file in SIX}
    files[f"{prefix}/{name}/router.py"] = ROUTER
    files.update({f"{prefix}/{name}/{k}": v for k, v in extra.items()})
    return files


def monorepo(root: Path) -> Path:
    """The layout this project was made for: the backend in a sub-folder of a monorepo, its
    configuration in the sub-folder, other apps beside it."""
    files: Dict[str, str] = {
        "cofee_backend/pyproject.toml": (
            '[project]\nname = "backend"\n\n[tool.conformance]\nselect = ["CNF1"]\n'
        ),
        "cofee_backend/cpv3/__init__.py": "",
        "frontend/tools/build.py": "print('not a backend')\n",
        ".pre-commit-config.yaml": "repos: []\n",
    }
    files.update(module("cofee_backend/cpv3/modules", "users", {"utils.py": "x = 1\n"}))
    files.update(module("cofee_backend/cpv3/modules", "billing"))
    write_tree(root, files)
    (root / "cofee_backend/cpv3/modules/billing/service.py").unlink()
    git_init(root)
    return root


def concise(result_stdout: str) -> List[str]:
    return [line.split(": ", 1)[0] for line in result_stdout.splitlines()]


def test_a_monorepo_root_run_uses_the_backends_configuration(tmp_path: Path) -> None:
    root = monorepo(tmp_path)
    result = run_cli(["check", "--format", "concise"], root)
    assert result.returncode == 1, result.stderr
    assert concise(result.stdout) == [
        "cofee_backend/cpv3/modules/billing/__init__.py",
        "cofee_backend/cpv3/modules/users/utils.py",
    ]
    # only CNF1 is selected in the backend's configuration: its settings were used
    assert all(" CNF1" in line for line in result.stdout.splitlines())
    # every path exists from the cwd (the missing service.py is reported at __init__.py)
    for path in concise(result.stdout):
        assert (root / path).is_file(), path
    assert "no module package" not in result.stderr


def test_paths_are_relative_to_the_cwd_in_every_human_format(tmp_path: Path) -> None:
    root = monorepo(tmp_path)
    cwd = root / "cofee_backend" / "cpv3"
    result = run_cli(["check", "--format", "concise", "."], cwd)
    assert concise(result.stdout) == ["modules/billing/__init__.py", "modules/users/utils.py"]

    document = json.loads(run_cli(["check", "--format", "json", "."], cwd).stdout)
    assert document["base"] == str(cwd.resolve())
    assert [f["path"] for f in document["findings"]] == concise(result.stdout)
    assert os.path.isfile(os.path.join(document["base"], document["findings"][1]["path"]))

    github = run_cli(["check", "--format", "github", "."], cwd).stdout
    assert "file=modules/users/utils.py" in github
    junit = run_cli(["check", "--format", "junit", "."], cwd).stdout
    assert 'name="modules/users/utils.py"' in junit
    text = run_cli(["check", "."], cwd).stdout
    assert "modules/users/utils.py" in text and "cofee_backend/" not in text

    # a path outside the cwd is printed with ..
    outside = run_cli(["check", "--format", "concise", "../users"], cwd / "modules" / "billing")
    assert concise(outside.stdout) == ["../users/utils.py"]


def test_sarif_and_gitlab_paths_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    root = monorepo(tmp_path)
    cwd = root / "cofee_backend"
    sarif = json.loads(run_cli(["check", "--format", "sarif"], cwd).stdout)
    run = sarif["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == root.resolve().as_uri() + "/"
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert [u["uri"] for u in uris] == [
        "cofee_backend/cpv3/modules/billing/__init__.py",
        "cofee_backend/cpv3/modules/users/utils.py",
    ]
    assert all(u["uriBaseId"] == "%SRCROOT%" for u in uris)
    assert (root / uris[1]["uri"]).is_file()

    gitlab = json.loads(run_cli(["check", "--format", "gitlab"], cwd / "cpv3").stdout)
    assert [item["location"]["path"] for item in gitlab] == [u["uri"] for u in uris]


def test_each_project_of_a_monorepo_is_checked_with_its_own_settings(tmp_path: Path) -> None:
    files: Dict[str, str] = {
        "a/pyproject.toml": '[tool.conformance]\nallowed-extra-files = ["utils.py"]\n',
        "b/conformance.toml": 'select = ["CNF102"]\n',
    }
    files.update(module("a/cpv3/modules", "users", {"utils.py": "x = 1\n"}))
    files.update(module("b/cpv3/modules", "users", {"utils.py": "x = 1\n"}))
    write_tree(tmp_path, files)
    git_init(tmp_path)
    result = run_cli(["check", "--format", "concise"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert concise(result.stdout) == ["b/cpv3/modules/users/utils.py"]
    settings = run_cli(["check", "--show-settings"], tmp_path).stdout
    assert "# configuration file: a/pyproject.toml" in settings
    assert "# configuration file: b/conformance.toml" in settings


def test_a_nested_project_is_not_checked_as_part_of_its_parent(tmp_path: Path) -> None:
    files: Dict[str, str] = {
        "pyproject.toml": '[tool.conformance]\nmodules = ["app/modules/*"]\n',
        "services/worker/pyproject.toml": '[tool.conformance]\nselect = ["CNF102"]\n',
    }
    files.update(module("app/modules", "users"))
    files.update(module("services/worker/cpv3/modules", "jobs", {"extra.py": "x = 1\n"}))
    write_tree(tmp_path, files)
    git_init(tmp_path)
    listing = run_cli(["check", "--show-files"], tmp_path).stdout.splitlines()
    assert "module package: app/modules/users" in listing
    assert "module package: services/worker/cpv3/modules/jobs" in listing
    result = run_cli(["check", "--format", "concise"], tmp_path)
    # CNF102 once, from the worker's own run; the parent did not judge the worker's files
    assert result.stdout.splitlines() == [
        "services/worker/cpv3/modules/jobs/extra.py: CNF102 extra file extra.py in module 'jobs'"
    ]


def test_sarif_fingerprints_are_unique_and_warnings_are_notifications(tmp_path: Path) -> None:
    files = module("cpv3/modules", "users", {"service.py": QUERY})
    files["pyproject.toml"] = '[tool.conformance]\nselect = ["CNF113"]\n'
    write_tree(tmp_path, files)
    git_init(tmp_path)
    run = json.loads(run_cli(["check", "--format", "sarif"], tmp_path).stdout)["runs"][0]
    prints = [r["partialFingerprints"]["conformanceFingerprint/v1"] for r in run["results"]]
    assert len(prints) == 2  # the same call twice on one line
    assert len(set(prints)) == 2
    assert run["invocations"][0]["toolExecutionNotifications"] == []

    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "cpv3").rename(tmp_path / "app")
    run = json.loads(run_cli(["check", "--format", "sarif"], tmp_path).stdout)["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["warning"]
    assert "no module package found" in notes[0]["message"]["text"]


def test_show_files_and_diff_print_paths_relative_to_the_cwd(tmp_path: Path) -> None:
    files = module("cpv3/modules", "users")
    files["cpv3/modules/users/schemas.py"] = (
        "from pydantic import BaseModel\n\n\nclass UserOut(BaseModel):\n"
        "    class Config:\n        orm_mode = True\n"
    )
    write_tree(tmp_path, files)
    (tmp_path / "pyproject.toml").write_text("[tool.conformance]\n")
    git_init(tmp_path)
    cwd = tmp_path / "cpv3" / "modules"
    listing = run_cli(["check", "--show-files", "."], cwd).stdout.splitlines()
    assert "users/router.py  [router]" in listing
    assert "module package: users" in listing
    diff = run_cli(["check", "--diff", "."], cwd).stdout
    assert "--- a/users/schemas.py" in diff and "+++ b/users/schemas.py" in diff


# -- configuration mistakes: exit 2, one line each ---------------------------------------------


def errors(result_stderr: str) -> List[str]:
    lines = result_stderr.splitlines()
    assert all(line.startswith("error: ") for line in lines), lines
    return lines


def test_invalid_globs_and_unknown_roles_are_errors(tmp_path: Path) -> None:
    files = module("cpv3/modules", "users")
    files["pyproject.toml"] = (
        "[tool.conformance]\n"
        'modules = ["cpv3/modules/[a-"]\n'
        'allowed-extra-files = [""]\n'
        "[tool.conformance.roles]\n"
        'routers = ["endpoints.py"]\n'
        'service = ["svc[z-a].py"]\n'
        "[tool.conformance.layers]\n"
        'router = ["servce"]\n'
    )
    write_tree(tmp_path, files)
    git_init(tmp_path)
    result = run_cli(["check"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert sorted(errors(result.stderr)) == sorted(
        [
            "error: pyproject.toml: [tool.conformance].roles: unknown role 'routers' (did you"
            " mean 'router'? roles: router, service, repository, models, schemas)",
            "error: pyproject.toml: [tool.conformance].layers.router: unknown role 'servce' (did"
            " you mean 'service'? roles: router, service, repository, models, schemas)",
            "error: pyproject.toml: [tool.conformance].modules: invalid glob 'cpv3/modules/[a-':"
            " unclosed '[' at position 14",
            "error: pyproject.toml: [tool.conformance].allowed-extra-files: invalid glob '':"
            " an empty glob matches nothing",
            "error: pyproject.toml: [tool.conformance].roles.service: invalid glob 'svc[z-a].py':"
            " reversed range in '[z-a]'",
        ]
    )


def test_a_modules_glob_or_role_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    files = module("app/features", "users")
    files["app/fonts/regular.ttf"] = "not python"
    files["pyproject.toml"] = '[tool.conformance]\nmodules = ["app/features/*", "app/*s"]\n'
    write_tree(tmp_path, files)
    git_init(tmp_path)
    # app/*s matches app/features and app/fonts: folders of module packages and of fonts
    result = run_cli(["check"], tmp_path)
    assert result.returncode in (0, 1), result.stderr

    (tmp_path / "pyproject.toml").write_text(
        '[tool.conformance]\nmodules = ["app/features/*", "src/modules/*"]\n'
        '[tool.conformance.roles]\nrouter = ["endpoint.py"]\n'
    )
    result = run_cli(["check"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert errors(result.stderr) == [
        "error: pyproject.toml: [tool.conformance].modules: 'src/modules/*' matches no folder with Python files"
        " (`conformance init` proposes globs for this tree)"
    ]

    (tmp_path / "pyproject.toml").write_text(
        '[tool.conformance]\nmodules = ["app/features/*"]\n'
        '[tool.conformance.roles]\nrouter = ["endpoint.py"]\nrepository = []\n'
    )
    result = run_cli(["check"], tmp_path)
    assert result.returncode == 2
    assert errors(result.stderr) == [
        "error: pyproject.toml: [tool.conformance].roles.router: 'endpoint.py' matches no file"
        " (set `router = []` if the project has no router layer)"
    ]


# -- module packages: one answer per folder ------------------------------------------------------


def nested_tree(root: Path, nested: bool) -> Path:
    """Nested module globs (``app/*``, ``app/*/*``): a feature with a nested feature, a folder of
    fonts that a glob matches, an import inside one feature."""
    files = module("app", "users")
    files.update(module("app/users", "admin"))
    files["app/users/admin/router.py"] = (
        ROUTER + "\nfrom app.users.repository import UserRepository\n"
        "from app.users._helpers import _check\n"
    )
    files["app/users/_helpers.py"] = "def _check():\n    return 1\n"
    files["app/users/repository.py"] = "class UserRepository:\n    pass\n"
    files["app/fonts/regular.ttf"] = "not python"
    files["pyproject.toml"] = (
        "[tool.conformance]\n"
        'modules = ["app/*", "app/*/*"]\n'
        f"nested-modules = {'true' if nested else 'false'}\n"
        'allowed-extra-files = ["_helpers.py"]\n'
        'select = ["CNF1", "CNF2"]\n'
    )
    write_tree(root, files)
    git_init(root)
    return root


def findings(root: Path) -> List[str]:
    result = run_cli(["check", "--format", "concise"], root)
    assert result.returncode in (0, 1), result.stderr
    return [
        line.split(": ", 1)[0] + " " + line.split(": ", 1)[1][:6]
        for line in result.stdout.splitlines()
    ]


def test_without_nested_modules_a_sub_folder_is_reported_once(tmp_path: Path) -> None:
    root = nested_tree(tmp_path, nested=False)
    listing = run_cli(["check", "--show-files"], root).stdout.splitlines()
    assert [line for line in listing if line.startswith("module package")] == [
        "module package: app/users"
    ]
    # one CNF103 for the sub-folder; the module's own files are not "stray", the fonts folder is
    # no module, and admin/'s imports of users' files stay inside the feature
    assert findings(root) == ["app/users/admin CNF103"]


def test_nested_modules_are_modules_of_their_own(tmp_path: Path) -> None:
    root = nested_tree(tmp_path, nested=True)
    listing = run_cli(["check", "--show-files"], root).stdout.splitlines()
    assert [line for line in listing if line.startswith("module package")] == [
        "module package: app/users",
        "module package: app/users/admin",
    ]
    assert "app/users/admin/router.py  [router]" in listing
    found = findings(root)
    # no CNF103 for admin/ in users, no stray router.py; admin is another module now, so its
    # import of users' repository and of a private name cross modules
    assert not any("CNF103" in f or "CNF105" in f for f in found), found
    assert "app/users/admin/router.py:5:34 CNF202" in found


# -- rules follow the configured architecture ----------------------------------------------------


def test_no_finding_demands_a_layer_the_configuration_removed(tmp_path: Path) -> None:
    files = module("app/modules", "users", {"service.py": QUERY})
    files["pyproject.toml"] = (
        '[tool.conformance]\nmodules = ["app/modules/*"]\n'
        'required-files = ["__init__.py", "service.py", "router.py"]\n'
        "[tool.conformance.roles]\nrepository = []\n"
        '[tool.conformance.layers]\nservice = ["models", "schemas"]\n'
    )
    write_tree(tmp_path, files)
    (tmp_path / "app/modules/users/repository.py").unlink()
    git_init(tmp_path)
    result = run_cli(["check", "--format", "concise", "--select", "CNF1,CNF2"], tmp_path)
    # select() in the service is the architecture here: neither CNF212 nor CNF113
    assert result.returncode == 0, result.stdout + result.stderr
    settings = run_cli(["check", "--show-settings"], tmp_path).stdout
    assert "# CNF113 sql-outside-repository: no repository role" in settings
    assert "# CNF212 service-runs-sql: no repository role" in settings

    # with the repository layer configured, the same service is reported
    (tmp_path / "pyproject.toml").write_text('[tool.conformance]\nmodules = ["app/modules/*"]\n')
    (tmp_path / "app/modules/users/repository.py").write_text("")
    result = run_cli(["check", "--format", "concise", "--select", "CNF2"], tmp_path)
    assert " CNF212 " in result.stdout


def test_a_file_of_a_role_is_never_an_extra_file(tmp_path: Path) -> None:
    files = module("app/modules", "users")
    files.update(module("app/modules", "orders"))
    del files["app/modules/orders/router.py"]
    files["app/modules/orders/routes.py"] = ROUTER
    files["pyproject.toml"] = (
        '[tool.conformance]\nmodules = ["app/modules/*"]\n'
        'required-files = ["__init__.py", "service.py"]\n'
        '[tool.conformance.roles]\nrouter = ["router.py", "routes.py"]\n'
    )
    write_tree(tmp_path, files)
    git_init(tmp_path)
    result = run_cli(["check", "--format", "concise", "--select", "CNF1"], tmp_path)
    assert result.returncode == 0, result.stdout


# -- baseline fingerprints survive a module rename ------------------------------------------------


def test_renaming_a_module_keeps_its_baselined_findings_hidden(tmp_path: Path) -> None:
    files = module("cpv3/modules", "users", {"service.py": QUERY, "utils.py": "x = 1\n"})
    files["pyproject.toml"] = (
        '[tool.conformance]\nselect = ["CNF1"]\nbaseline = ".conformance-baseline.json"\n'
        'extend-select = ["CNF113"]\n'
    )
    write_tree(tmp_path, files)
    git_init(tmp_path)
    assert run_cli(["check", "--update-baseline"], tmp_path).returncode == 0
    assert run_cli(["check"], tmp_path).returncode == 0
    (tmp_path / "cpv3/modules/users").rename(tmp_path / "cpv3/modules/accounts")
    result = run_cli(["check", "--format", "concise"], tmp_path)
    # the extra file and both queries moved with the module: nothing new, nothing stale
    assert result.returncode == 0, result.stdout
    assert "3 findings hidden by the baseline" in result.stderr
    # a finding that is really new is still reported
    (tmp_path / "cpv3/modules/accounts/more.py").write_text("y = 2\n")
    result = run_cli(["check", "--format", "concise"], tmp_path)
    assert result.stdout.startswith("cpv3/modules/accounts/more.py: CNF102")


def test_messages_name_the_configured_files(tmp_path: Path) -> None:
    files = module("app/modules", "users", {"utils.py": "x = 1\n", "services.py": ""})
    files["pyproject.toml"] = (
        '[tool.conformance]\nmodules = ["app/modules/*"]\nselect = ["CNF102"]\n'
        '[tool.conformance.roles]\nservice = ["services.py"]\nrepository = []\n'
    )
    write_tree(tmp_path, files)
    git_init(tmp_path)
    result = run_cli(["check", "--format", "json"], tmp_path)
    found = [(f["message"], f["fix_hint"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [
        (
            "extra file utils.py in module 'users'",
            "move its code into services.py, or list it in allowed-extra-files",
        )
    ]
