"""CNF5xx (SQLAlchemy 2.0 async): behaviour a user notices beyond the rules' own examples.

* every rule with a fix shows it in an INVALID example (``tests/rules/test_fix_examples.py`` applies
  them through the real fix engine);
* a file full of look-alikes (``query``/``execute``/``commit`` on other classes, untyped
  receivers, local functions called ``select``) produces nothing;
* receivers typed in another file (``SessionDep``, a session factory, a base class) through the
  real engine, and with the file results cached.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Mapping, Tuple

from conformance.config import validate
from conformance.engine import RunOptions, run
from conformance.rules import all_rules, by_code
from tests.conftest import REPO_ROOT, dedent, write_tree

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

FAMILY = [rule for rule in all_rules() if rule.code.startswith("CNF5")]


def _config(root: Path, body: str = "", select: Tuple[str, ...] = ()) -> object:
    """Only this family's rules (default-on ones plus ``select``): other families' rules are
    exercised by their own tests."""
    table = tomllib.loads(body) if body else {}
    table["select"] = ["CNF5", *select]
    return validate(table, root=str(root), source=None)


def _codes(tmp_path: Path, files: Mapping[str, str], *select: str, config: str = "") -> List[str]:
    write_tree(tmp_path, {path: dedent(text) for path, text in files.items()})
    result = run(_config(tmp_path, config, select), [str(tmp_path)], RunOptions(jobs=1))  # type: ignore[arg-type]
    found = sorted(
        (v.path, v.location.line or 0, v.code)
        for v in result.violations
        if v.code.startswith("CNF5")
    )
    return [f"{path}:{line}:{code}" for path, line, code in found]


# -- fixes (applied and compared by tests/rules/test_fix_examples.py) ---------------------------------


def test_every_rule_with_a_fix_promises_one() -> None:
    missing = [r.code for r in FAMILY if r.fix is not None and not any(e.fixed for e in r.INVALID)]
    assert missing == []


# -- precision -----------------------------------------------------------------------------------

LOOK_ALIKES = {
    "cpv3/modules/users/repository.py": """
        import asyncio

        from sqlalchemy.ext.asyncio import AsyncSession


        class SearchIndex:
            def query(self, text):
                return [text]

            def get(self, key):
                return key

            def execute(self, sql):
                return sql

            async def commit(self):
                return None


        def select(columns, whereclause=None):
            return columns


        def joinedload(name):
            return name


        class UserRepository:
            def __init__(self, session: AsyncSession, index: SearchIndex) -> None:
                self.session = session
                self.index = index

            async def search(self, text, db, engine, conn):
                hits = self.index.query(text).get(1)
                self.index.execute("SELECT 1")
                self.index.commit()
                db.query(text)
                db.commit()
                engine.execute("SELECT 1")
                conn.begin(subtransactions=True)
                rows = select([1, 2], whereclause=True)
                option = joinedload("items")
                await asyncio.gather(self.index.commit(), self.index.commit())
                self.session.add(hits)
                await self.session.flush()
                return rows, option

            def later(self, user_id):
                return self.session.get(object, user_id)
        """,
    "cpv3/modules/users/models.py": """
        from sqlalchemy import Column, Integer, MetaData, Table
        from sqlalchemy.orm import relationship

        metadata = MetaData()
        audit = Table("audit", metadata, Column("id", Integer, primary_key=True))


        class Mixin:
            created = Column(Integer)


        class Plain:
            items: list = relationship("Item")
        """,
}


def test_look_alikes_produce_nothing(tmp_path: Path) -> None:
    assert _codes(tmp_path, LOOK_ALIKES, "CNF505", "CNF513", "CNF514") == []


def test_query_of_an_unrelated_class_is_not_reported(tmp_path: Path) -> None:
    files = {
        "cpv3/modules/users/repository.py": """
            from cpv3.core.search import Index


            class UserRepository:
                def __init__(self, index: Index) -> None:
                    self.index = index

                async def find(self, text):
                    return self.index.query(text).get(1)
            """,
        "cpv3/core/search.py": """
            class Index:
                def query(self, text):
                    return self
            """,
    }
    assert _codes(tmp_path, files) == []


# -- receivers across files ----------------------------------------------------------------------

DB = """
    from typing import Annotated

    from fastapi import Depends
    from sqlalchemy.ext.asyncio import AsyncSession as AS, async_sessionmaker, create_async_engine

    engine = create_async_engine("sqlite+aiosqlite://")
    Factory = async_sessionmaker(engine, expire_on_commit=False)


    async def get_session():
        async with Factory() as session:
            yield session


    SessionDep = Annotated[AS, Depends(get_session)]
    """

SERVICE = """
    from cpv3.core.db import Factory, SessionDep


    class UserService:
        def __init__(self, session: SessionDep) -> None:
            self.session = session

        async def rename(self, user) -> None:
            self.session.commit()


    async def job():
        session = Factory()
        session.commit()
        async with Factory.begin() as tx_session:
            tx_session.query(User)
    """


def test_receivers_typed_in_another_file(tmp_path: Path) -> None:
    files = {"cpv3/core/db.py": DB, "cpv3/modules/users/service.py": SERVICE}
    assert _codes(tmp_path, files) == [
        "cpv3/modules/users/service.py:9:CNF510",
        "cpv3/modules/users/service.py:14:CNF510",
        "cpv3/modules/users/service.py:16:CNF506",
    ]


def test_an_alias_that_is_not_a_session_is_not_reported(tmp_path: Path) -> None:
    files = {
        "cpv3/core/db.py": """
            from typing import Annotated

            from fastapi import Depends

            from cpv3.core.search import Index

            SessionDep = Annotated[Index, Depends(Index)]
            Factory = dict
            """,
        "cpv3/core/search.py": "class Index:\n    def query(self, text):\n        return text\n",
        "cpv3/modules/users/service.py": SERVICE,
    }
    assert _codes(tmp_path, files) == []


def test_cross_file_findings_survive_the_cache(tmp_path: Path) -> None:
    """A changed alias in another file changes the verdict although the service file (cached)
    did not change."""
    files = {"cpv3/core/db.py": DB, "cpv3/modules/users/service.py": SERVICE}
    write_tree(tmp_path, {path: dedent(text) for path, text in files.items()})
    cache = tmp_path / ".cache"
    config = _config(tmp_path)
    options = RunOptions(jobs=1, cache_dir=str(cache))
    first = run(config, [str(tmp_path)], options)  # type: ignore[arg-type]
    assert sum(v.code == "CNF510" for v in first.violations) == 2
    (tmp_path / "cpv3/core/db.py").write_text(
        "from cpv3.core.search import Index\n\nSessionDep = Index\nFactory = Index\n",
        encoding="utf-8",
    )
    (tmp_path / "cpv3/core/search.py").write_text("class Index:\n    pass\n", encoding="utf-8")
    second = run(config, [str(tmp_path)], options)  # type: ignore[arg-type]
    assert [v for v in second.violations if v.code.startswith("CNF5")] == []


def test_project_subclass_and_configured_session_classes(tmp_path: Path) -> None:
    files = {
        "cpv3/core/db.py": """
            from sqlalchemy.ext.asyncio import AsyncSession


            class AppSession(AsyncSession):
                pass
            """,
        "cpv3/modules/users/repository.py": """
            from sqlmodel.ext.asyncio.session import AsyncSession as ModelSession

            from cpv3.core.db import AppSession


            async def purge(a: AppSession, b: ModelSession):
                a.commit()
                b.commit()
            """,
    }
    assert _codes(tmp_path, files) == ["cpv3/modules/users/repository.py:7:CNF510"]
    config = 'async-session-classes = ["sqlmodel.ext.asyncio.session.AsyncSession"]'
    assert _codes(tmp_path, files, config=config) == [
        "cpv3/modules/users/repository.py:7:CNF510",
        "cpv3/modules/users/repository.py:8:CNF510",
    ]


def test_orm_base_from_declarative_base_in_another_file(tmp_path: Path) -> None:
    files = {
        "cpv3/core/db.py": "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
        "cpv3/modules/users/models.py": """
            from sqlalchemy import Column, Integer

            from cpv3.core.db import Base


            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
            """,
    }
    assert _codes(tmp_path, files) == [
        "cpv3/core/db.py:3:CNF502",
        "cpv3/modules/users/models.py:6:CNF503",
    ]


def test_sync_engine_outside_module_packages_is_allowed(tmp_path: Path) -> None:
    files = {
        "scripts/seed.py": "from sqlalchemy import create_engine\n\nengine = create_engine('sqlite://')\n",
        "cpv3/modules/users/service.py": "from sqlalchemy import create_engine\n\nengine = create_engine('sqlite://')\n",
        "cpv3/modules/users/router.py": (
            "from fastapi import APIRouter\n\nrouter = APIRouter(prefix='/u', tags=['u'])\n\n\n"
            "@router.get('/')\nasync def index() -> list:\n    return []\n"
        ),
    }
    assert _codes(tmp_path, files) == ["cpv3/modules/users/service.py:3:CNF512"]


def test_opt_in_rules_need_their_code(tmp_path: Path) -> None:
    files = {
        "cpv3/core/db.py": "from sqlalchemy.ext.asyncio import async_sessionmaker\n\nF = async_sessionmaker(e)\n",
    }
    assert _codes(tmp_path, files) == []
    assert _codes(tmp_path, files, "CNF5") == []
    assert _codes(tmp_path, files, "CNF513") == ["cpv3/core/db.py:3:CNF513"]


def test_shop_example_reports_only_the_deliberate_findings() -> None:
    root = REPO_ROOT / "examples" / "shop"
    from conformance.config import find_config, load_config

    found_root, config_file = find_config(str(root))
    config = load_config(found_root, config_file)
    result = run(config, [str(root)], RunOptions(jobs=1))
    found = sorted(
        (v.path, v.location.line, v.code) for v in result.violations if v.code.startswith("CNF5")
    )
    assert found == [
        ("cpv3/modules/inventory/models.py", 20, "CNF503"),
        ("cpv3/modules/inventory/repository.py", 23, "CNF506"),
    ]


def test_rule_metadata() -> None:
    codes = {r.code: r for r in FAMILY}
    assert sorted(codes) == [f"CNF5{n:02d}" for n in range(1, 18)]
    assert {c for c, r in codes.items() if not r.default} == {"CNF505", "CNF513", "CNF514"}
    for code, rule in codes.items():
        assert rule.catalog == f"SA0{code[-2:]}"
        assert by_code()[code] is rule
        assert rule.name == rule.name.lower() and " " not in rule.name
