from typing import Optional

from sqlalchemy import Column, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cpv3.core.db import Base

DEFAULT_WAREHOUSE = "main"


class StockItem(Base):
    __tablename__ = "stock_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), unique=True)
    quantity: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    bin_location: Mapped[Optional[str]] = mapped_column(String(32))
    # deliberate: CNF503 legacy Column(...) in a Mapped[...] ORM class
    warehouse = Column(String(64), nullable=False, default=DEFAULT_WAREHOUSE)

    @property
    def available(self) -> int:
        return self.quantity - self.reserved
