"""CNF335 path-parameter-missing."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import _PATH_PARAM, DEPENDS, _keyword, _router_dependencies
from conformance.rules.fastapi._conditions import MissingPathParameter
from conformance.rules.fastapi._examples import _documented
from conformance.rules.fastapi._routes import route_of, route_path
from conformance.rules.fastapi._signature import _Recorder, signature_of


class PathParamMissing(_Recorder):
    """## What it checks
    A `{name}` in a route's literal path that is neither a parameter of the route nor of any of
    its dependencies (followed recursively, across files: `Annotated` aliases such as
    `ItemDep = Annotated[Item, Depends(get_item)]`, callable-class dependencies, `Depends()` on a
    class, `dependencies=[...]` on the route and on a router created in the same file).
    A route or dependency that reads `request.path_params["name"]` takes the parameter; one
    that reads `path_params` in any other way (`.get(key)` with a computed key, iterating it,
    passing it on) may take any of them, and its route is not reported.
    A name starting with an underscore (`/grafana{_:path}`) is a wildcard the route does not
    take on purpose, and is not reported.

    ## Why
    FastAPI accepts the route but never hands the value to anyone: a typo (`{user_id}` vs
    `userid`) silently drops validation of the path segment.

    ## Example
    ```python
    @router.get("/{user_id}/orders")
    async def list_orders(service: ServiceDep): ...
    ```

    ## Use instead
    ```python
    @router.get("/{user_id}/orders")
    async def list_orders(user_id: int, service: ServiceDep): ...
    ```

    ## Options
    None. Reported only when every dependency resolves to a function or class whose signature
    the index has; routes on a router imported from another file, `**kwargs`, `alias=` on a
    parameter marker or an unresolvable dependency silence it.
    """

    code = "CNF335"
    name = "path-parameter-missing"
    summary = "path parameter not declared by the route or its dependencies"
    fix_hint = "add the parameter to the route's signature (or to a dependency)"
    catalog = "API005"
    VALID = (
        _documented(),
        Example.code(
            """
            from fastapi import APIRouter, Request

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/grafana{_:path}", include_in_schema=False)
            def redirect(request: Request) -> str:
                return str(request.url)
            """,
            note="an underscore name is a wildcard the route reads from the request",
        ),
        Example.code(
            """
            from typing import Annotated

            from fastapi import APIRouter, Depends

            from cpv3.core.deps import ItemDep, Checker

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/{item_id}/owner/{owner_id}", dependencies=[Depends(Checker)])
            async def owner(item: ItemDep) -> dict:
                return item
            """,
            extra={
                "cpv3/core/deps.py": (
                    "from typing import Annotated\n\nfrom fastapi import Depends\n\n\n"
                    "def get_item(item_id: int) -> dict:\n    return {}\n\n\n"
                    "ItemDep = Annotated[dict, Depends(get_item)]\n\n\n"
                    "class Checker:\n    def __init__(self, owner_id: int) -> None:\n"
                    "        self.owner_id = owner_id\n"
                )
            },
            note="path parameters consumed by an alias dependency and a class dependency in "
            "another file",
        ),
        Example.code(
            """
            from fastapi import APIRouter, Request

            from cpv3.core.deps import CurrentItem, log_params

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/{user_id}/items/{item_id}")
            async def get_item(item: CurrentItem) -> dict:
                return item


            @router.get("/{user_id}/tags/{tag}")
            async def get_tag(request: Request) -> dict:
                log_params(request.path_params)
                return {"tag": request.path_params.get("tag")}
            """,
            extra={
                "cpv3/core/deps.py": """
                    from typing import Annotated

                    from fastapi import Depends, Request


                    def log_params(params: dict) -> None:
                        return None


                    class ItemLoader:
                        def __init__(self, request: Request) -> None:
                            self.item_id = request.path_params["item_id"]


                    def get_item(request: Request, loader: Annotated[ItemLoader, Depends()]) -> dict:
                        return {"owner": request.path_params["user_id"], "id": loader.item_id}


                    CurrentItem = Annotated[dict, Depends(get_item)]
                    """
            },
            note="path parameters read from request.path_params by a dependency and by the route "
            "itself (passed on: any of them may be read)",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter

            from cpv3.core.deps import ItemDep

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/{user_id}/items/{item_id}")
            async def get_item(item: ItemDep) -> dict:
                return item
            """,
            Expect(
                8,
                13,
                "path parameter 'user_id' of \"/{user_id}/items/{item_id}\" is taken by neither "
                "get_item nor its dependencies: add `user_id` to the signature",
            ),
            extra={
                "cpv3/core/deps.py": (
                    "from typing import Annotated\n\nfrom fastapi import Depends\n\n\n"
                    "def get_item(item_id: int) -> dict:\n    return {}\n\n\n"
                    "ItemDep = Annotated[dict, Depends(get_item)]\n"
                )
            },
        ),
        Example.code(
            """
            from fastapi import APIRouter

            from cpv3.core.deps import CurrentOrder

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("/{user_id}/orders/{order_id}")
            async def get_order(order: CurrentOrder) -> dict:
                return order
            """,
            Expect(
                8,
                13,
                "path parameter 'user_id' of \"/{user_id}/orders/{order_id}\" is taken by neither "
                "get_order nor its dependencies: add `user_id` to the signature",
            ),
            extra={
                "cpv3/core/deps.py": """
                    from typing import Annotated

                    from fastapi import Depends, Request


                    def get_order(request: Request) -> dict:
                        return {"id": request.path_params["order_id"]}


                    CurrentOrder = Annotated[dict, Depends(get_order)]
                    """
            },
            note="the dependency reads another path parameter by its literal name",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        ctx = self.ctx
        route = route_of(ctx, node)
        if route is None or route.verdict is not True:
            return
        signature = signature_of(ctx, node, skip_first=False)
        if signature.open:
            return
        deps = list(signature.deps)
        if not ctx.in_function:  # its own signature is recorded: its path_params reads count
            deps.append(ctx.definition_qualname(node.name.value))
        for call, receiver in zip(route.decorators, route.receivers):
            extra = _router_dependencies(ctx, receiver)
            if extra is None:
                return
            arg = _keyword(call, "dependencies")
            if arg is not None:
                if not isinstance(arg.value, (cst.List, cst.Tuple)):
                    return
                extra = extra + [e.value for e in arg.value.elements]
            for item in extra:
                if not isinstance(item, cst.Call) or ctx.call_name(item) not in DEPENDS:
                    return
                if not item.args or item.args[0].keyword is not None:
                    return
                value = item.args[0].value
                target = (
                    ctx.qualname(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
                )
                if target is None:
                    return
                deps.append(target)
        for call in route.decorators:
            path_node, path = route_path(call)
            if path is None or path_node is None:
                continue
            for name in _PATH_PARAM.findall(path):
                # `{_:path}` is a wildcard the route reads from the request on purpose
                if name in signature.names or name.startswith("_"):
                    continue
                self.report(
                    path_node,
                    f"path parameter '{name}' of {ctx.code_for(path_node)} is taken by neither "
                    f"{node.name.value} nor its dependencies: add `{name}` to the signature",
                    when=MissingPathParameter(name, tuple(deps), tuple(signature.aliases)),
                )
