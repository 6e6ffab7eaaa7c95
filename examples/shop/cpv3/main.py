"""ASGI entry point: ``uvicorn cpv3.main:app``."""
from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI

from cpv3.core.config import settings
from cpv3.core.db import engine
from cpv3.modules.inventory.router import router as inventory_router
from cpv3.modules.orders.router import router as orders_router
from cpv3.modules.payments.router import router as payments_router
from cpv3.modules.products.router import router as products_router
from cpv3.modules.users.router import router as users_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Schema changes go through Alembic (migrations/); nothing to create at start-up.
    yield
    await engine.dispose()


app = FastAPI(title=settings.app_name, version="0.1.0", lifespan=lifespan)

app.include_router(users_router)
app.include_router(products_router)
app.include_router(orders_router)
app.include_router(payments_router)
app.include_router(inventory_router)


@app.get("/health", tags=["health"])
async def health() -> dict:
    return {"status": "ok"}
