"""The import and reference variants of RULES-CATALOG 2.2, one test (or more) per row.

Each test writes a small project, runs the real file pass and builds the complete index, then looks
at what the layering rules see: ``FileFacts.imports`` (the facts ``ctx.import_facts`` produced and
the walker recorded), the qualified names the resolver gave definitions, and the index's
``resolve``/``role_of``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Mapping, Tuple

from conformance.conditions import RoleIs
from conformance.config import validate
from conformance.engine import RunOptions, build_index, project_packages, run
from conformance.facts import FileFacts, ImportFact
from conformance.index import ProjectIndex

from .conftest import dedent, write_tree

USERS = {
    "cpv3/__init__.py": "",
    "cpv3/modules/__init__.py": "",
    "cpv3/modules/users/__init__.py": "",
    "cpv3/modules/users/repository.py": "class UserRepository:\n    pass\n",
    "cpv3/modules/users/service.py": "class UserService:\n    pass\n",
    "cpv3/modules/orders/__init__.py": "",
    "cpv3/modules/orders/repository.py": "class OrderRepository:\n    pass\n",
    "cpv3/modules/orders/service.py": "class OrderService:\n    pass\n",
}


def analyze(tmp_path: Path, files: Mapping[str, str]) -> Tuple[Dict[str, FileFacts], ProjectIndex]:
    """Facts of every file (by path) and the complete index of a project of USERS + ``files``."""
    tree = dict(USERS)
    tree.update({path: dedent(text) for path, text in files.items()})
    write_tree(tmp_path, tree)
    config = validate({}, root=str(tmp_path), source=None)
    result = run(config, [str(tmp_path)], RunOptions(jobs=1))
    packages = project_packages(result.layout)
    index = build_index(config, result.layout, result.results, packages)
    facts = {path: r.facts for path, r in result.results.items() if r.facts is not None}
    return facts, index


def imports(facts: FileFacts) -> List[Tuple[str, object, str, object]]:
    return [(f.module, f.name, f.target, f.alias) for f in facts.imports]


def only(facts: FileFacts) -> ImportFact:
    assert len(facts.imports) == 1, facts.imports
    return facts.imports[0]


# -- absolute and relative ------------------------------------------------------------------


def test_absolute(tmp_path: Path) -> None:
    path = "cpv3/modules/orders/router.py"
    facts, index = analyze(
        tmp_path, {path: "from cpv3.modules.users.repository import UserRepository\n"}
    )
    fact = only(facts[path])
    assert (fact.module, fact.name, fact.target, fact.alias) == (
        "cpv3.modules.users.repository",
        "UserRepository",
        "cpv3.modules.users.repository.UserRepository",
        "UserRepository",
    )
    assert not (fact.type_only or fact.deferred or fact.dynamic) and fact.module_level
    assert index.role_of(fact.target) == ("repository", "users")


def test_relative_sibling(tmp_path: Path) -> None:
    path = "cpv3/modules/users/router.py"
    facts, index = analyze(tmp_path, {path: "from .repository import UserRepository as Repo\n"})
    fact = only(facts[path])
    assert fact.target == "cpv3.modules.users.repository.UserRepository"
    assert fact.alias == "Repo"
    assert index.bindings["cpv3.modules.users.router"]["Repo"] == fact.target


def test_relative_from_package_init_anchors_at_the_package_itself(tmp_path: Path) -> None:
    path = "cpv3/modules/users/__init__.py"
    facts, _ = analyze(
        tmp_path,
        {
            path: """
                from .service import UserService
                from . import repository
                from ..orders import service as orders_service
                """
        },
    )
    assert imports(facts[path]) == [
        (
            "cpv3.modules.users.service",
            "UserService",
            "cpv3.modules.users.service.UserService",
            "UserService",
        ),
        ("cpv3.modules.users", "repository", "cpv3.modules.users.repository", "repository"),
        ("cpv3.modules.orders", "service", "cpv3.modules.orders.service", "orders_service"),
    ]


def test_relative_cross_module_climbs_level_packages(tmp_path: Path) -> None:
    path = "cpv3/modules/users/service.py"
    facts, index = analyze(tmp_path, {path: "from ..orders.repository import OrderRepository\n"})
    fact = only(facts[path])
    assert fact.target == "cpv3.modules.orders.repository.OrderRepository"
    assert index.role_of(fact.target) == ("repository", "orders")


# -- submodule or attribute ----------------------------------------------------------------


def test_submodule_versus_attribute(tmp_path: Path) -> None:
    path = "cpv3/modules/orders/service.py"
    facts, index = analyze(
        tmp_path,
        {
            path: "from cpv3.modules.users import repository, VERSION\n",
            "cpv3/modules/users/__init__.py": "VERSION = 1\n",
        },
    )
    submodule, attribute = facts[path].imports
    assert submodule.target == "cpv3.modules.users.repository"
    # a submodule because users/repository.py exists
    assert index.split_module(submodule.target) == ("cpv3.modules.users.repository", "")
    assert index.role_of(submodule.target) == ("repository", "users")
    # an attribute of the package's __init__.py
    assert index.split_module(attribute.target) == ("cpv3.modules.users", "VERSION")
    assert index.role_of(attribute.target) == (None, "users")


# -- aliases and attribute chains ------------------------------------------------------------


def test_module_alias_binds_the_module(tmp_path: Path) -> None:
    path = "cpv3/modules/users/router.py"
    facts, _ = analyze(
        tmp_path,
        {
            path: """
                import cpv3.modules.users.repository as users_repo

                def make() -> users_repo.UserRepository:
                    return users_repo.UserRepository()
                """
        },
    )
    fact = only(facts[path])
    assert (fact.module, fact.target, fact.alias) == (
        "cpv3.modules.users.repository",
        "cpv3.modules.users.repository",
        "users_repo",
    )
    (function,) = facts[path].functions
    assert function.returns == "cpv3.modules.users.repository.UserRepository"


def test_attribute_chain_on_a_plain_import(tmp_path: Path) -> None:
    path = "cpv3/modules/users/router.py"
    facts, index = analyze(
        tmp_path,
        {
            path: """
                import cpv3.modules.users

                def make() -> cpv3.modules.users.repository.UserRepository:
                    return cpv3.modules.users.repository.UserRepository()
                """
        },
    )
    fact = only(facts[path])
    # ``import a.b.c`` binds ``a``; the edge is to ``a.b.c``
    assert (fact.module, fact.target, fact.alias) == ("cpv3.modules.users", "cpv3", "cpv3")
    (function,) = facts[path].functions
    assert function.returns == "cpv3.modules.users.repository.UserRepository"
    assert index.role_of(function.returns) == ("repository", "users")


# -- TYPE_CHECKING, string annotations -------------------------------------------------------


def test_type_checking_variants(tmp_path: Path) -> None:
    path = "cpv3/modules/users/router.py"
    facts, _ = analyze(
        tmp_path,
        {
            path: """
                import typing
                from typing import TYPE_CHECKING, TYPE_CHECKING as TC

                if TYPE_CHECKING:
                    from .repository import UserRepository as A
                if typing.TYPE_CHECKING:
                    from .repository import UserRepository as B
                if TC:
                    from .repository import UserRepository as C
                else:
                    from .service import UserService as D
                if not TYPE_CHECKING:
                    from .service import UserService as E
                """
        },
    )
    flags = {f.alias: f.type_only for f in facts[path].imports if f.module.startswith("cpv3")}
    assert flags == {"A": True, "B": True, "C": True, "D": False, "E": False}


def test_type_checking_without_import_and_from_typing_extensions(tmp_path: Path) -> None:
    path = "cpv3/modules/users/router.py"
    facts, _ = analyze(
        tmp_path,
        {
            path: """
                import typing_extensions as te

                if te.TYPE_CHECKING:
                    from .repository import UserRepository
                """
        },
    )
    assert [f.type_only for f in facts[path].imports] == [False, True]


def test_string_annotation_resolves_through_a_type_only_import(tmp_path: Path) -> None:
    path = "cpv3/modules/users/service.py"
    facts, _ = analyze(
        tmp_path,
        {
            path: """
                from typing import TYPE_CHECKING, Optional

                if TYPE_CHECKING:
                    from .repository import UserRepository


                class UserService:
                    repository: "UserRepository"

                    def repo(self) -> "Optional[UserRepository]":
                        return None
                """
        },
    )
    (fact,) = [f for f in facts[path].imports if f.alias == "UserRepository"]
    assert fact.type_only
    (cls,) = facts[path].classes
    assert dict(cls.attributes)["repository"] == "cpv3.modules.users.repository.UserRepository"
    assert cls.methods[0].returns == "cpv3.modules.users.repository.UserRepository"


# -- conditional, deferred, dynamic ----------------------------------------------------------


def test_try_except_import_error_is_a_normal_edge(tmp_path: Path) -> None:
    path = "cpv3/modules/users/service.py"
    facts, index = analyze(
        tmp_path,
        {
            path: """
                try:
                    from cpv3.modules.orders.service import OrderService
                except ImportError:
                    OrderService = None
                """
        },
    )
    fact = only(facts[path])
    assert not (fact.type_only or fact.deferred or fact.dynamic) and fact.module_level
    assert index.resolve("cpv3.modules.users.service.OrderService") == fact.target


def test_try_binding_stays_in_force_over_its_import_error_fallback(tmp_path: Path) -> None:
    path = "cpv3/modules/users/service.py"
    facts, index = analyze(
        tmp_path,
        {
            path: """
                try:
                    from cpv3.modules.orders.service import OrderService
                    from cpv3.modules.orders import repository as repo
                except (ImportError, AttributeError):
                    from cpv3.modules.users.service_old import OrderService
                    repo = None
                try:
                    from cpv3.modules.orders.repository import OrderRepository
                except RuntimeError:
                    from cpv3.modules.users.repository import UserRepository as OrderRepository


                class Facade(OrderService):
                    def orders(self) -> repo.OrderRepository:
                        try:
                            from cpv3.modules.users.repository import UserRepository as R
                        except ModuleNotFoundError:
                            R = object

                        def local() -> R:
                            return R()

                        return local()

                    def other(self) -> OrderRepository:
                        return OrderRepository()
                """
        },
    )
    fallback = {f.target: f.fallback for f in facts[path].imports}
    assert fallback == {
        "cpv3.modules.orders.service.OrderService": False,
        "cpv3.modules.orders.repository": False,
        "cpv3.modules.users.service_old.OrderService": True,
        "cpv3.modules.orders.repository.OrderRepository": False,
        # an ``except RuntimeError`` is no fallback for a missing module: the last import wins
        "cpv3.modules.users.repository.UserRepository": False,
    }
    (cls,) = facts[path].classes
    assert cls.bases == ("cpv3.modules.orders.service.OrderService",)
    returns = {m.qualname.rpartition(".")[2]: m.returns for m in cls.methods}
    assert returns == {
        "orders": "cpv3.modules.orders.repository.OrderRepository",
        "other": "cpv3.modules.users.repository.UserRepository",
    }
    assert not facts[path].aliases
    module = "cpv3.modules.users.service"
    assert index.resolve(f"{module}.OrderService") == "cpv3.modules.orders.service.OrderService"
    assert index.resolve(f"{module}.repo") == "cpv3.modules.orders.repository"


def test_deferred_import_is_an_edge_tagged_deferred(tmp_path: Path) -> None:
    path = "cpv3/modules/users/router.py"
    facts, index = analyze(
        tmp_path,
        {
            path: """
                def build():
                    from ..orders.repository import OrderRepository as R
                    return R()
                """
        },
    )
    fact = only(facts[path])
    assert fact.deferred and not fact.module_level
    assert fact.target == "cpv3.modules.orders.repository.OrderRepository"
    # not a module-level binding: the index does not treat it as a re-export
    assert "R" not in index.bindings["cpv3.modules.users.router"]


def test_dynamic_literal_imports(tmp_path: Path) -> None:
    path = "cpv3/modules/users/router.py"
    facts, _ = analyze(
        tmp_path,
        {
            path: """
                import importlib
                from importlib import import_module as load

                a = importlib.import_module("cpv3.modules.orders.repository")


                def later():
                    return load("cpv3.modules.orders.service"), __import__("cpv3.modules.users")
                """
        },
    )
    dynamic = [(f.target, f.deferred) for f in facts[path].imports if f.dynamic]
    assert dynamic == [
        ("cpv3.modules.orders.repository", False),
        ("cpv3.modules.orders.service", True),
        ("cpv3.modules.users", True),
    ]
    assert all(not f.module_level for f in facts[path].imports if f.dynamic)


def test_dynamic_computed_name_is_no_edge(tmp_path: Path) -> None:
    path = "cpv3/modules/users/router.py"
    facts, _ = analyze(
        tmp_path,
        {
            path: """
                import importlib

                def load(name: str):
                    importlib.import_module(f"cpv3.modules.{name}.service")
                    importlib.import_module("cpv3.modules." + name)
                    importlib.import_module(".service", package="cpv3.modules.users")
                """
        },
    )
    assert [f for f in facts[path].imports if f.dynamic] == []


# -- re-exports ------------------------------------------------------------------------------


def test_reexport_is_followed_to_its_origin(tmp_path: Path) -> None:
    path = "cpv3/modules/orders/router.py"
    facts, index = analyze(
        tmp_path,
        {
            "cpv3/modules/users/__init__.py": "from .repository import UserRepository\n",
            path: "from cpv3.modules.users import UserRepository as Repo\n",
        },
    )
    fact = only(facts[path])
    assert fact.target == "cpv3.modules.users.UserRepository"
    origin = "cpv3.modules.users.repository.UserRepository"
    assert index.resolve(fact.target) == origin
    assert index.resolve("cpv3.modules.orders.router.Repo") == origin
    assert RoleIs(fact.target, ("repository",)).evaluate(index) is True


def test_reexport_chain_through_two_packages(tmp_path: Path) -> None:
    _, index = analyze(
        tmp_path,
        {
            "cpv3/modules/users/__init__.py": "from . import repository\n",
            "cpv3/modules/__init__.py": "from .users.repository import UserRepository as UR\n",
            "cpv3/__init__.py": "from cpv3.modules import UR\n",
        },
    )
    assert index.resolve("cpv3.UR") == "cpv3.modules.users.repository.UserRepository"
    assert (
        index.resolve("cpv3.modules.users.repository.UserRepository")
        == "cpv3.modules.users.repository.UserRepository"
    )
    assert RoleIs("cpv3.UR", ("repository",)).evaluate(index) is True
    assert (
        RoleIs("cpv3.modules.users.service.UserService", ("repository",)).evaluate(index) is False
    )
