from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Order


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, order_id: int) -> Optional[Order]:
        return await self.session.get(Order, order_id)

    async def list_for_user(self, user_id: int, *, limit: int = 50) -> List[Order]:
        stmt = (
            select(Order)
            .where(Order.user_id == user_id)
            .order_by(Order.created_at.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def add(self, order: Order) -> Order:
        self.session.add(order)
        await self.session.flush()
        return order
