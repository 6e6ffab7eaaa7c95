"""CNF201 upward-import."""

from __future__ import annotations

from conformance.rules.base import Example, Expect
from conformance.rules.layering._common import _ImportRule


class UpwardImport(_ImportRule):
    """## What it checks
    An import inside a module that goes against the layer order of `[tool.conformance.layers]`
    (and is not a layer skip, CNF202, or an ORM entity, CNF203): a repository importing its
    service or router, a service importing its router, models importing schemas, service,
    repository or router, schemas importing service, repository or router. Across modules the same
    direction holds (another module's models importing your service is still upward).

    ## Why
    Lower layers are reused by higher ones; a lower layer that imports upward creates import
    cycles and makes the repository untestable without the HTTP layer. import-linter and tach call
    this a layers contract.

    ## Example
    ```python
    # cpv3/modules/users/repository.py
    from .service import UserService
    ```

    ## Use instead
    Invert the dependency: the service calls the repository and passes it what it needs; the
    repository returns values.

    ## Options
    `layers` (which roles each role may use), `roles`. Under `if TYPE_CHECKING:` the finding is
    CNF214 instead; inside a function it is tagged `deferred`.
    """

    code = "CNF201"
    name = "upward-import"
    summary = "import against the layer order inside a module"
    fix_hint = "invert the dependency: pass data down, return values up"
    catalog = "LAY001"
    VALID = (
        Example.code(
            """
            from .models import User
            from .schemas import UserOut
            """,
            path="cpv3/modules/users/repository.py",
            extra={"cpv3/modules/users/schemas.py": "class UserOut:\n    pass\n"},
        ),
        Example.code(
            "from .service import UserService\n",
            path="cpv3/modules/users/repository.py",
            config='[layers]\nrouter = ["service", "schemas"]\nservice = ["repository", "schemas", "models"]\nrepository = ["models", "schemas", "service"]\nmodels = []\nschemas = []\n',
            note="the layers table is the policy: this team lets repositories use services",
        ),
    )
    INVALID = (
        Example.code(
            """
            from .service import UserService as Users
            """,
            Expect(
                1,
                22,
                "repository.py imports UserService from users.service: the repository layer must not use the service layer (it may use: models, schemas)",
            ),
            path="cpv3/modules/users/repository.py",
        ),
        Example.code(
            """
            import cpv3.modules.users.router as users_router
            """,
            Expect(
                1,
                8,
                "models.py imports users.router: the models layer must not use the router layer (it may use: nothing)",
            ),
            path="cpv3/modules/users/models.py",
        ),
        Example.code(
            """
            def build():
                from cpv3.modules.users.service import UserService

                return UserService
            """,
            Expect(
                2,
                44,
                "schemas.py imports UserService from users.service: the schemas layer must not use the service layer (it may use: nothing) (deferred import inside a function: still an import)",
            ),
            path="cpv3/modules/users/schemas.py",
            note="a deferred (function-level) import counts, tagged `deferred`",
        ),
    )
