from typing import Annotated, List

from fastapi import APIRouter, Depends, HTTPException, status

from cpv3.core.db import SessionDep
from cpv3.core.exceptions import ConflictError, NotFoundError

from .repository import OrderRepository  # deliberate: CNF202 router imports its repository
from .schemas import OrderCreate, OrderRead
from .service import OrderService

router = APIRouter(prefix="/orders", tags=["orders"])


def get_order_service(session: SessionDep) -> OrderService:
    return OrderService(session)


ServiceDep = Annotated[OrderService, Depends(get_order_service)]


@router.post("/", response_model=OrderRead, status_code=status.HTTP_201_CREATED)
async def place_order(data: OrderCreate, service: ServiceDep):
    try:
        return await service.place(data)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.message) from exc


@router.get("/by-user/{user_id}", response_model=List[OrderRead])
async def list_orders_for_user(user_id: int, session: SessionDep):
    repository = OrderRepository(session)  # deliberate: CNF306 route builds a repository (and skips OrderService)
    return await repository.list_for_user(user_id)


@router.get("/{order_id}", response_model=OrderRead)
async def get_order(order_id: int, service: ServiceDep):
    try:
        return await service.get(order_id)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.message) from exc


@router.post("/{order_id}/cancel", response_model=OrderRead)
async def cancel_order(order_id: int, service: ServiceDep):
    try:
        return await service.cancel(order_id)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.message) from exc
    except ConflictError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=exc.message) from exc
