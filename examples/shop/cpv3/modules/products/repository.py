from typing import List, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Product


class ProductRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, product_id: int) -> Optional[Product]:
        return await self.session.get(Product, product_id)

    async def get_by_sku(self, sku: str) -> Optional[Product]:
        return await self.session.scalar(select(Product).where(Product.sku == sku))

    async def get_many(self, product_ids: Sequence[int]) -> List[Product]:
        stmt = select(Product).where(Product.id.in_(product_ids))
        return list(await self.session.scalars(stmt))

    async def list_active(self, *, offset: int = 0, limit: int = 50) -> List[Product]:
        stmt = (
            select(Product)
            .where(Product.is_active.is_(True))
            .order_by(Product.name)
            .offset(offset)
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def add(self, product: Product) -> Product:
        self.session.add(product)
        await self.session.flush()
        return product
