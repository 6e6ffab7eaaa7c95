from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.exceptions import ConflictError, NotFoundError

from .models import Payment, PaymentStatus
from .repository import PaymentRepository
from .schemas import OrderBalance, PaymentCreate


class PaymentService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = PaymentRepository(session)

    async def get(self, payment_id: int) -> Payment:
        payment = await self.repository.get(payment_id)
        if payment is None:
            raise NotFoundError(f"payment {payment_id} not found")
        return payment

    async def authorize(self, data: PaymentCreate) -> Payment:
        payment = await self.repository.add(Payment(**data.model_dump()))
        await self.session.commit()
        return payment

    async def capture(self, payment_id: int) -> Payment:
        payment = await self.get(payment_id)
        if payment.status is not PaymentStatus.AUTHORIZED:
            raise ConflictError(f"payment {payment_id} is {payment.status.value}")
        payment.status = PaymentStatus.CAPTURED
        await self.session.commit()
        return payment

    async def balance(self, order_id: int) -> OrderBalance:
        captured = func.coalesce(func.sum(Payment.amount), 0)
        stmt = select(captured).where(  # deliberate: CNF212 service builds SQL itself
            Payment.order_id == order_id, Payment.status == PaymentStatus.CAPTURED
        )
        result = await self.session.execute(stmt)  # deliberate: CNF212 service runs SQL itself
        return OrderBalance(order_id=order_id, captured=Decimal(result.scalar_one()))
