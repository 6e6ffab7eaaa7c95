from typing import Annotated, Dict, List

from fastapi import APIRouter, Body, Depends, HTTPException, Query, status

from cpv3.core.db import SessionDep
from cpv3.core.exceptions import InsufficientStockError, NotFoundError

from .service import InventoryService

router = APIRouter(prefix="/inventory", tags=["inventory"])


def get_inventory_service(session: SessionDep) -> InventoryService:
    return InventoryService(session)


ServiceDep = Annotated[InventoryService, Depends(get_inventory_service)]


@router.get("/low-stock")
async def low_stock(
    service: ServiceDep, threshold: Annotated[int, Query(ge=0)] = 5
) -> List[int]:
    return await service.low_stock(threshold)


@router.get("/{product_id}")
async def stock_level(product_id: int, service: ServiceDep) -> Dict[str, int]:
    try:
        available = await service.available(product_id)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.message) from exc
    return {"product_id": product_id, "available": available}


@router.post("/{product_id}/restock")
async def restock(
    product_id: int, service: ServiceDep, amount: Annotated[int, Body(embed=True, gt=0)]
) -> Dict[str, int]:
    available = await service.restock(product_id, amount)
    return {"product_id": product_id, "available": available}


@router.post("/{product_id}/reserve")
async def reserve(
    product_id: int, service: ServiceDep, amount: Annotated[int, Body(embed=True, gt=0)]
) -> Dict[str, int]:
    try:
        available = await service.reserve(product_id, amount)
    except InsufficientStockError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=exc.message) from exc
    return {"product_id": product_id, "available": available}
