"""Real layouts through the real CLI in temporary git repositories: where printed paths are
relative to, one configuration per project in a monorepo, SARIF identities."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Dict, List

from .conftest import git_init, run_cli, run_main, write_tree

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

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
    result = run_main(["check", "--format", "concise", "."], cwd)
    assert concise(result.stdout) == ["modules/billing/__init__.py", "modules/users/utils.py"]

    document = json.loads(run_main(["check", "--format", "json", "."], cwd).stdout)
    assert document["base"] == str(cwd.resolve())
    assert [f["path"] for f in document["findings"]] == concise(result.stdout)
    assert os.path.isfile(os.path.join(document["base"], document["findings"][1]["path"]))

    github = run_main(["check", "--format", "github", "."], cwd).stdout
    assert "file=modules/users/utils.py" in github
    junit = run_main(["check", "--format", "junit", "."], cwd).stdout
    assert 'name="modules/users/utils.py"' in junit
    text = run_main(["check", "."], cwd).stdout
    assert "modules/users/utils.py" in text and "cofee_backend/" not in text

    # a path outside the cwd is printed with ..
    outside = run_main(["check", "--format", "concise", "../users"], cwd / "modules" / "billing")
    assert concise(outside.stdout) == ["../users/utils.py"]


def test_sarif_and_gitlab_paths_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    root = monorepo(tmp_path)
    cwd = root / "cofee_backend"
    sarif = json.loads(run_main(["check", "--format", "sarif"], cwd).stdout)
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

    gitlab = json.loads(run_main(["check", "--format", "gitlab"], cwd / "cpv3").stdout)
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
    result = run_main(["check", "--format", "concise"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert concise(result.stdout) == ["b/cpv3/modules/users/utils.py"]
    settings = run_main(["check", "--show-settings"], tmp_path).stdout
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
    listing = run_main(["check", "--show-files"], tmp_path).stdout.splitlines()
    assert "module package: app/modules/users" in listing
    assert "module package: services/worker/cpv3/modules/jobs" in listing
    result = run_main(["check", "--format", "concise"], tmp_path)
    # CNF102 once, from the worker's own run; the parent did not judge the worker's files
    assert result.stdout.splitlines() == [
        "services/worker/cpv3/modules/jobs/extra.py: CNF102 extra file extra.py in module 'jobs'"
    ]


def test_sarif_fingerprints_are_unique_and_warnings_are_notifications(tmp_path: Path) -> None:
    files = module("cpv3/modules", "users", {"service.py": QUERY})
    files["pyproject.toml"] = '[tool.conformance]\nselect = ["CNF113"]\n'
    write_tree(tmp_path, files)
    git_init(tmp_path)
    run = json.loads(run_main(["check", "--format", "sarif"], tmp_path).stdout)["runs"][0]
    prints = [r["partialFingerprints"]["conformanceFingerprint/v1"] for r in run["results"]]
    assert len(prints) == 2  # the same call twice on one line
    assert len(set(prints)) == 2
    assert run["invocations"][0]["toolExecutionNotifications"] == []

    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "cpv3").rename(tmp_path / "app")
    run = json.loads(run_main(["check", "--format", "sarif"], tmp_path).stdout)["runs"][0]
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
    listing = run_main(["check", "--show-files", "."], cwd).stdout.splitlines()
    assert "users/router.py  [router]" in listing
    assert "module package: users" in listing
    diff = run_main(["check", "--diff", "."], cwd).stdout
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
    result = run_main(["check"], tmp_path)
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
    result = run_main(["check"], tmp_path)
    assert result.returncode in (0, 1), result.stderr

    (tmp_path / "pyproject.toml").write_text(
        '[tool.conformance]\nmodules = ["app/features/*", "src/modules/*"]\n'
        '[tool.conformance.roles]\nrouter = ["endpoint.py"]\n'
    )
    result = run_main(["check"], tmp_path)
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
    result = run_main(["check"], tmp_path)
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
    result = run_main(["check", "--format", "concise"], root)
    assert result.returncode in (0, 1), result.stderr
    return [
        line.split(": ", 1)[0] + " " + line.split(": ", 1)[1][:6]
        for line in result.stdout.splitlines()
    ]


def test_without_nested_modules_a_sub_folder_is_reported_once(tmp_path: Path) -> None:
    root = nested_tree(tmp_path, nested=False)
    listing = run_main(["check", "--show-files"], root).stdout.splitlines()
    assert [line for line in listing if line.startswith("module package")] == [
        "module package: app/users"
    ]
    # one CNF103 for the sub-folder; the module's own files are not "stray", the fonts folder is
    # no module, and admin/'s imports of users' files stay inside the feature
    assert findings(root) == ["app/users/admin CNF103"]


def test_nested_modules_are_modules_of_their_own(tmp_path: Path) -> None:
    root = nested_tree(tmp_path, nested=True)
    listing = run_main(["check", "--show-files"], root).stdout.splitlines()
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
    result = run_main(["check", "--format", "concise", "--select", "CNF1,CNF2"], tmp_path)
    # select() in the service is the architecture here: neither CNF212 nor CNF113
    assert result.returncode == 0, result.stdout + result.stderr
    settings = run_main(["check", "--show-settings"], tmp_path).stdout
    assert "# CNF113 sql-outside-repository: no repository role" in settings
    assert "# CNF212 service-runs-sql: no repository role" in settings

    # with the repository layer configured, the same service is reported
    (tmp_path / "pyproject.toml").write_text('[tool.conformance]\nmodules = ["app/modules/*"]\n')
    (tmp_path / "app/modules/users/repository.py").write_text("")
    result = run_main(["check", "--format", "concise", "--select", "CNF2"], tmp_path)
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
    result = run_main(["check", "--format", "concise", "--select", "CNF1"], tmp_path)
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
    assert run_main(["check", "--update-baseline"], tmp_path).returncode == 0
    assert run_main(["check"], tmp_path).returncode == 0
    (tmp_path / "cpv3/modules/users").rename(tmp_path / "cpv3/modules/accounts")
    result = run_main(["check", "--format", "concise"], tmp_path)
    # the extra file and both queries moved with the module: nothing new, nothing stale
    assert result.returncode == 0, result.stdout
    assert "3 findings hidden by the baseline" in result.stderr
    # a finding that is really new is still reported
    (tmp_path / "cpv3/modules/accounts/more.py").write_text("y = 2\n")
    result = run_main(["check", "--format", "concise"], tmp_path)
    assert result.stdout.startswith("cpv3/modules/accounts/more.py: CNF102")


def test_messages_name_the_configured_files(tmp_path: Path) -> None:
    files = module("app/modules", "users", {"utils.py": "x = 1\n", "services.py": ""})
    files["pyproject.toml"] = (
        '[tool.conformance]\nmodules = ["app/modules/*"]\nselect = ["CNF102"]\n'
        '[tool.conformance.roles]\nservice = ["services.py"]\nrepository = []\n'
    )
    write_tree(tmp_path, files)
    git_init(tmp_path)
    result = run_main(["check", "--format", "json"], tmp_path)
    found = [(f["message"], f["fix_hint"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [
        (
            "extra file utils.py in module 'users'",
            "move its code into services.py, or list it in allowed-extra-files",
        )
    ]


# -- messages and hints name the configured files ------------------------------------------------

REMAPPED = {
    "router": "endpoints",
    "service": "services",
    "repository": "crud",
    "models": "tables",
    "schemas": "dtos",
}
CPV3_NAME = re.compile(r"\b(router|service|repository|models|schemas)\.py\b|cpv3")


def _remap_text(text: str) -> str:
    """An example's source in the remapped layout: ``app/features/*`` with other file names."""
    text = text.replace("cpv3/modules/", "app/features/").replace("cpv3.modules.", "app.features.")
    text = text.replace("cpv3/", "app/").replace("cpv3.", "app.").replace("cpv3 ", "app ")
    for old, new in REMAPPED.items():
        text = re.sub(rf"(app/features/\w+)/{old}\.py", rf"\1/{new}.py", text)
        text = re.sub(rf"(app\.features\.\w+)\.{old}\b", rf"\1.{new}", text)
        text = re.sub(rf"(from \.+){old}\b", rf"\1{new}", text)
        text = re.sub(rf"(from \.+ import ){old}\b", rf"\1{new}", text)
    return text


def test_no_message_or_hint_names_a_cpv3_file_the_configuration_does_not_use(
    tmp_path: Path,
) -> None:
    """Every rule's INVALID examples, moved to a layout whose roles are remapped (endpoints.py,
    services.py, crud.py, tables.py, dtos.py under app/features/): no finding's message or hint
    names router.py, service.py, ... or cpv3."""
    from conformance.config import validate
    from conformance.engine import RunOptions, run
    from conformance.rules import all_rules

    checked = 0
    offenders: List[str] = []
    for rule in all_rules():
        for number, example in enumerate(rule.INVALID):
            if any(key in example.config for key in ("roles", "modules", "required-files")):
                continue  # the example is about a layout of its own
            root = tmp_path / f"{rule.code}-{number}"
            write_tree(root, {_remap_text(p): _remap_text(s) for p, s in example.files.items()})
            body = _remap_text(example.config)
            table = tomllib.loads(body) if body else {}
            table["modules"] = ["app/features/*"]
            table["required-files"] = ["__init__.py", *(f"{n}.py" for n in REMAPPED.values())]
            table["roles"] = {role: [f"{name}.py"] for role, name in REMAPPED.items()}
            table["extend-select"] = [*table.get("extend-select", []), rule.code]
            config = validate(table, root=str(root), source=None)
            for violation in run(config, [str(root)], RunOptions(jobs=1)).violations:
                checked += 1
                for text in (violation.message, violation.fix_hint):
                    if CPV3_NAME.search(text):
                        offenders.append(f"{violation.code}: {text}")
    assert checked > 500  # the examples still find what they show in the new layout
    assert sorted(set(offenders)) == []


def test_a_remapped_project_reads_its_own_file_names_in_every_format(tmp_path: Path) -> None:
    orm = (
        "from sqlalchemy.orm import DeclarativeBase, Mapped\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        "class Audit(Base):\n    __tablename__ = 'audit'\n    id: Mapped[int]\n"
    )
    files: Dict[str, str] = {
        "pyproject.toml": (
            '[tool.conformance]\nmodules = ["app/features/*"]\nselect = ["CNF1"]\n'
            'required-files = ["__init__.py", "endpoints.py"]\n'
            "[tool.conformance.roles]\n"
            'router = ["endpoints.py"]\nservice = ["services.py"]\nrepository = ["crud.py"]\n'
            'models = ["tables.py"]\nschemas = ["dtos.py"]\n'
        ),
        "app/__init__.py": "",
        "app/features/helpers.py": "x = 1\n",
        "app/features/orders/__init__.py": "",
        "app/features/orders/endpoints.py": ROUTER,
        "app/features/users/__init__.py": "",
        "app/features/users/crud.py": "",
        "app/features/users/tables.py": "",
        "app/features/users/dtos.py": "",
        "app/features/users/endpoints.py": ROUTER
        + "\n\nfrom pydantic import BaseModel\n\n\nclass UserOut(BaseModel):\n    id: int\n",
        "app/features/users/services.py": orm
        + "\n\nfrom sqlalchemy import select\n\n\ndef q():\n    return select(Audit)\n",
    }
    write_tree(tmp_path, files)
    git_init(tmp_path)
    result = run_main(
        ["check", "--format", "json", "--select", "CNF105,CNF109,CNF110,CNF113"], tmp_path
    )
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)["findings"]
    assert sorted(f["code"] for f in found) == ["CNF105", "CNF109", "CNF110", "CNF113"]
    texts = [f["message"] + " " + (f["fix_hint"] or "") for f in found]
    assert not [text for text in texts if CPV3_NAME.search(text)], texts
    joined = " ".join(texts)
    for name in ("app/core/", "tables.py", "dtos.py", "crud.py"):
        assert name in joined, (name, texts)


def test_a_missing_file_finding_points_at_a_path_that_exists(tmp_path: Path) -> None:
    files = module("cpv3/modules", "users")
    files.update(module("cpv3/modules", "billing"))
    write_tree(tmp_path, files)
    for gone in ("cpv3/modules/users/__init__.py", "cpv3/modules/billing/service.py"):
        (tmp_path / gone).unlink()
    git_init(tmp_path)
    sub = tmp_path / "cpv3"
    for fmt in ("concise", "json", "sarif"):
        result = run_main(["check", "--format", fmt, "--select", "CNF101,CNF104", "."], sub)
        assert result.returncode == 1, result.stderr
        if fmt == "concise":
            paths = [line.split(": ", 1)[0] for line in result.stdout.splitlines()]
            assert paths == ["modules/billing/__init__.py", "modules/users"], paths
            assert all((sub / path).exists() for path in paths)
        elif fmt == "json":
            paths = [f["path"] for f in json.loads(result.stdout)["findings"]]
            assert paths and all((sub / path).exists() for path in paths), paths
        else:
            run_ = json.loads(result.stdout)["runs"][0]
            uris = [
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in run_["results"]
            ]
            assert uris and all((tmp_path / uri).exists() for uri in uris), uris


# -- several roles per file ------------------------------------------------------------------------

TWO_ROLE_MODELS = """\
from pydantic import BaseModel
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class UserRead(BaseModel):
    id: int
    name: str
"""

TWO_ROLE_VIEWS = """\
from fastapi import APIRouter

from .models import User, UserRead
from .service import get_user

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/{user_id}", response_model=UserRead)
async def read(user_id: int) -> UserRead:
    user: User = await get_user(user_id)
    return UserRead(id=user.id, name=user.name)
"""

TWO_ROLE_SERVICE = """\
from .models import User, UserRead


async def get_user(user_id: int) -> User:
    return User(id=user_id, name=UserRead(id=user_id, name="x").name)
"""


def two_role_tree(root: Path, schemas: str = '["models.py"]') -> Path:
    """A layout where models.py holds the ORM entities and the schemas, views.py routes and
    there is no repository layer (the services query the models)."""
    files: Dict[str, str] = {
        "pyproject.toml": (
            '[tool.conformance]\nmodules = ["app/modules/*"]\n'
            'required-files = ["__init__.py", "models.py", "service.py", "views.py"]\n'
            "[tool.conformance.roles]\n"
            f'router = ["views.py"]\nrepository = []\nmodels = ["models.py"]\nschemas = {schemas}\n'
            '[tool.conformance.layers]\nrouter = ["service", "schemas"]\n'
            'service = ["models", "schemas"]\n'
        ),
        "app/__init__.py": "",
        "app/modules/__init__.py": "",
        "app/modules/users/__init__.py": "",
        "app/modules/users/models.py": TWO_ROLE_MODELS,
        "app/modules/users/views.py": TWO_ROLE_VIEWS,
        "app/modules/users/service.py": TWO_ROLE_SERVICE,
    }
    write_tree(root, files)
    git_init(root)
    return root


def test_a_file_of_two_roles_is_judged_as_both(tmp_path: Path) -> None:
    root = two_role_tree(tmp_path)
    listing = run_main(["check", "--show-files"], root).stdout.splitlines()
    assert "app/modules/users/models.py  [models, schemas]" in listing
    result = run_main(["check", "--format", "concise", "--select", "CNF1,CNF2"], root)
    # no placement finding for either role (UserRead in models.py is in the schemas file, User
    # in the models file), no "schemas import SQLAlchemy / models import Pydantic"; the
    # layering sees both: the router may use the schemas of models.py, not its ORM entity
    assert result.stdout.splitlines() == [
        "app/modules/users/views.py:3:21: CNF203 views.py imports ORM entity User from"
        " users.models: the router layer speaks schemas, not ORM entities",
    ], result.stdout + result.stderr
    assert "warning" not in result.stderr  # listed for both roles: meant, no warning


def test_without_the_second_role_the_same_file_is_judged_as_models_only(tmp_path: Path) -> None:
    root = two_role_tree(tmp_path, schemas='["schemas.py"]')
    (root / "app/modules/users/schemas.py").write_text("")
    result = run_main(["check", "--format", "concise", "--select", "CNF1,CNF2"], root)
    codes = sorted(line.split(": ")[1].split()[0] for line in result.stdout.splitlines())
    # UserRead outside the schemas file, pydantic in the models file, the router importing
    # the models file for its schema: what the second role made right
    assert "CNF110" in codes and "CNF209" in codes, result.stdout


def test_overlapping_role_globs_are_one_warning(tmp_path: Path) -> None:
    files = module("app/modules", "users", {"admin_api.py": ROUTER})
    files.update(module("app/modules", "orders", {"admin_api.py": ROUTER}))
    files["pyproject.toml"] = (
        '[tool.conformance]\nmodules = ["app/modules/*"]\nselect = ["CNF1"]\n'
        "[tool.conformance.roles]\n"
        'router = ["router.py", "*_api.py"]\nservice = ["service.py", "admin_*.py"]\n'
    )
    write_tree(tmp_path, files)
    git_init(tmp_path)
    warning = (
        "warning: pyproject.toml: [tool.conformance].roles.router '*_api.py' and"
        " roles.service 'admin_*.py' both match app/modules/orders/admin_api.py (and 1 more):"
        " judged as both; list the file in both roles if that is meant, or narrow a pattern"
    )
    result = run_main(["check", "--format", "concise"], tmp_path)
    assert result.stderr.splitlines().count(warning) == 1, result.stderr
    # judged as both: its router is no "routing outside the router" and no extra file
    assert result.returncode == 0, result.stdout
    text = run_main(["check"], tmp_path)
    assert text.stdout.splitlines()[0] == warning
    run = json.loads(run_main(["check", "--format", "sarif"], tmp_path).stdout)["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [warning[len("warning: ") :]]


# -- source roots found, not assumed ----------------------------------------------------------------


def server_tree(root: Path, src: str = "") -> Path:
    """Packages under server/ (polar's layout), imported as ``polar.…``: the import root is
    server/, the first ancestor without __init__.py."""
    files: Dict[str, str] = {
        "pyproject.toml": (
            '[tool.conformance]\nmodules = ["server/polar/*"]\nselect = ["CNF202"]\n'
            f'required-files = ["__init__.py"]\n{src}'
        ),
        "server/polar/__init__.py": "",
        "server/polar/auth/__init__.py": "",
        "server/polar/auth/repository.py": "class UserRepository:\n    pass\n",
        "server/polar/auth/service.py": "",
        "server/polar/auth/router.py": (
            "from fastapi import APIRouter\n\n"
            "from polar.auth.repository import UserRepository\n\n"
            'router = APIRouter(prefix="/auth", tags=["auth"])\n'
        ),
    }
    write_tree(root, files)
    git_init(root)
    return root


def test_the_import_root_of_a_package_is_found_from_the_tree(tmp_path: Path) -> None:
    root = server_tree(tmp_path)
    result = run_main(["check", "--format", "concise"], root)
    # the absolute import resolves to the repository of the module: the layer skip is seen
    assert [line.split(": ")[1][:6] for line in result.stdout.splitlines()] == ["CNF202"]
    assert "warning" not in result.stderr
    settings = run_main(["check", "--show-settings"], root).stdout
    assert 'src = [".", "src", "server"]' in settings


def test_an_import_no_source_root_reaches_is_one_warning(tmp_path: Path) -> None:
    root = server_tree(tmp_path, src='src = ["."]\n')
    warning = (
        "warning: server/polar/auth/router.py imports polar, the package server/polar, but no"
        ' source root reaches it: such imports are not resolved; add "server" to `src`'
    )
    result = run_main(["check", "--format", "concise"], root)
    assert result.returncode == 0, result.stdout  # src is set: the import is not resolved
    assert result.stderr.splitlines() == [warning]
    run = json.loads(run_main(["check", "--format", "sarif"], root).stdout)["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [warning[len("warning: ") :]]


def test_without_a_repository_layer_no_message_sends_the_query_there(tmp_path: Path) -> None:
    views = (
        "from fastapi import APIRouter\nfrom sqlalchemy import select\n\n"
        "from .models import User\n\n"
        'router = APIRouter(prefix="/u", tags=["u"])\n\n\n'
        '@router.get("/")\nasync def names():\n    return select(User)\n'
    )
    files: Dict[str, str] = {
        "pyproject.toml": (
            '[tool.conformance]\nmodules = ["app/modules/*"]\nselect = ["CNF2"]\n'
            'required-files = ["__init__.py"]\n'
            "[tool.conformance.roles]\n"
            'router = ["views.py"]\nrepository = []\nschemas = ["models.py"]\n'
            '[tool.conformance.layers]\nservice = ["models", "schemas"]\n'
        ),
        "app/modules/users/__init__.py": "",
        "app/modules/users/service.py": "",
        "app/modules/users/models.py": TWO_ROLE_MODELS,
        "app/modules/users/views.py": views,
    }
    write_tree(tmp_path, files)
    git_init(tmp_path)
    result = run_main(["check", "--format", "json"], tmp_path)
    found = json.loads(result.stdout)["findings"]
    assert sorted(f["code"] for f in found) == ["CNF203", "CNF208", "CNF211"], result.stdout
    for finding in found:
        text = finding["message"] + " " + (finding["fix_hint"] or "")
        assert "repositor" not in text, text
    assert any("move the query into the service" in (f["fix_hint"] or "") for f in found)


def test_an_application_package_that_holds_features_is_no_modules_folder(tmp_path: Path) -> None:
    files = module("app", "users")
    files.update(module("app", "orders"))
    files.update({"app/__init__.py": "", "app/main.py": "x = 1\n", "app/db/session.py": "y = 2\n"})
    files["pyproject.toml"] = (
        '[tool.conformance]\nmodules = ["app/users", "app/orders"]\nselect = ["CNF105"]\n'
    )
    write_tree(tmp_path, files)
    git_init(tmp_path)
    # app/ holds the features beside db/: main.py is the application's, not a stray module file
    assert run_main(["check", "--format", "concise"], tmp_path).stdout == ""
    # main.py alone beside the modules still makes app/ the application package
    (tmp_path / "app/db/session.py").unlink()
    (tmp_path / "app/db").rmdir()
    assert run_main(["check", "--format", "concise"], tmp_path).stdout == ""
    # a folder of modules only is a modules folder: a helper directly in it is stray
    (tmp_path / "app/main.py").unlink()
    (tmp_path / "app/helpers.py").write_text("x = 1\n")
    result = run_main(["check", "--format", "concise"], tmp_path)
    assert result.stdout.startswith("app/helpers.py: CNF105 helpers.py sits directly in app"), (
        result.stdout
    )


def test_without_a_service_layer_no_finding_sends_the_caller_through_one(tmp_path: Path) -> None:
    files = module("app/modules", "users")
    files.update(module("app/modules", "orders"))
    files["app/modules/orders/router.py"] = (
        ROUTER + "\nfrom app.modules.users.repository import X\n"
    )
    files["app/modules/users/repository.py"] = "class X:\n    pass\n"
    files["pyproject.toml"] = (
        '[tool.conformance]\nmodules = ["app/modules/*"]\nselect = ["CNF2"]\n'
        'required-files = ["__init__.py"]\n[tool.conformance.roles]\nservice = []\n'
        '[tool.conformance.layers]\nrouter = ["repository", "schemas"]\n'
    )
    write_tree(tmp_path, files)
    (tmp_path / "app/modules/users/service.py").unlink()
    (tmp_path / "app/modules/orders/service.py").unlink()
    git_init(tmp_path)
    result = run_cli(["check", "--format", "concise"], tmp_path)
    assert result.returncode == 0, result.stdout  # no "call the users service instead"
    settings = run_cli(["check", "--show-settings"], tmp_path).stdout
    assert "# CNF204 cross-module-repository: no service role" in settings
    assert "# CNF205 cross-module-private-layer: no service role" in settings


def test_alembic_revisions_are_no_module(tmp_path: Path) -> None:
    files = module("app", "users")
    files["app/alembic/versions/__init__.py"] = ""
    files["app/alembic/versions/0001_init.py"] = "revision = '0001'\n"
    files["pyproject.toml"] = (
        '[tool.conformance]\nmodules = ["app/*", "app/*/*"]\nselect = ["CNF1"]\n'
    )
    write_tree(tmp_path, files)
    git_init(tmp_path)
    listing = run_cli(["check", "--show-files"], tmp_path).stdout
    assert "alembic" not in listing
    assert run_cli(["check", "--format", "concise"], tmp_path).stdout == ""


def test_alembic_revisions_kept_elsewhere_are_found_by_alembics_files(tmp_path: Path) -> None:
    """A revisions folder outside `alembic/` (database/revisions/tenant/versions) is skipped by
    the files Alembic keeps beside it, unless `exclude` replaces the defaults."""
    files = module("app", "users")
    files["app/database/revisions/tenant/env.py"] = "from alembic import context\n"
    files["app/database/revisions/tenant/script.py.mako"] = "${message}\n"
    files["app/database/revisions/tenant/versions/0001_init.py"] = (
        "from sqlalchemy.ext.declarative import declarative_base\n\nrevision = '0001'\n"
    )
    files["app/tools/versions/compare.py"] = (
        "from sqlalchemy.ext.declarative import declared_attr\n"
    )
    files["pyproject.toml"] = '[tool.conformance]\nmodules = ["app/*"]\nselect = ["CNF501"]\n'
    write_tree(tmp_path, files)
    git_init(tmp_path)
    listing = run_cli(["check", "--show-files"], tmp_path).stdout
    assert "app/database/revisions/tenant/env.py" in listing
    assert "0001_init.py" not in listing
    assert "app/tools/versions/compare.py" in listing  # no Alembic files beside it

    (tmp_path / "pyproject.toml").write_text(
        '[tool.conformance]\nmodules = ["app/*"]\nexclude = []\nselect = ["CNF501"]\n'
    )
    assert "0001_init.py" in run_cli(["check", "--show-files"], tmp_path).stdout


def test_a_role_package_plays_its_role_file_by_file(tmp_path: Path) -> None:
    """`schemas = ["schemas.py", "schemas/"]`: a module's schemas/ package is its schemas,
    no stray sub-folder, no missing schemas.py, and its files are checked as schemas."""
    files = module("app", "users")
    del files["app/users/schemas.py"]
    files["app/users/schemas/__init__.py"] = ""
    files["app/users/schemas/user.py"] = (
        "from pydantic import BaseModel\n\n\nclass UserOut(BaseModel):\n    id: int\n"
    )
    files["app/users/schemas/filters.py"] = "from sqlalchemy import select\n"
    files["pyproject.toml"] = (
        '[tool.conformance]\nmodules = ["app/*"]\n\n'
        '[tool.conformance.roles]\nschemas = ["schemas.py", "schemas/"]\n'
    )
    write_tree(tmp_path, files)
    git_init(tmp_path)
    listing = run_cli(["check", "--show-files"], tmp_path).stdout.splitlines()
    assert "app/users/schemas/user.py  [schemas]" in listing
    report = run_cli(["check", "--format", "concise", "--select", "CNF1,CNF209"], tmp_path)
    assert report.stdout.splitlines() == [
        "app/users/schemas/filters.py:1:24: CNF209 filters.py imports select from sqlalchemy:"
        " schemas are plain DTOs"
    ], report.stdout

    (tmp_path / "pyproject.toml").write_text('[tool.conformance]\nmodules = ["app/*"]\n')
    plain = run_cli(["check", "--format", "concise", "--select", "CNF1,CNF209"], tmp_path)
    codes = sorted(line.split()[1] for line in plain.stdout.splitlines())
    assert codes == ["CNF101", "CNF103"], plain.stdout
