"""The rule registry: every rule, by its row in a generated table, its class loaded on demand.

A family is one package in this package (``structure``, ``layering``, ...) holding one rule class
per module, named after the rule (``pydantic/pydantic_dict_method.py`` holds CNF430); shared
helpers live in underscore modules beside them. Adding a rule means adding one module and running
``python -m conformance.docs``, which writes its docs page and its row in ``_registry.py``; nothing
else lists rules. A family may declare configuration keys in an ``OPTIONS`` tuple of
:class:`conformance.settings.Option` exported by its package (also copied into the table).

Why a table: selecting rules, digesting the settings, validating a configuration and reporting
need only a few attributes of each rule, and importing 150 rule modules (and the family helpers
they build on) costs more than the rest of a run that reuses every stored finding. A rule's class
is imported only when a file must be analysed or a project rule must run (:meth:`RuleSpec.load`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Sequence, Tuple, Type

from conformance.rules.spec import FILE, PROJECT, RuleSpec

if TYPE_CHECKING:
    from conformance.rules.base import FileRule, ProjectRule, Rule
    from conformance.settings import Option


@dataclass(frozen=True)
class Family:
    """A rule family: its package in this package, its code prefix and its title."""

    package: str
    prefix: str
    title: str


#: The families, in code order: the one list of them (docs titles, the registry, the tests).
FAMILIES: Tuple[Family, ...] = (
    Family("structure", "CNF1", "Structure and placement"),
    Family("layering", "CNF2", "Layering"),
    Family("fastapi", "CNF3", "FastAPI dependency injection and routers"),
    Family("pydantic", "CNF4", "Pydantic v2 idioms"),
    Family("sqlalchemy", "CNF5", "SQLAlchemy 2.0 async"),
    Family("checker", "CNF9", "The checker itself"),
)


def family_of(code: str) -> Optional[Family]:
    """The family a code or code prefix (``CNF2``, ``cnf203``) belongs to; None for none."""
    key = code.strip().upper()[:4]
    return next((family for family in FAMILIES if family.prefix == key), None)


def scan_rules() -> Tuple[Type[Rule], ...]:
    """Every rule class, found by importing every non-underscore module of the family packages,
    sorted by code: what the generated table is written from (and checked against)."""
    import pkgutil

    from conformance.rules.base import FileRule, ProjectRule, Rule

    found: List[Type[Rule]] = []
    for family in FAMILIES:
        package = importlib.import_module(f"conformance.rules.{family.package}")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, Rule)
                    and value not in (Rule, FileRule, ProjectRule)
                    and value.__module__ == module.__name__
                    and value.code
                ):
                    found.append(value)
    return tuple(sorted(found, key=lambda rule: rule.code))


def scan_options() -> Tuple[Option, ...]:
    """Every family's configuration keys, from the family packages (what the table copies)."""
    out: List[Option] = []
    for family in FAMILIES:
        package = importlib.import_module(f"conformance.rules.{family.package}")
        out.extend(getattr(package, "OPTIONS", ()))
    return tuple(out)


def specs() -> Tuple[RuleSpec, ...]:
    """Every rule's row, sorted by code (no rule module is imported)."""
    from conformance.rules._registry import RULES

    return RULES


def spec_by_code() -> Dict[str, RuleSpec]:
    return {spec.code: spec for spec in specs()}


def all_rules() -> Tuple[Type[Rule], ...]:
    """Every rule class, sorted by code (importing every rule module)."""
    return tuple(spec.load() for spec in specs())


def all_options() -> Tuple[Option, ...]:
    """Every family's configuration keys: validating a configuration needs no rule (a warm run
    that reuses every finding never loads one)."""
    from conformance.rules._registry import OPTIONS

    return OPTIONS


def by_code() -> Dict[str, Type[Rule]]:
    return {rule.code: rule for rule in all_rules()}


def find(code_or_name: str) -> RuleSpec:
    """The row of the rule with this code or name; KeyError otherwise."""
    key = code_or_name.strip()
    for spec in specs():
        if key.upper() == spec.code or key == spec.name:
            return spec
    raise KeyError(code_or_name)


def lookup(code_or_name: str) -> Type[Rule]:
    """The rule with this code or name; KeyError otherwise."""
    return find(code_or_name).load()


def load_file_rules(codes: Iterable[str]) -> Tuple[Type[FileRule], ...]:
    """The file rules among ``codes`` (in the order given), their classes loaded."""
    from conformance.rules.base import FileRule

    table = spec_by_code()
    loaded = (table[code].load() for code in codes if table[code].kind == FILE)
    return tuple(rule for rule in loaded if issubclass(rule, FileRule))


def load_condition_classes() -> None:
    """Import every module that defines a condition (the table lists them; none imports libcst).
    A stored file result names its candidates' condition classes, and only classes this process
    knows decode: a run whose files were analysed by the worker started ahead
    (``prestart.py``) has loaded no rule."""
    from conformance.rules._registry import CONDITION_MODULES

    for name in CONDITION_MODULES:
        importlib.import_module(name)


def load_project_rules(codes: Iterable[str]) -> Tuple[Type[ProjectRule], ...]:
    """The project rules among ``codes`` (in the order given), their classes loaded."""
    from conformance.rules.base import ProjectRule

    table = spec_by_code()
    loaded = (table[code].load() for code in codes if table[code].kind == PROJECT)
    return tuple(rule for rule in loaded if issubclass(rule, ProjectRule))


def _matches(selector: str, rule: RuleSpec) -> Tuple[bool, bool]:
    """(matches, explicitly): an exact code or name selects a rule explicitly (even an opt-in
    one); ``ALL`` and code prefixes select the default-on rules they cover."""
    key = selector.strip()
    if key.upper() == rule.code or key == rule.name:
        return True, True
    if key.upper() == "ALL":
        return True, False
    if key.upper().startswith("CNF") and rule.code.startswith(key.upper()):
        return True, False
    return False, False


def unknown_selectors(selectors: Iterable[str]) -> List[str]:
    """The selectors that match no rule."""
    wanted = [s for s in selectors if s.strip().upper() not in ("ALL", "CNF")]
    if not wanted:
        return []
    rows = specs()
    return [s for s in wanted if not any(_matches(s, spec)[0] for spec in rows)]


def selected_specs(
    select: Sequence[str], ignore: Sequence[str], extend_select: Sequence[str] = ()
) -> Tuple[RuleSpec, ...]:
    """The rows of the rules a run applies, like ruff: ``select`` (plus ``extend-select``) minus
    ``ignore``; a more specific ignore beats a less specific select and vice versa."""
    out: List[RuleSpec] = []
    for spec in specs():
        best_select = _specificity(list(select) + list(extend_select), spec)
        best_ignore = _specificity(ignore, spec)
        if best_select is None:
            continue
        if best_ignore is not None and best_ignore >= best_select:
            continue
        out.append(spec)
    return tuple(out)


def selected(
    select: Sequence[str], ignore: Sequence[str], extend_select: Sequence[str] = ()
) -> Tuple[Type[Rule], ...]:
    """The classes of :func:`selected_specs`."""
    return tuple(spec.load() for spec in selected_specs(select, ignore, extend_select))


def _specificity(selectors: Iterable[str], rule: RuleSpec) -> Optional[int]:
    best = None
    for selector in selectors:
        matches, explicit = _matches(selector, rule)
        if not matches:
            continue
        if not explicit and not rule.default:
            continue
        score = 100 if explicit else (0 if selector.strip().upper() == "ALL" else len(selector))
        best = score if best is None or score > best else best
    return best
