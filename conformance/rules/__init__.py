"""The rule registry: every rule class, found by walking the family modules.

A family is one package in this package (``structure``, ``layering``, ...) holding one rule class
per module, named after the rule (``pydantic/pydantic_dict_method.py`` holds CNF430); shared
helpers live in underscore modules beside them. Adding a rule means adding one module (plus its
generated docs page); nothing else lists rules. A family may declare configuration keys in an
``OPTIONS`` tuple of :class:`conformance.settings.Option` exported by its package.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Sequence, Tuple, Type

from conformance.rules.base import FileRule, ProjectRule, Rule

if TYPE_CHECKING:
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


_RULES: List[Type[Rule]] = []
_OPTIONS: List[Option] = []


def _load() -> None:
    if _RULES:
        return
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
                    _RULES.append(value)
    _RULES.sort(key=lambda rule: rule.code)


def _load_options() -> None:
    """The families' keys, from their packages alone: validating a configuration needs no rule
    (a warm run that reuses every finding never loads one)."""
    if _OPTIONS:
        return
    for family in FAMILIES:
        package = importlib.import_module(f"conformance.rules.{family.package}")
        _OPTIONS.extend(getattr(package, "OPTIONS", ()))


def all_rules() -> Tuple[Type[Rule], ...]:
    """Every rule, sorted by code."""
    _load()
    return tuple(_RULES)


def all_options() -> Tuple[Option, ...]:
    """Every family's configuration keys."""
    _load_options()
    return tuple(_OPTIONS)


def by_code() -> Dict[str, Type[Rule]]:
    return {rule.code: rule for rule in all_rules()}


def lookup(code_or_name: str) -> Type[Rule]:
    """The rule with this code or name; KeyError otherwise."""
    key = code_or_name.strip()
    for rule in all_rules():
        if key.upper() == rule.code or key == rule.name:
            return rule
    raise KeyError(code_or_name)


def _matches(selector: str, rule: Type[Rule]) -> Tuple[bool, bool]:
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
        return []  # the defaults: no rule needs loading to know they match
    rules = all_rules()
    selectors = wanted
    return [s for s in selectors if not any(_matches(s, rule)[0] for rule in rules)]


def selected(
    select: Sequence[str], ignore: Sequence[str], extend_select: Sequence[str] = ()
) -> Tuple[Type[Rule], ...]:
    """The rules a run applies, like ruff: ``select`` (plus ``extend-select``) minus ``ignore``;
    a more specific ignore beats a less specific select and vice versa."""
    out: List[Type[Rule]] = []
    for rule in all_rules():
        best_select = _specificity(list(select) + list(extend_select), rule)
        best_ignore = _specificity(ignore, rule)
        if best_select is None:
            continue
        if best_ignore is not None and best_ignore >= best_select:
            continue
        out.append(rule)
    return tuple(out)


def _specificity(selectors: Iterable[str], rule: Type[Rule]) -> Optional[int]:
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
