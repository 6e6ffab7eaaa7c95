"""``conformance new``: the real CLI writes a module into real projects (the bundled example, a
small project of our own, a generated 100-module tree); the module passes ``check --select ALL``,
compiles, is ruff-clean, and works: a subprocess imports it with FastAPI, SQLAlchemy (async,
aiosqlite) and Pydantic v2 and drives its routes with TestClient."""

from __future__ import annotations

import py_compile
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from conformance.cli import _parser
from tests.conftest import REPO_ROOT, dedent, git_init, run_main, write_tree
from tests.graph_tree import CORE, generated_tree, module

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
RUFF = Path(sys.executable).with_name("ruff")


def project(root: Path, **extra: str) -> Path:
    """The small project of tests/graph_tree.py (app/core: Base, SessionDep, NotFoundError;
    one module, users) plus ``extra`` files."""
    files: Dict[str, str] = dict(CORE)
    files.update(module("users", "User"))
    files.update(extra)
    write_tree(root, files)
    git_init(root)
    return root


def new(root: Path, *args: str) -> subprocess.CompletedProcess:
    return run_main(["new", *args], root)


def snapshot(folder: Path) -> Dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.py"))}


def assert_conforms(root: Path, folder: str, *, future_ok: bool = False) -> None:
    """check --select ALL is clean, every file compiles, ruff check and ruff format are clean."""
    checked = run_main(["check", folder, "--select", "ALL", "--no-cache"], root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    for path in sorted((root / folder).glob("*.py")):
        py_compile.compile(str(path), doraise=True)
    # ruff's defaults, on the project's target version (requires-python). FA100 (add
    # `from __future__ import annotations` to a 3.9 project) is ignored there: Pydantic and
    # SQLAlchemy evaluate the annotations, and the `X | None` it leads to fails on 3.9.
    ignore = ["--extend-ignore", "FA100"] if future_ok else []
    lint = subprocess.run(
        [str(RUFF), "check", "--no-cache", *ignore, folder],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatted = subprocess.run(
        [str(RUFF), "format", "--no-cache", "--check", folder],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


APP = """
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.db import Base, engine
from app.modules.{name}.{router} import router


@asynccontextmanager
async def lifespan(app):
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield


app = FastAPI(lifespan=lifespan)
app.include_router(router)
"""

DRIVE = """
with TestClient(app) as client:
    created = client.post("{prefix}/", json={create})
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["id"] == 1 and all(item[k] == v for k, v in {expect}.items()), item
    second = client.post("{prefix}/", json={create})
    assert second.status_code == 201 and second.json()["id"] == 2, second.text
    listed = client.get("{prefix}/", params={{"limit": 1}})
    assert listed.status_code == 200 and [i["id"] for i in listed.json()] == [1], listed.text
    assert client.get("{prefix}/", params={{"limit": 0}}).status_code == 422
    fetched = client.get("{prefix}/1")
    assert fetched.status_code == 200 and fetched.json() == item, fetched.text
    changed = client.patch("{prefix}/1", json={update})
    assert changed.status_code == 200, changed.text
    assert all(changed.json()[k] == v for k, v in {update}.items()), changed.text
    assert client.get("{prefix}/1").json() == changed.json()
    assert client.delete("{prefix}/1").status_code == 204
    missing = client.get("{prefix}/1")
    assert missing.status_code == 404 and "not found" in missing.json()["detail"], missing.text
    assert client.patch("{prefix}/1", json={update}).status_code == 404
    assert client.delete("{prefix}/1").status_code == 404
    assert [i["id"] for i in client.get("{prefix}/").json()] == [2]
print("routes ok")
"""


def drive(root: Path, name: str, prefix: str, create: str, expect: str, update: str) -> None:
    """Import the generated module in a fresh interpreter and drive every route."""
    script = root / "drive_app.py"
    script.write_text(
        dedent(APP).format(name=name, router="router")
        + dedent(DRIVE).format(prefix=prefix, create=create, expect=expect, update=update),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(script)], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "routes ok"


def test_new_module_conforms_and_its_routes_work(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = new(root, "order_items", "--fields", "name:str,price:Decimal,note:str?,due:date")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        "created app/modules/order_items/: __init__.py, models.py, repository.py, router.py,"
        " schemas.py, service.py\n"
        "mount its router on the app:\n"
        "    from app.modules.order_items.router import router as order_items_router\n"
        "    app.include_router(order_items_router)\n"
    )
    folder = root / "app/modules/order_items"
    models = (folder / "models.py").read_text(encoding="utf-8")
    assert "from app.core.db import Base" in models
    assert "class OrderItem(Base):" in models
    assert "price: Mapped[Decimal] = mapped_column(Numeric(12, 2))" in models
    router = (folder / "router.py").read_text(encoding="utf-8")
    assert 'router = APIRouter(prefix="/order-items", tags=["order-items"])' in router
    assert "from app.core.db import SessionDep" in router
    assert "OrderItemServiceDep = Annotated[OrderItemService, Depends(get_order_item_service)]" in (
        router
    )
    service = (folder / "service.py").read_text(encoding="utf-8")
    assert "from app.core.exceptions import NotFoundError" in service
    assert "from .repository import OrderItemRepository" in service  # the project's style
    repository = (folder / "repository.py").read_text(encoding="utf-8")
    assert "select(OrderItem)" in repository
    assert_conforms(root, "app/modules/order_items", future_ok=True)
    drive(
        root,
        "order_items",
        "/order-items",
        create='{"name": "tea", "price": "3.50", "due": "2026-01-02"}',
        expect='{"name": "tea", "price": "3.50", "note": None, "due": "2026-01-02"}',
        update='{"note": "green"}',
    )


def test_no_orm_module_keeps_items_in_memory_and_works(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        **{
            "pyproject.toml": CORE["pyproject.toml"]
            + 'required-files = ["__init__.py", "schemas.py", "repository.py", "service.py",'
            ' "router.py"]\n'
        },
    )
    result = new(root, "notes", "--no-orm", "--fields", "title:str,done:bool")
    assert result.returncode == 0, result.stderr
    folder = root / "app/modules/notes"
    assert sorted(p.name for p in folder.iterdir()) == [
        "__init__.py",
        "repository.py",
        "router.py",
        "schemas.py",
        "service.py",
    ]
    assert "sqlalchemy" not in "".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
    assert_conforms(root, "app/modules/notes", future_ok=True)
    drive(
        root,
        "notes",
        "/notes",
        create='{"title": "write tests", "done": False}',
        expect='{"title": "write tests", "done": False}',
        update='{"done": True}',
    )


def test_configured_file_names_required_files_and_absolute_imports(tmp_path: Path) -> None:
    base = module("users", "User")
    absolute = {
        path.replace("router.py", "endpoints.py"): text.replace("from .", "from app.modules.users.")
        for path, text in base.items()
    }
    config = CORE["pyproject.toml"] + dedent(
        """
        required-files = ["__init__.py", "models.py", "schemas.py", "repository.py",
                          "service.py", "endpoints.py", "constants.py"]

        [tool.conformance.roles]
        router = ["endpoints.py"]
        """
    )
    files: Dict[str, str] = dict(CORE)
    files.update(absolute)
    files["app/modules/users/constants.py"] = '"""Constants of users."""\n'
    files["pyproject.toml"] = config
    write_tree(tmp_path, files)
    git_init(tmp_path)
    result = new(tmp_path, "tickets")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "app/modules/tickets"
    assert sorted(p.name for p in folder.iterdir()) == [
        "__init__.py",
        "constants.py",
        "endpoints.py",
        "models.py",
        "repository.py",
        "schemas.py",
        "service.py",
    ]
    assert "from app.modules.tickets.endpoints import router as tickets_router" in result.stdout
    service = (folder / "service.py").read_text(encoding="utf-8")
    assert "from app.modules.tickets.repository import TicketRepository" in service
    assert "from ." not in "".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
    assert "name: Mapped[str] = mapped_column(String(255))" in (folder / "models.py").read_text(
        encoding="utf-8"
    )
    assert_conforms(tmp_path, "app/modules/tickets", future_ok=True)


def test_python_310_project_gets_union_syntax_and_is_fully_ruff_clean(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        **{"pyproject.toml": CORE["pyproject.toml"].replace("'>=3.9'", "'>=3.10'")},
    )
    assert new(root, "invoices", "--fields", "total:Decimal,paid_at:datetime?").returncode == 0
    schemas = (root / "app/modules/invoices/schemas.py").read_text(encoding="utf-8")
    assert "paid_at: datetime | None = None" in schemas and "Optional" not in schemas
    assert_conforms(root, "app/modules/invoices")


def test_refuses_to_overwrite_and_reports_bad_input_in_one_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    before = snapshot(root / "app/modules/users")
    taken = new(root, "users")
    assert (taken.returncode, taken.stdout) == (2, "")
    assert taken.stderr == "error: app/modules/users already exists: nothing written\n"
    assert snapshot(root / "app/modules/users") == before

    cases: List[List[str]] = [
        ["Orders"],
        ["class"],
        ["orders", "--fields", "price"],
        ["orders", "--fields", "price:money"],
        ["orders", "--fields", "id:int"],
        ["orders", "--fields", "a:int,a:str"],
    ]
    for args in cases:
        result = new(root, *args)
        assert result.returncode == 2, args
        assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("error: ")
    assert (
        "unknown type 'money' (one of str, text, int"
        in new(root, "orders", "--fields", "price:money").stderr
    )
    assert not (root / "app/modules/orders").exists()

    bare = tmp_path / "bare"
    write_tree(bare, {"pyproject.toml": CORE["pyproject.toml"], "app/__init__.py": ""})
    git_init(bare)
    orm = new(bare, "orders")
    assert orm.returncode == 2
    assert "no SQLAlchemy declarative base" in orm.stderr and "--no-orm" in orm.stderr
    assert not (bare / "app/modules/orders").exists()


SHOP_IGNORED = shutil.ignore_patterns(".conformance_cache", "__pycache__", ".ruff_cache")


def test_new_on_the_bundled_example_with_register(tmp_path: Path) -> None:
    shop = tmp_path / "shop"
    shutil.copytree(REPO_ROOT / "examples" / "shop", shop, ignore=SHOP_IGNORED)
    git_init(shop)
    before = run_main(["check", "--format", "concise", "--no-cache"], shop)
    result = new(shop, "coupons", "--fields", "code:str,percent:int", "--register")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(
        "registered the router in cpv3/main.py:\n"
        "    from cpv3.modules.coupons.router import router as coupons_router\n"
        "    app.include_router(coupons_router)\n"
    )
    main = (shop / "cpv3/main.py").read_text(encoding="utf-8")
    assert "from cpv3.modules.users.router import router as users_router\n" in main
    assert main.index("import router as coupons_router") < main.index("\n\n@asynccontextmanager")
    assert "app.include_router(inventory_router)\napp.include_router(coupons_router)\n" in main
    compile(main, "main.py", "exec")
    schemas = (shop / "cpv3/modules/coupons/schemas.py").read_text(encoding="utf-8")
    assert "from cpv3.core.schemas import Schema" in schemas  # the project's base class
    assert "class CouponRead(Schema):" in schemas
    assert_conforms(shop, "cpv3/modules/coupons", future_ok=True)
    after = run_main(["check", "--format", "concise", "--no-cache"], shop)
    assert after.stdout == before.stdout  # the new module and the edited app add no finding

    again = new(shop, "vouchers", "--register")
    assert again.returncode == 0, again.stderr
    assert "app.include_router(coupons_router)\napp.include_router(vouchers_router)\n" in (
        shop / "cpv3/main.py"
    ).read_text(encoding="utf-8")


def test_register_refuses_when_the_app_is_ambiguous(tmp_path: Path) -> None:
    app = "from fastapi import FastAPI\n\nfrom app.modules.users.router import router\n\n"
    root = project(
        tmp_path,
        **{
            "app/main.py": app + "app = FastAPI()\napp.include_router(router)\n",
            "app/admin.py": app + "admin = FastAPI()\nadmin.include_router(router)\n",
        },
    )
    result = new(root, "orders", "--register")
    assert result.returncode == 2
    assert result.stderr == (
        "error: --register: include_router is called in 2 files (app/admin.py, app/main.py);"
        " add the lines by hand\n"
    )
    assert not (root / "app/modules/orders").exists()
    plain = new(root, "orders")  # without --register the lines are printed
    assert plain.returncode == 0 and "mount its router on the app:\n" in plain.stdout


def test_new_on_a_generated_hundred_module_tree(tmp_path: Path) -> None:
    root = tmp_path / "big"
    generated_tree(root, 100)
    result = new(root, "loyalty_cards", "--fields", "holder:str,points:int", "--register")
    assert result.returncode == 0, result.stderr
    assert_conforms(root, "cpv3/modules/loyalty_cards", future_ok=True)
    graph = run_main(["graph", "--format", "json"], root)
    assert graph.returncode == 0 and '"id": "loyalty_cards"' in graph.stdout


def test_every_new_flag_is_documented() -> None:
    sub = next(a for a in _parser()._actions if a.dest == "command")
    command = sub.choices["new"]  # type: ignore[index]
    flags = [o for a in command._actions for o in a.option_strings if o.startswith("--")]
    assert [f for f in flags if f != "--help" and f"`{f}" not in README] == []


@pytest.mark.parametrize(
    ("plural", "singular"),
    [("categories", "category"), ("order_items", "order_item"), ("boxes", "box"), ("news", "news")],
)
def test_entity_names_are_singular(plural: str, singular: str) -> None:
    from conformance.scaffold.templates import singular as to_singular

    assert to_singular(plural) == singular
