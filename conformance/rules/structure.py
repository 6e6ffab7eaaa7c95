"""CNF1xx: module structure and placement (RULES-CATALOG section 1).

A feature module is a package holding exactly the configured files (``required-files``, default the
six cpv3 files), no sub-folders, and each kind of code in its own file: ORM entities in models.py,
Pydantic models in schemas.py, FastAPI routing in router.py, SQL in repository.py.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Set, Tuple

from conformance.conditions import AllOf, AnyOf, Condition, IsKind, Not, TypeIs
from conformance.config import Option
from conformance.diagnostics import Location, Violation
from conformance.index import API_ROUTER, FASTAPI_APP, ORM_ENTITY, PYDANTIC_MODEL, PYDANTIC_SETTINGS
from conformance.names import APP_CLASSES as _APP_CLASSES
from conformance.names import ROUTER_CLASSES as _ROUTER_CLASSES
from conformance.names import SESSION_CLASSES
from conformance.roles import glob_match
from conformance.rules.base import Example, Expect, FileRule, ProjectRule

if TYPE_CHECKING:
    import libcst as cst

    from conformance.index import ProjectIndex
    from conformance.project import Project
else:
    from conformance import lazycst as cst

OPTIONS = (
    Option(
        "router-name",
        str,
        "router",
        "Name of the module-level `APIRouter` that every router.py binds (CNF112).",
    ),
)

_VALID_NAME = re.compile(r"^[a-z_][a-z0-9_]*\Z")

_SIX = {
    "cpv3/modules/users/__init__.py": "",
    "cpv3/modules/users/models.py": "",
    "cpv3/modules/users/schemas.py": "",
    "cpv3/modules/users/repository.py": "",
    "cpv3/modules/users/service.py": "",
    "cpv3/modules/users/router.py": "",
}


def _tree(changes: Optional[Dict[str, Optional[str]]] = None) -> Dict[str, str]:
    """The six-file users module with some files changed (None removes one)."""
    files = dict(_SIX)
    for path, value in (changes or {}).items():
        if value is None:
            files.pop(path, None)
        else:
            files[path] = value
    return files


def _role_file_hint(role: str) -> str:
    return {
        "router": "router.py",
        "service": "service.py",
        "repository": "repository.py",
        "models": "models.py",
        "schemas": "schemas.py",
    }.get(role, f"{role} file")


# -- project rules: the shape of each module package -----------------------------------------


class MissingRequiredFile(ProjectRule):
    """## What it checks
    A module package that lacks one of the `required-files` (default: `__init__.py`, `models.py`,
    `schemas.py`, `repository.py`, `service.py`, `router.py`). A missing `__init__.py` is CNF104.

    ## Why
    The convention is only useful if it holds everywhere: a reader, a code generator or an agent
    knows where each kind of code lives in every module. A module without `schemas.py` pushes its
    DTOs somewhere else.

    ## Example
    ```
    cpv3/modules/inventory/
      __init__.py  models.py  repository.py  service.py  router.py
    ```

    ## Use instead
    Add the missing file, even if it starts nearly empty.

    ## Fix
    None: `--fix` never creates files.

    ## Options
    `required-files`, `modules`. The finding has no line: suppress it with `per-file-ignores`.
    """

    code = "CNF101"
    name = "missing-module-file"
    summary = "module package lacks a required file"
    fix_hint = "add the file (required-files lists what every module must have)"
    catalog = "STR001"
    VALID = (Example(files=_tree()),)
    INVALID = (
        Example(
            files=_tree({"cpv3/modules/users/schemas.py": None}),
            expect=(
                Expect(
                    None,
                    None,
                    "module 'users' has no schemas.py: add it (every module has "
                    "__init__.py, models.py, schemas.py, repository.py, service.py, router.py)",
                    path="cpv3/modules/users/schemas.py",
                ),
            ),
        ),
    )

    def check(self, project: Project) -> Iterable[Violation]:
        required = project.config.required_files
        for package in project.layout.packages:
            for name in required:
                if name == "__init__.py" or name in package.files:
                    continue
                yield self.make_violation(
                    f"{package.path}/{name}",
                    Location(),
                    f"module '{package.name}' has no {name}: add it (every module has "
                    f"{', '.join(required)})",
                    fingerprint_text=name,
                )


class ExtraModuleFile(ProjectRule):
    """## What it checks
    A file in a module package that is not one of the `required-files` and not listed in
    `allowed-extra-files` (`utils.py`, `crud.py`, `dependencies.py`, `constants.py`, ...).

    ## Why
    Extra files are where the layering quietly breaks: a `utils.py` imported by both the router and
    the repository, a `deps.py` that builds repositories for routers. Folding the code into the six
    files keeps every dependency visible to the layering rules.

    ## Example
    ```
    cpv3/modules/users/utils.py
    ```

    ## Use instead
    Move helpers into the file of the layer that uses them (`service.py` for domain logic,
    `repository.py` for queries), or into a shared package outside `cpv3/modules`.

    ## Fix
    None.

    ## Options
    `allowed-extra-files` (globs, e.g. `["py.typed", "README.md"]`), `required-files`.
    """

    code = "CNF102"
    name = "extra-module-file"
    summary = "module package holds a file the convention does not have"
    fix_hint = (
        "move its code into the file of the layer that uses it, or list it in allowed-extra-files"
    )
    catalog = "STR002"
    VALID = (
        Example(
            files=_tree({"cpv3/modules/users/py.typed": ""}),
            config='allowed-extra-files = ["py.typed"]',
        ),
    )
    INVALID = (
        Example(
            files=_tree({"cpv3/modules/users/utils.py": "def helper():\n    return 1\n"}),
            expect=(
                Expect(
                    None,
                    None,
                    "extra file utils.py in module 'users': move its code into service.py or "
                    "repository.py, or list it in allowed-extra-files",
                    path="cpv3/modules/users/utils.py",
                ),
            ),
        ),
    )

    def check(self, project: Project) -> Iterable[Violation]:
        config = project.config
        for package in project.layout.packages:
            for name in package.files:
                if name in config.required_files or name.endswith((".pyc", ".pyo")):
                    continue
                if any(glob_match(pattern, name) for pattern in config.allowed_extra_files):
                    continue
                where = (
                    "service.py or repository.py" if name.endswith(".py") else "the module's files"
                )
                yield self.make_violation(
                    f"{package.path}/{name}",
                    Location(),
                    f"extra file {name} in module '{package.name}': move its code into {where},"
                    " or list it in allowed-extra-files",
                    fingerprint_text=name,
                )


class ModuleSubfolder(ProjectRule):
    """## What it checks
    A folder inside a module package (`users/api/`, `users/tests/`). `__pycache__`, hidden and
    gitignored folders are not counted.

    ## Why
    Sub-packages are modules within the module: they escape the role-per-file convention and the
    layering rules that rely on it. Tests belong outside `cpv3/modules`.

    ## Example
    ```
    cpv3/modules/users/api/v2.py
    ```

    ## Use instead
    Flatten the code into the module's files; put tests under `tests/`.

    ## Fix
    None.

    ## Options
    `exclude` (gitignore syntax) hides a folder from the checker entirely.
    """

    code = "CNF103"
    name = "module-subfolder"
    summary = "module package contains a sub-folder"
    fix_hint = "flatten it into the module's files; tests live outside the modules folder"
    catalog = "STR003"
    VALID = (Example(files=_tree()),)
    INVALID = (
        Example(
            files=_tree({"cpv3/modules/users/api/v2.py": "x = 1\n"}),
            expect=(
                Expect(
                    None,
                    None,
                    "sub-folder api/ in module 'users': flatten it into the module's files",
                    path="cpv3/modules/users/api",
                ),
            ),
        ),
    )

    def check(self, project: Project) -> Iterable[Violation]:
        for package in project.layout.packages:
            for name in package.subdirs:
                yield self.make_violation(
                    f"{package.path}/{name}",
                    Location(),
                    f"sub-folder {name}/ in module '{package.name}': flatten it into the module's files",
                    fingerprint_text=name,
                )


class NamespaceModulePackage(ProjectRule):
    """## What it checks
    A module folder without `__init__.py`, which Python treats as a namespace package.

    ## Why
    Namespace packages resolve differently (two folders of the same name merge silently), relative
    imports from them surprise, and import-graph tools treat them apart. Every feature module is a
    regular package.

    ## Example
    ```
    cpv3/modules/users/   (no __init__.py)
    ```

    ## Use instead
    Add an empty `__init__.py`.

    ## Fix
    None: `--fix` never creates files.

    ## Options
    None.
    """

    code = "CNF104"
    name = "namespace-module-package"
    summary = "module folder has no __init__.py"
    fix_hint = "add an empty __init__.py"
    catalog = "STR004"
    VALID = (Example(files=_tree()),)
    INVALID = (
        Example(
            files=_tree({"cpv3/modules/users/__init__.py": None}),
            expect=(
                Expect(
                    None,
                    None,
                    "module 'users' has no __init__.py, so Python treats it as a namespace "
                    "package: add an empty __init__.py",
                    path="cpv3/modules/users/__init__.py",
                ),
            ),
        ),
    )

    def check(self, project: Project) -> Iterable[Violation]:
        for package in project.layout.packages:
            if "__init__.py" not in package.files:
                yield self.make_violation(
                    f"{package.path}/__init__.py",
                    Location(),
                    f"module '{package.name}' has no __init__.py, so Python treats it as a "
                    "namespace package: add an empty __init__.py",
                    fingerprint_text="__init__.py",
                )


class StrayModulesRootFile(ProjectRule):
    """## What it checks
    A Python file directly in the folder that holds the module packages (`cpv3/modules/helpers.py`),
    other than its `__init__.py`.

    ## Why
    Shared helpers next to the modules belong to no module and to every module: they become the
    back door through which modules reach into each other.

    ## Example
    ```
    cpv3/modules/helpers.py
    ```

    ## Use instead
    Move shared code to a package outside `modules/` (`cpv3/core/`), or into the module that owns it.

    ## Fix
    None.

    ## Options
    `modules` decides which folder holds the packages.
    """

    code = "CNF105"
    name = "stray-modules-root-file"
    summary = "Python file directly in the modules folder"
    fix_hint = "move shared code to a package outside the modules folder (e.g. cpv3/core/)"
    catalog = "STR005"
    VALID = (Example(files=_tree({"cpv3/modules/__init__.py": ""})),)
    INVALID = (
        Example(
            files=_tree({"cpv3/modules/helpers.py": "x = 1\n"}),
            expect=(
                Expect(
                    None,
                    None,
                    "helpers.py sits directly in cpv3/modules, outside every module: move it "
                    "to a shared package (e.g. cpv3/core/) or into the module that owns it",
                    path="cpv3/modules/helpers.py",
                ),
            ),
        ),
    )

    def check(self, project: Project) -> Iterable[Violation]:
        for path in project.layout.modules_root_files:
            folder, _, name = path.rpartition("/")
            yield self.make_violation(
                path,
                Location(),
                f"{name} sits directly in {folder or '.'}, outside every module: move it to a "
                "shared package (e.g. cpv3/core/) or into the module that owns it",
                fingerprint_text=name,
            )


class InvalidModuleName(ProjectRule):
    """## What it checks
    A module package whose folder name is not a snake_case Python identifier (`user-profiles`,
    `Users`, `2fa`, `class`).

    ## Why
    A folder that is not an identifier cannot be imported with a plain `import`; mixed case breaks
    on case-insensitive file systems.

    ## Example
    ```
    cpv3/modules/user-profiles/
    ```

    ## Use instead
    ```
    cpv3/modules/user_profiles/
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF106"
    name = "invalid-module-name"
    summary = "module folder name is not a snake_case identifier"
    fix_hint = "rename the folder to lower snake_case"
    catalog = "STR006"
    VALID = (Example(files=_tree()),)
    INVALID = (
        Example(
            files={"cpv3/modules/User-Profiles/__init__.py": ""},
            expect=(
                Expect(
                    None,
                    None,
                    "module folder 'User-Profiles' is not a snake_case identifier: rename it "
                    "(e.g. 'user_profiles')",
                    path="cpv3/modules/User-Profiles",
                ),
            ),
        ),
    )

    def check(self, project: Project) -> Iterable[Violation]:
        for package in project.layout.packages:
            name = package.name
            if _VALID_NAME.match(name) and not keyword.iskeyword(name):
                continue
            suggestion = re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower() or "module"
            if suggestion[0].isdigit():
                suggestion = "m_" + suggestion
            if keyword.iskeyword(suggestion):
                suggestion += "_"
            yield self.make_violation(
                package.path,
                Location(),
                f"module folder '{name}' is not a snake_case identifier: rename it (e.g. '{suggestion}')",
                fingerprint_text=name,
            )


# -- file rules ---------------------------------------------------------------------------------


def _in_package_init(rule: FileRule) -> bool:
    ctx = rule.ctx
    return ctx.feature is not None and ctx.path.endswith("/__init__.py")


class LogicInInit(FileRule):
    """## What it checks
    A module package's `__init__.py` that holds more than a docstring, imports and `__all__`:
    functions, classes, assignments, calls.

    ## Why
    A package's `__init__.py` runs on every import of any of its submodules: code there runs when
    another module only wanted the schemas, and creates import cycles that are hard to see.

    ## Example
    ```python
    # cpv3/modules/users/__init__.py
    from .service import UserService

    default_service = UserService()
    ```

    ## Use instead
    ```python
    # cpv3/modules/users/__init__.py
    \"\"\"Users: accounts and profiles.\"\"\"
    ```

    ## Fix
    None.

    ## Options
    None.
    """

    code = "CNF107"
    name = "logic-in-module-init"
    summary = "module package __init__.py contains logic"
    fix_hint = (
        "keep __init__.py empty (a docstring is fine) and move the code to the right role file"
    )
    catalog = "STR007"
    applies_to = "roles"
    VALID = (
        Example.code(
            '''
            """Users: accounts and profiles."""
            from __future__ import annotations

            __all__ = ["UserService"]
            ''',
            path="cpv3/modules/users/__init__.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            def helper():
                return 1
            """,
            Expect(
                1,
                1,
                "__init__.py of module 'users' contains a function definition: keep it empty "
                "and move the code into the role file that owns it",
            ),
            path="cpv3/modules/users/__init__.py",
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        if not _in_package_init(self):
            return
        for index, statement in enumerate(node.body):
            what = _logic_kind(statement, first=index == 0)
            if what is not None:
                self.report(
                    statement,
                    f"__init__.py of module '{self.ctx.feature}' contains {what}: keep it empty "
                    "and move the code into the role file that owns it",
                )


def _logic_kind(statement: cst.CSTNode, first: bool) -> Optional[str]:
    if isinstance(statement, cst.FunctionDef):
        return "a function definition"
    if isinstance(statement, cst.ClassDef):
        return "a class definition"
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, (cst.Import, cst.ImportFrom, cst.Pass)):
                continue
            if isinstance(small, cst.Expr) and isinstance(
                small.value, (cst.SimpleString, cst.ConcatenatedString)
            ):
                continue
            if isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
                targets = (
                    [t.target for t in small.targets]
                    if isinstance(small, cst.Assign)
                    else [small.target]
                )
                if all(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
                    continue
                return "an assignment"
            return "a statement"
        return None
    if isinstance(statement, cst.If):
        return None if _is_type_checking_block(statement) else "an if block"
    return "a compound statement"


def _is_type_checking_block(statement: cst.If) -> bool:
    test = statement.test
    name = test.attr.value if isinstance(test, cst.Attribute) else getattr(test, "value", None)
    return name == "TYPE_CHECKING" and statement.orelse is None


class InitReexportsInternals(FileRule):
    """## What it checks
    A module package's `__init__.py` that imports from the module's repository, models or router,
    making them reachable as `cpv3.modules.users.UserRepository`.

    ## Why
    A re-export turns an internal into the package's public surface: other modules start importing
    `from cpv3.modules.users import UserRepository`, which bypasses the service and hides the
    dependency from a reader of the import.

    ## Example
    ```python
    # cpv3/modules/users/__init__.py
    from .repository import UserRepository
    ```

    ## Use instead
    Export nothing, or only the service surface:
    ```python
    from .service import UserService
    ```

    ## Fix
    None.

    ## Options
    `roles` decides which files are the repository, models and router.
    """

    code = "CNF108"
    name = "init-reexports-internals"
    summary = "module __init__.py re-exports repository, model or router internals"
    fix_hint = "export only the service surface (or nothing) from __init__.py"
    catalog = "STR008"
    applies_to = "roles"
    VALID = (
        Example.code("from .service import UserService\n", path="cpv3/modules/users/__init__.py"),
    )
    INVALID = (
        Example.code(
            "from .repository import UserRepository\n",
            Expect(
                1,
                1,
                "__init__.py of module 'users' re-exports UserRepository from its repository: "
                "export only the service surface, or nothing",
            ),
            path="cpv3/modules/users/__init__.py",
        ),
    )

    _INTERNAL = ("repository", "models", "router")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not _in_package_init(self):
            return
        ctx = self.ctx
        for fact in ctx.import_facts(node):
            role, feature = ctx.role_of_module(fact.module)
            if role is None and fact.name:
                role, feature = ctx.role_of_module(fact.target)
            if role in self._INTERNAL and feature == ctx.feature:
                what = fact.name if fact.name and fact.name != "*" else "names"
                self.report(
                    node,
                    f"__init__.py of module '{ctx.feature}' re-exports {what} from its {role}: "
                    "export only the service surface, or nothing",
                )
                return


class _ClassPlacement(FileRule):
    """Shared logic of CNF109/CNF110: a class of a kind defined outside its role's file."""

    applies_to = "roles"
    home_role = ""
    kind = ""

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        if ctx.role == self.home_role or ctx.in_function:
            return
        qualname = ctx.definition_qualname(node.name.value)
        self.report(node.name, self.message(node.name.value), when=self.condition(qualname))

    def condition(self, qualname: str) -> Condition:
        raise NotImplementedError

    def message(self, name: str) -> str:
        raise NotImplementedError


class OrmEntityOutsideModels(_ClassPlacement):
    """## What it checks
    An ORM entity (a subclass of the project's declarative base, found through base classes across
    files, or a class with `__tablename__`) defined in a module file other than `models.py`.

    ## Why
    Entities define the schema of the database; keeping them in `models.py` keeps migrations,
    relationships and the layering rules (only repositories and services touch entities) honest.

    ## Example
    ```python
    # cpv3/modules/users/service.py
    from cpv3.core.db import Base

    class AuditLog(Base):
        __tablename__ = "audit_log"
    ```

    ## Use instead
    Define `AuditLog` in `cpv3/modules/users/models.py`.

    ## Fix
    None.

    ## Options
    `roles.models`.
    """

    code = "CNF109"
    name = "orm-entity-outside-models"
    summary = "ORM entity defined outside models.py"
    fix_hint = "move the class to the module's models.py"
    catalog = "STR009"
    home_role = "models"
    VALID = (
        Example.code(
            """
            from cpv3.core.db import Base

            class User(Base):
                __tablename__ = "users"
            """,
            path="cpv3/modules/users/models.py",
            extra={
                "cpv3/core/db.py": "from sqlalchemy.orm import DeclarativeBase\n\nclass Base(DeclarativeBase):\n    pass\n"
            },
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.core.db import Base

            class AuditLog(Base):
                __tablename__ = "audit_log"
            """,
            Expect(
                3,
                7,
                "ORM entity AuditLog is defined in service.py: move it to the module's models.py",
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/core/db.py": "from sqlalchemy.orm import DeclarativeBase\n\nclass Base(DeclarativeBase):\n    pass\n"
            },
        ),
    )

    def condition(self, qualname: str) -> Condition:
        return IsKind(qualname, ORM_ENTITY)

    def message(self, name: str) -> str:
        return f"ORM entity {name} is defined in {self.ctx.path.rpartition('/')[2]}: move it to the module's models.py"


class PydanticModelOutsideSchemas(_ClassPlacement):
    """## What it checks
    A Pydantic model (a subclass of `pydantic.BaseModel`, directly or through project base classes
    in any file) defined in a module file other than `schemas.py`. Settings classes
    (`pydantic_settings.BaseSettings`) are exempt.

    ## Why
    Request and response shapes are the module's contract; scattered across routers and services
    they are duplicated, drift apart, and end up importing ORM code.

    ## Example
    ```python
    # cpv3/modules/users/router.py
    from pydantic import BaseModel

    class UserOut(BaseModel):
        id: int
    ```

    ## Use instead
    Define `UserOut` in `cpv3/modules/users/schemas.py` and import it.

    ## Fix
    None.

    ## Options
    `roles.schemas`.
    """

    code = "CNF110"
    name = "pydantic-model-outside-schemas"
    summary = "Pydantic model defined outside schemas.py"
    fix_hint = "move the class to the module's schemas.py"
    catalog = "STR010"
    home_role = "schemas"
    VALID = (
        Example.code(
            """
            from pydantic_settings import BaseSettings

            class UsersSettings(BaseSettings):
                page_size: int = 50
            """,
            path="cpv3/modules/users/service.py",
            note="settings classes are exempt",
        ),
    )
    INVALID = (
        Example.code(
            """
            from cpv3.core.schemas import Schema

            class UserOut(Schema):
                id: int
            """,
            Expect(
                3,
                7,
                "Pydantic model UserOut is defined in router.py: move it to the module's schemas.py",
            ),
            extra={
                "cpv3/core/schemas.py": "import pydantic as pd\n\nclass Schema(pd.BaseModel):\n    pass\n"
            },
            note="the base class lives in another file",
        ),
    )

    def condition(self, qualname: str) -> Condition:
        return AllOf((IsKind(qualname, PYDANTIC_MODEL), Not(IsKind(qualname, PYDANTIC_SETTINGS))))

    def message(self, name: str) -> str:
        return f"Pydantic model {name} is defined in {self.ctx.path.rpartition('/')[2]}: move it to the module's schemas.py"


_ROUTE_METHODS = frozenset(
    {
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "options",
        "head",
        "trace",
        "api_route",
        "websocket",
        "route",
    }
)


@dataclass(frozen=True)
class _CreatesRouter(Condition):
    """Calling the project name ``qualname`` gives an APIRouter: it is an ``APIRouter`` subclass,
    or a function annotated to return one (``def build_router() -> APIRouter``)."""

    qualname: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        resolved = index.resolve(self.qualname)
        function = index.functions.get(resolved)
        if function is not None:
            if function.returns is None:
                return False
            return index.is_kind(function.returns, API_ROUTER)
        return index.is_kind(resolved, API_ROUTER)


def _either(conditions: List[Condition]) -> Condition:
    return conditions[0] if len(conditions) == 1 else AnyOf(tuple(conditions))


def _both(first: Optional[Condition], second: Optional[Condition]) -> Optional[Condition]:
    if first is None or second is None:
        return first or second
    return AllOf((first, second))


class FastapiOutsideRouter(FileRule):
    """## What it checks
    `APIRouter(...)`, `FastAPI(...)` or a route decorator (`@router.get(...)`) in a module file
    other than `router.py`.

    ## Why
    HTTP routing is the router's job; a service or repository that defines routes mixes the
    transport into the domain and escapes the router rules (dependency injection, prefixes).

    ## Example
    ```python
    # cpv3/modules/users/service.py
    from fastapi import APIRouter

    extra = APIRouter()
    ```

    ## Use instead
    Define routes in `router.py` and call the service from them.

    ## Fix
    None.

    ## Options
    `roles.router`. The application (`FastAPI()`) lives outside the module packages, e.g. in
    `cpv3/main.py`, which this rule does not check.
    """

    code = "CNF111"
    name = "routing-outside-router"
    summary = "APIRouter, FastAPI() or a route defined outside router.py"
    fix_hint = "move routing code into the module's router.py"
    catalog = "STR011"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])

            @router.get("/")
            async def list_users() -> list:
                return []
            """,
        ),
        Example.code(
            """
            from cpv3.core.cache import Cache, make_cache

            cache = Cache(ttl=60)
            short = make_cache(5)

            @cache.memoize(ttl=5)
            def slug(value: str) -> str:
                return value.lower()
            """,
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/core/cache.py": """
                    class Cache:
                        def __init__(self, ttl: int) -> None:
                            self.ttl = ttl

                        def get(self, key: str) -> object:
                            return None


                    def make_cache(ttl: int) -> Cache:
                        return Cache(ttl)
                    """,
            },
            note="module-level project objects that are not routers",
        ),
    )
    INVALID = (
        Example.code(
            """
            import fastapi as fa

            extra = fa.APIRouter()

            @extra.get("/ping")
            async def ping() -> str:
                return "pong"
            """,
            Expect(3, 9, "APIRouter() in service.py: routing belongs in the module's router.py"),
            Expect(
                5, 2, "route decorator in service.py: routing belongs in the module's router.py"
            ),
            path="cpv3/modules/users/service.py",
        ),
        Example.code(
            """
            from cpv3.core.routing import ApiRouter

            extra = ApiRouter()

            @extra.get("/ping")
            async def ping() -> str:
                return "pong"
            """,
            Expect(3, 9, "APIRouter() in service.py: routing belongs in the module's router.py"),
            Expect(
                5, 2, "route decorator in service.py: routing belongs in the module's router.py"
            ),
            path="cpv3/modules/users/service.py",
            extra={
                "cpv3/core/routing.py": """
                    from fastapi import APIRouter


                    class ApiRouter(APIRouter):
                        pass
                    """,
            },
        ),
    )

    def _outside(self) -> bool:
        return self.ctx.feature is not None and self.ctx.role != "router"

    def visit_Call(self, node: cst.Call) -> None:
        if not self._outside():
            return
        name = self.ctx.call_name(node)
        if name in _ROUTER_CLASSES or name in _APP_CLASSES:
            short = "APIRouter()" if name in _ROUTER_CLASSES else "FastAPI()"
            self.report(
                node,
                f"{short} in {self.ctx.path.rpartition('/')[2]}: routing belongs in the module's router.py",
            )
        elif name is not None and not self.ctx.in_function and self.ctx.is_project_name(name):
            # routers are built at import time: a project APIRouter subclass or factory
            self.report(
                node,
                f"APIRouter() in {self.ctx.path.rpartition('/')[2]}: routing belongs in the module's router.py",
                when=_CreatesRouter(name),
            )

    def visit_Decorator(self, node: cst.Decorator) -> None:
        if not self._outside():
            return
        target = node.decorator.func if isinstance(node.decorator, cst.Call) else node.decorator
        if not isinstance(target, cst.Attribute) or target.attr.value not in _ROUTE_METHODS:
            return
        receiver = self.ctx.instance_type(target.value)
        if receiver is None:
            return
        self.report(
            node.decorator,
            f"route decorator in {self.ctx.path.rpartition('/')[2]}: routing belongs in the module's router.py",
            when=AnyOf(
                (
                    TypeIs(receiver, _ROUTER_CLASSES + _APP_CLASSES),
                    IsKind(receiver, API_ROUTER),
                    IsKind(receiver, FASTAPI_APP),
                )
            ),
        )


class RouterBinding(FileRule):
    """## What it checks
    A module's `router.py` that does not bind exactly one module-level `APIRouter`, under the name
    `router-name` (default `router`). An instance of a project subclass of `APIRouter`, or the
    result of a project factory annotated `-> APIRouter`, counts as an `APIRouter`.

    ## Why
    The application includes each module's router by name (`users.router.router`); a second router
    in the same module, or one under another name, is missed or registered twice.

    ## Example
    ```python
    api = APIRouter(prefix="/users")
    admin = APIRouter(prefix="/admin/users")
    ```

    ## Use instead
    ```python
    router = APIRouter(prefix="/users", tags=["users"])
    ```

    ## Fix
    None.

    ## Options
    `router-name` (default `"router"`).
    """

    code = "CNF112"
    name = "router-binding"
    summary = "router.py does not bind exactly one module-level APIRouter named `router`"
    fix_hint = "bind one module-level APIRouter, named as router-name says"
    catalog = "STR012"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])
            """,
        ),
        Example.code(
            """
            from cpv3.core.db import Paginator
            from cpv3.core.routing import ApiRouter as Router

            router = Router(prefix="/users", tags=["users"])
            paginate = Paginator(limit=100)
            """,
            extra={
                "cpv3/core/routing.py": """
                    from fastapi import APIRouter


                    class ApiRouter(APIRouter):
                        pass
                    """,
                "cpv3/core/db.py": """
                    class Paginator:
                        def __init__(self, limit: int) -> None:
                            self.limit = limit
                    """,
            },
            note="a project subclass of APIRouter (in another file) is an APIRouter",
        ),
        Example.code(
            """
            from cpv3.core.routing import build_router

            router = build_router("users")
            """,
            extra={
                "cpv3/core/routing.py": """
                    from fastapi import APIRouter


                    def build_router(name: str) -> APIRouter:
                        return APIRouter(prefix=f"/{name}", tags=[name])
                    """,
            },
            note="a project factory annotated to return an APIRouter",
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter

            api = APIRouter(prefix="/users", tags=["users"])
            admin = APIRouter(prefix="/admin", tags=["admin"])
            """,
            Expect(3, 1, "APIRouter bound to 'api' in router.py: name it 'router'"),
            Expect(4, 1, "second APIRouter 'admin' in router.py: one router per module"),
        ),
        Example.code(
            """
            from fastapi import APIRouter

            from cpv3.core.db import Paginator
            from cpv3.core.routing import ApiRouter

            paginate = Paginator(limit=100)
            api = ApiRouter(prefix="/users", tags=["users"])
            router = APIRouter(prefix="/admin", tags=["admin"])
            """,
            Expect(7, 1, "APIRouter bound to 'api' in router.py: name it 'router'"),
            Expect(8, 1, "second APIRouter 'router' in router.py: one router per module"),
            extra={
                "cpv3/core/routing.py": """
                    from fastapi import APIRouter


                    class ApiRouter(APIRouter):
                        pass
                    """,
                "cpv3/core/db.py": """
                    class Paginator:
                        def __init__(self, limit: int) -> None:
                            self.limit = limit
                    """,
            },
        ),
        Example.code(
            """
            from cpv3.core.db import Paginator

            paginate = Paginator(limit=100)
            """,
            Expect(
                1, 1, "router.py binds no module-level APIRouter: add `router = APIRouter(...)`"
            ),
            extra={
                "cpv3/core/db.py": """
                    class Paginator:
                        def __init__(self, limit: int) -> None:
                            self.limit = limit
                    """,
            },
        ),
        Example.code(
            "x = 1\n",
            Expect(
                1, 1, "router.py binds no module-level APIRouter: add `router = APIRouter(...)`"
            ),
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        if self.ctx.role != "router" or self.ctx.feature is None:
            return
        wanted = self.ctx.config.option("router-name")
        # (statement, bound name, condition): condition None when the call is certainly an
        # APIRouter; a call to a project class or factory is one if the index says so
        found: List[Tuple[cst.CSTNode, str, Optional[Condition]]] = []
        for statement in node.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target, value = small.targets[0].target, small.value
                elif isinstance(small, cst.AnnAssign) and small.value is not None:
                    target, value = small.target, small.value
                else:
                    continue
                if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
                    continue
                called = self.ctx.qualname(value.func)
                if called in _ROUTER_CLASSES:
                    found.append((statement, target.value, None))
                elif called is not None and self.ctx.is_project_name(called):
                    found.append((statement, target.value, _CreatesRouter(called)))
        for position, (at, bound, condition) in enumerate(found):
            earlier = found[:position]
            if any(cond is None for _, _, cond in earlier):
                self._second(at, bound, condition)
                continue
            uncertain = [cond for _, _, cond in earlier if cond is not None]
            if uncertain:
                self._second(at, bound, _both(condition, _either(uncertain)))
            if bound != wanted:
                first = _both(condition, Not(_either(uncertain)) if uncertain else None)
                self.report(
                    at,
                    f"APIRouter bound to '{bound}' in router.py: name it '{wanted}'",
                    when=first,
                )
        if any(cond is None for _, _, cond in found):
            return
        maybe = [cond for _, _, cond in found if cond is not None]
        self.report(
            node,
            f"router.py binds no module-level APIRouter: add `{wanted} = APIRouter(...)`",
            when=Not(_either(maybe)) if maybe else None,
        )

    def _second(self, statement: cst.CSTNode, bound: str, when: Optional[Condition]) -> None:
        self.report(
            statement,
            f"second APIRouter '{bound}' in router.py: one router per module",
            when=when,
        )


_SQL_BUILDERS = frozenset(
    {
        "sqlalchemy.select",
        "sqlalchemy.insert",
        "sqlalchemy.update",
        "sqlalchemy.delete",
        "sqlalchemy.text",
        "sqlalchemy.sql.select",
        "sqlalchemy.sql.insert",
        "sqlalchemy.sql.update",
        "sqlalchemy.sql.delete",
        "sqlalchemy.sql.text",
        "sqlalchemy.sql.expression.select",
        "sqlalchemy.sql.expression.insert",
        "sqlalchemy.sql.expression.update",
        "sqlalchemy.sql.expression.delete",
        "sqlalchemy.sql.expression.text",
        "sqlalchemy.future.select",
        "sqlalchemy.dialects.postgresql.insert",
    }
)
_SESSION_QUERIES = frozenset(
    {"execute", "scalars", "scalar", "get", "stream", "stream_scalars", "query"}
)
_DECLARED_ATTR = (
    "sqlalchemy.orm.declared_attr",
    "sqlalchemy.orm.decl_api.declared_attr",
    "sqlalchemy.ext.declarative.declared_attr",
)
_SESSION_TYPES = SESSION_CLASSES


class SqlOutsideRepository(FileRule):
    """## What it checks
    SQL built or executed in a module file other than `repository.py`: `select`, `insert`,
    `update`, `delete`, `text` from SQLAlchemy (matched by qualified name, so a local `delete`
    function is not), and `execute`/`scalars`/`scalar`/`get`/`stream`/`query` on a receiver typed as
    a SQLAlchemy session. In models.py, expressions that define the schema or the mapping are not
    queries: those in the module or class body (`server_default=text("now()")`,
    `column_property(select(...).scalar_subquery())`) and in `@declared_attr` or hybrid
    `@<name>.expression` methods.

    ## Why
    The repository is the one place that knows how data is stored. Queries in services or routers
    spread that knowledge, defeat the repository's tests, and make the next schema change a hunt.
    (Some FastAPI guides put SQL in services; this convention does not, so that the service stays
    testable without a database.)

    ## Example
    ```python
    # cpv3/modules/users/service.py
    from sqlalchemy import select

    async def active(session):
        return await session.scalars(select(User).where(User.active))
    ```

    ## Use instead
    Add `UserRepository.active()` and call it from the service.

    ## Fix
    None.

    ## Options
    `roles.repository`. In routers and services the more specific layering findings (CNF211,
    CNF212) replace this one.
    """

    code = "CNF113"
    name = "sql-outside-repository"
    summary = "SQL built or executed outside repository.py"
    fix_hint = "move the query into the module's repository and call it"
    catalog = "STR013"
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            from sqlalchemy import select
            from sqlalchemy.ext.asyncio import AsyncSession

            class UserRepository:
                def __init__(self, session: AsyncSession) -> None:
                    self.session = session

                async def get(self, user_id: int):
                    return await self.session.get(User, user_id)

                async def all(self):
                    return (await self.session.scalars(select(User))).all()
            """,
            path="cpv3/modules/users/repository.py",
        ),
        Example.code(
            """
            def delete(items, key):
                return [i for i in items if i != key]

            def purge(items):
                return delete(items, 1)
            """,
            path="cpv3/modules/users/service.py",
            note="a local function called delete is not SQL",
        ),
        Example.code(
            """
            from decimal import Decimal

            import sqlalchemy as sa
            from sqlalchemy import ForeignKey, Index, func, select, text
            from sqlalchemy.ext.hybrid import hybrid_property
            from sqlalchemy.orm import Mapped, column_property, mapped_column

            from cpv3.core.db import Base


            class Payment(Base):
                __tablename__ = "payments"

                id: Mapped[int] = mapped_column(primary_key=True)
                account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
                amount: Mapped[Decimal] = mapped_column(server_default=text("0"))


            class Account(Base):
                __tablename__ = "accounts"
                __table_args__ = (
                    Index("ix_open", "id", postgresql_where=sa.text("closed = false")),
                )

                id: Mapped[int] = mapped_column(primary_key=True)
                closed: Mapped[bool] = mapped_column(server_default=sa.false())
                payment_count: Mapped[int] = column_property(
                    select(func.count(Payment.id))
                    .where(Payment.account_id == id)
                    .scalar_subquery()
                )

                @hybrid_property
                def balance(self) -> Decimal:
                    return Decimal(0)

                @balance.inplace.expression
                @classmethod
                def _balance(cls):
                    return select(func.sum(Payment.amount)).where(
                        Payment.account_id == cls.id
                    ).scalar_subquery()
            """,
            path="cpv3/modules/users/models.py",
            extra={
                "cpv3/core/db.py": """
                    from sqlalchemy.orm import DeclarativeBase


                    class Base(DeclarativeBase):
                        pass
                    """,
            },
            note="schema and mapping definitions in models.py are not queries",
        ),
    )
    INVALID = (
        Example.code(
            """
            import sqlalchemy as sa

            def statement():
                return sa.select(1)
            """,
            Expect(
                4,
                12,
                "sa.select() builds SQL in models.py: queries belong in the module's repository.py",
            ),
            path="cpv3/modules/users/models.py",
        ),
    )

    def _outside(self) -> bool:
        return self.ctx.feature is not None and self.ctx.role not in ("repository", None)

    def _mapping_definition(self) -> bool:
        """In models.py, SQL expressions that define the schema or the mapping rather than run a
        query: module and class bodies (`server_default=text("now()")`, `Index(...,
        postgresql_where=text(...))`, `column_property(select(...).scalar_subquery())`) and the
        bodies of `@declared_attr` and hybrid `@<attr>.expression` methods."""
        ctx = self.ctx
        if ctx.role != "models":
            return False
        function = ctx.function
        if function is None:
            return True
        for decorator in function.decorators:
            expr = decorator.decorator
            if isinstance(expr, cst.Call):
                expr = expr.func
            if isinstance(expr, cst.Attribute) and expr.attr.value == "expression":
                return True
            name = ctx.qualname(expr) if isinstance(expr, (cst.Name, cst.Attribute)) else None
            if name is not None and name.startswith(_DECLARED_ATTR):
                return True
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if not self._outside():
            return
        ctx = self.ctx
        file_name = ctx.path.rpartition("/")[2]
        name = ctx.call_name(node)
        if name in _SQL_BUILDERS:
            if self._mapping_definition():
                return
            self.report(
                node,
                f"{ctx.code_for(node.func)}() builds SQL in {file_name}: queries belong in the module's repository.py",
            )
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _SESSION_QUERIES:
            receiver = ctx.instance_type(func.value)
            if receiver is not None:
                self.report(
                    node,
                    f"{ctx.code_for(func)}() runs SQL in {file_name}: queries belong in the module's repository.py",
                    when=TypeIs(receiver, _SESSION_TYPES),
                )


_PLAIN_BASES = frozenset(
    {
        "builtins.object",
        "abc.ABC",
        "typing.Generic",
        "typing.Protocol",
        "typing_extensions.Protocol",
    }
)


class ClassNaming(FileRule):
    """## What it checks
    A plain class defined at module level in `repository.py` whose name does not end in
    `Repository`, or in `service.py` whose name does not end in `Service`. Classes with other
    bases (exceptions, enums, models, dataclass-like helpers deriving from a library class) are
    not judged.

    ## Why
    Names that say the layer make the layering visible at every call site: `UserRepository` in a
    router is obviously out of place, `UserStore` is not.

    ## Example
    ```python
    # cpv3/modules/users/repository.py
    class UserStore:
        ...
    ```

    ## Use instead
    ```python
    class UserRepository:
        ...
    ```

    ## Fix
    None (a rename touches every importer; do it with your editor's rename refactoring).

    ## Options
    Opt-in: select `CNF114` (or `class-naming`).
    """

    code = "CNF114"
    name = "class-naming"
    summary = "repository or service class not named *Repository / *Service"
    fix_hint = "rename the class so its name ends with the layer's suffix"
    catalog = "STR014"
    default = False
    applies_to = "roles"
    VALID = (
        Example.code(
            """
            class UserRepository:
                pass

            class UserNotFound(Exception):
                pass
            """,
            path="cpv3/modules/users/repository.py",
        ),
    )
    INVALID = (
        Example.code(
            """
            import abc

            class UserStore(abc.ABC):
                pass
            """,
            Expect(3, 7, "class UserStore in repository.py: name repository classes '…Repository'"),
            path="cpv3/modules/users/repository.py",
        ),
    )

    _SUFFIX = {"repository": "Repository", "service": "Service"}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        suffix = self._SUFFIX.get(ctx.role or "")
        if suffix is None or ctx.in_function or ctx.class_def is not None:
            return
        name = node.name.value
        if name.endswith(suffix) or name.startswith("_"):
            return
        for arg in node.bases:
            value = arg.value.value if isinstance(arg.value, cst.Subscript) else arg.value
            if ctx.qualname(value) not in _PLAIN_BASES:
                return
        self.report(
            node.name,
            f"class {name} in {ctx.path.rpartition('/')[2]}: name {ctx.role} classes '…{suffix}'",
        )


@dataclass(frozen=True)
class _NotIncluded(Condition):
    """No file passes this router to ``include_router``, and every ``include_router`` call in the
    project names its router resolvably (a loop over a registry makes the answer unknowable)."""

    router: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        if not index.complete:
            return None
        included: Set[str] = set()
        for _, value in index.extra(_INCLUDES_KEY):
            if value is None:
                return False  # an include_router call we cannot resolve: do not guess
            included.add(index.resolve(value))
        return index.resolve(self.router) not in included


_INCLUDES_KEY = "structure.include_router"


class RouterNotIncluded(FileRule):
    """## What it checks
    A module's router (the module-level `APIRouter` in router.py) that no file of the project
    passes to `include_router(...)`.

    ## Why
    A router that is never included serves nothing: its routes silently 404, and the tests that
    call the service directly do not notice.

    ## Example
    ```python
    # cpv3/main.py
    app = FastAPI()
    app.include_router(users_router)
    # orders.router.router is never included
    ```

    ## Use instead
    ```python
    app.include_router(orders_router)
    ```

    ## Fix
    None.

    ## Options
    Opt-in: select `CNF115` (or `router-not-included`). When any `include_router` call passes
    something the checker cannot resolve (a loop over a list of routers), the rule stays silent.
    """

    code = "CNF115"
    name = "router-not-included"
    summary = "module router is never passed to include_router"
    fix_hint = "include the router in the application (app.include_router(...))"
    catalog = "STR015"
    default = False
    VALID = (
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])
            """,
            extra={
                "cpv3/main.py": (
                    "from fastapi import FastAPI\n"
                    "from cpv3.modules.users.router import router as users_router\n\n"
                    "app = FastAPI()\napp.include_router(users_router)\n"
                )
            },
        ),
    )
    INVALID = (
        Example.code(
            """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])
            """,
            Expect(3, 1, "router of module 'users' is never included: pass it to include_router()"),
            extra={"cpv3/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"},
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "include_router":
            return
        if not node.args:
            return
        self.ctx.add_extra(_INCLUDES_KEY, self.ctx.qualname(node.args[0].value))

    def visit_Module(self, node: cst.Module) -> None:
        ctx = self.ctx
        if ctx.role != "router" or ctx.feature is None:
            return
        for statement in node.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                    continue
                target = small.targets[0].target
                if not isinstance(target, cst.Name) or not isinstance(small.value, cst.Call):
                    continue
                if ctx.qualname(small.value.func) in _ROUTER_CLASSES:
                    self.report(
                        statement,
                        f"router of module '{ctx.feature}' is never included: pass it to include_router()",
                        when=_NotIncluded(f"{ctx.module}.{target.value}"),
                    )
                    return
