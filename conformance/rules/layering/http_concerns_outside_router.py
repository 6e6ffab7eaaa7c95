"""CNF207 http-concerns-outside-router."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.rules.base import Example, Expect

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.layering._common import (
    _HTTP_FREE_ROLES,
    _HTTP_PACKAGES,
    _allowed_framework,
    _file_name,
    _ImportRule,
    _plural,
)
from conformance.rules.layering._examples import _DB


class HttpConcernsOutsideRouter(_ImportRule):
    """## What it checks
    FastAPI or Starlette imported into a service, repository, models or schemas file
    (`HTTPException`, `Request`, `Response`, `status`, `import fastapi`), and a `raise` of a
    FastAPI/Starlette exception there. `fastapi.Depends` is allowed so that a dependency provider
    can live in service.py (`typing.Annotated` is not FastAPI), and so are the thread-pool helpers
    of `fastapi.concurrency`/`starlette.concurrency` (`run_in_threadpool`, the way out of a
    blocking call that CNF339 suggests): they are no HTTP concern.

    ## Why
    Services hold the business rules; an HTTP status chosen deep inside a service ties it to one
    transport (a CLI, a worker or a test must fake HTTP) and splits error mapping across layers.

    ## Example
    ```python
    # cpv3/modules/orders/service.py
    from fastapi import HTTPException

    raise HTTPException(status_code=409, detail="product is not sold")
    ```

    ## Use instead
    Raise a domain error (`ConflictError`) and map it in the router or an exception handler.

    ## Fix
    None.

    ## Options
    `framework-allowed-imports` (default `["fastapi.Depends", "fastapi.params.Depends"]`): names or
    module prefixes these files may import, e.g. `fastapi.encoders`.
    """

    code = "CNF207"
    name = "http-concerns-outside-router"
    summary = "FastAPI/Starlette HTTP concerns in a service, repository, models or schemas file"
    fix_hint = "raise domain errors and map them to HTTP in the router or an exception handler"
    catalog = "LAY007"
    VALID = (
        Example.code(
            """
            from typing import Annotated

            from fastapi import Depends

            from cpv3.core.db import SessionDep


            class UserService:
                def __init__(self, session) -> None:
                    self.session = session


            def get_user_service(session: SessionDep) -> UserService:
                return UserService(session)


            UserServiceDep = Annotated[UserService, Depends(get_user_service)]
            """,
            path="cpv3/modules/users/service.py",
            extra={"cpv3/core/db.py": _DB},
            note="a provider in service.py may use Depends and Annotated",
        ),
        Example.code(
            """
            import hashlib

            import starlette.concurrency
            from fastapi.concurrency import run_in_threadpool as in_thread


            class UserService:
                async def fingerprint(self, data: bytes) -> str:
                    digest = await in_thread(hashlib.sha256, data)
                    await starlette.concurrency.run_in_threadpool(print, "hashed")
                    return digest.hexdigest()
            """,
            path="cpv3/modules/users/service.py",
            note="thread-pool helpers are no HTTP concern",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import Depends, HTTPException as HttpError


            def fail() -> None:
                raise HttpError(status_code=409, detail="conflict")
            """,
            Expect(
                1,
                30,
                "service.py imports HTTPException from fastapi: HTTP concerns stay in the "
                "router; raise domain errors here and map them to HTTP in the router or an "
                "exception handler",
            ),
            Expect(
                5,
                5,
                "service.py raises HttpError (fastapi.HTTPException): services raise domain "
                "errors; map them to HTTP in the router or an exception handler",
            ),
            path="cpv3/modules/users/service.py",
        ),
        Example.code(
            """
            import starlette.status as codes
            """,
            Expect(
                1,
                8,
                "repository.py imports starlette.status: HTTP concerns stay in the router; raise "
                "domain errors here and map them to HTTP in the router or an exception handler",
            ),
            path="cpv3/modules/users/repository.py",
        ),
    )

    def visit_Raise(self, node: cst.Raise) -> None:
        ctx = self.ctx
        if ctx.role not in _HTTP_FREE_ROLES or node.exc is None:
            return
        exc = node.exc.func if isinstance(node.exc, cst.Call) else node.exc
        name = ctx.qualname(exc)
        if name is None or name.split(".", 1)[0] not in _HTTP_PACKAGES:
            return
        if _allowed_framework(ctx, name):
            return
        self.report(
            node,
            f"{_file_name(ctx)} raises {ctx.code_for(exc)} ({name}): {_plural(ctx.role or '')} "
            "raise domain errors; map them to HTTP in the router or an exception handler",
        )
