from typing import List

from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.exceptions import ConflictError, NotFoundError

from .models import Product
from .repository import ProductRepository
from .schemas import ProductCreate, ProductUpdate


class ProductService:
    """Catalogue use cases. Public to other modules (orders prices its lines through it)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ProductRepository(session)

    async def get(self, product_id: int) -> Product:
        product = await self.repository.get(product_id)
        if product is None:
            raise NotFoundError(f"product {product_id} not found")
        return product

    async def get_active(self, product_id: int) -> Product:
        product = await self.get(product_id)
        if not product.is_active:
            raise ConflictError(f"product {product_id} is no longer sold")
        return product

    async def list(self, *, offset: int = 0, limit: int = 50) -> List[Product]:
        return await self.repository.list_active(offset=offset, limit=limit)

    async def create(self, data: ProductCreate) -> Product:
        if await self.repository.get_by_sku(data.sku) is not None:
            raise ConflictError(f"sku {data.sku} already exists")
        product = await self.repository.add(Product(**data.model_dump()))
        await self.session.commit()
        return product

    async def update(self, product_id: int, data: ProductUpdate) -> Product:
        product = await self.get(product_id)
        for field, value in data.model_dump(exclude_unset=True).items():
            setattr(product, field, value)
        await self.session.commit()
        return product
