from datetime import datetime
from decimal import Decimal
from typing import List

from pydantic import Field, validator

from cpv3.core.schemas import Schema

from .models import OrderStatus


class OrderItemCreate(Schema):
    product_id: int
    quantity: int = Field(le=1000)

    @validator("quantity")  # deliberate: CNF410 Pydantic v1 @validator left over
    def quantity_positive(cls, v):
        if v <= 0:
            raise ValueError("quantity must be positive")
        return v


class OrderCreate(Schema):
    user_id: int
    items: List[OrderItemCreate] = Field(min_length=1, max_length=100)


class OrderItemRead(Schema):
    product_id: int
    quantity: int
    unit_price: Decimal


class OrderRead(Schema):
    id: int
    user_id: int
    status: OrderStatus
    total: Decimal
    created_at: datetime
    items: List[OrderItemRead]

    class Config:  # deliberate: CNF401 Pydantic v1 class Config left over
        orm_mode = True  # deliberate: CNF403 v1 key renamed to from_attributes in v2
