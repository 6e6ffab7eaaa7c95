"""CNF112 router-binding."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Set, Tuple

from conformance.conditions import Condition, Not
from conformance.names import ROUTER_CLASSES as _ROUTER_CLASSES
from conformance.roles import role_matcher
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.structure._common import (
    ROUTER_CLASSES,
    ROUTER_NAME,
    _both,
    _CreatesRouter,
    _either,
)


class RouterBinding(FileRule):
    """## What it checks
    A module's `router.py` that does not bind exactly one module-level `APIRouter`, under the name
    `router-name` (default `router`). An instance of a project subclass of `APIRouter`, the
    result of a project factory annotated `-> APIRouter`, an instance of a class made by a project
    factory annotated `-> type[APIRouter]` (`APIRouter = get_api_router_class(APIRoute)`), and an
    instance of a class listed in `router-classes` count as an `APIRouter`. When a binding has
    the wanted name, it is the module's router and the other bindings are the extra ones,
    wherever they sit in the file. Not reported: a router that the module's router includes
    (`router.include_router(public_router, prefix="/public")`), FastAPI's documented way to
    serve routes under a second prefix or to group them: the application still mounts one
    router.

    ## Why
    The application includes each module's router by name (`users.router.router`); a second router
    in the same module, or one under another name, is missed or registered twice.

    ## Example
    ```python
    api = APIRouter(prefix="/users")
    admin = APIRouter(prefix="/admin/users")
    ```

    ## Use instead
    ```python
    router = APIRouter(prefix="/users", tags=["users"])
    ```
    """

    code = "CNF112"
    name = "router-binding"
    options = (ROUTER_NAME,)
    summary = "router.py does not bind exactly one module-level APIRouter named `router`"
    fix_hint = "bind one module-level APIRouter, named as router-name says"
    catalog = "STR012"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])
            """,
        ),
        Example.code(
            """
            from cpv3.core.db import Paginator
            from cpv3.core.routing import ApiRouter as Router

            router = Router(prefix="/users", tags=["users"])
            paginate = Paginator(limit=100)
            """,
            extra={
                "cpv3/core/routing.py": """
                    from fastapi import APIRouter


                    class ApiRouter(APIRouter):
                        pass
                    """,
                "cpv3/core/db.py": """
                    class Paginator:
                        def __init__(self, limit: int) -> None:
                            self.limit = limit
                    """,
            },
            note="a project subclass of APIRouter (in another file) is an APIRouter",
        ),
        Example.code(
            """
            from cpv3.core.routing import build_router

            router = build_router("users")
            """,
            extra={
                "cpv3/core/routing.py": """
                    from fastapi import APIRouter


                    def build_router(name: str) -> APIRouter:
                        return APIRouter(prefix=f"/{name}", tags=[name])
                    """,
            },
            note="a project factory annotated to return an APIRouter",
        ),
        Example.code(
            """
            from cpv3.core.routing import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])
            """,
            extra={
                "cpv3/core/routing.py": """
                    from fastapi import APIRouter as _APIRouter
                    from fastapi.routing import APIRoute


                    def get_api_router_class(route_class: type[APIRoute]) -> type[_APIRouter]:
                        class _Router(_APIRouter):
                            pass

                        return _Router


                    APIRouter = get_api_router_class(APIRoute)
                    """,
            },
            note="a router class made by a project factory annotated `-> type[APIRouter]`",
        ),
        Example.code(
            """
            from routerkit import VersionedRouter

            router = VersionedRouter(prefix="/users", tags=["users"])
            """,
            config='router-classes = ["routerkit.VersionedRouter"]\n',
            note="a library's router class, named in router-classes",
        ),
        Example.code(
            """
            from fastapi import APIRouter

            public_router = APIRouter(tags=["users"])


            @public_router.get("/{user_id}")
            async def get_user(user_id: int) -> dict:
                return {}


            router = APIRouter(prefix="/users")
            router.include_router(public_router, prefix="/public", include_in_schema=False)
            router.include_router(public_router)
            """,
            note="a sub-router that the module's router includes (the same routes under two "
            "prefixes): the application mounts one router",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter

            api = APIRouter(prefix="/users", tags=["users"])
            admin = APIRouter(prefix="/admin", tags=["admin"])
            """,
            Expect(3, 1, "APIRouter bound to 'api' in router.py: name it 'router'"),
            Expect(4, 1, "second APIRouter 'admin' in router.py: one router per module"),
        ),
        Example.code(
            """
            from fastapi import APIRouter

            from cpv3.core.db import Paginator
            from cpv3.core.routing import ApiRouter

            paginate = Paginator(limit=100)
            api = ApiRouter(prefix="/users", tags=["users"])
            router = APIRouter(prefix="/admin", tags=["admin"])
            """,
            Expect(7, 1, "second APIRouter 'api' in router.py: one router per module"),
            note="the binding named `router` is the module's router, even below another one",
            extra={
                "cpv3/core/routing.py": """
                    from fastapi import APIRouter


                    class ApiRouter(APIRouter):
                        pass
                    """,
                "cpv3/core/db.py": """
                    class Paginator:
                        def __init__(self, limit: int) -> None:
                            self.limit = limit
                    """,
            },
        ),
        Example.code(
            """
            from cpv3.core.db import Paginator

            paginate = Paginator(limit=100)
            """,
            Expect(
                1, 1, "router.py binds no module-level APIRouter: add `router = APIRouter(...)`"
            ),
            extra={
                "cpv3/core/db.py": """
                    class Paginator:
                        def __init__(self, limit: int) -> None:
                            self.limit = limit
                    """,
            },
        ),
        Example.code(
            "x = 1\n",
            Expect(
                1, 1, "router.py binds no module-level APIRouter: add `router = APIRouter(...)`"
            ),
        ),
        Example.code(
            """
            from cpv3.core.routing import APIRouter

            api = APIRouter(prefix="/users", tags=["users"])
            """,
            Expect(3, 1, "APIRouter bound to 'api' in router.py: name it 'router'"),
            extra={
                "cpv3/core/routing.py": """
                    from typing import Type

                    from fastapi import APIRouter as _APIRouter


                    def make_router_class() -> Type[_APIRouter]:
                        return _APIRouter


                    APIRouter = make_router_class()
                    """,
            },
            note="a factory-made router class is still a router: the name rule applies",
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        if not self.ctx.has_role("router") or self.ctx.feature is None:
            return
        wanted = self.ctx.option(ROUTER_NAME)
        classes = (*_ROUTER_CLASSES, *self.ctx.option(ROUTER_CLASSES))
        # (statement, bound name, condition): condition None when the call is certainly an
        # APIRouter; a call to a project class or factory is one if the index says so
        found: List[Tuple[cst.CSTNode, str, Optional[Condition]]] = []
        included: Set[str] = set()
        for statement in node.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Expr):
                    included.update(_included_by(small.value, wanted))
                    continue
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target, value = small.targets[0].target, small.value
                elif isinstance(small, cst.AnnAssign) and small.value is not None:
                    target, value = small.target, small.value
                else:
                    continue
                if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
                    continue
                called = self.ctx.qualname(value.func)
                if called in classes:
                    found.append((statement, target.value, None))
                elif called is not None and self.ctx.is_project_name(called):
                    found.append((statement, target.value, _CreatesRouter(called)))
        if any(bound == wanted for _, bound, _ in found):
            # the binding under the wanted name is the module's router wherever it sits (a
            # sub-router defined above it is the extra one), and a router it includes is part of
            # it: the application mounts one router either way
            found = [item for item in found if item[1] == wanted] + [
                item for item in found if item[1] != wanted and item[1] not in included
            ]
        for position, (at, bound, condition) in enumerate(found):
            earlier = found[:position]
            if any(cond is None for _, _, cond in earlier):
                self._second(at, bound, condition)
                continue
            uncertain = [cond for _, _, cond in earlier if cond is not None]
            if uncertain:
                self._second(at, bound, _both(condition, _either(uncertain)))
            if bound != wanted:
                first = _both(condition, Not(_either(uncertain)) if uncertain else None)
                self.report(
                    at,
                    f"APIRouter bound to '{bound}' in {self._file()}: name it '{wanted}'",
                    when=first,
                )
        if any(cond is None for _, _, cond in found):
            return
        if role_matcher(self.ctx.config).in_role_package(self.ctx.path):
            return  # a router package splits its routes and helpers over several files
        maybe = [cond for _, _, cond in found if cond is not None]
        self.report(
            node,
            f"{self._file()} binds no module-level APIRouter: add `{wanted} = APIRouter(...)`",
            when=Not(_either(maybe)) if maybe else None,
        )

    def _file(self) -> str:
        """The router file's own name (``router.py``, or ``endpoints.py`` when remapped)."""
        return self.ctx.path.rpartition("/")[2]

    def _second(self, statement: cst.CSTNode, bound: str, when: Optional[Condition]) -> None:
        self.report(
            statement,
            f"second APIRouter '{bound}' in {self._file()}: one router per module",
            when=when,
        )


def _included_by(value: cst.BaseExpression, router: str) -> List[str]:
    """The names ``value`` includes into ``router``: ``router.include_router(name, ...)``."""
    if not (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and isinstance(value.func.value, cst.Name)
        and value.func.value.value == router
        and value.func.attr.value == "include_router"
    ):
        return []
    for arg in value.args:
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword in (None, "router") and not arg.star and isinstance(arg.value, cst.Name):
            return [arg.value.value]
        if keyword is None:
            break  # the router is the first argument
    return []
