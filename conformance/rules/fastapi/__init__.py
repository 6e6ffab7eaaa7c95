"""CNF3xx: FastAPI dependency injection and router hygiene (RULES-CATALOG section 3).

A *route* is a function decorated by ``<x>.get/post/put/patch/delete/options/head/trace/api_route/
websocket`` where ``x`` provably is a ``fastapi.APIRouter`` or ``fastapi.FastAPI`` (created in the
file, annotated, or imported from another project file: then a condition asks the index). A
*dependency provider* is a callable referenced by ``Depends(...)``/``Security(...)`` anywhere in the
project (parameter defaults, ``Annotated`` aliases, ``dependencies=[...]``).

Each file records what other files need to know under ``fastapi.*`` extra facts: the providers it
references, the project names and attribute names it uses as values (a function passed around may
end up resolved by FastAPI), and the signatures of its functions (names and dependencies, for path
parameters). The conditions below read them back from the complete index.
"""

from conformance.rules.fastapi._common import OPTIONS

__all__ = ["OPTIONS"]
