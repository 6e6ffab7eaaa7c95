"""CNF4xx: Pydantic v1 leftovers in v2 code (RULES-CATALOG section 4, PVnnn -> CNF4nn).

FastAPI backends keep v1 idioms for years after a migration: `class Config`, `orm_mode`,
`@validator`, `.dict()`, `from_orm`, `Field(regex=...)`. These rules find them precisely:

* a class is a model when the index says so (`IsKind(qualname, PYDANTIC_MODEL)`), through project
  base classes in other files; classes deriving from `pydantic.v1.BaseModel` are v1 models and are
  left alone (their import is reported once, by CNF483);
* decorators, functions and imports count only when their name resolves to `pydantic` or
  `pydantic_settings` (`import pydantic as pd`, `from pydantic import validator as v` included);
* methods such as `.dict()`, `.json()`, `.copy()` count only on a receiver the file proves to be a
  model class or instance (the catalog's tiers T1/T2); `request.json()` or an unknown receiver's
  `.dict()` never fire.

Codes follow the catalog: PV001 -> CNF401 ... PV091 -> CNF491; the root-model group PV100..PV106,
which has no two-digit room left, is CNF492..CNF498.
"""

from conformance.rules.pydantic._common import OPTIONS

__all__ = ["OPTIONS"]
