"""CNF338 body-with-no-body-status."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.conditions import Condition, IsKind
from conformance.index import (
    PYDANTIC_MODEL,
)
from conformance.rules.base import Example, Expect, FileRule

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import Verdict, _keyword, _status_code
from conformance.rules.fastapi._conditions import _NON_CALLABLE_BUILTINS
from conformance.rules.fastapi._examples import _documented
from conformance.rules.fastapi._routes import _when, route_of


class BodyWithNoBodyStatus(FileRule):
    """## What it checks
    A route with `status_code=204`, `205`, `304` or `1xx` (literal or `status.HTTP_204_NO_CONTENT`)
    and a response body model: `response_model=X` or a return annotation other than `None` and a
    `Response` class.

    ## Why
    FastAPI asserts at start-up that these status codes have no response body.

    ## Example
    ```python
    @router.delete("/{user_id}", status_code=204)
    async def delete_user(user_id: int) -> UserRead: ...
    ```

    ## Use instead
    ```python
    @router.delete("/{user_id}", status_code=204)
    async def delete_user(user_id: int) -> None: ...
    ```
    """

    code = "CNF338"
    name = "body-with-no-body-status"
    summary = "response body declared for a status code that has none"
    fix_hint = "drop the body (`-> None`, no response_model) or use another status code"
    catalog = "API008"
    VALID = (_documented(),)
    INVALID = (
        Example.code(
            """
            from typing import List

            from fastapi import APIRouter, status

            from .schemas import UserRead

            router = APIRouter(prefix="/users", tags=["users"])


            @router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
            async def delete_user(user_id: int) -> UserRead:
                return UserRead()


            @router.post("/purge", status_code=204, response_model=List[UserRead])
            async def purge():
                return []
            """,
            Expect(
                10,
                42,
                "status code 204 has no response body but delete_user declares one (return "
                "annotation): return None or pick another status code",
            ),
            Expect(
                15,
                36,
                "status code 204 has no response body but purge declares one (response_model): "
                "return None or pick another status code",
            ),
            extra={
                "cpv3/modules/users/schemas.py": (
                    "from pydantic import BaseModel\n\n\nclass UserRead(BaseModel):\n    id: int = 0\n"
                )
            },
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        route = route_of(ctx, node)
        if route is None:
            return
        for call in route.decorators:
            arg = _keyword(call, "status_code")
            if arg is None:
                continue
            code = _status_code(ctx, arg.value)
            if code is None or not (code < 200 or code in (204, 205, 304)):
                continue
            model = _keyword(call, "response_model")
            when: Optional[Condition] = _when(route.verdict)
            source = "response_model"
            if model is not None:
                if isinstance(model.value, cst.Name) and model.value.value == "None":
                    continue
            else:
                source = "return annotation"
                verdict = self._returns_body(node)
                if verdict is False:
                    continue
                when = _when(route.verdict, verdict)
            self.report(
                arg.value,
                f"status code {code} has no response body but {node.name.value} declares one "
                f"({source}): return None or pick another status code",
                when=when,
            )

    def _returns_body(self, node: cst.FunctionDef) -> Verdict:
        if node.returns is None:
            return False
        annotation = node.returns.annotation
        if isinstance(annotation, cst.Name) and annotation.value == "None":
            return False
        if isinstance(annotation, cst.Subscript):
            base = self.ctx.qualname(annotation.value)
            if base in (
                "typing.List",
                "typing.Dict",
                "builtins.list",
                "builtins.dict",
                "typing.Sequence",
            ):
                return True
            return False
        typed = self.ctx.annotation_type(annotation)
        if typed is None:
            return False
        if typed in _NON_CALLABLE_BUILTINS and typed != "builtins.None":
            return True
        if self.ctx.is_project_name(typed):
            return IsKind(typed, PYDANTIC_MODEL)
        return False
