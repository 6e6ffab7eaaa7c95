"""Layering (CNF2xx) as a user sees it: whole projects through the real engine.

The rule classes' own VALID/INVALID examples run in test_rule_examples.py; these tests cover what
spans several rules or files: a project full of look-alikes that must stay silent, type-only and
deferred imports, cycles, options, superseded findings and the bundled example.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from conformance.config import validate
from conformance.diagnostics import Violation
from conformance.engine import RunOptions, run
from tests.conftest import REPO_ROOT, dedent, write_tree

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

DB = """
from typing import Annotated, AsyncIterator

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


async def get_session() -> AsyncIterator[AsyncSession]:
    yield AsyncSession()


SessionDep = Annotated[AsyncSession, Depends(get_session)]
"""

#: a conforming two-module project full of names that look like violations and are not
CLEAN: Dict[str, str] = {
    "cpv3/__init__.py": "",
    "cpv3/core/__init__.py": "",
    "cpv3/core/db.py": DB,
    "cpv3/registry/__init__.py": "",
    "cpv3/registry/repository.py": "class Registry:\n    items: dict = {}\n",
    "cpv3/modules/__init__.py": "",
    "cpv3/modules/users/__init__.py": '"""Users."""\n',
    "cpv3/modules/users/models.py": """
        import enum
        from typing import TYPE_CHECKING, List

        from sqlalchemy.orm import Mapped, mapped_column, relationship

        from cpv3.core.db import Base

        if TYPE_CHECKING:
            from cpv3.modules.orders.models import Order

        MAX_NAME = 200


        class UserStatus(str, enum.Enum):
            ACTIVE = "active"


        class User(Base):
            __tablename__ = "users"

            id: Mapped[int] = mapped_column(primary_key=True)
            orders: Mapped[List["Order"]] = relationship(back_populates="user")
        """,
    "cpv3/modules/users/schemas.py": """
        from pydantic import BaseModel, Field

        from .models import MAX_NAME, UserStatus


        class UserOut(BaseModel):
            name: str = Field(max_length=MAX_NAME)
            status: UserStatus
        """,
    "cpv3/modules/users/repository.py": """
        from typing import Optional

        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from .models import User
        from .schemas import UserOut


        class UserRepository:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def get(self, user_id: int) -> Optional[User]:
                return await self.session.scalar(select(User).where(User.id == user_id))

            async def add(self, user: User) -> User:
                self.session.add(user)
                await self.session.flush()
                return user

            def shape(self, user: User) -> UserOut:
                return UserOut.model_validate(user)
        """,
    "cpv3/modules/users/service.py": """
        from typing import Annotated

        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession

        from cpv3.core.db import SessionDep

        from .models import User
        from .repository import UserRepository


        def delete(items: list, key: int) -> list:
            return [i for i in items if i != key]


        class UserService:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session
                self.repository = UserRepository(session)

            async def get(self, user_id: int) -> User:
                return await self.repository.get(user_id)

            async def close(self, user_id: int) -> None:
                async with self.session.begin_nested():
                    await self.repository.get(user_id)
                await self.session.commit()

            async def fail(self) -> None:
                await self.session.rollback()


        def get_user_service(session: SessionDep) -> UserService:
            return UserService(session)


        UserServiceDep = Annotated[UserService, Depends(get_user_service)]
        """,
    "cpv3/modules/users/router.py": """
        from typing import Annotated

        from fastapi import APIRouter, Depends
        from sqlalchemy.ext.asyncio import AsyncSession

        from cpv3.core.db import SessionDep, get_session
        from cpv3.registry.repository import Registry

        from .models import MAX_NAME, UserStatus
        from .schemas import UserOut
        from .service import UserService, UserServiceDep

        router = APIRouter(prefix="/users")


        def get_service(session: AsyncSession = Depends(get_session)) -> UserService:
            return UserService(session)


        LocalDep = Annotated[UserService, Depends(get_service)]


        def select(items: list) -> list:
            return items


        @router.get("/")
        async def list_users(service: UserServiceDep, session: SessionDep) -> list:
            db = {"a": 1}
            db.get("a")
            other = UserService(session)
            await other.get(1)
            return select([UserStatus.ACTIVE, MAX_NAME, Registry.items])


        @router.get("/{user_id}", response_model=UserOut)
        async def get_user(user_id: int, service: LocalDep):
            return await service.get(user_id)
        """,
    "cpv3/modules/orders/__init__.py": "",
    "cpv3/modules/orders/models.py": """
        from sqlalchemy.orm import Mapped, mapped_column, relationship

        from cpv3.core.db import Base
        from cpv3.modules.users.models import User


        class Order(Base):
            __tablename__ = "orders"

            id: Mapped[int] = mapped_column(primary_key=True)
            user: Mapped[User] = relationship(back_populates="orders")
        """,
    "cpv3/modules/orders/schemas.py": """
        from pydantic import BaseModel

        from cpv3.modules.users.schemas import UserOut


        class OrderOut(BaseModel):
            id: int
            user: UserOut
        """,
    "cpv3/modules/orders/repository.py": "class OrderRepository:\n    pass\n",
    "cpv3/modules/orders/service.py": """
        from sqlalchemy.ext.asyncio import AsyncSession

        from cpv3.modules.users.service import UserService


        class OrderService:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session
                self.users = UserService(session)

            async def cancel_all(self, user_id: int) -> None:
                await self.users.get(user_id)
                await self.session.commit()
        """,
    "cpv3/modules/orders/router.py": """
        from fastapi import APIRouter

        router = APIRouter()
        """,
}


def check(
    tmp_path: Path,
    files: Mapping[str, str],
    config: str = "",
    base: Optional[Mapping[str, str]] = None,
) -> List[Violation]:
    tree = dict(CLEAN if base is None else base)
    tree.update(files)
    write_tree(tmp_path, {path: dedent(text) for path, text in tree.items()})
    table: Dict[str, Any] = tomllib.loads(dedent(config)) if config else {}
    # this family, plus the generic rule its findings replace (CNF113)
    table.setdefault("select", ["CNF2", "CNF113"])
    result = run(validate(table, root=str(tmp_path), source=None), [str(tmp_path)], RunOptions())
    return result.violations


def layering(violations: List[Violation]) -> List[Tuple[str, Optional[int], str, str]]:
    return [
        (v.path, v.location.line, v.code, v.message)
        for v in violations
        if v.code.startswith("CNF2")
    ]


def test_lookalikes_produce_no_layering_finding(tmp_path: Path) -> None:
    assert layering(check(tmp_path, {})) == []


def test_type_only_edge_is_reported_as_cnf214_instead(tmp_path: Path) -> None:
    router = """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from .repository import UserRepository
        """
    found = layering(check(tmp_path, {"cpv3/modules/users/router.py": router}))
    assert [(line, code) for _, line, code, _ in found] == [(4, "CNF214")]
    assert found[0][3].endswith("(under TYPE_CHECKING; CNF202 at runtime)")


def test_type_only_policy_is_one_switch(tmp_path: Path) -> None:
    router = """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from .repository import UserRepository
        """
    found = check(tmp_path, {"cpv3/modules/users/router.py": router}, 'ignore = ["CNF214"]')
    assert layering(found) == []


def test_deferred_import_keeps_its_code_and_is_tagged(tmp_path: Path) -> None:
    router = """
        def build():
            from .repository import UserRepository
            return UserRepository
        """
    found = [
        v for v in check(tmp_path, {"cpv3/modules/users/router.py": router}) if v.code == "CNF202"
    ]
    assert len(found) == 1
    assert found[0].tags == ("deferred",)
    assert found[0].message.endswith("(deferred import inside a function: still an import)")


def test_layers_table_is_the_policy(tmp_path: Path) -> None:
    router = "from .repository import UserRepository\n"
    default = layering(check(tmp_path / "a", {"cpv3/modules/users/router.py": router}))
    assert [code for _, _, code, _ in default] == ["CNF202"]
    relaxed = """
        [layers]
        router = ["service", "schemas", "repository"]
        service = ["repository", "schemas", "models"]
        repository = ["models", "schemas"]
        models = []
        schemas = []
        """
    assert layering(check(tmp_path / "b", {"cpv3/modules/users/router.py": router}, relaxed)) == []
    strict = """
        [layers]
        router = ["service", "schemas"]
        service = ["schemas"]
        repository = ["models", "schemas"]
        models = []
        schemas = []
        """
    found = layering(check(tmp_path / "c", {}, strict))
    assert [(p, ln, c) for p, ln, c, _ in found] == [
        ("cpv3/modules/users/service.py", 8, "CNF203"),
        ("cpv3/modules/users/service.py", 9, "CNF201"),
    ]


def test_registry_repository_is_a_repository_only_by_config(tmp_path: Path) -> None:
    roles = """
        [roles]
        router = ["router.py"]
        service = ["service.py"]
        repository = ["repository.py", "cpv3/registry/repository.py"]
        models = ["models.py"]
        schemas = ["schemas.py"]
        """
    found = layering(check(tmp_path, {}, roles))
    assert [(p, c) for p, _, c, _ in found] == [("cpv3/modules/users/router.py", "CNF202")]


def _cycle_project() -> Dict[str, str]:
    files: Dict[str, str] = {"cpv3/__init__.py": "", "cpv3/modules/__init__.py": ""}
    for name in ("alpha", "beta", "gamma", "delta"):
        files[f"cpv3/modules/{name}/__init__.py"] = ""
    files["cpv3/modules/alpha/service.py"] = "from cpv3.modules.beta.service import B\n"
    files["cpv3/modules/beta/service.py"] = "from cpv3.modules.gamma import service\nB = 1\n"
    files["cpv3/modules/beta/schemas.py"] = "from cpv3.modules.gamma.schemas import X\n"
    files["cpv3/modules/gamma/schemas.py"] = "X = 1\n"
    files["cpv3/modules/gamma/service.py"] = (
        "from cpv3.modules.delta import service as d\n"
        "def late():\n    from ..alpha.service import A\n"
    )
    files["cpv3/modules/delta/service.py"] = "from cpv3.modules.gamma.schemas import X\n"
    return files


def test_each_cycle_is_reported_once_with_its_path(tmp_path: Path) -> None:
    found = [v for v in check(tmp_path, {}, base=_cycle_project()) if v.code == "CNF206"]
    described = sorted((v.path, v.location.line, v.message) for v in found)
    assert described == [
        (
            "cpv3/modules/gamma/service.py",
            1,
            "service.py imports delta.service and closes the module import cycle "
            "delta -> gamma -> delta",
        ),
        (
            "cpv3/modules/gamma/service.py",
            3,
            "service.py imports alpha.service and closes the module import cycle "
            "alpha -> beta -> gamma -> alpha",
        ),
    ]
    assert [v.tags for v in sorted(found, key=lambda v: v.location.line or 0)] == [
        (),
        ("deferred",),
    ]


def test_type_only_edges_close_cycles_only_when_asked(tmp_path: Path) -> None:
    files = {
        "cpv3/__init__.py": "",
        "cpv3/modules/a/models.py": "from cpv3.modules.b.models import B\nA = 1\n",
        "cpv3/modules/b/models.py": (
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
            "    from cpv3.modules.a.models import A\nB = 1\n"
        ),
    }
    assert [v for v in check(tmp_path / "x", {}, base=files) if v.code == "CNF206"] == []
    found = check(tmp_path / "y", {}, "cycles-include-type-checking = true", base=files)
    assert [(v.path, v.code) for v in found if v.code == "CNF206"] == [
        ("cpv3/modules/b/models.py", "CNF206")
    ]


def test_layering_findings_replace_sql_outside_repository(tmp_path: Path) -> None:
    router = """
        from fastapi import APIRouter

        from cpv3.core.db import SessionDep

        router = APIRouter()


        @router.get("/")
        async def count(session: SessionDep):
            return await session.scalar(1)
        """
    service = """
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import AsyncSession


        class UserService:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def count(self):
                return await self.session.scalar(text("select 1"))
        """
    found = check(
        tmp_path,
        {"cpv3/modules/users/router.py": router, "cpv3/modules/users/service.py": service},
    )
    codes = sorted((v.path.rpartition("/")[2], v.location.line, v.code) for v in found)
    assert ("router.py", 10, "CNF211") in codes
    assert ("service.py", 10, "CNF212") in codes
    assert not [c for c in codes if c[2] == "CNF113"]


def test_service_session_methods_option(tmp_path: Path) -> None:
    service = """
        from sqlalchemy.ext.asyncio import AsyncSession


        class UserService:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def save(self, user) -> None:
                self.session.add(user)
                await self.session.flush()
                await self.session.commit()
        """
    files = {"cpv3/modules/users/service.py": service}
    default = [v.location.line for v in check(tmp_path / "a", files) if v.code == "CNF212"]
    assert default == [9, 10]
    option = 'service-session-methods = ["commit", "flush"]'
    relaxed = [v.location.line for v in check(tmp_path / "b", files, option) if v.code == "CNF212"]
    assert relaxed == [9]


def test_framework_allowed_imports_option(tmp_path: Path) -> None:
    service = "from fastapi.encoders import jsonable_encoder\nfrom fastapi import Depends\n"
    files = {"cpv3/modules/users/service.py": service}
    assert [v.location.line for v in check(tmp_path / "a", files) if v.code == "CNF207"] == [1]
    option = 'framework-allowed-imports = ["fastapi.Depends", "fastapi.encoders"]'
    assert [v for v in check(tmp_path / "b", files, option) if v.code == "CNF207"] == []


def test_repository_reached_through_a_service_reexport(tmp_path: Path) -> None:
    router = "from .service import UserRepository\n"
    found = layering(check(tmp_path, {"cpv3/modules/users/router.py": router}))
    assert found == [
        (
            "cpv3/modules/users/router.py",
            1,
            "CNF218",
            "router.py imports UserRepository from users.service (re-exported from "
            "users.repository, CNF202): routers call services",
        )
    ]


def test_provider_in_service_returning_a_repository(tmp_path: Path) -> None:
    service_extra = dedent(CLEAN["cpv3/modules/users/service.py"]) + (
        "\n\ndef get_repository(session: SessionDep) -> UserRepository:\n"
        "    return UserRepository(session)\n"
    )
    router = """
        from fastapi import APIRouter, Depends

        from .service import get_repository

        router = APIRouter()


        @router.get("/")
        async def first(repo=Depends(get_repository)):
            return await repo.get(1)
        """
    found = layering(
        check(
            tmp_path,
            {
                "cpv3/modules/users/service.py": service_extra,
                "cpv3/modules/users/router.py": router,
            },
        )
    )
    assert [(line, code) for _, line, code, _ in found] == [(9, "CNF210")]


_MARK = re.compile(r"#\s*deliberate:\s*(CNF\d{3})")


def test_shop_example_reports_its_deliberate_layering_findings(tmp_path: Path) -> None:
    shop = REPO_ROOT / "examples" / "shop"
    with open(shop / "pyproject.toml", "rb") as handle:
        table = tomllib.load(handle)["tool"]["conformance"]
    table["select"] = ["CNF2", "CNF113"]
    result = run(validate(table, root=str(shop), source=None), [str(shop)], RunOptions())
    found = [v for v in result.violations if v.code.startswith("CNF2")]
    assert len(found) >= 3
    for violation in found:
        lines = (shop / violation.path).read_text(encoding="utf-8").splitlines()
        line = violation.location.line or 1
        nearby = " ".join(lines[max(0, line - 2) : line])
        assert violation.code in _MARK.findall(nearby), (violation.path, line, violation.code)
    marked = set()
    for path in (shop / "cpv3").rglob("*.py"):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for code in _MARK.findall(text):
                if code.startswith("CNF2"):
                    marked.add((path.relative_to(shop).as_posix(), number, code))
    reported = {(v.path, v.location.line, v.code) for v in found}
    for path, number, code in marked:
        assert (path, number, code) in reported or (path, number + 1, code) in reported, (
            path,
            number,
            code,
        )


def test_one_sql_builder_table_for_every_rule(tmp_path: Path) -> None:
    """A dialect's `insert` and `session.get_one` are SQL for CNF113 (schemas.py)
    exactly as for CNF212 (the service): the rules share one table of SQL builders."""
    code = """
        from sqlalchemy.dialects.sqlite import insert
        from sqlalchemy.ext.asyncio import AsyncSession


        class UserService:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def add(self, row):
                await self.session.execute(insert(Row).values(row))

            async def one(self, key):
                return await self.session.get_one(Row, key)
        """
    found = check(
        tmp_path,
        {"cpv3/modules/users/service.py": code, "cpv3/modules/users/schemas.py": code},
        config='select = ["CNF113", "CNF212"]',
    )
    by_file = sorted((v.path.rpartition("/")[2], v.location.line, v.code) for v in found)
    assert ("service.py", 10, "CNF212") in by_file and ("service.py", 13, "CNF212") in by_file
    assert ("schemas.py", 10, "CNF113") in by_file and ("schemas.py", 13, "CNF113") in by_file
