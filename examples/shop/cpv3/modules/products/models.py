from decimal import Decimal
from typing import List

from sqlalchemy import Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpv3.core.db import Base

SKU_MAX_LENGTH = 32


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(SKU_MAX_LENGTH), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    is_active: Mapped[bool] = mapped_column(default=True, index=True)

    # "OrderItem" is cpv3.modules.orders.models.OrderItem, resolved through the mapper registry.
    order_items: Mapped[List["OrderItem"]] = relationship(  # noqa: F821
        back_populates="product", lazy="raise"
    )

    def __repr__(self) -> str:
        return f"Product(id={self.id!r}, sku={self.sku!r})"
