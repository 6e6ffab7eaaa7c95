"""CNF308 module-level-singleton."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.conditions import AnyOf
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import _short
from conformance.rules.fastapi._conditions import _SESSIONS, IsServiceClass, IsSessionFactory
from conformance.rules.fastapi._examples import _documented


class ModuleSingleton(FileRule):
    """## What it checks
    A module-level service, repository or session instance:
    `user_service = UserService(UserRepository(SessionLocal()))`, `session = AsyncSession(engine)`.

    ## Why
    One session shared by every request mixes their transactions and breaks under concurrency;
    a singleton service holds that session for the life of the process.

    ## Example
    ```python
    user_service = UserService(UserRepository(SessionLocal()))
    ```

    ## Use instead
    A provider function: `def get_user_service(session: SessionDep) -> UserService`.

    ## Options
    None. Engines and session factories at module level are the norm and never reported.
    """

    code = "CNF308"
    name = "module-level-singleton"
    summary = "module-level service, repository or session instance"
    fix_hint = "build it per request in a provider function injected with Depends"
    catalog = "DI008"
    VALID = (
        _documented(),
        Example.code(
            """
            from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

            engine = create_async_engine("sqlite+aiosqlite://")
            SessionLocal = async_sessionmaker(engine)
            """,
            path="cpv3/core/db.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            from .repository import UserRepository
            from .service import UserService
            from cpv3.core.db import SessionLocal

            user_service = UserService(UserRepository(SessionLocal()))
            """,
            Expect(
                5,
                16,
                "module-level UserService instance 'user_service': one instance shared by every request",
            ),
            extra={
                "cpv3/core/db.py": (
                    "from sqlalchemy.orm import sessionmaker\n\nSessionLocal = sessionmaker()\n"
                ),
                "cpv3/modules/users/service.py": (
                    "class UserService:\n    def __init__(self, repository) -> None:\n"
                    "        self.repository = repository\n\n"
                    "    def get(self, user_id: int) -> dict:\n        return {}\n"
                ),
                "cpv3/modules/users/repository.py": (
                    "class UserRepository:\n    def __init__(self, session) -> None:\n"
                    "        self.session = session\n\n"
                    "    def get(self, user_id: int) -> dict:\n        return {}\n"
                ),
            },
        ),
    )

    def visit_Assign(self, node: cst.Assign) -> None:
        ctx = self.ctx
        if ctx.in_function or ctx.class_def is not None or len(node.targets) != 1:
            return
        target = node.targets[0].target
        value = node.value
        if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
            return
        callee = ctx.call_name(value)
        if callee is None:
            return
        label = f"module-level {_short(callee)} instance '{target.value}'"
        message = f"{label}: one instance shared by every request"
        if callee in _SESSIONS:
            self.report(value, message)
        elif ctx.is_project_name(callee):
            self.report(
                value, message, when=AnyOf((IsServiceClass(callee), IsSessionFactory(callee)))
            )
