from typing import List

from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.exceptions import InsufficientStockError, NotFoundError

from .models import StockItem
from .repository import StockRepository


class InventoryService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = StockRepository(session)

    async def available(self, product_id: int) -> int:
        item = await self.repository.get_for_product(product_id)
        if item is None:
            raise NotFoundError(f"no stock record for product {product_id}")
        return item.available

    async def restock(self, product_id: int, amount: int) -> int:
        item = await self.repository.get_for_update(product_id)
        if item is None:
            item = await self.repository.add(StockItem(product_id=product_id, quantity=0))
        item.quantity += amount
        await self.session.commit()
        return item.available

    async def reserve(self, product_id: int, amount: int) -> int:
        item = await self.repository.get_for_update(product_id)
        if item is None or item.available < amount:
            raise InsufficientStockError(f"cannot reserve {amount} of product {product_id}")
        item.reserved += amount
        await self.session.commit()
        return item.available

    async def low_stock(self, threshold: int) -> List[int]:
        items = await self.repository.list_low_stock(threshold)
        return [item.product_id for item in items]
