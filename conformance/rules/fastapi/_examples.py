"""The documented FastAPI style: the sources the rules' examples check against."""

from __future__ import annotations

from conformance.rules.base import Example, Expect

DOCUMENTED_STYLE = """
from typing import Annotated, AsyncIterator, List, Optional

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, status
from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.db import SessionDep, SessionFactory

from .schemas import ItemCreate, ItemRead
from .service import ItemService


async def verify_token(x_token: Annotated[str, Header()]) -> None:
    if x_token != "secret":
        raise HTTPException(status.HTTP_403_FORBIDDEN)


async def get_session() -> AsyncIterator[AsyncSession]:
    session = SessionFactory()
    try:
        yield session
    finally:
        await session.close()


class Paginator:
    def __init__(self, max_limit: int) -> None:
        self.max_limit = max_limit

    def __call__(self, offset: int = 0, limit: Annotated[int, Query(le=100)] = 20) -> dict:
        return {"offset": offset, "limit": min(limit, self.max_limit)}


paginate = Paginator(max_limit=50)


def get_item_service(session: SessionDep) -> ItemService:
    return ItemService(session)


ServiceDep = Annotated[ItemService, Depends(get_item_service)]

router = APIRouter(
    prefix="/items", tags=["items"], dependencies=[Depends(verify_token)]
)


@router.get("/", response_model=List[ItemRead])
async def list_items(
    service: ServiceDep,
    page: Annotated[dict, Depends(paginate)],
    q: Annotated[Optional[str], Query(max_length=50, pattern="^[a-z]+$")] = None,
):
    return await service.search(q, **page)


@router.get("/{item_id}")
async def get_item(
    item_id: Annotated[int, Path(ge=1)], service: ServiceDep
) -> ItemRead:
    return await service.get(item_id)


@router.post("/", response_model=ItemRead, status_code=status.HTTP_201_CREATED)
async def create_item(data: ItemCreate, service: ServiceDep):
    return await service.create(data)


@router.delete("/{item_id}", status_code=204)
async def delete_item(item_id: int, service: ServiceDep) -> None:
    await service.delete(item_id)
"""


DOCUMENTED_EXTRA = {
    "cpv3/core/db.py": """
from typing import Annotated, AsyncIterator

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite://")
SessionFactory = async_sessionmaker(engine)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionFactory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
""",
    "cpv3/modules/users/service.py": """
from sqlalchemy.ext.asyncio import AsyncSession


class ItemService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def search(self, q, offset: int, limit: int) -> list:
        return []

    async def get(self, item_id: int) -> dict:
        return {}

    async def create(self, data) -> dict:
        return {}

    async def delete(self, item_id: int) -> None:
        return None
""",
    "cpv3/modules/users/schemas.py": """
from pydantic import BaseModel


class ItemCreate(BaseModel):
    name: str


class ItemRead(ItemCreate):
    id: int
""",
}


def _documented() -> Example:
    return Example.code(
        DOCUMENTED_STYLE,
        extra=DOCUMENTED_EXTRA,
        note="FastAPI's documented Annotated style: no finding from any CNF3xx rule",
    )


#: One design decision: the route takes the session (a `Depends` default, the session type
#: imported into the router) to build its service itself. CNF306 reports it once; CNF301 and
#: CNF208 are implied.
SERVICE_BUILT_IN_ROUTE = """
from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.db import get_session

from .service import UserService

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/{user_id}")
async def get_user(user_id: int, session: AsyncSession = Depends(get_session)) -> dict:
    service = UserService(session)
    return await service.get(user_id)
"""

SERVICE_BUILT_IN_ROUTE_EXTRA = {
    "cpv3/core/db.py": "async def get_session():\n    yield None\n",
    "cpv3/modules/users/service.py": (
        "class UserService:\n    def __init__(self, session) -> None:\n"
        "        self.session = session\n\n"
        "    async def get(self, user_id: int) -> dict:\n        return {}\n"
    ),
}


def _service_built_in_route(*expect: Expect, note: str) -> Example:
    return Example.code(
        SERVICE_BUILT_IN_ROUTE, *expect, extra=SERVICE_BUILT_IN_ROUTE_EXTRA, note=note
    )


#: A route that builds its repository from the session and hands other parameters to a project
#: response class: only the session is part of CNF306's decision; the `Depends` default of the
#: parameter passed to the response stays CNF301's.
REPOSITORY_AND_RESPONSE_IN_ROUTE = """
from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.db import get_session
from cpv3.core.pages import PageRedirect
from cpv3.core.security import get_admin

from .repository import UserRepository

router = APIRouter(prefix="/users", tags=["users"])


@router.post("/{user_id}/ban")
async def ban_user(
    request: Request,
    user_id: int,
    admin: dict = Depends(get_admin),
    session: AsyncSession = Depends(get_session),
) -> PageRedirect:
    await UserRepository(session).ban(user_id)
    return PageRedirect(request, admin)
"""

REPOSITORY_AND_RESPONSE_IN_ROUTE_EXTRA = {
    "cpv3/core/db.py": "async def get_session():\n    yield None\n",
    "cpv3/core/security.py": "async def get_admin() -> dict:\n    return {}\n",
    "cpv3/core/pages.py": (
        "from starlette.responses import RedirectResponse\n\n\n"
        "class PageRedirect(RedirectResponse):\n"
        "    def __init__(self, request, admin) -> None:\n"
        '        super().__init__(str(request.url_for("home")))\n'
    ),
    "cpv3/modules/users/repository.py": (
        "class UserRepository:\n    def __init__(self, session) -> None:\n"
        "        self.session = session\n\n"
        "    async def ban(self, user_id: int) -> None:\n        return None\n"
    ),
}


def _repository_and_response_in_route(*expect: Expect, note: str) -> Example:
    return Example.code(
        REPOSITORY_AND_RESPONSE_IN_ROUTE,
        *expect,
        extra=REPOSITORY_AND_RESPONSE_IN_ROUTE_EXTRA,
        note=note,
    )


def _mounted_in_a_loop(router: str) -> Example:
    """A module router the project may mount through a name the checker cannot follow."""
    return Example.code(
        f"""
        from fastapi import APIRouter

        router = {router}
        """,
        extra={
            "cpv3/main.py": (
                "from fastapi import FastAPI\n\n"
                "from cpv3.plugins import plugins\n\n"
                "app = FastAPI()\n"
                "for plugin in plugins:\n"
                '    app.include_router(plugin.router, prefix="/p", tags=["plugins"])\n'
            ),
            "cpv3/plugins.py": "plugins = []\n",
        },
        note="never mounted by a name the checker follows, while some mount is not: unsure",
    )


def _every_route_hidden() -> Example:
    """A router without prefix or tags whose every route is hidden from the schema."""
    return Example.code(
        """
        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/grafana{_:path}", include_in_schema=False)
        def grafana() -> None:
            return None
        """,
        note="every route of the router is hidden from the schema",
    )
