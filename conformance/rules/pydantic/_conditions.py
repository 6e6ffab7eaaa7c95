"""Cross-file conditions of the Pydantic rules, decided on the project index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import (
    List,
    Optional,
    Set,
    Tuple,
)

from conformance.conditions import Condition
from conformance.facts import ClassFact
from conformance.index import PYDANTIC_MODEL, ProjectIndex
from conformance.rules.pydantic._common import _ROOT_MODELS


def _project_chain(index: ProjectIndex, qualname: str) -> Tuple[List[ClassFact], bool]:
    """The project classes among ``qualname`` and its bases (transitively), and whether the list is
    complete (False when a base lives in a file this partial index does not have)."""
    out: List[ClassFact] = []
    complete = True
    seen: Set[str] = set()
    stack = [index.type_of(qualname)]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        cls = index.classes.get(current)
        if cls is None:
            if index.is_project_name(current) and not index.complete:
                complete = False
            continue
        out.append(cls)
        for base in cls.bases:
            if base != "?":
                stack.append(index.type_of(base))
    return out, complete


@dataclass(frozen=True)
class ModelMember(Condition):
    """The class is a v2 Pydantic model and no project class in its hierarchy defines ``member``
    itself (a model's own ``copy()`` or ``validate()`` is not the deprecated v1 method)."""

    qualname: str
    member: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        is_model = index.is_kind(self.qualname, PYDANTIC_MODEL)
        if is_model is not True:
            return is_model
        chain, complete = _project_chain(index, self.qualname)
        for cls in chain:
            for method in cls.methods:
                if method.qualname.rpartition(".")[2] == self.member:
                    return False
        return True if complete else None


@dataclass(frozen=True)
class IsRootModel(Condition):
    """The class is a v2 model that is a root model: it derives from `RootModel` or declares a
    `__root__` field (the v1 form)."""

    qualname: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        is_model = index.is_kind(self.qualname, PYDANTIC_MODEL)
        if is_model is not True:
            return is_model
        chain, complete = _project_chain(index, self.qualname)
        for cls in chain:
            if any(name == "__root__" for name, _ in cls.attributes):
                return True
            if any(index.type_of(base) in _ROOT_MODELS for base in cls.bases):
                return True
        return None if not complete else False


_PYTHON_RE_KEY = "pydantic.python-re"


@dataclass(frozen=True)
class LacksPythonRe(Condition):
    """The model is a v2 model and no class of its hierarchy sets `regex_engine="python-re"`."""

    qualname: str

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        is_model = index.is_kind(self.qualname, PYDANTIC_MODEL)
        if is_model is not True:
            return is_model
        marked = {value for _, value in index.extra(_PYTHON_RE_KEY)}
        chain, complete = _project_chain(index, self.qualname)
        if any(cls.qualname in marked for cls in chain):
            return False
        return True if complete else None
