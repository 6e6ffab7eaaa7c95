"""A small project whose architecture has one of everything the graph draws: a clean module, a
cross-module repository import (CNF204), another module's router imported (CNF205), an import
cycle between two modules (CNF206), an injected use, a type-only import and a module without
cross-module edges."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Dict

BENCH_GENERATOR = Path(__file__).resolve().parent.parent / "bench" / "generate.py"


def generated_tree(root: Path, modules: int) -> None:
    """The benchmark's synthetic cpv3 backend of ``modules`` modules, written to ``root``."""
    subprocess.run(
        [sys.executable, str(BENCH_GENERATOR), str(root), "--modules", str(modules)],
        check=True,
        capture_output=True,
    )


CORE = {
    "pyproject.toml": (
        "[project]\nname = 'demo'\nrequires-python = '>=3.9'\n\n"
        "[tool.conformance]\nmodules = ['app/modules/*']\n"
    ),
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/db.py": """from typing import Annotated, AsyncIterator

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import StaticPool

# one in-memory database shared by every session (the tests of `conformance new` run the app)
engine = create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)
SessionFactory = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionFactory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
""",
    "app/core/exceptions.py": """class DomainError(Exception):
    pass


class NotFoundError(DomainError):
    pass
""",
    "app/modules/__init__.py": "",
}


def module(name: str, cls: str, **overrides: str) -> Dict[str, str]:
    """A conforming module ``name`` with entity ``cls``; ``overrides`` replace or add files."""
    base = f"app/modules/{name}"
    files = {
        f"{base}/__init__.py": "",
        f"{base}/models.py": f'''from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class {cls}(Base):
    __tablename__ = "{name}"

    id: Mapped[int] = mapped_column(primary_key=True)
''',
        f"{base}/schemas.py": f"""from pydantic import BaseModel, ConfigDict


class {cls}Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
""",
        f"{base}/repository.py": f"""from typing import Optional

from sqlalchemy.ext.asyncio import AsyncSession

from .models import {cls}


class {cls}Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, item_id: int) -> Optional[{cls}]:
        return await self.session.get({cls}, item_id)
""",
        f"{base}/service.py": f"""from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import SessionDep
from app.core.exceptions import NotFoundError

from .models import {cls}
from .repository import {cls}Repository


class {cls}Service:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = {cls}Repository(session)

    async def get(self, item_id: int) -> {cls}:
        found = await self.repository.get(item_id)
        if found is None:
            raise NotFoundError(str(item_id))
        return found


def get_{name}_service(session: SessionDep) -> {cls}Service:
    return {cls}Service(session)


{cls}ServiceDep = Annotated[{cls}Service, Depends(get_{name}_service)]
""",
        f"{base}/router.py": f'''from fastapi import APIRouter, HTTPException

from app.core.exceptions import NotFoundError

from .schemas import {cls}Read
from .service import {cls}ServiceDep

router = APIRouter(prefix="/{name}", tags=["{name}"])


@router.get("/{{item_id}}", response_model={cls}Read)
async def get_one(item_id: int, service: {cls}ServiceDep) -> {cls}Read:
    try:
        return {cls}Read.model_validate(await service.get(item_id))
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
''',
    }
    files.update({f"{base}/{k}": v for k, v in overrides.items()})
    return files


def tree() -> Dict[str, str]:
    files = dict(CORE)
    files.update(module("users", "User"))
    files.update(module("catalog", "Product"))
    # orders: reaches into users' repository (CNF204), injects the catalog service (allowed)
    files.update(
        module(
            "orders",
            "Order",
            **{
                "service.py": module("orders", "Order")["app/modules/orders/service.py"]
                .replace(
                    "from .models import Order\n",
                    "from app.modules.billing.service import BillingService\n"
                    "from app.modules.users.repository import UserRepository\n\n"
                    "from .models import Order\n",
                )
                .replace(
                    "        self.repository = OrderRepository(session)\n",
                    "        self.repository = OrderRepository(session)\n"
                    "        self.users = UserRepository(session)\n"
                    "        self.billing = BillingService(session)\n",
                ),
                "router.py": module("orders", "Order")["app/modules/orders/router.py"]
                .replace(
                    "from .schemas import OrderRead\n",
                    "from app.modules.catalog.service import ProductServiceDep\n\n"
                    "from .schemas import OrderRead\n",
                )
                .replace(
                    "service: OrderServiceDep)",
                    "service: OrderServiceDep, products: ProductServiceDep)",
                ),
            },
        )
    )
    # billing: imports orders' service back (a cycle, CNF206) and orders' router (CNF205)
    files.update(
        module(
            "billing",
            "Invoice",
            **{
                "service.py": module("billing", "Invoice")["app/modules/billing/service.py"]
                .replace(
                    "from .models import Invoice\n",
                    "from typing import TYPE_CHECKING\n\n"
                    "from app.modules import orders\n"
                    "from app.modules.orders.router import router as orders_router\n\n"
                    "from .models import Invoice\n\n"
                    "if TYPE_CHECKING:\n"
                    "    from app.modules.users.schemas import UserRead\n",
                )
                .replace(
                    "class BillingService:",
                    "ROUTES = orders_router.routes\n\n\nclass BillingService:",
                ),
            },
        )
    )
    return files
