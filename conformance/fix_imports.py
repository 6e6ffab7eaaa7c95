"""The imports a fix needs: whether the file already binds a name (:func:`import_state`) and
adding a missing import in the file's style (:func:`add_import`). Pure functions on libcst trees."""

from __future__ import annotations

import dataclasses
import sys
from typing import Any, Callable, Collection, List, Optional, Sequence, Tuple

import libcst as cst

#: Modules whose names are interchangeable for an import already present.
_SAME_NAMES = {"typing": "typing_extensions", "typing_extensions": "typing"}


def import_state(facts: Any, module: str, name: Optional[str]) -> str:
    """Whether the file already binds what ``from module import name`` (or ``import module``)
    would bind at module level: ``"present"``, ``"add"`` (free), or ``"conflict"`` (the name is
    bound to something else, so adding the import would change the meaning of the file)."""
    if facts is None:
        return "conflict"
    bound = name if name is not None else module.split(".", 1)[0]
    if name is None:
        targets = {module}
    else:
        targets = {f"{module}.{name}"}
        other = _SAME_NAMES.get(module)
        if other is not None:
            targets.add(f"{other}.{name}")
    runtime = [
        fact
        for fact in facts.imports
        if fact.alias == bound and fact.module_level and not fact.type_only and not fact.dynamic
    ]
    for fact in runtime:
        same = (
            (fact.module == module and fact.name is None)
            if name is None
            else fact.target in targets
        )
        if not same:
            return "conflict"
    if runtime:
        return "present"
    if bound in facts.names:
        type_only_same = any(
            fact.alias == bound and fact.type_only and fact.target in targets
            for fact in facts.imports
        )
        return "add" if type_only_same else "conflict"
    return "add"


def add_import(
    module: cst.Module, module_name: str, name: Optional[str], project_packages: Sequence[str] = ()
) -> cst.Module:
    """``module`` with ``from module_name import name`` (``import module_name`` when ``name`` is
    None), in the file's style:

    * merged into an existing top-level ``from module_name import ...`` of the import block, at
      its sorted position when its names are sorted (ruff/isort order, or case-insensitive), else
      at the end; a parenthesised multi-line list gets one name per line like its neighbours;
    * else as a new statement in the import block, in its section (future, standard library, third
      party, first party: isort's), at its sorted position when the section is sorted, else after
      the section; a new section gets a blank line before it;
    * with no import at all, after the module docstring, followed by a blank line (two before a
      definition).

    The caller checks :func:`import_state` first; this only places the statement.
    """
    body: List[Any] = list(module.body)
    block = _import_block(body)
    if name is not None:
        for index in block:
            statement = body[index]
            assert isinstance(statement, cst.SimpleStatementLine)
            for position, small in enumerate(statement.body):
                if (
                    isinstance(small, cst.ImportFrom)
                    and not small.relative
                    and small.module is not None
                    and _dotted(small.module) == module_name
                    and not isinstance(small.names, cst.ImportStar)
                ):
                    smalls = list(statement.body)
                    smalls[position] = _with_name(small, name)
                    body[index] = statement.with_changes(body=smalls)
                    return module.with_changes(body=body)

    new_statement = cst.SimpleStatementLine(
        body=[
            cst.ImportFrom(
                module=_attribute_chain(module_name),
                names=[cst.ImportAlias(name=cst.Name(name))],
            )
            if name is not None
            else cst.Import(names=[cst.ImportAlias(name=_attribute_chain(module_name))])
        ]
    )
    section = _section(module_name, 0, project_packages)
    entries = [_entry(body[i], i, project_packages) for i in block]
    if not entries:
        return _insert_first_import(module, body, new_statement)
    same = [e for e in entries if e[1] == section]
    kind = 1 if name is not None else 0
    key = (kind, module_name.lower())
    if same:
        keys = [(e[2], e[3]) for e in same]
        if keys == sorted(keys):
            for number, entry in enumerate(same):
                if (entry[2], entry[3]) > key:
                    if number == 0:
                        return _insert_before(module, body, entry[0], new_statement)
                    return _insert_at(module, body, entry[0], new_statement, blank=False)
        return _insert_at(module, body, same[-1][0] + 1, new_statement, blank=False)
    earlier = [e for e in entries if e[1] < section]
    later = [e for e in entries if e[1] > section]
    if earlier and (not later or later[0][0] > earlier[-1][0]):
        return _insert_at(module, body, earlier[-1][0] + 1, new_statement, blank=True)
    if later and not earlier:
        return _insert_before(module, body, later[0][0], new_statement, separate=True)
    return _insert_at(module, body, entries[-1][0] + 1, new_statement, blank=True)  # unordered


def _import_block(body: Sequence[cst.BaseStatement]) -> List[int]:
    """Indexes of the top-level import statements at the start of the module (after the
    docstring; ``if TYPE_CHECKING:`` and ``try:`` blocks of imports do not end the block)."""
    out: List[int] = []
    for index, statement in enumerate(body):
        if isinstance(statement, cst.SimpleStatementLine):
            if all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body):
                out.append(index)
                continue
            if index == 0 and _is_docstring(statement):
                continue
            break
        if isinstance(statement, (cst.If, cst.Try)) and _only_imports(statement):
            continue
        break
    return out


def _only_imports(statement: cst.CSTNode) -> bool:
    blocks: List[cst.BaseSuite] = []
    if isinstance(statement, cst.If):
        blocks.append(statement.body)
        if isinstance(statement.orelse, cst.Else):
            blocks.append(statement.orelse.body)
        elif isinstance(statement.orelse, cst.If):
            return _only_imports(statement.orelse)
    elif isinstance(statement, cst.Try):
        blocks.append(statement.body)
        blocks.extend(handler.body for handler in statement.handlers)
    for block in blocks:
        if not isinstance(block, cst.IndentedBlock):
            return False
        for inner in block.body:
            if not isinstance(inner, cst.SimpleStatementLine):
                return False
            if not all(isinstance(s, (cst.Import, cst.ImportFrom, cst.Pass)) for s in inner.body):
                return False
    return True


def _is_docstring(statement: cst.SimpleStatementLine) -> bool:
    return (
        len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _entry(
    statement: cst.BaseStatement, index: int, project_packages: Sequence[str]
) -> Tuple[int, int, int, str]:
    """(index, section, kind: 0 ``import``/1 ``from``, lower-cased module) of an import line."""
    assert isinstance(statement, cst.SimpleStatementLine)
    first = statement.body[0]
    if isinstance(first, cst.Import):
        name = _dotted(first.names[0].name) or ""
        return index, _section(name, 0, project_packages), 0, name.lower()
    assert isinstance(first, cst.ImportFrom)
    named = (_dotted(first.module) if first.module is not None else None) or ""
    level = len(first.relative)
    return index, _section(named, level, project_packages), 1, named.lower()


def _section(module_name: str, level: int, project_packages: Sequence[str]) -> int:
    top = module_name.split(".", 1)[0]
    if top == "__future__":
        return 0
    if level or top in project_packages:
        return 3
    if top in _stdlib_names():
        return 1
    return 2


def _stdlib_names() -> Collection[str]:
    names: Optional[Collection[str]] = getattr(sys, "stdlib_module_names", None)
    return names if names is not None else _STDLIB_FALLBACK  # Python 3.9 has no list


_STDLIB_FALLBACK = frozenset(
    """abc argparse ast asyncio base64 collections concurrent contextlib contextvars copy csv
    dataclasses datetime decimal enum functools hashlib hmac http importlib inspect io ipaddress
    itertools json logging math operator os pathlib pickle platform random re secrets shutil
    signal socket sqlite3 string struct subprocess sys tempfile textwrap threading time timeit
    traceback types typing unittest urllib uuid warnings weakref zoneinfo""".split()
)


def _dotted(node: cst.CSTNode) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr.value}" if inner else None
    return None


def _attribute_chain(dotted: str) -> Any:
    parts = dotted.split(".")
    node: Any = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def _order_keys() -> List[Callable[[str], Any]]:
    def by_type(name: str) -> Any:
        kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
        return (kind, name)

    return [by_type, str.lower, lambda name: name]


def _contains_comment(node: cst.CSTNode) -> bool:
    stack: List[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Comment):
            return True
        for item in dataclasses.fields(current):
            value = getattr(current, item.name)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(v for v in value if isinstance(v, cst.CSTNode))
    return False


def _with_name(statement: cst.ImportFrom, name: str) -> cst.ImportFrom:
    """``from m import a, b`` with ``name`` added, keeping the statement's separators."""
    assert not isinstance(statement.names, cst.ImportStar)
    aliases = list(statement.names)
    names = [_dotted(alias.name) or "" for alias in aliases]
    index = len(aliases)
    for key in _order_keys():
        keys = [key(n) for n in names]
        if keys == sorted(keys):
            index = next((i for i, k in enumerate(keys) if k > key(name)), len(aliases))
            break
    between = _between_separator(statement, aliases)
    new = cst.ImportAlias(name=cst.Name(name))
    if index < len(aliases):
        aliases.insert(index, new.with_changes(comma=between))
    else:
        last = aliases[-1]
        aliases[-1] = last.with_changes(comma=between)
        aliases.append(new.with_changes(comma=last.comma))
    return statement.with_changes(names=aliases)


def _between_separator(statement: cst.ImportFrom, aliases: Sequence[cst.ImportAlias]) -> cst.Comma:
    """The comma that separates two names in this statement, without any comment."""
    for alias in aliases[:-1]:
        comma = alias.comma
        if isinstance(comma, cst.Comma) and not _contains_comment(comma):
            return comma
    lpar = statement.lpar
    if lpar is not None and isinstance(lpar.whitespace_after, cst.ParenthesizedWhitespace):
        after = lpar.whitespace_after.with_changes(
            first_line=cst.TrailingWhitespace(), empty_lines=()
        )
        return cst.Comma(whitespace_after=after)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _insert_at(
    module: cst.Module,
    body: List[Any],
    index: int,
    statement: cst.SimpleStatementLine,
    *,
    blank: bool,
) -> cst.Module:
    if blank:
        statement = statement.with_changes(leading_lines=[cst.EmptyLine()])
    body.insert(index, statement)
    return module.with_changes(body=body)


def _insert_before(
    module: cst.Module,
    body: List[Any],
    index: int,
    statement: cst.SimpleStatementLine,
    *,
    separate: bool = False,
) -> cst.Module:
    """Insert before ``body[index]``, taking over its leading blank lines and comments (the
    section's header); with ``separate`` it starts a new section, so the old statement gets a
    blank line of its own."""
    following = body[index]
    statement = statement.with_changes(leading_lines=following.leading_lines)
    lines = [cst.EmptyLine()] if separate else []
    body[index] = following.with_changes(leading_lines=lines)
    body.insert(index, statement)
    return module.with_changes(body=body)


def _insert_first_import(
    module: cst.Module, body: List[Any], statement: cst.SimpleStatementLine
) -> cst.Module:
    """The module's first import: after the docstring, before the code, blank lines around."""
    index = (
        1 if body and isinstance(body[0], cst.SimpleStatementLine) and _is_docstring(body[0]) else 0
    )
    if index == 1:
        statement = statement.with_changes(leading_lines=[cst.EmptyLine()])
    if index < len(body):
        following = body[index]
        wanted = 2 if isinstance(following, (cst.FunctionDef, cst.ClassDef)) else 1
        blanks = 0
        for line in following.leading_lines:
            if line.comment is not None:
                break
            blanks += 1
        if blanks < wanted:
            extra = [cst.EmptyLine() for _ in range(wanted - blanks)]
            body[index] = following.with_changes(
                leading_lines=extra + list(following.leading_lines)
            )
    body.insert(index, statement)
    return module.with_changes(body=body)
