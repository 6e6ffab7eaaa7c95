"""CNF1xx: module structure and placement (RULES-CATALOG section 1).

A feature module is a package holding exactly the configured files (``required-files``, default the
six cpv3 files), no sub-folders, and each kind of code in its own file: ORM entities in models.py,
Pydantic models in schemas.py, FastAPI routing in router.py, SQL in repository.py.
"""

from conformance.rules.structure._common import OPTIONS

__all__ = ["OPTIONS"]
