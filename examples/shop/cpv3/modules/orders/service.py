from decimal import Decimal

from fastapi import HTTPException  # deliberate: CNF207 HTTP concerns imported into a service
from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.exceptions import ConflictError, NotFoundError
from cpv3.modules.products.service import ProductService

from .models import Order, OrderItem, OrderStatus
from .repository import OrderRepository
from .schemas import OrderCreate


class OrderService:
    """Checkout. Prices order lines through the products module's public service."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = OrderRepository(session)
        self.products = ProductService(session)

    async def get(self, order_id: int) -> Order:
        order = await self.repository.get(order_id)
        if order is None:
            raise NotFoundError(f"order {order_id} not found")
        return order

    async def place(self, data: OrderCreate) -> Order:
        order = Order(user_id=data.user_id, status=OrderStatus.PENDING, total=Decimal("0"))
        for line in data.items:
            product = await self.products.get(line.product_id)
            if not product.is_active:
                # a service raises an HTTP error instead of a domain error: the import's CNF207 counts it
                raise HTTPException(status_code=409, detail=f"product {product.id} is not sold")
            order.items.append(
                OrderItem(product_id=product.id, quantity=line.quantity, unit_price=product.price)
            )
            order.total += product.price * line.quantity
        await self.repository.add(order)
        await self.session.commit()
        return order

    async def cancel(self, order_id: int) -> Order:
        order = await self.get(order_id)
        if order.status is not OrderStatus.PENDING:
            raise ConflictError(f"order {order_id} is {order.status.value}, cannot cancel")
        order.status = OrderStatus.CANCELLED
        await self.session.commit()
        return order
