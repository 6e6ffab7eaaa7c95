"""Shared helpers of the structure rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, List, Optional, Set

from conformance.conditions import AllOf, AnyOf, Condition
from conformance.index import API_ROUTER
from conformance.names import SESSION_CLASSES
from conformance.roles import role_matcher
from conformance.rules.base import Example, FileRule
from conformance.settings import Option

if TYPE_CHECKING:
    import libcst as cst

    from conformance.index import ProjectIndex
else:
    from conformance import lazycst as cst


ROUTER_NAME = Option(
    "router-name",
    str,
    "router",
    "Name of the module-level `APIRouter` that every router.py binds (CNF112).",
)
ROUTER_CLASSES = Option(
    "router-classes",
    list,
    (),
    "Qualified names of further classes (or class factories' results) that CNF112 treats as "
    "`APIRouter` (project subclasses, factories annotated `-> APIRouter` or `-> type[APIRouter]` "
    'are found on their own), e.g. `["myproject.routing.VersionedRouter"]`.',
)
OPTIONS = (ROUTER_NAME, ROUTER_CLASSES)


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


def _in_package_init(rule: FileRule) -> bool:
    """The module package's own ``__init__.py`` (not that of a role package inside it, such as
    ``endpoints/__init__.py`` of a router package, which is that role's code)."""
    ctx = rule.ctx
    return (
        ctx.feature is not None
        and ctx.path.endswith("/__init__.py")
        and not role_matcher(ctx.config).in_role_package(ctx.path)
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


class _ClassPlacement(FileRule):
    """Shared logic of CNF109/CNF110: a class of a kind defined outside its role's file."""

    applies_to = "roles"
    home_role = ""
    kind = ""

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        # a class under ``if TYPE_CHECKING:`` never exists at runtime (a typing view of an
        # entity, its runtime name an alias): it defines nothing to place
        if ctx.has_role(self.home_role) or ctx.in_function or ctx.in_type_checking:
            return
        qualname = ctx.definition_qualname(node.name.value)
        self.report(node.name, self.message(node.name.value), when=self.condition(qualname))

    def hint(self) -> str:
        return f"move the class to the module's {self.ctx.role_file(self.home_role)}"

    def condition(self, qualname: str) -> Condition:
        raise NotImplementedError

    def message(self, name: str) -> str:
        raise NotImplementedError


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
        alias = index.aliases.get(resolved)
        if alias is not None and alias.kind == "call" and alias.target:
            # ``APIRouter = get_api_router_class(APIRoute)``: a class made by a factory
            factory = index.functions.get(index.resolve(alias.target))
            if factory is None:
                return None if not index.complete else False
            if factory.returns_class is None:
                return False
            return index.is_kind(factory.returns_class, API_ROUTER)
        return index.is_kind(resolved, API_ROUTER)


def _either(conditions: List[Condition]) -> Condition:
    return conditions[0] if len(conditions) == 1 else AnyOf(tuple(conditions))


def _both(first: Optional[Condition], second: Optional[Condition]) -> Optional[Condition]:
    if first is None or second is None:
        return first or second
    return AllOf((first, second))


_DECLARED_ATTR = (
    "sqlalchemy.orm.declared_attr",
    "sqlalchemy.orm.decl_api.declared_attr",
    "sqlalchemy.ext.declarative.declared_attr",
)


_SESSION_TYPES = SESSION_CLASSES


_PLAIN_BASES = frozenset(
    {
        "builtins.object",
        "abc.ABC",
        "typing.Generic",
        "typing.Protocol",
        "typing_extensions.Protocol",
    }
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


def _role_package_example(note: str) -> Example:
    """The users module with its schemas split into a ``schemas/`` role package."""
    return Example(
        files=_tree(
            {
                "cpv3/modules/users/schemas.py": None,
                "cpv3/modules/users/schemas/__init__.py": "",
                "cpv3/modules/users/schemas/user.py": (
                    "from pydantic import BaseModel\n\n\nclass UserOut(BaseModel):\n    id: int\n"
                ),
            }
        ),
        config='[roles]\nschemas = ["schemas.py", "schemas/"]\n',
        note=note,
    )
