"""CNF208 router-uses-persistence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Tuple

from conformance.conditions import AllOf, Condition, Not
from conformance.facts import ImportFact
from conformance.names import ANNOTATED as _ANNOTATED
from conformance.rules.base import Example, Expect

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._built_in_route import route_builds
from conformance.rules.fastapi._examples import SERVICE_BUILT_IN_ROUTE, SERVICE_BUILT_IN_ROUTE_EXTRA
from conformance.rules.layering._common import (
    _SESSION_TYPES,
    ROUTER,
    SESSION_MODULES,
    _alias_nodes,
    _file_name,
    _ImportRule,
    _is_route,
    _query_home,
    holds_session,
)
from conformance.rules.layering._examples import _DB

_NO_SERVICE_LAYER = (
    '[roles]\nservice = []\n\n[layers]\nrouter = ["repository", "schemas", "models"]\n'
)


class RouterUsesPersistence(_ImportRule):
    """## What it checks
    `router.py` importing SQLAlchemy (`select`, `import sqlalchemy as sa`, ...), once per import
    statement (naming every name it imports from SQLAlchemy). The session type
    (`AsyncSession`, `Session`) is allowed when every use is an annotation in a dependency provider
    (a function that is not a route) or in a module-level `Annotated[...]` alias: a provider that
    takes the session and hands it to the service is the intended pattern. A route that takes
    the session only to build its service is reported once, by CNF306 (the root cause), not here.
    SQLAlchemy's exception classes (`sqlalchemy.exc`, `sqlalchemy.orm.exc`: `IntegrityError`,
    `NoResultFound`) are allowed: catching them maps errors to HTTP and runs no query.
    In a layout without a service layer (`roles.service = []`) the router holds the session and
    passes it to the repository: the session types, and the modules that hold them
    (`from sqlalchemy import orm` for `orm.Session`), are allowed; reading anything else from
    such a module (`orm.joinedload`) is reported.

    ## Why
    A router that imports persistence is about to query; the session it receives should go straight
    to the service provider.

    ## Example
    ```python
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    @router.get("/export")
    async def export(db: AsyncSession = Depends(get_session)): ...
    ```

    ## Use instead
    ```python
    def get_product_service(session: AsyncSession = Depends(get_session)) -> ProductService:
        return ProductService(session)
    ```

    ## Options
    `roles.router`.
    """

    code = "CNF208"
    name = "router-uses-persistence"
    summary = "router imports SQLAlchemy (beyond the session type of a provider)"
    fix_hint = "inject the service, not the session; queries live in the repository"
    catalog = "LAY008"
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter, Depends
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import get_session

            from .service import UserService

            router = APIRouter()


            def get_user_service(session: AsyncSession = Depends(get_session)) -> UserService:
                return UserService(session)


            @router.get("/")
            async def list_users(service: UserService = Depends(get_user_service)):
                return await service.list()
            """,
            extra={"cpv3/core/db.py": _DB},
            note="a session received only to hand it to a service provider",
        ),
        Example.code(
            SERVICE_BUILT_IN_ROUTE,
            extra=SERVICE_BUILT_IN_ROUTE_EXTRA,
            note="the route builds its service from the session: CNF306 reports that decision",
        ),
        Example.code(
            """
            from fastapi import APIRouter, HTTPException
            from sqlalchemy import exc
            from sqlalchemy.exc import IntegrityError
            from sqlalchemy.orm.exc import NoResultFound

            from .service import UserService

            router = APIRouter()


            @router.post("/")
            async def create(service: UserService):
                try:
                    return await service.create()
                except (IntegrityError, exc.DataError) as error:
                    raise HTTPException(409) from error
                except NoResultFound as error:
                    raise HTTPException(404) from error
            """,
            note="SQLAlchemy's exception classes, caught to map errors to HTTP",
        ),
        Example.code(
            """
            from fastapi import APIRouter, Depends
            from sqlalchemy import orm
            from sqlalchemy.ext.asyncio import AsyncSession

            from cpv3.core.db import get_session

            from . import repository

            router = APIRouter()


            @router.get("/")
            def list_users(db: orm.Session = Depends(get_session)):
                return repository.list_users(db)


            @router.get("/count")
            async def count(db: AsyncSession = Depends(get_session)):
                return await repository.count(db)
            """,
            extra={"cpv3/core/db.py": _DB},
            config=_NO_SERVICE_LAYER,
            note="no service layer: the router holds the session and hands it to the repository",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa
            from fastapi import APIRouter, Depends
            from sqlalchemy.ext.asyncio import AsyncSession as Db

            from cpv3.core.db import get_session

            router = APIRouter()


            @router.get("/export")
            async def export(db: Db = Depends(get_session)):
                return db
            """,
            Expect(
                1,
                8,
                "router.py imports sqlalchemy: routers do not touch persistence",
            ),
            Expect(
                3,
                36,
                "router.py imports AsyncSession from sqlalchemy.ext.asyncio and uses it outside "
                "a dependency provider",
            ),
            extra={"cpv3/core/db.py": _DB},
        ),
        Example.code(
            """
            from fastapi import APIRouter, Depends
            from sqlalchemy import orm

            from cpv3.core.db import get_session

            from .models import User

            router = APIRouter()


            @router.get("/")
            def list_users(db: orm.Session = Depends(get_session)):
                return db.query(User).options(orm.joinedload(User.groups)).all()
            """,
            Expect(
                2,
                24,
                "router.py imports orm from sqlalchemy and reads orm.joinedload: routers do not"
                " touch persistence",
            ),
            extra={"cpv3/core/db.py": _DB},
            config=_NO_SERVICE_LAYER,
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._session_imports: Dict[str, Tuple[cst.CSTNode, ImportFact]] = {}
        #: per session alias used outside providers: the route parameters it annotates (None
        #: once a use is anything else)
        self._misused: Dict[str, Optional[List[Tuple[cst.FunctionDef, str]]]] = {}
        #: without a service layer: imported session modules (``orm``) and the first name read
        #: from one that is not a session type (``orm.joinedload``)
        self._session_modules: Dict[str, Tuple[cst.CSTNode, ImportFact]] = {}
        self._module_reads: Dict[str, str] = {}

    def hint(self) -> str:
        if self.ctx.config.role_map().get("repository"):
            return self.fix_hint
        return f"inject the service, not the session; {_query_home(self.ctx)}"

    def visit_Import(self, node: cst.Import) -> None:
        self._emit(node)
        self._note_imports(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._emit(node)
        self._note_imports(node)

    def _note_imports(self, node: cst.Import | cst.ImportFrom) -> None:
        ctx = self.ctx
        if not ctx.has_role(ROUTER):
            return
        # Without a service layer the router holds the session by design: its type is no
        # misuse, and a session module is judged by what is read from it.
        holds = holds_session(ctx)
        facts = ctx.import_facts(node)
        for fact, at in zip(facts, _alias_nodes(node, len(facts))):
            if not fact.alias or fact.type_only:
                continue
            if fact.target in _SESSION_TYPES and not holds:
                self._session_imports[fact.alias] = (at, fact)
            elif holds and fact.target in SESSION_MODULES:
                self._session_modules[fact.alias] = (at, fact)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if not self._session_modules or not isinstance(node.value, cst.Name):
            return
        alias = node.value.value
        if alias not in self._session_modules or alias in self._module_reads:
            return
        qualname = self.ctx.qualname(node)
        if qualname is not None and qualname not in _SESSION_TYPES:
            self._module_reads[alias] = f"{alias}.{node.attr.value}"

    def visit_Name(self, node: cst.Name) -> None:
        if node.value not in self._session_imports:
            return
        if node.value in self._misused and self._misused[node.value] is None:
            return
        binding = self.ctx.lookup(node.value)
        if binding is None or binding.kind != "import" or binding.qualname not in _SESSION_TYPES:
            return
        if self._provider_use():
            return
        param = self._route_param()
        uses = self._misused.setdefault(node.value, [])
        if param is None or uses is None:
            self._misused[node.value] = None
        else:
            uses.append(param)

    def _route_param(self) -> Optional[Tuple[cst.FunctionDef, str]]:
        """(function, parameter) when the name is the annotation of a parameter of a function
        (a route, since providers are no misuse)."""
        ancestors = self.ctx.ancestors
        for depth in range(len(ancestors) - 1, 0, -1):
            ancestor = ancestors[depth]
            if isinstance(ancestor, cst.Param):
                function = next(
                    (a for a in reversed(ancestors[:depth]) if isinstance(a, cst.FunctionDef)),
                    None,
                )
                annotation = ancestor.annotation
                inside = annotation is not None and any(
                    a is annotation for a in ancestors[depth + 1 :]
                )
                if function is None or not inside:
                    return None
                return function, ancestor.name.value
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                return None
        return None

    def _provider_use(self) -> bool:
        """An annotation in a function that is not a route (a provider), or a module-level
        ``Annotated[...]`` alias."""
        ctx = self.ctx
        in_annotation = False
        for ancestor in reversed(ctx.ancestors):
            if isinstance(ancestor, cst.Annotation):
                in_annotation = True
            elif isinstance(ancestor, cst.Lambda):
                return False
            elif isinstance(ancestor, cst.FunctionDef):
                return in_annotation and not _is_route(ctx, ancestor)
        return any(
            isinstance(ancestor, cst.Subscript) and ctx.qualname(ancestor.value) in _ANNOTATED
            for ancestor in ctx.ancestors
        )

    def finish(self) -> None:
        file = _file_name(self.ctx)
        for alias, read in sorted(self._module_reads.items()):
            at, fact = self._session_modules[alias]
            what = f"{fact.name} from {fact.module}" if fact.name else fact.module
            self.report(
                at, f"{file} imports {what} and reads {read}: routers do not touch persistence"
            )
        builds = route_builds(self.ctx)
        for alias, uses in self._misused.items():
            at, fact = self._session_imports[alias]
            message = (
                f"{file} imports {fact.name} from {fact.module} and uses it outside a dependency "
                "provider"
            )
            tags: Tuple[str, ...] = ()
            if fact.deferred:
                message += " (deferred import inside a function: still an import)"
                tags = ("deferred",)
            # annotating only route parameters that the routes build a service from is part of
            # that decision (CNF306 reports it): the finding stands only where it is not
            implied = [builds.implied_by(self.ctx, f, p) for f, p in uses] if uses else []
            when: Optional[Condition] = None
            if implied and all(c is not None for c in implied):
                parts = tuple(c for c in implied if c is not None)
                when = Not(parts[0] if len(parts) == 1 else AllOf(parts))
            self.report(at, message, tags=tags, when=when)
