"""CNF209 orm-and-dto-libraries-mixed."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.layering._common import _ImportRule


class OrmAndDtoLibrariesMixed(_ImportRule):
    """## What it checks
    `schemas.py` importing SQLAlchemy, or `models.py` importing Pydantic. One statement that
    imports several names of the library is one finding, naming them all.

    ## Why
    Schemas are the API's DTOs and models are the database's entities; mixing the libraries is how
    a schema starts to carry columns, or an entity starts to validate requests.

    ## Example
    ```python
    # cpv3/modules/users/schemas.py
    from sqlalchemy import String
    ```

    ## Use instead
    Keep SQLAlchemy in models.py and the repository, Pydantic in schemas.py.

    ## Options
    `roles.schemas`, `roles.models`.
    """

    code = "CNF209"
    name = "orm-and-dto-libraries-mixed"
    summary = "schemas.py imports SQLAlchemy, or models.py imports Pydantic"
    fix_hint = "keep SQLAlchemy in models and repositories, Pydantic in schemas"
    catalog = "LAY009"
    VALID = (
        Example.code(
            "from pydantic import BaseModel, Field\n",
            path="cpv3/modules/users/schemas.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            from sqlalchemy import String as Text
            """,
            Expect(
                1,
                24,
                "schemas.py imports String from sqlalchemy: schemas are plain DTOs",
            ),
            path="cpv3/modules/users/schemas.py",
        ),
        Example.code(
            """
            import pydantic as pd
            """,
            Expect(
                1,
                8,
                "models.py imports pydantic: models are ORM entities",
            ),
            path="cpv3/modules/users/models.py",
        ),
        Example.code(
            """
            from pydantic import AfterValidator, Field
            """,
            Expect(
                1,
                22,
                "models.py imports AfterValidator, Field from pydantic: models are ORM entities",
            ),
            path="cpv3/modules/users/models.py",
            note="one statement importing several names: one finding",
        ),
    )
