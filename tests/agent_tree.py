"""A small project whose findings cover the agent-facing outputs: fixable findings of several
rules (one adding an import, two nested in one class), an unfixable one, a clean file."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from conformance.diagnostics import Edit

from .conftest import dedent, git_init, write_tree

FILES: Dict[str, str] = {
    "pyproject.toml": "[project]\nname = 'demo'\n",
    "cpv3/__init__.py": "",
    "cpv3/modules/__init__.py": "",
    "cpv3/modules/users/__init__.py": "",
    "cpv3/modules/users/models.py": dedent(
        """
        from sqlalchemy import Column, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class User(Base):
            __tablename__ = "users"

            id: Mapped[int] = mapped_column(primary_key=True)
            name = Column(String(64), nullable=False)
        """
    ),
    "cpv3/modules/users/schemas.py": dedent(
        """
        from pydantic import BaseModel, validator


        class UserIn(BaseModel):
            name: str

            @validator("name")
            def strip(cls, value: str) -> str:
                return value.strip()


        class UserOut(BaseModel):
            id: int

            class Config:
                orm_mode = True
        """
    ),
    "cpv3/modules/users/repository.py": dedent(
        """
        from sqlalchemy.ext.asyncio import AsyncSession

        from cpv3.modules.users.models import User


        class UserRepository:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def get(self, user_id: int) -> User | None:
                return await self.session.get(User, user_id)
        """
    ),
    "cpv3/modules/users/service.py": dedent(
        """
        from cpv3.modules.users.repository import UserRepository


        class UserService:
            def __init__(self, repository: UserRepository) -> None:
                self.repository = repository
        """
    ),
    "cpv3/modules/users/router.py": dedent(
        """
        from fastapi import APIRouter, Depends

        from cpv3.modules.users.service import UserService

        router = APIRouter(prefix="/users", tags=["users"])


        def get_user_service() -> UserService:
            raise NotImplementedError


        @router.get("/{user_id}")
        async def read_user(user_id: int, service: UserService = Depends(get_user_service)) -> dict:
            return {}
        """
    ),
}

#: (path, line, code) of every finding of FILES, all fixable.
FINDINGS = [
    ("cpv3/modules/users/models.py", 13, "CNF503"),
    ("cpv3/modules/users/router.py", 13, "CNF301"),
    ("cpv3/modules/users/schemas.py", 7, "CNF410"),
    ("cpv3/modules/users/schemas.py", 15, "CNF401"),
    ("cpv3/modules/users/schemas.py", 16, "CNF403"),
]


def agent_tree(root: Path) -> Path:
    write_tree(root, FILES)
    git_init(root)
    return root


def edits_of(finding: Dict[str, Any]) -> List[Edit]:
    """A JSON finding's ``fix.edits`` as :class:`Edit` values (what a consumer applies)."""
    return [
        Edit(
            e["content"],
            e["location"]["row"],
            e["location"]["column"],
            e["end_location"]["row"],
            e["end_location"]["column"],
        )
        for e in finding["fix"]["edits"]
    ]


#: A configuration of the tree whose role globs overlap: ``admin_api.py`` is a router and a
#: service, which the patterns probably did not mean (a project warning, not a finding).
OVERLAPPING_ROLES = (
    "[project]\nname = 'demo'\n\n[tool.conformance]\n[tool.conformance.roles]\n"
    'router = ["router.py", "*_api.py"]\nservice = ["service.py", "admin_*.py"]\n'
)
OVERLAP_WARNING = (
    "pyproject.toml: [tool.conformance].roles.router '*_api.py' and roles.service 'admin_*.py'"
    " both match cpv3/modules/users/admin_api.py: judged as both; list the file in both roles if"
    " that is meant, or narrow a pattern"
)


def with_overlapping_roles(root: Path) -> Path:
    """The tree with :data:`OVERLAPPING_ROLES` and the file both roles match."""
    write_tree(
        root,
        {
            "pyproject.toml": OVERLAPPING_ROLES,
            "cpv3/modules/users/admin_api.py": '"""Administration endpoints."""\n',
        },
    )
    return root
