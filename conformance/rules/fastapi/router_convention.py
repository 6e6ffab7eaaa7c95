"""CNF346 router-convention."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Optional,
)

from conformance.rules.base import Example, Expect

if TYPE_CHECKING:
    import libcst as cst

else:
    from conformance import lazycst as cst
from conformance.rules.fastapi._common import (
    ROUTER_PREFIX,
    ROUTER_TAGS,
    _kebab,
    _keyword,
    _RouterCalls,
    _string_value,
)
from conformance.rules.fastapi._examples import _documented


class RouterConvention(_RouterCalls):
    """## What it checks
    With `router-prefix` and/or `router-tags` set, a module's router (in its `router.py`) whose
    literal `prefix`/`tags` differ from the templates rendered for the module
    (`{module}`: the module package name in kebab-case).

    ## Why
    A team convention (`/order-items` for `order_items`) applied by hand drifts: one module
    pluralises, another uses underscores. The template makes it checkable.

    ## Example
    ```toml
    router-prefix = "/{module}"
    router-tags = ["{module}"]
    ```
    ```python
    # cpv3/modules/order_items/router.py
    router = APIRouter(prefix="/order_item", tags=["items"])
    ```

    ## Use instead
    ```python
    router = APIRouter(prefix="/order-items", tags=["order-items"])
    ```

    ## Options
    `router-prefix` (string template, empty: not checked), `router-tags` (list of templates,
    empty: not checked). Non-literal values are not checked.
    """

    code = "CNF346"
    name = "router-convention"
    summary = "module router prefix or tags differ from the configured templates"
    fix_hint = "use the prefix and tags the router-prefix/router-tags templates give"
    catalog = "-"
    applies_to = "roles"
    VALID = (
        _documented(),
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/order-items", tags=["order-items"])
            """,
            path="cpv3/modules/order_items/router.py",
            config='router-prefix = "/{module}"\nrouter-tags = ["{module}"]',
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/order_item", tags=["items"])
            """,
            Expect(
                3,
                27,
                'router prefix "/order_item" does not follow the convention: write '
                '"/order-items" (router-prefix = "/{module}")',
            ),
            Expect(
                3,
                47,
                'router tags ["items"] do not follow the convention: write ["order-items"] '
                '(router-tags = ["{module}"])',
            ),
            path="cpv3/modules/order_items/router.py",
            config='router-prefix = "/{module}"\nrouter-tags = ["{module}"]',
        ),
    )

    def check_router(self, bound: Optional[str], call: cst.Call) -> None:
        ctx = self.ctx
        if not ctx.has_role("router") or ctx.feature is None:
            return
        module = _kebab(ctx.feature)
        prefix_template = ctx.option(ROUTER_PREFIX)
        tags_templates = tuple(ctx.option(ROUTER_TAGS) or ())
        if prefix_template:
            arg = _keyword(call, "prefix")
            value = _string_value(arg.value) if arg is not None else None
            wanted = prefix_template.replace("{module}", module)
            if arg is not None and value is not None and value != wanted:
                self.report(
                    arg.value,
                    f'router prefix "{value}" does not follow the convention: write '
                    f'"{wanted}" (router-prefix = "{prefix_template}")',
                )
        if tags_templates:
            arg = _keyword(call, "tags")
            if arg is None or not isinstance(arg.value, (cst.List, cst.Tuple)):
                return
            values = [_string_value(e.value) for e in arg.value.elements]
            if any(v is None for v in values):
                return
            wanted_tags = [t.replace("{module}", module) for t in tags_templates]
            if values != wanted_tags:
                shown = ", ".join(f'"{v}"' for v in values)
                want = ", ".join(f'"{t}"' for t in wanted_tags)
                templates = ", ".join(f'"{t}"' for t in tags_templates)
                self.report(
                    arg.value,
                    f"router tags [{shown}] do not follow the convention: write [{want}] "
                    f"(router-tags = [{templates}])",
                )
