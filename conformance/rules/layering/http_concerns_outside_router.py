"""CNF207 http-concerns-outside-router."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Set, Tuple

from conformance.rules.base import Example, Expect

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext

else:
    from conformance import lazycst as cst
from conformance.rules.layering._common import (
    _HTTP_PACKAGES,
    _allowed_framework,
    _file_name,
    _Finding,
    _http_free_role,
    _import_findings,
    _ImportRule,
)
from conformance.rules.layering._examples import _DB


class HttpConcernsOutsideRouter(_ImportRule):
    """## What it checks
    FastAPI or Starlette imported into a service, repository, models or schemas file
    (`HTTPException`, `Request`, `Response`, `status`, `import fastapi`), and a `raise` of a
    FastAPI/Starlette exception there. `fastapi.Depends` is allowed so that a dependency provider
    can live in service.py (`typing.Annotated` is not FastAPI), and so are the thread-pool helpers
    of `fastapi.concurrency`/`starlette.concurrency` (`run_in_threadpool`, the way out of a
    blocking call that CNF339 suggests): they are no HTTP concern. One finding per file for its
    imports (counting the raises of what they import: the same use) and one for raises of HTTP
    exceptions the file does not import at run time.

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
            from fastapi import Depends, HTTPException as HttpError, status


            def fail() -> None:
                raise HttpError(status_code=409, detail="conflict")


            def missing() -> None:
                raise HttpError(status_code=status.HTTP_404_NOT_FOUND)
            """,
            Expect(
                1,
                30,
                "service.py imports HTTPException, status from fastapi (raised twice)",
            ),
            path="cpv3/modules/users/service.py",
            note="one finding for the imports: the raises of the imported name are the same use",
        ),
        Example.code(
            """
            import starlette.status as codes
            """,
            Expect(1, 8, "repository.py imports starlette.status"),
            path="cpv3/modules/users/repository.py",
        ),
        Example.code(
            """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from fastapi import HTTPException


            def fail() -> None:
                raise HTTPException(status_code=409)


            def gone() -> None:
                raise HTTPException(status_code=410)
            """,
            Expect(8, 5, "service.py raises fastapi.HTTPException twice"),
            path="cpv3/modules/users/service.py",
            note="the import is type-only (CNF214): the raises are reported, once per file",
        ),
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._imports: List[_Finding] = []
        #: what the file's runtime HTTP imports bind: ``fastapi.HTTPException``, ``fastapi``
        self._imported: Set[str] = set()
        self._raises: List[Tuple[cst.Raise, str]] = []
        #: the imported names by module, in the order of the file (none: the module itself)
        self._names: Dict[str, List[str]] = {}

    def _emit(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        if _http_free_role(ctx) is None:
            return
        found = [f for f in _import_findings(ctx, node) if f.code == self.code]
        if not found:
            return
        self._imports.extend(found)
        for fact in ctx.import_facts(node):
            if fact.type_only or fact.module.split(".", 1)[0] not in _HTTP_PACKAGES:
                continue
            whole = fact.name is None or fact.name == "*"
            bound = fact.module if whole else fact.target
            if _allowed_framework(ctx, bound):
                continue
            self._imported.add(bound)
            names = self._names.setdefault(fact.module, [])
            if not whole and fact.name not in names:
                names.append(fact.name or "")

    def visit_Raise(self, node: cst.Raise) -> None:
        ctx = self.ctx
        if _http_free_role(ctx) is None or node.exc is None:
            return
        exc = node.exc.func if isinstance(node.exc, cst.Call) else node.exc
        name = ctx.qualname(exc)
        if name is None or name.split(".", 1)[0] not in _HTTP_PACKAGES:
            return
        if _allowed_framework(ctx, name):
            return
        self._raises.append((node, name))

    def _covered(self, name: str) -> bool:
        """Whether a raise of ``name`` uses what one of the file's reported imports binds."""
        return any(name == bound or name.startswith(bound + ".") for bound in self._imported)

    def finish(self) -> None:
        # One finding per file and kind of site: the imports, and the raises of names the file
        # does not import itself; a raise of an imported name is the same use as its import.
        ctx = self.ctx
        file = _file_name(ctx)
        covered = [node for node, name in self._raises if self._covered(name)]
        if self._imports:
            first = self._imports[0]
            what = [
                f"{', '.join(names)} from {module}" if names else module
                for module, names in self._names.items()
            ]
            message = f"{file} imports {'; '.join(what)}"
            if covered:
                message += f" (raised {_times(len(covered))})"
            tags = tuple(sorted({tag for f in self._imports for tag in f.tags}))
            self.report(first.node, message, tags=tags)
        others = [(node, name) for node, name in self._raises if not self._covered(name)]
        if others:
            qualnames = ", ".join(sorted({name for _, name in others}))
            self.report(others[0][0], f"{file} raises {qualnames} {_times(len(others))}")


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"
