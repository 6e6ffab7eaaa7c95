"""Application settings, read from the environment (prefix ``SHOP_``) or a ``.env`` file.

A ``BaseSettings`` subclass is a pydantic model that legitimately lives outside ``schemas.py``.
"""
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHOP_", env_file=".env", extra="ignore")

    app_name: str = "shop"
    database_url: str = "postgresql+asyncpg://shop:shop@localhost:5432/shop"
    sql_echo: bool = False
    pool_size: int = Field(default=5, ge=1, le=100)
    default_currency: str = Field(default="EUR", min_length=3, max_length=3)


@lru_cache
def get_settings() -> Settings:
    return Settings()


settings = get_settings()
