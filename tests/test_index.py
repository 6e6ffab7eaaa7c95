"""The project index: kinds through project base classes across files, aliases, re-exports, and
the partial index's "cannot tell" answers."""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Sequence, Set

from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.filepass import analyze_file
from conformance.index import (
    ORM_BASE,
    ORM_ENTITY,
    PYDANTIC_MODEL,
    PYDANTIC_SETTINGS,
    ProjectIndex,
)
from conformance.model import SourceFile
from conformance.results import AnalysisSettings
from conformance.settings import Config
from conformance.tracking import MEMO, VOLATILE, StoredMemo, memo_valid

from .conftest import dedent


def index_of(files: Dict[str, str], complete: bool = True) -> ProjectIndex:
    settings = AnalysisSettings(Config(), (), ("cpv3",))
    facts = []
    for path, source in files.items():
        module = path[: -len(".py")].replace("/", ".")
        is_package = module.endswith(".__init__")
        module = module[: -len(".__init__")] if is_package else module
        result = analyze_file(
            SourceFile(path, module, is_package), dedent(source).encode(), settings, []
        )
        assert result.facts is not None
        facts.append(result.facts)
    return ProjectIndex(facts, project_packages=("cpv3",), complete=complete)


FILES = {
    "cpv3/core/schemas.py": """
        import pydantic as pd

        class Schema(pd.BaseModel):
            pass
        """,
    "cpv3/core/db.py": """
        from typing import Annotated
        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession
        from sqlalchemy.orm import DeclarativeBase, declarative_base

        class Base(DeclarativeBase):
            pass

        LegacyBase = declarative_base()

        async def get_session():
            yield None

        SessionDep = Annotated[AsyncSession, Depends(get_session)]
        """,
    "cpv3/core/config.py": """
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            debug: bool = False
        """,
    "cpv3/modules/users/__init__.py": """
        from .schemas import UserOut
        """,
    "cpv3/modules/users/schemas.py": """
        from cpv3.core.schemas import Schema

        class UserOut(Schema):
            id: int

        class Plain:
            pass
        """,
    "cpv3/modules/users/models.py": """
        from cpv3.core.db import Base, LegacyBase

        class User(Base):
            __tablename__ = "users"

        class Old(LegacyBase):
            __tablename__ = "old"
        """,
}


def test_kinds_follow_project_base_classes_across_files() -> None:
    index = index_of(FILES)
    assert index.is_kind("cpv3.modules.users.schemas.UserOut", PYDANTIC_MODEL) is True
    assert index.is_kind("cpv3.modules.users.schemas.Plain", PYDANTIC_MODEL) is False
    assert index.is_kind("cpv3.core.config.Settings", PYDANTIC_SETTINGS) is True
    assert index.is_kind("cpv3.core.db.Base", ORM_BASE) is True
    assert index.is_kind("cpv3.core.db.Base", ORM_ENTITY) is False
    assert index.is_kind("cpv3.modules.users.models.User", ORM_ENTITY) is True
    assert index.is_kind("cpv3.modules.users.models.Old", ORM_ENTITY) is True


def test_reexports_and_aliases_resolve_to_their_origin() -> None:
    index = index_of(FILES)
    assert index.resolve("cpv3.modules.users.UserOut") == "cpv3.modules.users.schemas.UserOut"
    assert index.is_kind("cpv3.modules.users.UserOut", PYDANTIC_MODEL) is True
    assert index.type_of("cpv3.core.db.SessionDep") == "sqlalchemy.ext.asyncio.AsyncSession"
    assert index.depends_of("cpv3.core.db.SessionDep") == "cpv3.core.db.get_session"


def test_a_partial_index_says_when_it_cannot_tell() -> None:
    alone = index_of(
        {"cpv3/modules/users/schemas.py": FILES["cpv3/modules/users/schemas.py"]}, complete=False
    )
    assert alone.is_kind("cpv3.modules.users.schemas.UserOut", PYDANTIC_MODEL) is None
    assert alone.is_kind("cpv3.modules.users.schemas.Plain", PYDANTIC_MODEL) is False


def test_a_base_class_changing_changes_the_answer() -> None:
    changed = dict(FILES)
    changed["cpv3/core/schemas.py"] = "class Schema:\n    pass\n"
    assert index_of(changed).is_kind("cpv3.modules.users.schemas.UserOut", PYDANTIC_MODEL) is False


def test_cyclic_bases_do_not_loop() -> None:
    index = index_of(
        {
            "cpv3/a.py": "from cpv3.b import B\n\nclass A(B):\n    pass\n",
            "cpv3/b.py": "from cpv3.a import A\n\nclass B(A):\n    pass\n",
        }
    )
    assert index.is_kind("cpv3.a.A", PYDANTIC_MODEL) is False


def _holds(
    deps: Sequence[str], changed: Set[str], stored: Dict[str, StoredMemo], seen: FrozenSet[str]
) -> bool:
    """What ``memo_valid`` answers, key by key: no key read changed, none volatile, and every
    memo read is kept and holds itself (a memo that reads itself does not)."""
    for dep in deps:
        if dep in changed or dep == VOLATILE:
            return False
        if dep.startswith(MEMO):
            name = dep[1:]
            if name in seen or name not in stored:
                return False
            if not _holds(stored[name][1], changed, stored, seen | {name}):
                return False
    return True


_KEYS = st.sampled_from(["L", "v", "*c", "c:a", "c:b", "f:a", "m:b", "@x", "@y", "@z", "@gone"])


@settings(max_examples=300, deadline=None)
@given(
    deps=st.lists(_KEYS, max_size=8),
    sort=st.booleans(),
    changed=st.sets(st.sampled_from(["L", "*c", "c:a", "c:b", "f:a", "m:b"])),
    memos=st.dictionaries(
        st.sampled_from(["x", "y", "z"]), st.lists(_KEYS, max_size=5), max_size=3
    ),
)
def test_a_record_holds_after_an_edit_exactly_when_no_key_it_read_changed(
    deps: List[str], sort: bool, changed: Set[str], memos: Dict[str, List[str]]
) -> None:
    """A stored record is decided again after an edit when a key it read changed, directly or
    through a memo, whether its keys are stored sorted (as the store writes them) or not."""
    keys = tuple(sorted(deps)) if sort else tuple(deps)
    stored: Dict[str, StoredMemo] = {name: ("null", tuple(read)) for name, read in memos.items()}
    assert memo_valid(keys, changed, stored) == _holds(keys, changed, stored, frozenset())
