from decimal import Decimal
from typing import Optional

from pydantic import Field

from cpv3.core.schemas import Schema

from .models import SKU_MAX_LENGTH


class ProductCreate(Schema):
    sku: str = Field(min_length=1, max_length=SKU_MAX_LENGTH, pattern=r"^[A-Z0-9-]+$")
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    price: Decimal = Field(gt=0, max_digits=10, decimal_places=2)


class ProductUpdate(Schema):
    name: Optional[str] = Field(default=None, min_length=1, max_length=200)
    description: Optional[str] = None
    price: Optional[Decimal] = Field(default=None, gt=0, max_digits=10, decimal_places=2)
    is_active: Optional[bool] = None


class ProductRead(Schema):
    id: int
    sku: str
    name: str
    description: str
    price: Decimal
    is_active: bool
