from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Payment


class PaymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, payment_id: int) -> Optional[Payment]:
        return await self.session.get(Payment, payment_id)

    async def list_for_order(self, order_id: int) -> List[Payment]:
        stmt = select(Payment).where(Payment.order_id == order_id).order_by(Payment.id)
        return list(await self.session.scalars(stmt))

    async def add(self, payment: Payment) -> Payment:
        self.session.add(payment)
        await self.session.flush()
        return payment
