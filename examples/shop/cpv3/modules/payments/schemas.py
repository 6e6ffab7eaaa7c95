from datetime import datetime
from decimal import Decimal
from typing import Optional

from pydantic import Field

from cpv3.core.schemas import Schema

from .models import CURRENCY_LENGTH, PaymentStatus


class PaymentCreate(Schema):
    order_id: int
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    currency: str = Field(
        default="EUR", min_length=CURRENCY_LENGTH, max_length=CURRENCY_LENGTH
    )


class PaymentRead(Schema):
    id: int
    order_id: int
    amount: Decimal
    currency: str
    status: PaymentStatus
    provider_ref: Optional[str] = None
    created_at: datetime


class OrderBalance(Schema):
    order_id: int
    captured: Decimal
