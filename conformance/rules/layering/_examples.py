"""A small users/orders project the layering rules examples are checked in."""

from __future__ import annotations

from typing import Dict

_DB = """
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


_USERS_MODELS = """
import enum

from sqlalchemy.orm import Mapped, mapped_column

from cpv3.core.db import Base

MAX_NAME = 200


class UserStatus(str, enum.Enum):
    ACTIVE = "active"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
"""


_USERS_REPOSITORY = """
from sqlalchemy.ext.asyncio import AsyncSession

from .models import User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User:
        return await self.session.get(User, user_id)
"""


_USERS_SERVICE = """
from sqlalchemy.ext.asyncio import AsyncSession

from .repository import UserRepository


class UserService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = UserRepository(session)

    async def get(self, user_id: int):
        return await self.repository.get(user_id)
"""


_ORDERS_REPOSITORY = """
class OrderRepository:
    pass
"""


_USERS = {
    "cpv3/core/db.py": _DB,
    "cpv3/modules/users/models.py": _USERS_MODELS,
    "cpv3/modules/users/repository.py": _USERS_REPOSITORY,
    "cpv3/modules/users/service.py": _USERS_SERVICE,
}


def _with(*paths: str, **more: str) -> Dict[str, str]:
    files = {path: _USERS[path] for path in paths}
    files.update({key.replace("__", "/"): value for key, value in more.items()})
    return files
