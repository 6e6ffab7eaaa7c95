"""CNF109 orm-entity-outside-models."""

from __future__ import annotations

from conformance.conditions import Condition, IsKind
from conformance.index import ORM_ENTITY
from conformance.rules.base import Example, Expect
from conformance.rules.structure._common import _ClassPlacement


class OrmEntityOutsideModels(_ClassPlacement):
    """## What it checks
    An ORM entity (a subclass of the project's declarative base, found through base classes across
    files, or a class with `__tablename__`) defined in a module file other than `models.py`.
    A class under `if TYPE_CHECKING:` (a typing view whose runtime name is an alias) is never
    defined at runtime and is not reported (nor by CNF110).

    ## Why
    Entities define the schema of the database; keeping them in `models.py` keeps migrations,
    relationships and the layering rules (only repositories and services touch entities) honest.

    ## Example
    ```python
    # cpv3/modules/users/service.py
    from cpv3.core.db import Base

    class AuditLog(Base):
        __tablename__ = "audit_log"
    ```

    ## Use instead
    Define `AuditLog` in `cpv3/modules/users/models.py`.

    ## Options
    `roles.models`.
    """

    code = "CNF109"
    requires_roles = ("models",)
    name = "orm-entity-outside-models"
    summary = "ORM entity defined outside models.py"
    fix_hint = "move the class to the module's models.py"
    catalog = "STR009"
    home_role = "models"
    VALID = (
        Example.code(
            """
            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
            """,
            path="cpv3/modules/users/models.py",
            extra={
                "cpv3/core/db.py": "from sqlalchemy.orm import DeclarativeBase\n\nclass Base(DeclarativeBase):\n    pass\n"
            },
        ),
        Example.code(
            """
            from typing import TYPE_CHECKING

            from .models import User

            if TYPE_CHECKING:

                class ActiveUser(User):
                    active: bool

            else:
                ActiveUser = User
            """,
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/modules/users/models.py": (
                    "from cpv3.core.db import Base\n\n\nclass User(Base):\n"
                    '    __tablename__ = "users"\n'
                ),
                "cpv3/core/db.py": "from sqlalchemy.orm import DeclarativeBase\n\nclass Base(DeclarativeBase):\n    pass\n",
            },
            note="a class under TYPE_CHECKING is a typing view, never defined at runtime",
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.core.db import Base

            class AuditLog(Base):
                __tablename__ = "audit_log"
            """,
            Expect(
                3,
                7,
                "ORM entity AuditLog is defined in service.py",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/core/db.py": "from sqlalchemy.orm import DeclarativeBase\n\nclass Base(DeclarativeBase):\n    pass\n"
            },
        ),
    )

    def condition(self, qualname: str) -> Condition:
        return IsKind(qualname, ORM_ENTITY)

    def message(self, name: str) -> str:
        return f"ORM entity {name} is defined in {self.ctx.path.rpartition('/')[2]}"
