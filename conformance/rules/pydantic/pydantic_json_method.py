"""CNF431 pydantic-json-method."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect
from conformance.rules.pydantic._common import _DUMP_KEYWORDS, SCHEMAS, _short
from conformance.rules.pydantic._templates import _ModelMethod

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class JsonMethod(_ModelMethod):
    """## What it checks
    `m.json(...)` where `m` is provably a Pydantic model instance (see CNF430 for the receivers).
    `request.json()` (Starlette) and `response.json()` (httpx, requests) never fire.

    ## Why
    `.json()` is deprecated in v2, and its `json.dumps` keywords (`encoder=`, `models_as_dict=`,
    `sort_keys=`, ...) now raise `TypeError`.

    ## Example
    ```python
    payload = order.json(by_alias=True)
    ```

    ## Use instead
    ```python
    payload = order.model_dump_json(by_alias=True)
    ```

    ## Fix
    Safe when only `include`, `exclude`, `by_alias`, `exclude_unset`, `exclude_defaults`,
    `exclude_none` or `indent` are passed, and `skip_defaults=` (v1's old name of
    `exclude_unset=`; the call raises TypeError in v2), which becomes `exclude_unset=`; no fix
    otherwise (those calls fail in v2).
    """

    code = "CNF431"
    name = "pydantic-json-method"
    summary = "Pydantic v1 .json() on a model"
    fix_hint = "use .model_dump_json()"
    catalog = "PV031"
    fix = FixSafety.SAFE
    method = "json"
    new = "model_dump_json"
    on_class = False
    on_instance = True
    carry = _DUMP_KEYWORDS | {"indent"}
    renamed = {"skip_defaults": "exclude_unset"}
    VALID = (
        Example.code(
            """
            import httpx


            async def fetch(client: httpx.AsyncClient, response: httpx.Response):
                return response.json()
            """,
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic import BaseModel


            class Order(BaseModel):
                id: int

                def payload(self):
                    return self.json(indent=2), self.json(sort_keys=True), self.json(skip_defaults=True)
            """,
            Expect(
                8,
                16,
                ".json() on Pydantic model Order is the v1 API (deprecated in v2): use .model_dump_json()",
            ),
            Expect(
                8,
                37,
                '.json(sort_keys=...) on Pydantic model Order raises TypeError in Pydantic v2: use .model_dump_json() and json.dumps(m.model_dump(mode="json"), ...) for json.dumps options',
            ),
            Expect(
                8,
                64,
                ".json(skip_defaults=...) on Pydantic model Order raises TypeError in Pydantic v2: use .model_dump_json(exclude_unset=...)",
            ),
            path=SCHEMAS,
            fixed="""
            from pydantic import BaseModel


            class Order(BaseModel):
                id: int

                def payload(self):
                    return self.model_dump_json(indent=2), self.json(sort_keys=True), self.model_dump_json(exclude_unset=True)
            """,
        ),
    )

    def message(self, node: cst.Call, receiver: str) -> str:
        for arg in node.args:
            if (
                arg.keyword is not None
                and arg.keyword.value not in self.carry
                and arg.keyword.value not in self.renamed
            ):
                return (
                    f".json({arg.keyword.value}=...) on Pydantic model {_short(receiver)} raises "
                    "TypeError in Pydantic v2: use .model_dump_json() and "
                    'json.dumps(m.model_dump(mode="json"), ...) for json.dumps options'
                )
        return super().message(node, receiver)
