"""``conformance init`` on trees that mimic real layouts, through the real CLI: the proposal
names the layout, ``--write`` keeps pyproject.toml's text, and the written table checks."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable

from .conftest import git_init, run_main, write_tree

ROUTER = 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/x", tags=["x"])\n'
PYDANTIC_AND_ORM = (
    "from pydantic import BaseModel\nfrom sqlalchemy.orm import DeclarativeBase\n\n\n"
    "class Base(DeclarativeBase):\n    pass\n\n\nclass ItemOut(BaseModel):\n    id: int\n"
)


def feature(prefix: str, names: Iterable[str], router: str) -> Dict[str, str]:
    files = {f"{prefix}/{name}": "" for name in names}
    files[f"{prefix}/{router}"] = ROUTER
    return files


def init(root: Path, *args: str) -> str:
    result = run_main(["init", *args], root)
    assert result.returncode == 0, result.stderr
    return result.stdout


def table(output: str) -> str:
    return "".join(line + "\n" for line in output.splitlines() if not line.startswith("#"))


def check_exit(root: Path) -> int:
    result = run_main(["check", "--format", "concise"], root)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode


def test_endpoints_routers_a_central_models_package_and_nested_features(tmp_path: Path) -> None:
    files: Dict[str, str] = {"pyproject.toml": '[project]\nname = "api"  # keep me\n'}
    six = ("__init__.py", "endpoints.py", "service.py", "repository.py", "schemas.py")
    for name in ("users", "orders", "billing"):
        files.update(feature(f"app/features/{name}", six, "endpoints.py"))
    files.update(feature("app/features/users/admin", six, "endpoints.py"))
    files.update(feature("app/features/orders/export", six, "endpoints.py"))
    files.update({"app/__init__.py": "", "app/features/__init__.py": "", "app/main.py": ""})
    files.update(
        {"app/models/__init__.py": "", "app/models/user.py": "", "app/models/order.py": ""}
    )
    write_tree(tmp_path, files)
    git_init(tmp_path)
    output = init(tmp_path)
    assert output.startswith("# conformance init: proposed for pyproject.toml\n")
    assert table(output) == (
        "[tool.conformance]\n"
        'modules = ["app/features/*", "app/features/*/*"]\n'
        "nested-modules = true\n"
        'required-files = ["__init__.py", "schemas.py", "repository.py", "service.py",'
        ' "endpoints.py"]\n'
        "\n"
        "[tool.conformance.roles]\n"
        'router = ["endpoints.py"]\n'
        'models = ["app/models/**"]\n'
    )
    assert "# - models: a central package app/models/** outside the modules" in output

    before = (tmp_path / "pyproject.toml").read_text()
    result = run_main(["init", "--write"], tmp_path)
    assert result.returncode == 0 and "wrote [tool.conformance] to pyproject.toml" in result.stderr
    after = (tmp_path / "pyproject.toml").read_text()
    assert after.startswith(before) and after[len(before) :] == "\n" + table(output)

    listing = run_main(["check", "--show-files"], tmp_path).stdout.splitlines()
    assert "app/models/user.py  [models]" in listing
    assert "app/features/users/admin/endpoints.py  [router]" in listing
    assert "module package: app/features/users/admin" in listing
    assert check_exit(tmp_path) == 0

    again = run_main(["init", "--write"], tmp_path)
    assert again.returncode == 2
    assert again.stderr == "error: pyproject.toml already configures conformance: edit it\n"


def test_views_with_schemas_in_models_and_no_repository_layer(tmp_path: Path) -> None:
    files: Dict[str, str] = {}
    for name in ("catalog", "cart", "checkout"):
        files.update(feature(f"shop/{name}", ("__init__.py", "services.py"), "views.py"))
        files[f"shop/{name}/models.py"] = PYDANTIC_AND_ORM
        files[f"shop/{name}/permissions.py"] = ""
    files["shop/__init__.py"] = ""
    write_tree(tmp_path, files)
    git_init(tmp_path)
    output = init(tmp_path)
    assert table(output) == (
        "[tool.conformance]\n"
        'modules = ["shop/*"]\n'
        'required-files = ["__init__.py", "models.py", "services.py", "views.py"]\n'
        'allowed-extra-files = ["permissions.py"]\n'
        "\n"
        "[tool.conformance.roles]\n"
        'router = ["views.py"]\n'
        'service = ["services.py"]\n'
        "repository = []\n"
        'schemas = ["models.py"]\n'
        "\n"
        "[tool.conformance.layers]\n"
        'service = ["models", "schemas"]\n'
    )
    assert "no repository file in any module" in output
    assert "hold Pydantic models too: they are the schemas files as well" in output
    # no pyproject.toml yet: --write creates one
    assert run_main(["init", "--write"], tmp_path).returncode == 0
    assert (tmp_path / "pyproject.toml").read_text() == table(output)
    check_exit(tmp_path)
    structure = run_main(["check", "--format", "concise", "--select", "CNF1"], tmp_path)
    assert structure.stdout == "", structure.stdout


def test_routes_under_src_modules(tmp_path: Path) -> None:
    files: Dict[str, str] = {"pyproject.toml": "[project]\nname = 'svc'\n"}
    six = ("__init__.py", "service.py", "repository.py", "schemas.py", "models.py")
    for name in ("accounts", "payments"):
        files.update(feature(f"src/modules/{name}", six, "routes.py"))
    files.update({"src/__init__.py": "", "src/modules/__init__.py": ""})
    write_tree(tmp_path, files)
    git_init(tmp_path)
    output = init(tmp_path)
    assert table(output) == (
        "[tool.conformance]\n"
        'modules = ["src/modules/*"]\n'
        'required-files = ["__init__.py", "models.py", "schemas.py", "repository.py",'
        ' "service.py", "routes.py"]\n'
        "\n"
        "[tool.conformance.roles]\n"
        'router = ["routes.py"]\n'
    )
    init(tmp_path, "--write")
    assert check_exit(tmp_path) == 0


def test_a_monorepo_gets_the_table_in_the_backends_pyproject(tmp_path: Path) -> None:
    backend = '[project]\nname = "backend"\n\n[tool.ruff]\nline-length = 100\n'
    files: Dict[str, str] = {"cofee_backend/pyproject.toml": backend, "web/build.py": ""}
    six = ("__init__.py", "models.py", "schemas.py", "repository.py", "service.py")
    for name in ("users", "billing"):
        files.update(feature(f"cofee_backend/cpv3/modules/{name}", six, "router.py"))
    files["cofee_backend/cpv3/__init__.py"] = ""
    write_tree(tmp_path, files)
    git_init(tmp_path)
    output = init(tmp_path)
    assert output.startswith("# conformance init: proposed for cofee_backend/pyproject.toml\n")
    assert table(output) == '[tool.conformance]\nmodules = ["cpv3/modules/*"]\n'
    init(tmp_path, "--write")
    assert (tmp_path / "cofee_backend/pyproject.toml").read_text() == backend + "\n" + table(output)
    assert not (tmp_path / "pyproject.toml").exists()
    # from the repository root, the check now finds the backend's table
    assert "no module package" not in run_main(["check"], tmp_path).stderr
    assert check_exit(tmp_path) == 0


def test_a_tree_without_feature_modules_is_an_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "x = 1\n"})
    result = run_main(["init"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: no feature-module folder found")
    assert len(result.stderr.splitlines()) == 1


def test_a_nested_feature_does_not_make_every_sub_folder_a_module(tmp_path: Path) -> None:
    """One feature inside a feature: the glob for it reaches that feature's sub-folders only,
    not the helper and plugin folders of every other module."""
    six = ("__init__.py", "router.py", "service.py", "repository.py", "schemas.py", "models.py")
    files: Dict[str, str] = {"app/__init__.py": ""}
    for name in ("users", "orders", "billing"):
        files.update(feature(f"app/{name}", six, "router.py"))
    files.update(feature("app/users/admin", six, "router.py"))
    files.update({"app/orders/helpers/__init__.py": "", "app/orders/helpers/money.py": ""})
    files.update({"app/billing/providers/__init__.py": "", "app/billing/providers/stripe.py": ""})
    write_tree(tmp_path, files)
    git_init(tmp_path)
    output = init(tmp_path)
    assert 'modules = ["app/*", "app/users/*"]\n' in table(output)
    assert run_main(["init", "--write"], tmp_path).returncode == 0
    listing = run_main(["check", "--show-files"], tmp_path).stdout.splitlines()
    assert "module package: app/users/admin" in listing
    assert "module package: app/orders/helpers" not in listing
    assert "module package: app/billing/providers" not in listing


def test_role_packages_are_proposed_and_a_toolkit_is_no_module(tmp_path: Path) -> None:
    """A feature split into endpoints/, service/ and schemas/ packages is a module whose role
    packages are proposed; a toolkit with repository/ base classes beside schemas.py and
    services.py but no router is not a module."""
    five = ("__init__.py", "endpoints.py", "service.py", "repository.py", "schemas.py")
    files: Dict[str, str] = {"app/__init__.py": ""}
    for name in ("users", "orders", "billing"):
        files.update(feature(f"app/{name}", five, "endpoints.py"))
    for package in ("endpoints", "service", "schemas"):
        files[f"app/portal/{package}/__init__.py"] = ""
        files[f"app/portal/{package}/orders.py"] = ROUTER if package == "endpoints" else ""
    files.update({"app/portal/__init__.py": "", "app/portal/repository.py": ""})
    files.update({"app/kit/__init__.py": "", "app/kit/schemas.py": "", "app/kit/services.py": ""})
    files.update({"app/kit/repository/__init__.py": "", "app/kit/repository/base.py": ""})
    files.update({"app/core/__init__.py": "", "app/core/db.py": ""})
    # a nested feature named like a role package is a module of its own, not the role
    files.update(feature("app/billing/repositories", five, "endpoints.py"))
    write_tree(tmp_path, files)
    git_init(tmp_path)
    proposed = table(init(tmp_path))
    modules = '["app/billing", "app/billing/*", "app/orders", "app/portal", "app/users"]'
    assert f"modules = {modules}\nnested-modules = true\n" in proposed
    assert 'router = ["endpoints.py", "endpoints/"]\n' in proposed
    assert 'service = ["service.py", "service/"]\n' in proposed
    assert 'schemas = ["schemas.py", "schemas/"]\n' in proposed
    assert "repositories/" not in proposed
    assert run_main(["init", "--write"], tmp_path).returncode == 0
    listing = run_main(["check", "--show-files"], tmp_path).stdout.splitlines()
    assert "app/portal/endpoints/orders.py  [router]" in listing
    report = run_main(["check", "--format", "concise", "--select", "CNF1"], tmp_path)
    assert report.stdout == "", report.stdout
