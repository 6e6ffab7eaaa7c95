"""CNF311 yield-provider-swallows-exception."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import _function_yields_in, _raises, _statements
from conformance.rules.fastapi._conditions import IsProvider
from conformance.rules.fastapi._examples import _documented


class YieldProviderSwallows(FileRule):
    """## What it checks
    A `yield` dependency provider (a module-level generator referenced by `Depends`/`Security`
    somewhere in the project) with an `except` around its `yield` that neither re-raises nor
    raises another exception.

    ## Why
    FastAPI throws the route's exception into the provider at the `yield`; swallowing it hides
    the error from FastAPI's exception handlers and the client gets a wrong response.

    ## Example
    ```python
    async def get_session():
        session = SessionLocal()
        try:
            yield session
        except Exception:
            await session.rollback()
    ```

    ## Use instead
    ```python
        except Exception:
            await session.rollback()
            raise
    ```

    ## Options
    None. `@contextmanager` functions are not providers (suppressing there is legitimate).
    """

    code = "CNF311"
    name = "yield-provider-swallows-exception"
    summary = "yield provider catches an exception around yield and does not re-raise"
    fix_hint = "re-raise (`raise`) at the end of the except block"
    catalog = "DI011"
    VALID = (
        _documented(),
        Example.code(
            """
            from typing import Annotated

            from fastapi import Depends


            async def get_session():
                try:
                    yield 1
                except ValueError as exc:
                    raise RuntimeError("bad") from exc


            SessionDep = Annotated[int, Depends(get_session)]
            """,
            path="cpv3/core/db.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            async def get_session():
                session = object()
                try:
                    yield session
                except Exception:
                    print("rolled back")
                finally:
                    print("closed")
            """,
            Expect(
                5,
                5,
                "get_session is a yield provider and this except swallows the exception thrown "
                "at its yield: re-raise it (`raise`)",
            ),
            path="cpv3/core/db.py",
            extra={
                "cpv3/modules/users/router.py": (
                    "from typing import Annotated\n\nfrom fastapi import APIRouter, Depends\n\n"
                    "from cpv3.core.db import get_session\n\n"
                    "router = APIRouter(prefix='/users', tags=['users'])\n\n\n"
                    "@router.get('/')\ndef me(s: Annotated[object, Depends(get_session)]) -> dict:\n"
                    "    return {}\n"
                )
            },
        ),
    )

    def function_end(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        if ctx.function_depth != 1 or ctx.class_def is not None or node.decorators:
            return
        if not ctx.is_generator(node):
            return
        qualname = f"{ctx.module}.{node.name.value}"
        for statement in _statements(node.body):
            if not isinstance(statement, cst.Try) or not _function_yields_in(statement.body):
                continue
            for handler in statement.handlers:
                if not _raises(handler.body):
                    self.report(
                        handler,
                        f"{node.name.value} is a yield provider and this except swallows the "
                        "exception thrown at its yield: re-raise it (`raise`)",
                        when=IsProvider(qualname),
                    )
