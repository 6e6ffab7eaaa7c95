from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import StockItem


class StockRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_for_product(self, product_id: int) -> Optional[StockItem]:
        stmt = select(StockItem).where(StockItem.product_id == product_id)
        return await self.session.scalar(stmt)

    async def get_for_update(self, product_id: int) -> Optional[StockItem]:
        stmt = select(StockItem).where(StockItem.product_id == product_id).with_for_update()
        return await self.session.scalar(stmt)

    async def list_low_stock(self, threshold: int) -> List[StockItem]:
        # deliberate: CNF506 legacy session.query() on an AsyncSession (AttributeError)
        return self.session.query(StockItem).filter(StockItem.quantity < threshold).all()

    async def add(self, item: StockItem) -> StockItem:
        self.session.add(item)
        await self.session.flush()
        return item
