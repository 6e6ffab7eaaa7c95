"""CNF308 module-level-singleton."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional

from conformance.conditions import AllOf, AnyOf
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import _all_params, _short
from conformance.rules.fastapi._conditions import (
    _SESSIONS,
    INIT_CALLS_KEY,
    STATEFUL_KEY,
    HoldsRequestState,
    IsServiceClass,
    IsSessionFactory,
)
from conformance.rules.fastapi._examples import _documented

#: annotations of an ``__init__`` parameter or a field that hold no request: constants, classes
_STATELESS_TYPES = frozenset(
    {
        *("builtins." + name for name in ("str", "int", "float", "bool", "bytes", "complex")),
        "builtins.None",
        "builtins.type",
        "typing.Type",
        "typing_extensions.Type",
        "typing.Literal",
        "typing_extensions.Literal",
        "typing.ClassVar",
        "typing_extensions.ClassVar",
    }
)


class ModuleSingleton(FileRule):
    """## What it checks
    A module-level service, repository or session instance:
    `user_service = UserService(UserRepository(SessionLocal()))`, `session = AsyncSession(engine)`.
    A service or repository counts only when its class can hold request state: its `__init__`
    (or that of a project base) takes a parameter not annotated as a constant or a class (`str`,
    `int`, `float`, `bool`, `bytes`, `None`, `Literal[...]`, `type[...]`; a parameter without
    annotation and `*args`/`**kwargs` count as state), or opens a session, or calls a project
    function (`self.session = SessionLocal()`) or a project class that can hold request state
    (a library's client, logger or lock is process-wide and does not count); or the class declares a field of another type
    (`session: AsyncSession`); or an attribute holds a session, or an object whose class can hold
    request state. Not reported: a class without `__init__`, or whose `__init__` stores only
    constants and classes (`self.model = model` from `model: type[Item]`), whose methods take the
    session as an argument: one instance serves every request without sharing any of theirs.

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
        Example.code(
            """
            from cpv3.core.services import ModelService

            from .models import Item


            class ItemService(ModelService[Item]):
                async def archive(self, session, item_id: int) -> None:
                    await session.delete(await session.get(self.model, item_id))


            class ItemExport:
                async def rows(self, session) -> list:
                    return []


            item_service = ItemService(Item)
            item_export = ItemExport()
            """,
            path="cpv3/modules/items/service.py",
            extra={
                "cpv3/core/services.py": """
                    from typing import Generic, TypeVar

                    T = TypeVar("T")


                    class ModelService(Generic[T]):
                        def __init__(self, model: type[T]) -> None:
                            self.model = model

                        async def get(self, session, item_id: int):
                            return await session.get(self.model, item_id)
                    """,
                "cpv3/modules/items/models.py": "class Item:\n    pass\n",
            },
            note="services that hold no request state (no __init__, or one that stores a class) "
            "and take the session per call",
        ),
        Example.code(
            """
            import logging

            from cpv3.core.chat import ChatClient


            class NotifyService:
                def __init__(self) -> None:
                    self.client = ChatClient()
                    self.log = logging.getLogger(__name__)

                async def send(self, session, user_id: int) -> None:
                    await self.client.post(str(user_id))


            notify_service = NotifyService()
            """,
            path="cpv3/modules/items/service.py",
            extra={
                "cpv3/core/chat.py": """
                    import httpx


                    class ChatClient:
                        def __init__(self) -> None:
                            self.http = httpx.AsyncClient(base_url="https://chat.example")

                        async def post(self, text: str) -> None:
                            await self.http.post("/messages", json={"text": text})
                    """,
            },
            note="a client of a library's connection pool and a logger are process-wide state",
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
        Example.code(
            """
            from cpv3.core.db import SessionLocal


            class ReportService:
                def __init__(self) -> None:
                    self.session = SessionLocal()

                def totals(self) -> dict:
                    return {}


            reports = ReportService()
            """,
            Expect(
                12,
                11,
                "module-level ReportService instance 'reports': one instance shared by every "
                "request",
            ),
            path="cpv3/modules/reports/service.py",
            extra={
                "cpv3/core/db.py": (
                    "from sqlalchemy.orm import sessionmaker\n\nSessionLocal = sessionmaker()\n"
                ),
            },
            note="an __init__ that opens a session holds request state",
        ),
        Example.code(
            """
            from dataclasses import dataclass

            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import SessionLocal


            @dataclass
            class ReportRepository:
                session: AsyncSession

                async def totals(self) -> dict:
                    return {}


            reports = ReportRepository(SessionLocal())
            """,
            Expect(
                16,
                11,
                "module-level ReportRepository instance 'reports': one instance shared by every "
                "request",
            ),
            path="cpv3/modules/reports/repository.py",
            extra={
                "cpv3/core/db.py": (
                    "from sqlalchemy.orm import sessionmaker\n\nSessionLocal = sessionmaker()\n"
                ),
            },
            note="a field of another type than a constant or a class is request state",
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        #: the ``__init__`` methods walked so far that hold no state yet: node id -> class
        self._inits: Dict[int, str] = {}

    def _stateful(self, qualname: str) -> None:
        self.ctx.add_extra(STATEFUL_KEY, qualname)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        if node.name.value != "__init__" or ctx.class_def is None or ctx.in_function:
            return
        owner = ctx.definition_qualname("__init__").rpartition(".")[0]
        params = node.params
        plain = not isinstance(params.star_arg, cst.Param) and params.star_kwarg is None
        if plain and all(_stateless(ctx, p.annotation) for p in _all_params(node)[1:]):
            self._inits[id(node)] = owner
        else:
            self._stateful(owner)

    def visit_Call(self, node: cst.Call) -> None:
        # a call in __init__ may open a session or build a repository: only the base class's
        # __init__ (checked on its own) and ``super()`` are known to hold nothing
        function = self.ctx.function
        if function is None or id(function) not in self._inits:
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "__init__":
            return
        ctx = self.ctx
        if ctx.qualname(func) == "builtins.super":
            return
        callee = ctx.call_name(node)
        if callee is not None and callee not in _SESSIONS and not ctx.is_project_name(callee):
            return  # a library's client, logger or lock: process-wide, no request in it
        if callee is not None and callee not in _SESSIONS:
            # a project callable: state if it is a class that holds some, or any function
            ctx.add_extra(INIT_CALLS_KEY, (self._inits[id(function)], callee))
            return
        self._stateful(self._inits.pop(id(function)))

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        if ctx.in_function or not isinstance(node.body, cst.IndentedBlock):
            return
        for statement in node.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and not _stateless(ctx, small.annotation):
                    self._stateful(ctx.definition_qualname(node.name.value))
                    return

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
            service = AllOf((IsServiceClass(callee), HoldsRequestState(callee)))
            self.report(value, message, when=AnyOf((service, IsSessionFactory(callee))))


def _stateless(ctx: FileContext, annotation: Optional[cst.Annotation]) -> bool:
    """An annotation that holds no request: a constant or a class (none at all may hold one)."""
    if annotation is None:
        return False
    return ctx.annotation_type(annotation.annotation) in _STATELESS_TYPES
