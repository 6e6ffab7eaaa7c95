"""Precision on realistic code: whole projects in well-known styles must produce nothing from the
CNF1xx-CNF4xx families, and small deliberate mistakes in them exactly the expected findings.

The trees imitate the FastAPI docs' SQL tutorial, the full-stack-fastapi-template (``SessionDep``
and ``CurrentUser`` aliases), class-based dependencies, ``APIRouter`` subclasses, routers included
in a loop, a generic ``BaseRepository[ModelT]`` in ``cpv3/core``, services calling other modules'
services, enums shared by models and schemas, ``from __future__ import annotations`` and
``TYPE_CHECKING`` imports for relationships. CNF5xx is not selected here: its look-alike and
cross-file cases are in ``test_sqlalchemy_rules.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Mapping, Tuple

import pytest

from conformance.config import validate
from conformance.engine import RunOptions, run

from .conftest import dedent, write_tree

FAMILIES = ["CNF1", "CNF2", "CNF3", "CNF4"]

Finding = Tuple[str, int, str]


def findings(tmp_path: Path, files: Mapping[str, str]) -> List[Finding]:
    sources = {path: dedent(text) for path, text in files.items()}
    write_tree(tmp_path, {"pyproject.toml": "[project]\nname = 'demo'\n", **sources})
    config = validate({"select": FAMILIES}, root=str(tmp_path), source=None)
    result = run(config, [str(tmp_path)], RunOptions(jobs=1))
    return sorted((v.path, v.location.line or 0, v.code) for v in result.violations)


def mutate(base: Mapping[str, str], path: str, old: str, new: str) -> Dict[str, str]:
    """``base`` with one edit in ``path`` (``old`` must occur exactly once)."""
    files = dict(base)
    assert files[path].count(old) == 1, (path, old)
    files[path] = files[path].replace(old, new)
    return files


#: full-stack-fastapi-template style: SessionDep/CurrentUser aliases, an APIRouter subclass,
#: a class-based Pagination dependency, a generic BaseRepository in cpv3/core, routers included in a loop
FULLSTACK: Dict[str, str] = {
    "cpv3/__init__.py": "",
    "cpv3/core/__init__.py": "",
    "cpv3/core/config.py": """
from __future__ import annotations

import secrets
from typing import Annotated, Any, Literal

from pydantic import AnyUrl, BeforeValidator, PostgresDsn, computed_field, model_validator
from pydantic_core import MultiHostUrl
from pydantic_settings import BaseSettings, SettingsConfigDict


def parse_cors(v: Any) -> list[str] | str:
    if isinstance(v, str) and not v.startswith("["):
        return [i.strip() for i in v.split(",")]
    elif isinstance(v, (list, str)):
        return v
    raise ValueError(v)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_ignore_empty=True, extra="ignore"
    )
    API_V1_STR: str = "/api/v1"
    SECRET_KEY: str = secrets.token_urlsafe(32)
    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8
    ENVIRONMENT: Literal["local", "staging", "production"] = "local"

    BACKEND_CORS_ORIGINS: Annotated[
        list[AnyUrl] | str, BeforeValidator(parse_cors)
    ] = []

    POSTGRES_SERVER: str
    POSTGRES_PORT: int = 5432
    POSTGRES_USER: str
    POSTGRES_PASSWORD: str = ""
    POSTGRES_DB: str = ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def SQLALCHEMY_DATABASE_URI(self) -> PostgresDsn:
        return MultiHostUrl.build(
            scheme="postgresql+asyncpg",
            username=self.POSTGRES_USER,
            password=self.POSTGRES_PASSWORD,
            host=self.POSTGRES_SERVER,
            port=self.POSTGRES_PORT,
            path=self.POSTGRES_DB,
        )

    @model_validator(mode="after")
    def _enforce_non_default_secrets(self) -> Settings:
        if self.ENVIRONMENT != "local" and self.SECRET_KEY == "changethis":
            raise ValueError("SECRET_KEY must be changed")
        return self


settings = Settings()  # type: ignore
""",
    "cpv3/core/db.py": """
from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from cpv3.core.config import settings

engine = create_async_engine(str(settings.SQLALCHEMY_DATABASE_URI), pool_pre_ping=True)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


async def get_db() -> AsyncGenerator[AsyncSession, None]:
    async with SessionLocal() as session:
        try:
            yield session
        except Exception:
            await session.rollback()
            raise


SessionDep = Annotated[AsyncSession, Depends(get_db)]
""",
    "cpv3/core/deps.py": '''
from __future__ import annotations

from typing import Annotated

import jwt
from fastapi import Depends, HTTPException, Query, status
from fastapi.security import OAuth2PasswordBearer
from pydantic import ValidationError

from cpv3.core import security
from cpv3.core.config import settings
from cpv3.core.db import SessionDep
from cpv3.modules.users.models import User
from cpv3.modules.users.schemas import TokenPayload

reusable_oauth2 = OAuth2PasswordBearer(tokenUrl=f"{settings.API_V1_STR}/login/access-token")

TokenDep = Annotated[str, Depends(reusable_oauth2)]


async def get_current_user(session: SessionDep, token: TokenDep) -> User:
    try:
        payload = jwt.decode(token, settings.SECRET_KEY, algorithms=[security.ALGORITHM])
        token_data = TokenPayload(**payload)
    except (jwt.InvalidTokenError, ValidationError):
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Could not validate credentials")
    user = await session.get(User, token_data.sub)
    if not user:
        raise HTTPException(status_code=404, detail="User not found")
    if not user.is_active:
        raise HTTPException(status_code=400, detail="Inactive user")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_current_active_superuser(current_user: CurrentUser) -> User:
    if not current_user.is_superuser:
        raise HTTPException(status_code=403, detail="The user doesn't have enough privileges")
    return current_user


class Pagination:
    """Class-based dependency: FastAPI calls __call__ with the query parameters."""

    def __init__(self, max_limit: int = 100) -> None:
        self.max_limit = max_limit

    def __call__(
        self,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
    ) -> tuple[int, int]:
        return offset, min(limit, self.max_limit)


pagination = Pagination(max_limit=100)
PaginationDep = Annotated[tuple[int, int], Depends(pagination)]
''',
    "cpv3/core/exceptions.py": """
from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    pass


class ConflictError(DomainError):
    pass


class PermissionDeniedError(DomainError):
    pass
""",
    "cpv3/core/repository.py": '''
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.db import Base

ModelT = TypeVar("ModelT", bound=Base)


class BaseRepository(Generic[ModelT]):
    """CRUD shared by every module repository."""

    model: type[ModelT]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, id: int) -> ModelT | None:
        return await self.session.get(self.model, id)

    async def list(self, *, offset: int = 0, limit: int = 100) -> Sequence[ModelT]:
        result = await self.session.scalars(select(self.model).offset(offset).limit(limit))
        return result.all()

    async def count(self) -> int:
        stmt = select(func.count()).select_from(self.model)
        return (await self.session.execute(stmt)).scalar_one()

    async def add(self, entity: ModelT) -> ModelT:
        self.session.add(entity)
        await self.session.flush()
        await self.session.refresh(entity)
        return entity

    async def update(self, entity: ModelT, values: dict[str, Any]) -> ModelT:
        for key, value in values.items():
            setattr(entity, key, value)
        await self.session.flush()
        return entity

    async def delete(self, entity: ModelT) -> None:
        await self.session.delete(entity)
        await self.session.flush()
''',
    "cpv3/core/routing.py": '''
from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute


def custom_generate_unique_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}"


class ApiRouter(APIRouter):
    """APIRouter with project defaults: unique ids, no trailing-slash redirects."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("generate_unique_id_function", custom_generate_unique_id)
        super().__init__(**kwargs)
''',
    "cpv3/core/schemas.py": """
from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(Schema, Generic[T]):
    items: list[T]
    total: int


class Message(BaseModel):
    message: str
""",
    "cpv3/core/security.py": """
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
from passlib.context import CryptContext

from cpv3.core.config import settings

pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")
ALGORITHM = "HS256"


def create_access_token(subject: str | Any, expires_delta: timedelta) -> str:
    expire = datetime.now(timezone.utc) + expires_delta
    to_encode = {"exp": expire, "sub": str(subject)}
    return jwt.encode(to_encode, settings.SECRET_KEY, algorithm=ALGORITHM)


def verify_password(plain_password: str, hashed_password: str) -> bool:
    return pwd_context.verify(plain_password, hashed_password)


def get_password_hash(password: str) -> str:
    return pwd_context.hash(password)
""",
    "cpv3/main.py": """
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from cpv3.core.config import settings
from cpv3.core.db import engine
from cpv3.modules.items import router as items_router
from cpv3.modules.users import router as users_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


app = FastAPI(title="cpv3", openapi_url=f"{settings.API_V1_STR}/openapi.json", lifespan=lifespan)

if settings.BACKEND_CORS_ORIGINS:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[str(origin).rstrip("/") for origin in settings.BACKEND_CORS_ORIGINS],
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )

for module in (users_router, items_router):
    app.include_router(module.router, prefix=settings.API_V1_STR)
""",
    "cpv3/modules/__init__.py": "",
    "cpv3/modules/items/__init__.py": '''
"""Items owned by users."""
''',
    "cpv3/modules/items/models.py": """
from __future__ import annotations

import enum
import uuid
from typing import TYPE_CHECKING, Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpv3.core.db import Base

if TYPE_CHECKING:
    from cpv3.modules.users.models import User


class ItemStatus(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Item(Base):
    __tablename__ = "items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[Optional[str]] = mapped_column(String(255))
    status: Mapped[ItemStatus] = mapped_column(default=ItemStatus.DRAFT)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))

    owner: Mapped[User] = relationship(back_populates="items")
""",
    "cpv3/modules/items/repository.py": """
from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select

from cpv3.core.repository import BaseRepository
from cpv3.modules.items.models import Item, ItemStatus


class ItemRepository(BaseRepository[Item]):
    model = Item

    async def list_for_owner(
        self, owner_id: uuid.UUID, *, offset: int, limit: int
    ) -> Sequence[Item]:
        stmt = select(Item).where(Item.owner_id == owner_id).offset(offset).limit(limit)
        return (await self.session.scalars(stmt)).all()

    async def count_for_owner(self, owner_id: uuid.UUID) -> int:
        stmt = select(func.count()).select_from(Item).where(Item.owner_id == owner_id)
        return (await self.session.execute(stmt)).scalar_one()

    async def archive_all(self, owner_id: uuid.UUID) -> None:
        for item in await self.list_for_owner(owner_id, offset=0, limit=1000):
            item.status = ItemStatus.ARCHIVED
        await self.session.flush()
""",
    "cpv3/modules/items/router.py": '''
from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, status

from cpv3.core.db import SessionDep
from cpv3.core.deps import CurrentUser, PaginationDep
from cpv3.core.exceptions import NotFoundError, PermissionDeniedError
from cpv3.core.schemas import Message
from cpv3.modules.items.schemas import ItemCreate, ItemPublic, ItemsPage, ItemUpdate
from cpv3.modules.items.service import ItemService

router = APIRouter(prefix="/items", tags=["items"])


class ItemServiceProvider:
    """Class-based provider: an instance is the dependency, FastAPI calls it per request."""

    def __call__(self, session: SessionDep) -> ItemService:
        return ItemService(session)


ItemServiceDep = Annotated[ItemService, Depends(ItemServiceProvider())]
ItemId = Annotated[uuid.UUID, Path(description="The item id")]


def _http(exc: Exception) -> HTTPException:
    if isinstance(exc, NotFoundError):
        return HTTPException(status_code=404, detail=exc.message)
    if isinstance(exc, PermissionDeniedError):
        return HTTPException(status_code=403, detail=exc.message)
    raise exc


@router.get("/", response_model=ItemsPage)
async def read_items(
    service: ItemServiceDep, current_user: CurrentUser, page: PaginationDep
) -> Any:
    offset, limit = page
    return await service.list(current_user, offset, limit)


@router.get("/{id}", response_model=ItemPublic)
async def read_item(id: ItemId, service: ItemServiceDep, current_user: CurrentUser) -> Any:
    try:
        return await service.get(id, current_user)
    except (NotFoundError, PermissionDeniedError) as exc:
        raise _http(exc) from exc


@router.post("/", response_model=ItemPublic, status_code=status.HTTP_201_CREATED)
async def create_item(
    *, service: ItemServiceDep, current_user: CurrentUser, item_in: ItemCreate
) -> Any:
    return await service.create(item_in, current_user.id)


@router.put("/{id}", response_model=ItemPublic)
async def update_item(
    *, service: ItemServiceDep, current_user: CurrentUser, id: uuid.UUID, item_in: ItemUpdate
) -> Any:
    try:
        return await service.update(id, item_in, current_user)
    except (NotFoundError, PermissionDeniedError) as exc:
        raise _http(exc) from exc


@router.post("/{id}/publish", response_model=ItemPublic)
async def publish_item(id: uuid.UUID, service: ItemServiceDep, current_user: CurrentUser) -> Any:
    try:
        return await service.publish(id, current_user)
    except (NotFoundError, PermissionDeniedError) as exc:
        raise _http(exc) from exc


@router.delete("/{id}")
async def delete_item(service: ItemServiceDep, current_user: CurrentUser, id: uuid.UUID) -> Message:
    try:
        await service.delete(id, current_user)
    except (NotFoundError, PermissionDeniedError) as exc:
        raise _http(exc) from exc
    return Message(message="Item deleted successfully")
''',
    "cpv3/modules/items/schemas.py": """
from __future__ import annotations

import uuid
from typing import Optional

from pydantic import Field, model_validator

from cpv3.core.schemas import Page, Schema
from cpv3.modules.items.models import ItemStatus
from cpv3.modules.users.schemas import UserPublic


class ItemBase(Schema):
    title: str = Field(min_length=1, max_length=255)
    description: Optional[str] = Field(default=None, max_length=255)


class ItemCreate(ItemBase):
    tags: list[str] = Field(default_factory=list, max_length=10)


class ItemUpdate(ItemBase):
    title: Optional[str] = Field(default=None, min_length=1, max_length=255)  # type: ignore
    status: Optional[ItemStatus] = None

    @model_validator(mode="after")
    def _not_empty(self) -> ItemUpdate:
        if not self.model_fields_set:
            raise ValueError("nothing to update")
        return self


class ItemPublic(ItemBase):
    id: uuid.UUID
    owner_id: uuid.UUID
    status: ItemStatus
    owner: Optional[UserPublic] = None


ItemsPage = Page[ItemPublic]
""",
    "cpv3/modules/items/service.py": """
from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.exceptions import NotFoundError, PermissionDeniedError
from cpv3.modules.items.models import Item, ItemStatus
from cpv3.modules.items.repository import ItemRepository
from cpv3.modules.items.schemas import ItemCreate, ItemPublic, ItemsPage, ItemUpdate
from cpv3.modules.users.models import User
from cpv3.modules.users.service import UserService


class ItemService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ItemRepository(session)
        self.users = UserService(session)

    async def _owned(self, item_id: uuid.UUID, user: User) -> Item:
        item = await self.repository.get(item_id)
        if item is None:
            raise NotFoundError("Item not found")
        if not user.is_superuser and item.owner_id != user.id:
            raise PermissionDeniedError("Not enough permissions")
        return item

    async def list(self, user: User, offset: int, limit: int) -> ItemsPage:
        items = await self.repository.list_for_owner(user.id, offset=offset, limit=limit)
        total = await self.repository.count_for_owner(user.id)
        return ItemsPage(items=[ItemPublic.model_validate(i) for i in items], total=total)

    async def get(self, item_id: uuid.UUID, user: User) -> ItemPublic:
        return ItemPublic.model_validate(await self._owned(item_id, user))

    async def create(self, item_in: ItemCreate, owner_id: uuid.UUID) -> ItemPublic:
        owner = await self.users.get(owner_id)
        data = item_in.model_dump(exclude={"tags"})
        item = Item(**data, owner_id=owner.id)
        await self.repository.add(item)
        await self.session.commit()
        return ItemPublic.model_validate(item)

    async def update(self, item_id: uuid.UUID, item_in: ItemUpdate, user: User) -> ItemPublic:
        item = await self._owned(item_id, user)
        await self.repository.update(item, item_in.model_dump(exclude_unset=True))
        await self.session.commit()
        return ItemPublic.model_validate(item)

    async def publish(self, item_id: uuid.UUID, user: User) -> ItemPublic:
        item = await self._owned(item_id, user)
        item.status = ItemStatus.PUBLISHED
        await self.session.commit()
        return ItemPublic.model_validate(item)

    async def delete(self, item_id: uuid.UUID, user: User) -> None:
        item = await self._owned(item_id, user)
        await self.repository.delete(item)
        await self.session.commit()
""",
    "cpv3/modules/users/__init__.py": '''
"""Users and authentication."""
''',
    "cpv3/modules/users/models.py": """
from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, Enum, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpv3.core.db import Base

if TYPE_CHECKING:
    from cpv3.modules.items.models import Item


class UserRole(str, enum.Enum):
    ADMIN = "admin"
    MEMBER = "member"


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    hashed_password: Mapped[str]
    full_name: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    is_superuser: Mapped[bool] = mapped_column(default=False)
    role: Mapped[UserRole] = mapped_column(Enum(UserRole), default=UserRole.MEMBER)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    items: Mapped[list[Item]] = relationship(back_populates="owner", cascade="all, delete-orphan")
""",
    "cpv3/modules/users/repository.py": """
from __future__ import annotations

from sqlalchemy import select

from cpv3.core.repository import BaseRepository
from cpv3.modules.users.models import User


class UserRepository(BaseRepository[User]):
    model = User

    async def get_by_email(self, email: str) -> User | None:
        stmt = select(User).where(User.email == email)
        return (await self.session.scalars(stmt)).first()
""",
    "cpv3/modules/users/router.py": """
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from cpv3.core import security
from cpv3.core.config import settings
from cpv3.core.db import SessionDep
from cpv3.core.deps import CurrentUser, PaginationDep, get_current_active_superuser
from cpv3.core.exceptions import ConflictError, NotFoundError, PermissionDeniedError
from cpv3.core.routing import ApiRouter
from cpv3.core.schemas import Message
from cpv3.modules.users.schemas import (
    Token,
    UpdatePassword,
    UserCreate,
    UserPublic,
    UserRegister,
    UsersPublic,
    UserUpdate,
    UserUpdateMe,
)
from cpv3.modules.users.service import UserService

router = ApiRouter(prefix="/users", tags=["users"])


def get_user_service(session: SessionDep) -> UserService:
    return UserService(session)


UserServiceDep = Annotated[UserService, Depends(get_user_service)]


@router.post("/login/access-token")
async def login_access_token(
    service: UserServiceDep, form_data: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> Token:
    user = await service.authenticate(form_data.username, form_data.password)
    if not user:
        raise HTTPException(status_code=400, detail="Incorrect email or password")
    expires = timedelta(minutes=settings.ACCESS_TOKEN_EXPIRE_MINUTES)
    return Token(access_token=security.create_access_token(user.id, expires_delta=expires))


@router.get(
    "/",
    dependencies=[Depends(get_current_active_superuser)],
    response_model=UsersPublic,
)
async def read_users(service: UserServiceDep, page: PaginationDep) -> UsersPublic:
    offset, limit = page
    return await service.list(offset, limit)


@router.post("/", dependencies=[Depends(get_current_active_superuser)], response_model=UserPublic)
async def create_user(service: UserServiceDep, user_in: UserCreate) -> UserPublic:
    try:
        return await service.create(user_in)
    except ConflictError as exc:
        raise HTTPException(status_code=400, detail=exc.message) from exc


@router.patch("/me", response_model=UserPublic)
async def update_user_me(
    service: UserServiceDep, user_in: UserUpdateMe, current_user: CurrentUser
) -> UserPublic:
    return await service.update_me(current_user, user_in)


@router.patch("/me/password", response_model=Message)
async def update_password_me(
    service: UserServiceDep, body: UpdatePassword, current_user: CurrentUser
) -> Message:
    try:
        await service.update_password(current_user, body)
    except PermissionDeniedError as exc:
        raise HTTPException(status_code=400, detail=exc.message) from exc
    return Message(message="Password updated successfully")


@router.get("/me", response_model=UserPublic)
def read_user_me(current_user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(current_user)


@router.post("/signup", response_model=UserPublic, status_code=status.HTTP_201_CREATED)
async def register_user(service: UserServiceDep, user_in: UserRegister) -> UserPublic:
    try:
        return await service.register(user_in)
    except ConflictError as exc:
        raise HTTPException(status_code=400, detail=exc.message) from exc


@router.get("/{user_id}", response_model=UserPublic)
async def read_user_by_id(
    user_id: uuid.UUID, service: UserServiceDep, current_user: CurrentUser
) -> UserPublic:
    if current_user.id != user_id and not current_user.is_superuser:
        raise HTTPException(status_code=403, detail="The user doesn't have enough privileges")
    try:
        return await service.get(user_id)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=exc.message) from exc


@router.patch(
    "/{user_id}",
    dependencies=[Depends(get_current_active_superuser)],
    response_model=UserPublic,
)
async def update_user(user_id: uuid.UUID, user_in: UserUpdate, service: UserServiceDep) -> UserPublic:
    try:
        return await service.update(user_id, user_in)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=exc.message) from exc


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(user_id: uuid.UUID, current_user: CurrentUser) -> None:
    return None
""",
    "cpv3/modules/users/schemas.py": """
from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import EmailStr, Field, field_validator

from cpv3.core.schemas import Schema
from cpv3.modules.users.models import UserRole


class UserBase(Schema):
    email: EmailStr = Field(max_length=255)
    is_active: bool = True
    is_superuser: bool = False
    full_name: str | None = Field(default=None, max_length=255)
    role: UserRole = UserRole.MEMBER


class UserCreate(UserBase):
    password: str = Field(min_length=8, max_length=40)


class UserRegister(Schema):
    email: EmailStr = Field(max_length=255)
    password: str = Field(min_length=8, max_length=40)
    full_name: str | None = Field(default=None, max_length=255)

    @field_validator("full_name")
    @classmethod
    def strip_name(cls, value: str | None) -> str | None:
        return value.strip() if value else value


class UserUpdate(UserBase):
    email: EmailStr | None = Field(default=None, max_length=255)  # type: ignore
    password: str | None = Field(default=None, min_length=8, max_length=40)


class UserUpdateMe(Schema):
    full_name: str | None = Field(default=None, max_length=255)
    email: EmailStr | None = Field(default=None, max_length=255)


class UpdatePassword(Schema):
    current_password: str = Field(min_length=8, max_length=40)
    new_password: str = Field(min_length=8, max_length=40)


class UserPublic(UserBase):
    id: uuid.UUID
    created_at: datetime


class UsersPublic(Schema):
    data: list[UserPublic]
    count: int


class Token(Schema):
    access_token: str
    token_type: str = "bearer"


class TokenPayload(Schema):
    sub: str | None = None
""",
    "cpv3/modules/users/service.py": """
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.exceptions import ConflictError, NotFoundError, PermissionDeniedError
from cpv3.core.security import get_password_hash, verify_password
from cpv3.modules.users.models import User
from cpv3.modules.users.repository import UserRepository
from cpv3.modules.users.schemas import (
    UpdatePassword,
    UserCreate,
    UserPublic,
    UserRegister,
    UsersPublic,
    UserUpdate,
    UserUpdateMe,
)


class UserService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = UserRepository(session)

    async def get(self, user_id: uuid.UUID) -> UserPublic:
        user = await self.repository.get(user_id)
        if user is None:
            raise NotFoundError("user not found")
        return UserPublic.model_validate(user)

    async def list(self, offset: int, limit: int) -> UsersPublic:
        users = await self.repository.list(offset=offset, limit=limit)
        count = await self.repository.count()
        return UsersPublic(data=[UserPublic.model_validate(u) for u in users], count=count)

    async def create(self, user_create: UserCreate) -> UserPublic:
        if await self.repository.get_by_email(user_create.email):
            raise ConflictError("The user with this email already exists in the system.")
        user = User(
            **user_create.model_dump(exclude={"password"}),
            hashed_password=get_password_hash(user_create.password),
        )
        await self.repository.add(user)
        await self.session.commit()
        return UserPublic.model_validate(user)

    async def register(self, user_in: UserRegister) -> UserPublic:
        return await self.create(UserCreate.model_validate(user_in.model_dump()))

    async def update(self, user_id: uuid.UUID, user_in: UserUpdate) -> UserPublic:
        user = await self.repository.get(user_id)
        if user is None:
            raise NotFoundError("user not found")
        values: dict[str, Any] = user_in.model_dump(exclude_unset=True)
        if "password" in values:
            values["hashed_password"] = get_password_hash(values.pop("password"))
        await self.repository.update(user, values)
        await self.session.commit()
        return UserPublic.model_validate(user)

    async def update_me(self, current_user: User, user_in: UserUpdateMe) -> UserPublic:
        data = user_in.model_dump(exclude_unset=True)
        await self.repository.update(current_user, data)
        await self.session.commit()
        return UserPublic.model_validate(current_user)

    async def update_password(self, current_user: User, body: UpdatePassword) -> None:
        if not verify_password(body.current_password, current_user.hashed_password):
            raise PermissionDeniedError("Incorrect password")
        current_user.hashed_password = get_password_hash(body.new_password)
        await self.session.commit()

    async def authenticate(self, email: str, password: str) -> User | None:
        user = await self.repository.get_by_email(email)
        if not user or not verify_password(password, user.hashed_password):
            return None
        return user
""",
}

#: mixins, hybrid-free mapping definitions (server_default=text(...), column_property(select(...))),
#: RootModel/TypeAdapter/computed fields, services calling other modules' services, importlib-driven main
CATALOG: Dict[str, str] = {
    "cpv3/__init__.py": "",
    "cpv3/core/__init__.py": "",
    "cpv3/core/config.py": """
from __future__ import annotations

import secrets
from typing import Annotated, Any, Literal

from pydantic import AnyUrl, BeforeValidator, PostgresDsn, computed_field, model_validator
from pydantic_core import MultiHostUrl
from pydantic_settings import BaseSettings, SettingsConfigDict


def parse_cors(v: Any) -> list[str] | str:
    if isinstance(v, str) and not v.startswith("["):
        return [i.strip() for i in v.split(",")]
    elif isinstance(v, (list, str)):
        return v
    raise ValueError(v)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_ignore_empty=True, extra="ignore"
    )
    API_V1_STR: str = "/api/v1"
    SECRET_KEY: str = secrets.token_urlsafe(32)
    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8
    ENVIRONMENT: Literal["local", "staging", "production"] = "local"

    BACKEND_CORS_ORIGINS: Annotated[
        list[AnyUrl] | str, BeforeValidator(parse_cors)
    ] = []

    POSTGRES_SERVER: str
    POSTGRES_PORT: int = 5432
    POSTGRES_USER: str
    POSTGRES_PASSWORD: str = ""
    POSTGRES_DB: str = ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def SQLALCHEMY_DATABASE_URI(self) -> PostgresDsn:
        return MultiHostUrl.build(
            scheme="postgresql+asyncpg",
            username=self.POSTGRES_USER,
            password=self.POSTGRES_PASSWORD,
            host=self.POSTGRES_SERVER,
            port=self.POSTGRES_PORT,
            path=self.POSTGRES_DB,
        )

    @model_validator(mode="after")
    def _enforce_non_default_secrets(self) -> Settings:
        if self.ENVIRONMENT != "local" and self.SECRET_KEY == "changethis":
            raise ValueError("SECRET_KEY must be changed")
        return self


settings = Settings()  # type: ignore
""",
    "cpv3/core/db.py": """
from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from cpv3.core.config import settings

engine = create_async_engine(str(settings.SQLALCHEMY_DATABASE_URI), pool_pre_ping=True)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


async def get_db() -> AsyncGenerator[AsyncSession, None]:
    async with SessionLocal() as session:
        try:
            yield session
        except Exception:
            await session.rollback()
            raise


SessionDep = Annotated[AsyncSession, Depends(get_db)]
""",
    "cpv3/core/exceptions.py": """
from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    pass


class ConflictError(DomainError):
    pass


class PermissionDeniedError(DomainError):
    pass
""",
    "cpv3/core/mixins.py": """
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, func
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class TableNameMixin:
    @declared_attr.directive
    def __tablename__(cls) -> str:
        return cls.__name__.lower() + "s"
""",
    "cpv3/core/repository.py": '''
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.db import Base

ModelT = TypeVar("ModelT", bound=Base)


class BaseRepository(Generic[ModelT]):
    """CRUD shared by every module repository."""

    model: type[ModelT]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, id: int) -> ModelT | None:
        return await self.session.get(self.model, id)

    async def list(self, *, offset: int = 0, limit: int = 100) -> Sequence[ModelT]:
        result = await self.session.scalars(select(self.model).offset(offset).limit(limit))
        return result.all()

    async def count(self) -> int:
        stmt = select(func.count()).select_from(self.model)
        return (await self.session.execute(stmt)).scalar_one()

    async def add(self, entity: ModelT) -> ModelT:
        self.session.add(entity)
        await self.session.flush()
        await self.session.refresh(entity)
        return entity

    async def update(self, entity: ModelT, values: dict[str, Any]) -> ModelT:
        for key, value in values.items():
            setattr(entity, key, value)
        await self.session.flush()
        return entity

    async def delete(self, entity: ModelT) -> None:
        await self.session.delete(entity)
        await self.session.flush()
''',
    "cpv3/core/schemas.py": """
from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(Schema, Generic[T]):
    items: list[T]
    total: int


class Message(BaseModel):
    message: str
""",
    "cpv3/main.py": """
from __future__ import annotations

import importlib

from fastapi import FastAPI

app = FastAPI()

for name in ("catalog", "orders"):
    module = importlib.import_module(f"cpv3.modules.{name}.router")
    app.include_router(module.router, prefix="/api")
""",
    "cpv3/modules/__init__.py": "",
    "cpv3/modules/catalog/__init__.py": '''
"""Catalogue."""
''',
    "cpv3/modules/catalog/models.py": """
from __future__ import annotations

import enum
from decimal import Decimal
from typing import TYPE_CHECKING, List, Optional

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from cpv3.core.db import Base
from cpv3.core.mixins import TableNameMixin, TimestampMixin

if TYPE_CHECKING:
    from cpv3.modules.orders.models import OrderLine


class ProductKind(enum.IntEnum):
    PHYSICAL = 1
    DIGITAL = 2


class Category(TableNameMixin, TimestampMixin, Base):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("categorys.id"))
    children: Mapped[List["Category"]] = relationship(back_populates="parent")
    parent: Mapped[Optional["Category"]] = relationship(back_populates="children", remote_side=[id])
    products: Mapped[List["Product"]] = relationship(back_populates="category", lazy="selectin")


class Product(TimestampMixin, Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("sku", name="uq_products_sku"),
        CheckConstraint("price >= 0", name="ck_products_price"),
        Index("ix_products_name", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ProductKind] = mapped_column(default=ProductKind.PHYSICAL)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    category_id: Mapped[int] = mapped_column(ForeignKey("categorys.id"))
    category: Mapped[Category] = relationship(back_populates="products")
    order_lines: Mapped[list[OrderLine]] = relationship(back_populates="product", viewonly=True)

    @validates("sku")
    def _upper_sku(self, key: str, value: str) -> str:
        return value.upper()

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.sku})"
""",
    "cpv3/modules/catalog/repository.py": """
from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import selectinload

from cpv3.core.repository import BaseRepository
from cpv3.modules.catalog.models import Category, Product


class ProductRepository(BaseRepository[Product]):
    model = Product

    async def get_with_category(self, product_id: int) -> Optional[Product]:
        stmt = select(Product).options(selectinload(Product.category)).where(Product.id == product_id)
        return await self.session.scalar(stmt)

    async def search(self, q: Optional[str], *, limit: int = 50) -> Sequence[Product]:
        stmt = select(Product).limit(limit)
        if q:
            stmt = stmt.where(or_(Product.name.ilike(f"%{q}%"), Product.sku == q.upper()))
        return (await self.session.scalars(stmt)).all()

    async def reprice(self, category_id: int, factor: float) -> int:
        stmt = update(Product).where(Product.category_id == category_id).values(price=Product.price * factor)
        result = await self.session.execute(stmt)
        return result.rowcount

    async def purge_category(self, category_id: int) -> None:
        await self.session.execute(delete(Product).where(Product.category_id == category_id))


class CategoryRepository(BaseRepository[Category]):
    model = Category
""",
    "cpv3/modules/catalog/router.py": """
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request, Response, status
from fastapi.exceptions import HTTPException

from cpv3.core.db import SessionDep
from cpv3.core.exceptions import NotFoundError
from cpv3.modules.catalog.schemas import ProductCreate, ProductFilter, ProductRead, ProductUpdate
from cpv3.modules.catalog.service import CatalogService

router = APIRouter(prefix="/catalog", tags=["catalog"])


async def get_catalog_service(session: SessionDep) -> CatalogService:
    return CatalogService(session)


CatalogDep = Annotated[CatalogService, Depends(get_catalog_service)]
ProductId = Annotated[int, Path(ge=1, description="Product id")]


def audit(request: Request) -> None:
    request.state.audited = True


@router.get("/products", response_model=list[ProductRead], dependencies=[Depends(audit)])
async def search_products(
    service: CatalogDep,
    filters: Annotated[ProductFilter, Query()],
    response: Response,
) -> list[ProductRead]:
    response.headers["Cache-Control"] = "max-age=60"
    return list(await service.search(filters))


@router.get("/products/{product_id}")
async def get_product(product_id: ProductId, service: CatalogDep) -> ProductRead:
    try:
        return await service.get(product_id)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, exc.message) from exc


@router.post("/products", status_code=status.HTTP_201_CREATED)
async def create_product(
    data: ProductCreate, service: CatalogDep, background: BackgroundTasks
) -> ProductRead:
    product = await service.create(data)
    background.add_task(print, "created", product.id)
    return product


@router.patch("/products/{product_id}")
async def update_product(product_id: ProductId, data: ProductUpdate, service: CatalogDep) -> ProductRead:
    try:
        return await service.update(product_id, data)
    except NotFoundError as exc:
        raise HTTPException(404, exc.message) from exc


@router.post("/categories/{category_id}/reprice", status_code=status.HTTP_204_NO_CONTENT)
async def reprice(
    category_id: Annotated[int, Path(gt=0)],
    service: CatalogDep,
    factor: Annotated[float, Query(gt=0, lt=10)] = 1.0,
) -> None:
    await service.reprice(category_id, factor)


@router.get("/legacy/{sku}", include_in_schema=False, deprecated=True)
async def legacy_lookup(sku: str, q: Annotated[str | None, Query(alias="search", max_length=50)] = None) -> dict[str, str]:
    return {"sku": sku, "q": q or ""}
""",
    "cpv3/modules/catalog/schemas.py": """
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
    TypeAdapter,
    computed_field,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from cpv3.core.schemas import Schema
from cpv3.modules.catalog.models import ProductKind

Sku = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z0-9-]{4,32}$")]


class CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, from_attributes=True)


class CategoryRead(CamelModel):
    id: int
    name: str
    parent_id: Optional[int] = None


class ProductBase(CamelModel):
    sku: Sku
    name: str = Field(min_length=1, max_length=200, examples=["Blue mug"])
    kind: ProductKind = ProductKind.PHYSICAL
    price: Decimal = Field(ge=0, max_digits=10, decimal_places=2)


class ProductCreate(ProductBase):
    category_id: int = Field(validation_alias=AliasChoices("categoryId", "category"), gt=0)

    @field_validator("name", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="before")
    @classmethod
    def _legacy_payload(cls, data: Any) -> Any:
        if isinstance(data, dict) and "title" in data:
            data = {**data, "name": data.pop("title")}
        return data


class ProductUpdate(CamelModel):
    name: Optional[str] = Field(default=None, min_length=1, max_length=200)
    price: Optional[Decimal] = Field(default=None, ge=0)

    @field_validator("price")
    @classmethod
    def _positive(cls, value: Optional[Decimal]) -> Optional[Decimal]:
        if value is not None and value == 0:
            raise ValueError("a product is never free")
        return value


class ProductRead(ProductBase):
    id: int
    category: CategoryRead

    @computed_field  # type: ignore[prop-decorator]
    @property
    def price_label(self) -> str:
        return f"{self.price:.2f} EUR"

    @field_serializer("price")
    def _price(self, value: Decimal) -> str:
        return str(value)


class PhysicalFilter(Schema):
    kind: Literal["physical"] = "physical"
    max_weight: Optional[float] = None


class DigitalFilter(Schema):
    kind: Literal["digital"] = "digital"
    platform: Optional[str] = None


class ProductFilter(Schema):
    q: Optional[str] = Field(default=None, max_length=100)
    detail: Union[PhysicalFilter, DigitalFilter] = Field(default_factory=PhysicalFilter, discriminator="kind")


class SkuList(RootModel[list[Sku]]):
    def __iter__(self):  # type: ignore[override]
        return iter(self.root)


SkuListAdapter = TypeAdapter(list[Sku])
""",
    "cpv3/modules/catalog/service.py": """
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Optional

from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.exceptions import NotFoundError
from cpv3.modules.catalog.models import Product
from cpv3.modules.catalog.repository import CategoryRepository, ProductRepository
from cpv3.modules.catalog.schemas import ProductCreate, ProductFilter, ProductRead, ProductUpdate

logger = logging.getLogger(__name__)


class CatalogService:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._products = ProductRepository(session)
        self._categories = CategoryRepository(session)

    async def get_entity(self, product_id: int) -> Product:
        product = await self._products.get_with_category(product_id)
        if product is None:
            raise NotFoundError(f"product {product_id} not found")
        return product

    async def get(self, product_id: int) -> ProductRead:
        return ProductRead.model_validate(await self.get_entity(product_id))

    async def search(self, filters: ProductFilter) -> Sequence[ProductRead]:
        products = await self._products.search(filters.q)
        return [ProductRead.model_validate(p) for p in products]

    async def create(self, data: ProductCreate) -> ProductRead:
        if await self._categories.get(data.category_id) is None:
            raise NotFoundError("category not found")
        product = Product(**data.model_dump(by_alias=False))
        await self._products.add(product)
        await self._session.commit()
        logger.info("product %s created", product.sku)
        return await self.get(product.id)

    async def update(self, product_id: int, data: ProductUpdate) -> ProductRead:
        product = await self.get_entity(product_id)
        await self._products.update(product, data.model_dump(exclude_unset=True))
        await self._session.commit()
        return ProductRead.model_validate(product)

    async def reprice(self, category_id: int, factor: float) -> int:
        async with self._session.begin_nested():
            changed = await self._products.reprice(category_id, factor)
        await self._session.commit()
        return changed

    async def maybe_get(self, product_id: Optional[int]) -> Optional[ProductRead]:
        return None if product_id is None else await self.get(product_id)
""",
    "cpv3/modules/orders/__init__.py": '''
"""Orders."""
''',
    "cpv3/modules/orders/models.py": """
from __future__ import annotations

import enum
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Enum as SAEnum, ForeignKey, Index, Numeric, func, select, text
from sqlalchemy.orm import column_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpv3.core.db import Base
from cpv3.core.mixins import TimestampMixin

if TYPE_CHECKING:
    from cpv3.modules.catalog.models import Product


class OrderStatus(str, enum.Enum):
    PENDING = "pending"
    PAID = "paid"
    CANCELLED = "cancelled"


class Order(TimestampMixin, Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[OrderStatus] = mapped_column(SAEnum(OrderStatus, native_enum=False), default=OrderStatus.PENDING)
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    lines: Mapped[list["OrderLine"]] = relationship(back_populates="order", cascade="all, delete-orphan")


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (Index("ix_order_lines_open", "order_id", postgresql_where=text("quantity > 0")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(server_default=text("1"))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped["Product"] = relationship(back_populates="order_lines")


Order.line_count = column_property(
    select(func.count(OrderLine.id)).where(OrderLine.order_id == Order.id).correlate_except(OrderLine).scalar_subquery()
)
""",
    "cpv3/modules/orders/repository.py": """
from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cpv3.core.repository import BaseRepository
from cpv3.modules.catalog.models import Product
from cpv3.modules.orders.models import Order, OrderLine


class OrderRepository(BaseRepository[Order]):
    model = Order

    async def get_full(self, order_id: int) -> Optional[Order]:
        stmt = (
            select(Order)
            .where(Order.id == order_id)
            .options(selectinload(Order.lines).selectinload(OrderLine.product).selectinload(Product.category))
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()
""",
    "cpv3/modules/orders/router.py": """
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from cpv3.core.db import SessionDep
from cpv3.core.exceptions import ConflictError, NotFoundError
from cpv3.modules.orders.schemas import OrderCreate, OrderOut
from cpv3.modules.orders.service import OrderService


def get_order_service(session: SessionDep) -> OrderService:
    return OrderService(session)


OrderServiceDep = Annotated[OrderService, Depends(get_order_service)]

router = APIRouter(
    prefix="/orders",
    tags=["orders"],
    responses={404: {"description": "Not found"}},
)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=OrderOut)
async def place_order(data: OrderCreate, service: OrderServiceDep) -> OrderOut:
    try:
        return await service.place(data)
    except NotFoundError as exc:
        raise HTTPException(status_code=status.HTTP_422_UNPROCESSABLE_ENTITY, detail=exc.message) from exc


@router.post("/{order_id}/cancel")
async def cancel_order(order_id: int, service: OrderServiceDep) -> OrderOut:
    try:
        return await service.cancel(order_id)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=exc.message) from exc
    except ConflictError as exc:
        raise HTTPException(status_code=409, detail=exc.message) from exc
""",
    "cpv3/modules/orders/schemas.py": """
from __future__ import annotations

from decimal import Decimal

from pydantic import Field, PositiveInt

from cpv3.core.schemas import Schema
from cpv3.modules.catalog.schemas import ProductRead
from cpv3.modules.orders.models import OrderStatus


class OrderLineIn(Schema):
    product_id: PositiveInt
    quantity: int = Field(default=1, ge=1, le=100)


class OrderCreate(Schema):
    lines: list[OrderLineIn] = Field(min_length=1, max_length=50)


class OrderLineOut(Schema):
    product: ProductRead
    quantity: int
    unit_price: Decimal


class OrderOut(Schema):
    id: int
    status: OrderStatus
    total: Decimal
    lines: list[OrderLineOut] = []

    def is_open(self) -> bool:
        return self.status == OrderStatus.PENDING
""",
    "cpv3/modules/orders/service.py": """
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.exceptions import ConflictError, NotFoundError
from cpv3.modules.catalog.service import CatalogService
from cpv3.modules.orders.models import Order, OrderLine, OrderStatus
from cpv3.modules.orders.repository import OrderRepository
from cpv3.modules.orders.schemas import OrderCreate, OrderOut


class OrderService:
    def __init__(self, session: AsyncSession, catalog: CatalogService | None = None) -> None:
        self.session = session
        self.orders = OrderRepository(session)
        self.catalog = catalog or CatalogService(session)

    async def _load(self, order_id: int) -> Order:
        order = await self.orders.get_full(order_id)
        if order is None:
            raise NotFoundError(f"order {order_id} not found")
        return order

    async def place(self, data: OrderCreate) -> OrderOut:
        order = Order(status=OrderStatus.PENDING, total=Decimal("0"))
        for line in data.lines:
            product = await self.catalog.get_entity(line.product_id)
            order.lines.append(OrderLine(product_id=product.id, quantity=line.quantity, unit_price=product.price))
            order.total += product.price * line.quantity
        await self.orders.add(order)
        await self.session.commit()
        return OrderOut.model_validate(await self._load(order.id))

    async def cancel(self, order_id: int) -> OrderOut:
        order = await self._load(order_id)
        if order.status is not OrderStatus.PENDING:
            raise ConflictError("only pending orders can be cancelled")
        order.status = OrderStatus.CANCELLED
        await self.session.commit()
        out = OrderOut.model_validate(order)
        payload = out.model_dump(mode="json")
        copy = out.model_copy(update={"status": OrderStatus.CANCELLED})
        assert payload and copy
        return out
""",
}

#: the FastAPI docs' SQL tutorial as a module: sync Session, repository and service functions,
#: model_config as a dict, a dataclass with a Config class and a dict() method in schemas.py
SQL_TUTORIAL: Dict[str, str] = {
    "cpv3/__init__.py": "",
    "cpv3/core/__init__.py": "",
    "cpv3/core/database.py": """
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

SQLALCHEMY_DATABASE_URL = "sqlite:///./sql_app.db"

engine = create_engine(SQLALCHEMY_DATABASE_URL, connect_args={"check_same_thread": False})
SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)

Base = declarative_base()


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


DbSession = Annotated[Session, Depends(get_db)]
""",
    "cpv3/modules/__init__.py": "",
    "cpv3/modules/heroes/__init__.py": '''
"""Heroes (FastAPI SQL tutorial, as a module)."""
''',
    "cpv3/modules/heroes/models.py": """
from __future__ import annotations

from typing import List

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpv3.core.database import Base


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True, index=True)
    name: Mapped[str] = mapped_column(String, index=True)
    headquarters: Mapped[str]
    heroes: Mapped[List["Hero"]] = relationship(back_populates="team")


class Hero(Base):
    __tablename__ = "heroes"

    id: Mapped[int] = mapped_column(primary_key=True, index=True)
    name: Mapped[str] = mapped_column(index=True)
    secret_name: Mapped[str]
    age: Mapped[int | None] = mapped_column(default=None, index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    team: Mapped["Team | None"] = relationship(back_populates="heroes")
""",
    "cpv3/modules/heroes/repository.py": """
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cpv3.modules.heroes.models import Hero


def get_hero(db: Session, hero_id: int) -> Hero | None:
    return db.get(Hero, hero_id)


def get_heroes(db: Session, offset: int = 0, limit: int = 100) -> Sequence[Hero]:
    return db.scalars(select(Hero).offset(offset).limit(limit)).all()


def create_hero(db: Session, values: dict[str, Any]) -> Hero:
    hero = Hero(**values)
    db.add(hero)
    db.commit()
    db.refresh(hero)
    return hero


def update_hero(db: Session, hero: Hero, values: dict[str, Any]) -> Hero:
    for key, value in values.items():
        setattr(hero, key, value)
    db.add(hero)
    db.commit()
    db.refresh(hero)
    return hero


def delete_hero(db: Session, hero: Hero) -> None:
    db.delete(hero)
    db.commit()
""",
    "cpv3/modules/heroes/router.py": """
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query

from cpv3.core.database import DbSession
from cpv3.modules.heroes import service
from cpv3.modules.heroes.schemas import HeroCreate, HeroPublic, HeroUpdate, Pagination

router = APIRouter(prefix="/heroes", tags=["heroes"])


@router.post("/", response_model=HeroPublic)
def create_hero(hero: HeroCreate, db: DbSession) -> HeroPublic:
    return service.create_hero(db, hero)


@router.get("/", response_model=list[HeroPublic])
def read_heroes(
    db: DbSession,
    offset: int = 0,
    limit: Annotated[int, Query(le=100)] = 100,
) -> list[HeroPublic]:
    return list(service.list_heroes(db, Pagination(offset=offset, limit=limit)))


@router.get("/{hero_id}", response_model=HeroPublic)
def read_hero(hero_id: int, db: DbSession) -> HeroPublic:
    try:
        return service.get_hero(db, hero_id)
    except service.HeroNotFound:
        raise HTTPException(status_code=404, detail="Hero not found")


@router.patch("/{hero_id}", response_model=HeroPublic)
def update_hero(hero_id: int, hero: HeroUpdate, db: DbSession) -> HeroPublic:
    try:
        return service.update_hero(db, hero_id, hero)
    except service.HeroNotFound:
        raise HTTPException(status_code=404, detail="Hero not found")


@router.delete("/{hero_id}")
def delete_hero(hero_id: int, db: DbSession, page: Annotated[Pagination, Depends()]) -> dict[str, bool]:
    try:
        service.delete_hero(db, hero_id)
    except service.HeroNotFound:
        raise HTTPException(status_code=404, detail="Hero not found")
    return {"ok": True}
""",
    "cpv3/modules/heroes/schemas.py": """
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from pydantic import BaseModel, Field


class HeroBase(BaseModel):
    name: str = Field(min_length=1)
    age: Optional[int] = Field(default=None, ge=0)


class HeroCreate(HeroBase):
    secret_name: str


class HeroPublic(HeroBase):
    model_config = {"from_attributes": True}

    id: int


class HeroUpdate(BaseModel):
    name: Optional[str] = None
    age: Optional[int] = None
    secret_name: Optional[str] = None


class TeamPublic(BaseModel):
    model_config = dict(from_attributes=True)

    id: int
    name: str
    headquarters: str
    heroes: list[HeroPublic] = []


@dataclass
class Pagination:
    class Config:
        orm_mode = True

    offset: int = 0
    limit: int = 100

    def dict(self) -> dict:
        return {"offset": self.offset, "limit": self.limit}
""",
    "cpv3/modules/heroes/service.py": """
from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy.orm import Session

from cpv3.modules.heroes import repository
from cpv3.modules.heroes.schemas import HeroCreate, HeroPublic, HeroUpdate, Pagination


class HeroNotFound(LookupError):
    pass


def list_heroes(db: Session, page: Pagination) -> Sequence[HeroPublic]:
    params = page.dict()
    return [HeroPublic.model_validate(h) for h in repository.get_heroes(db, **params)]


def get_hero(db: Session, hero_id: int) -> HeroPublic:
    hero = repository.get_hero(db, hero_id)
    if not hero:
        raise HeroNotFound(hero_id)
    return HeroPublic.model_validate(hero)


def create_hero(db: Session, hero: HeroCreate) -> HeroPublic:
    return HeroPublic.model_validate(repository.create_hero(db, hero.model_dump()))


def update_hero(db: Session, hero_id: int, hero: HeroUpdate) -> HeroPublic:
    db_hero = repository.get_hero(db, hero_id)
    if not db_hero:
        raise HeroNotFound(hero_id)
    changes = hero.model_dump(exclude_unset=True)
    snapshot = dict(changes).copy()
    raw = json.dumps(snapshot)
    assert raw
    return HeroPublic.model_validate(repository.update_hero(db, db_hero, changes))


def delete_hero(db: Session, hero_id: int) -> None:
    db_hero = repository.get_hero(db, hero_id)
    if not db_hero:
        raise HeroNotFound(hero_id)
    repository.delete_hero(db, db_hero)
""",
}


# -- conforming projects: nothing to report -------------------------------------------------


@pytest.mark.parametrize(
    "tree", [FULLSTACK, CATALOG, SQL_TUTORIAL], ids=["fullstack", "catalog", "sql-tutorial"]
)
def test_conforming_project_produces_nothing(tmp_path: Path, tree: Dict[str, str]) -> None:
    assert findings(tmp_path, tree) == []


# -- deliberate mistakes: exactly the expected findings -------------------------------------

USERS_ROUTER = "cpv3/modules/users/router.py"
ITEMS_SERVICE = "cpv3/modules/items/service.py"
ORDERS_ROUTER = "cpv3/modules/orders/router.py"
ORDERS_MODELS = "cpv3/modules/orders/models.py"
CATALOG_SERVICE = "cpv3/modules/catalog/service.py"
CATALOG_ROUTER = "cpv3/modules/catalog/router.py"
HEROES_SERVICE = "cpv3/modules/heroes/service.py"

MISTAKES: Dict[str, Tuple[Dict[str, str], List[Finding]]] = {
    # the project's APIRouter subclass bound under another name (CNF112 follows the subclass)
    "router-subclass-misnamed": (
        mutate(
            FULLSTACK,
            USERS_ROUTER,
            'router = ApiRouter(prefix="/users", tags=["users"])',
            'users_router = ApiRouter(prefix="/users", tags=["users"])\nrouter = users_router',
        ),
        [(USERS_ROUTER, 29, "CNF112")],
    ),
    # a route defined on the project's APIRouter subclass in service.py
    "router-subclass-in-service": (
        mutate(
            FULLSTACK,
            ITEMS_SERVICE,
            "from cpv3.core.exceptions import NotFoundError, PermissionDeniedError\n",
            "from cpv3.core.exceptions import NotFoundError, PermissionDeniedError\n"
            "from cpv3.core.routing import ApiRouter\n\n"
            'extra = ApiRouter(prefix="/extra", tags=["extra"])\n\n\n'
            '@extra.get("/ping")\n'
            "async def ping() -> str:\n"
            '    return "pong"\n',
        ),
        [(ITEMS_SERVICE, 10, "CNF111"), (ITEMS_SERVICE, 13, "CNF111")],
    ),
    # a coroutine of a service injected through the Annotated alias, dropped
    "missing-await-through-alias": (
        mutate(
            CATALOG,
            CATALOG_ROUTER,
            "    await service.reprice(category_id, factor)",
            "    service.reprice(category_id, factor)",
        ),
        [(CATALOG_ROUTER, 69, "CNF340")],
    ),
    # ... and a method inherited from the generic BaseRepository, called without await
    "missing-await-inherited-generic-method": (
        mutate(
            CATALOG,
            CATALOG_SERVICE,
            "        await self._products.add(product)",
            "        self._products.add(product)",
        ),
        [(CATALOG_SERVICE, 40, "CNF340")],
    ),
    # a query helper in models.py is a query, unlike the mapping definitions around it
    "query-function-in-models": (
        mutate(
            CATALOG,
            ORDERS_MODELS,
            "\n\nOrder.line_count = column_property(",
            "\n\ndef pending_orders():\n"
            "    return select(Order).where(Order.status == OrderStatus.PENDING)\n"
            "\n\nOrder.line_count = column_property(",
        ),
        [(ORDERS_MODELS, 47, "CNF113")],
    ),
    # the router reaches the repository through the injected service
    "router-reaches-through-service": (
        mutate(
            CATALOG,
            ORDERS_ROUTER,
            "        return await service.cancel(order_id)",
            "        await service.orders.get(order_id)\n"
            "        return await service.cancel(order_id)",
        ),
        [(ORDERS_ROUTER, 37, "CNF219")],
    ),
    # a service maps its own errors to HTTP
    "service-raises-http-exception": (
        mutate(
            CATALOG,
            CATALOG_SERVICE,
            '            raise NotFoundError(f"product {product_id} not found")',
            "            from fastapi.exceptions import HTTPException as E\n\n"
            '            raise E(404, f"product {product_id} not found")',
        ),
        [(CATALOG_SERVICE, 26, "CNF207")],
    ),
    # Pydantic v1 leftovers in a functional service of the SQL tutorial
    "pydantic-v1-in-functional-service": (
        mutate(
            SQL_TUTORIAL,
            HEROES_SERVICE,
            "    changes = hero.model_dump(exclude_unset=True)",
            "    changes = hero.dict(exclude_unset=True)\n"
            "    copy = HeroPublic.from_orm(db_hero).copy()",
        ),
        [
            (HEROES_SERVICE, 36, "CNF430"),
            (HEROES_SERVICE, 37, "CNF432"),
            (HEROES_SERVICE, 37, "CNF436"),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_deliberate_mistake_is_found_exactly(tmp_path: Path, name: str) -> None:
    files, expected = MISTAKES[name]
    assert findings(tmp_path, files) == sorted(expected)


# -- conforming variants of the same projects ----------------------------------------------

LOOKALIKES: Dict[str, Dict[str, str]] = {
    # the way out of a blocking call that CNF339 suggests is no HTTP concern (CNF207)
    "run-in-threadpool-in-service": mutate(
        CATALOG,
        CATALOG_SERVICE,
        '        logger.info("product %s created", product.sku)',
        "        from fastapi.concurrency import run_in_threadpool\n\n"
        '        await run_in_threadpool(logger.info, "product %s created", product.sku)',
    ),
    # a project factory annotated to return an APIRouter binds the module router (CNF112)
    "router-from-factory": mutate(
        mutate(
            {
                **FULLSTACK,
                "cpv3/core/routing.py": FULLSTACK["cpv3/core/routing.py"]
                + "\n\ndef build_router(name: str) -> ApiRouter:\n"
                + '    return ApiRouter(prefix=f"/{name}", tags=[name])\n',
            },
            USERS_ROUTER,
            'router = ApiRouter(prefix="/users", tags=["users"])',
            'router = build_router("users")',
        ),
        USERS_ROUTER,
        "from cpv3.core.routing import ApiRouter\n",
        "from cpv3.core.routing import build_router\n",
    ),
}


@pytest.mark.parametrize("name", sorted(LOOKALIKES))
def test_conforming_variant_produces_nothing(tmp_path: Path, name: str) -> None:
    assert findings(tmp_path, LOOKALIKES[name]) == []
