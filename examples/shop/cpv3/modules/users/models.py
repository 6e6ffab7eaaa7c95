from datetime import datetime
from typing import List

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpv3.core.db import Base


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    # "Order" is cpv3.modules.orders.models.Order, resolved by name through the mapper registry
    # (importing it here would be circular: orders.models imports this module).
    orders: Mapped[List["Order"]] = relationship(back_populates="user")  # noqa: F821

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, email={self.email!r})"
