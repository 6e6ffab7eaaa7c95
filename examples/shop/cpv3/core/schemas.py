"""Project base class for every API schema in ``cpv3.modules.*.schemas``.

Module schemas derive from ``Schema``, not from ``pydantic.BaseModel`` directly, so a checker has to
follow base classes across files to know that they are pydantic models.
"""
from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """Reads ORM objects (``from_attributes``), strips stray whitespace, rejects unknown fields."""

    model_config = ConfigDict(
        from_attributes=True,
        str_strip_whitespace=True,
        extra="forbid",
    )
