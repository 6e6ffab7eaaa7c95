from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from cpv3.core.db import SessionDep
from cpv3.core.exceptions import ConflictError, NotFoundError

from .schemas import OrderBalance, PaymentCreate, PaymentRead
from .service import PaymentService

router = APIRouter(prefix="/payments", tags=["payments"])


def get_payment_service(session: SessionDep) -> PaymentService:
    return PaymentService(session)


ServiceDep = Annotated[PaymentService, Depends(get_payment_service)]


@router.post("/", response_model=PaymentRead, status_code=status.HTTP_201_CREATED)
async def authorize_payment(data: PaymentCreate, service: ServiceDep):
    return await service.authorize(data)


@router.get("/orders/{order_id}/balance", response_model=OrderBalance)
async def order_balance(order_id: int, service: ServiceDep):
    return await service.balance(order_id)


@router.get("/{payment_id}", response_model=PaymentRead)
async def get_payment(payment_id: int, service: ServiceDep):
    try:
        return await service.get(payment_id)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.message) from exc


@router.post("/{payment_id}/capture", response_model=PaymentRead)
async def capture_payment(payment_id: int, service: ServiceDep):
    try:
        return await service.capture(payment_id)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.message) from exc
    except ConflictError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=exc.message) from exc
