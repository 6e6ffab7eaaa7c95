"""CNF484 pydantic-dataclass-v1-idioms."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
)

from conformance.rules.base import Example, Expect, FileRule
from conformance.rules.pydantic._common import (
    _PYDANTIC_DATACLASS,
    SCHEMAS,
    _body,
    _decorator_target,
    _kwarg,
)

if TYPE_CHECKING:
    import libcst as cst
else:
    from conformance import lazycst as cst


class DataclassV1Idioms(FileRule):
    """## What it checks
    v1 idioms in pydantic dataclasses: `@dataclass(config=SomeClass)` with a class of this file,
    and a `__post_init_post_parse__` method in a pydantic dataclass.

    ## Why
    v2 takes `config=ConfigDict(...)`, and silently never calls `__post_init_post_parse__`
    (`__post_init__` now runs after validation).

    ## Example
    ```python
    @dataclass(config=Config)
    class Point:
        def __post_init_post_parse__(self): ...
    ```

    ## Use instead
    ```python
    @dataclass(config=ConfigDict(frozen=True))
    class Point:
        def __post_init__(self): ...
    ```
    """

    code = "CNF484"
    name = "pydantic-dataclass-v1-idioms"
    summary = "Pydantic v1 dataclass idiom"
    fix_hint = "config=ConfigDict(...); __post_init__ runs after validation"
    catalog = "PV084"
    VALID = (
        Example.code(
            """
            from dataclasses import dataclass


            class Config:
                frozen = True


            @dataclass
            class Point:
                def __post_init_post_parse__(self):
                    pass
            """,
            path=SCHEMAS,
            note="a standard-library dataclass",
        ),
    )
    INVALID = (
        Example.code(
            """
            from pydantic.dataclasses import dataclass


            class Config:
                frozen = True


            @dataclass(config=Config)
            class Point:
                x: int

                def __post_init_post_parse__(self):
                    pass
            """,
            Expect(
                8,
                12,
                "config= of a pydantic dataclass takes a ConfigDict in Pydantic v2, not a class: use config=ConfigDict(...)",
            ),
            Expect(
                12,
                9,
                "__post_init_post_parse__ is never called in Pydantic v2: use __post_init__ (it runs after validation)",
            ),
            path=SCHEMAS,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        for decorator in node.decorators:
            qualname, call = _decorator_target(ctx, decorator)
            if qualname not in _PYDANTIC_DATACLASS:
                continue
            config = _kwarg(call, "config") if call is not None else None
            if config is not None and isinstance(config.value, cst.Name):
                binding = ctx.lookup(config.value.value)
                if binding is not None and binding.kind == "class":
                    self.report(
                        config,
                        "config= of a pydantic dataclass takes a ConfigDict in Pydantic v2, not a "
                        "class: use config=ConfigDict(...)",
                    )
            for statement in _body(node):
                if (
                    isinstance(statement, cst.FunctionDef)
                    and statement.name.value == "__post_init_post_parse__"
                ):
                    self.report(
                        statement.name,
                        "__post_init_post_parse__ is never called in Pydantic v2: use "
                        "__post_init__ (it runs after validation)",
                    )
