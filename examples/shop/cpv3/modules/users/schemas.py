from datetime import datetime
from typing import Optional

from pydantic import Field, field_validator

from cpv3.core.schemas import Schema


class UserCreate(Schema):
    email: str = Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    full_name: str = Field(min_length=1, max_length=200)

    @field_validator("email")
    @classmethod
    def normalise_email(cls, value: str) -> str:
        return value.lower()


class UserUpdate(Schema):
    full_name: Optional[str] = Field(default=None, min_length=1, max_length=200)
    is_active: Optional[bool] = None


class UserRead(Schema):
    id: int
    email: str
    full_name: str
    is_active: bool
    created_at: datetime
