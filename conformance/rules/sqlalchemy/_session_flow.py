"""Where the synchronous ``Session`` parameter of an ``async def`` goes (CNF512).

An ``async def`` that only hands its ``Session`` to worker threads blocks nothing itself; one that
passes it on to another project ``async def`` (``await validate(db, ...)``) blocks the event loop
only if that callee does, which its own file tells. The file pass records, for every ``async def``,
its parameters that may be a ``Session`` (``SESSION_PARAMS``); :class:`PassesToBlocking` follows
the hand-overs on the complete index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, Optional, Set, Tuple

from conformance.conditions import Condition
from conformance.index import SYNC_SESSION, ProjectIndex

if TYPE_CHECKING:
    import libcst as cst

    from conformance.context import FileContext
else:
    from conformance import lazycst as cst

#: one entry per ``async def`` with parameters that may be a ``Session``:
#: ``(qualname, kind, ((name, position, bound, typed, on_loop, passes), ...))``. ``kind`` is
#: "function", "method", "classmethod" or "staticmethod"; ``position`` counts the positional
#: parameters (-1: keyword-only), ``bound`` the same without ``self``/``cls`` (a method called on
#: an instance); ``typed`` is the annotation's class; ``on_loop`` tells that some use runs on the
#: event loop; ``passes`` lists the callees it is handed to (``Pass``).
SESSION_PARAMS = "sqlalchemy.session-params"

#: ``(callee, owner, position, keyword)``: ``await callee(..., db, ...)`` with ``db`` the
#: ``position``-th positional argument (-1 when passed as ``keyword=``). ``owner`` is the class of
#: the receiver of ``await obj.callee(...)`` (``callee`` then the method's name), else "".
Pass = Tuple[str, str, int, str]

_MAX_DEPTH = 8
_MAX_BASES = 16


def passed_on(ctx: FileContext, name: cst.Name) -> Optional[Pass]:
    """The hand-over when the use ``name`` is a plain argument of an awaited call to a project
    callable: the callee then decides whether the ``Session`` reaches the event loop. None for any
    other use (an argument of a call that is not awaited runs in the ``async def`` itself)."""
    chain = ctx.ancestors
    if len(chain) < 3:
        return None
    arg, call, awaited = chain[-1], chain[-2], chain[-3]
    if not (isinstance(arg, cst.Arg) and arg.value is name and not arg.star):
        return None
    if not (isinstance(call, cst.Call) and isinstance(awaited, cst.Await)):
        return None
    if awaited.expression is not call:
        return None
    position, keyword = -1, ""
    if arg.keyword is not None:
        keyword = arg.keyword.value
    else:
        position = 0
        for other in call.args:
            if other is arg:
                break
            if other.star:
                return None  # after ``*args`` the position is unknown
            position += 1
    callee = _callee(ctx, call)
    if callee is None:
        return None
    return (callee[0], callee[1], position, keyword)


def _callee(ctx: FileContext, call: cst.Call) -> Optional[Tuple[str, str]]:
    """(qualified name, "") of a project function, or (method name, class) for a method called
    on an instance whose class the file proves (``self.repo``, ``Auth()``, an annotated local)."""
    func = call.func
    if isinstance(func, cst.Attribute):
        owner = ctx.instance_type(func.value)
        if owner is not None:
            return (func.attr.value, owner) if ctx.is_project_name(owner) else None
    name = ctx.call_name(call)
    if name is None or not ctx.is_project_name(name):
        return None
    return name, ""


def _records(index: ProjectIndex) -> Dict[str, Tuple[Any, ...]]:
    """The recorded ``async def`` entries by qualified name, once per index."""

    def build() -> Dict[str, Tuple[Any, ...]]:
        return {entry[0]: entry for _, entry in index.extra(SESSION_PARAMS)}

    records: Dict[str, Tuple[Any, ...]] = index.memo(
        "sqlalchemy.session-params-by-function", build, Dict[str, Tuple[Any, ...]]
    )
    return records


def _method(
    index: ProjectIndex, records: Dict[str, Tuple[Any, ...]], cls: str, name: str, depth: int = 0
) -> Tuple[Optional[Tuple[Any, ...]], bool]:
    """The record of the method ``name`` that runs on an instance of ``cls`` (its own or a project
    base's, in base order), and whether the search ended: the method was found, recorded or not (a
    plain ``def``, no ``Session`` parameter), or a project base is out of sight."""
    if depth > _MAX_BASES:
        return None, True
    qualname = f"{cls}.{name}"
    if qualname in records:
        return records[qualname], True
    if qualname in index.functions:
        return None, True
    fact = index.classes.get(cls)
    if fact is None:
        return None, index.is_project_name(cls)
    for base in fact.bases:
        if base == "?":
            return None, True
        found, ended = _method(index, records, index.resolve(base), name, depth + 1)
        if ended:
            return found, True
    return None, False


def _target(
    index: ProjectIndex, records: Dict[str, Tuple[Any, ...]], callee: str, owner: str
) -> Tuple[Optional[Tuple[Any, ...]], bool]:
    """The record of the called ``async def`` and whether the call binds its first parameter
    (a method called on an instance, a classmethod)."""
    if owner:
        return _method(index, records, index.type_of(owner), callee)[0], True
    resolved = index.resolve(callee)
    record = records.get(resolved)
    if record is not None:
        return record, record[1] == "classmethod"
    head, _, name = resolved.rpartition(".")
    if not head:
        return None, False
    if head in index.classes:  # ``Sub.method(...)`` inherited from a base
        record = _method(index, records, head, name)[0]
        return record, record is not None and record[1] == "classmethod"
    alias = index.aliases.get(head)
    if alias is not None and alias.kind == "call" and alias.target:
        # a module-level instance, ``service = Service()``: ``service.method(db)``
        return _method(index, records, index.type_of(alias.target), name)[0], True
    return None, False


def _blocks(
    index: ProjectIndex,
    records: Dict[str, Tuple[Any, ...]],
    passed: Pass,
    depth: int,
    seen: Set[Tuple[str, str]],
) -> bool:
    """Whether the callee of ``passed`` certainly runs the ``Session`` on the event loop: its
    matching parameter is a sync ``Session`` used there, or passed on to a callee that does."""
    if depth > _MAX_DEPTH:
        return False
    callee, owner, position, keyword = passed
    record, bound = _target(index, records, callee, owner)
    if record is None:
        return False  # out of sight, not an ``async def`` with a ``Session``: not certain
    for name, raw, after_self, typed, on_loop, passes in record[2]:
        at = after_self if bound else raw
        if not (name == keyword if keyword else 0 <= at == position):
            continue
        key = (record[0], name)
        if key in seen or index.is_kind(typed, SYNC_SESSION) is not True:
            return False
        seen.add(key)
        if on_loop:
            return True
        return any(_blocks(index, records, p, depth + 1, seen) for p in passes)
    return False


@dataclass(frozen=True)
class PassesToBlocking(Condition):
    """Some ``async def`` the ``Session`` is passed on to (``passes``, see ``Pass``) certainly
    uses it on the event loop, itself or through the callees it passes it on to in turn (a few
    hops, each callee once). A callee that is not a recorded ``async def`` (out of the project,
    unannotated, not found) is not certain to block: the finding then does not stand."""

    passes: Tuple[Pass, ...]

    def evaluate(self, index: ProjectIndex) -> Optional[bool]:
        records = _records(index)
        seen: Set[Tuple[str, str]] = set()
        if any(_blocks(index, records, passed, 0, seen) for passed in self.passes):
            return True
        return False if index.complete else None
