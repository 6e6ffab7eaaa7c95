from typing import List

from sqlalchemy.ext.asyncio import AsyncSession

from cpv3.core.exceptions import ConflictError, NotFoundError

from .models import User
from .repository import UserRepository
from .schemas import UserCreate, UserUpdate


class UserService:
    """Use cases on user accounts. Owns its repository and the unit of work."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = UserRepository(session)

    async def get(self, user_id: int) -> User:
        user = await self.repository.get(user_id)
        if user is None:
            raise NotFoundError(f"user {user_id} not found")
        return user

    async def list(self, *, offset: int = 0, limit: int = 50) -> List[User]:
        return await self.repository.list_page(offset=offset, limit=limit)

    async def register(self, data: UserCreate) -> User:
        if await self.repository.get_by_email(data.email) is not None:
            raise ConflictError(f"email {data.email} is already registered")
        user = await self.repository.add(User(**data.model_dump()))
        await self.session.commit()
        return user

    async def update(self, user_id: int, data: UserUpdate) -> User:
        user = await self.get(user_id)
        for field, value in data.model_dump(exclude_unset=True).items():
            setattr(user, field, value)
        await self.session.commit()
        return user

    async def deactivate(self, user_id: int) -> None:
        user = await self.get(user_id)
        user.is_active = False
        await self.session.commit()
