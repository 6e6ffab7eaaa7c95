from typing import Annotated, List

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import select  # deliberate: CNF208 router imports sqlalchemy
from sqlalchemy.ext.asyncio import AsyncSession  # deliberate: CNF208 router imports sqlalchemy

from cpv3.core.db import SessionDep, get_session
from cpv3.core.exceptions import ConflictError, NotFoundError

from .models import Product  # deliberate: CNF203 router imports an ORM model
from .schemas import ProductCreate, ProductRead, ProductUpdate
from .service import ProductService

router = APIRouter(prefix="/products", tags=["products"])


def get_product_service(session: SessionDep) -> ProductService:
    return ProductService(session)


ServiceDep = Annotated[ProductService, Depends(get_product_service)]


@router.get("/", response_model=List[ProductRead])
async def list_products(
    service: ServiceDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
):
    return await service.list(offset=offset, limit=limit)


@router.get("/export", response_model=List[ProductRead])
async def export_catalogue(
    db: AsyncSession = Depends(get_session),  # deliberate: CNF301 Depends default, not Annotated
):
    """Whole catalogue, inactive products included (a shortcut past the service layer)."""
    result = await db.execute(select(Product))  # deliberate: CNF211 router queries the session
    return result.scalars().all()


@router.post("/", response_model=ProductRead, status_code=status.HTTP_201_CREATED)
async def create_product(data: ProductCreate, service: ServiceDep):
    try:
        return await service.create(data)
    except ConflictError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=exc.message) from exc


@router.get("/{product_id}", response_model=ProductRead)
async def get_product(product_id: int, service: ServiceDep):
    try:
        return await service.get(product_id)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.message) from exc


@router.patch("/{product_id}", response_model=ProductRead)
async def update_product(product_id: int, data: ProductUpdate, service: ServiceDep):
    try:
        return await service.update(product_id, data)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.message) from exc
