"""The files of a new module package, as text. Pure: everything the project decides (names, where
the base class and the session dependency live, the import style) comes in a :class:`Plan`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Tuple

from conformance.scaffold.fields import FieldSpec

STDLIB = frozenset({"datetime", "decimal", "typing", "uuid"})


@dataclass(frozen=True)
class Plan:
    """What to write. Qualified names are absolute (``cpv3.core.db.Base``)."""

    name: str  # the module package: ``order_items``
    package: str  # its dotted name: ``cpv3.modules.order_items``
    first_party: str  # the project's top-level package: ``cpv3``
    files: Dict[str, str]  # role -> file name (router, service, repository, models, schemas)
    fields: Tuple[FieldSpec, ...]
    relative: bool  # ``from .service import X`` (else ``from cpv3.modules.x.service import X``)
    orm: bool
    base: Optional[str] = None  # the declarative base
    session_alias: Optional[str] = None  # ``SessionDep = Annotated[AsyncSession, Depends(...)]``
    session_provider: Optional[str] = None  # ``get_session`` (when there is no alias)
    not_found: Optional[str] = None  # the project's "not found" domain error
    schema_base: Optional[str] = None  # the project's Pydantic base class
    prefix: str = ""
    tags: Tuple[str, ...] = ()
    union: bool = False  # ``X | None`` (Python >= 3.10 projects) instead of ``Optional[X]``

    def optional(self, annotation: str, imports: Imports) -> str:
        if self.union:
            return f"{annotation} | None"
        imports.add("typing", "Optional")
        return f"Optional[{annotation}]"

    @property
    def entity(self) -> str:
        return camel(singular(self.name))

    @property
    def var(self) -> str:
        return singular(self.name)

    @property
    def human(self) -> str:
        return singular(self.name).replace("_", " ")

    def module_of(self, role: str) -> str:
        """How a file of this package imports a sibling: ``.service`` or the absolute name."""
        stem = self.files[role][: -len(".py")]
        return f".{stem}" if self.relative else f"{self.package}.{stem}"


def singular(name: str) -> str:
    """``categories`` -> ``category``, ``order_items`` -> ``order_item``, ``news`` stays."""
    head, _, last = name.rpartition("_")
    if last.endswith("ies") and len(last) > 3:
        last = last[:-3] + "y"
    elif last.endswith(("sses", "xes", "ches", "shes")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith(("ss", "us", "is", "news")) and len(last) > 2:
        last = last[:-1]
    return f"{head}_{last}" if head else last


def camel(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


def kebab(name: str) -> str:
    return name.replace("_", "-")


class Imports:
    """``from x import a, b`` lines grouped as isort does: standard library, third party, the
    project, the package itself (relative)."""

    def __init__(self, first_party: str) -> None:
        self.first_party = first_party
        self.names: Dict[str, Set[str]] = {}

    def add(self, module: str, *names: str) -> None:
        self.names.setdefault(module, set()).update(names)

    def add_qualname(self, qualname: str) -> str:
        """Import the last part of ``qualname``; return the name bound."""
        module, _, name = qualname.rpartition(".")
        self.add(module, name)
        return name

    def _group(self, module: str) -> int:
        if module.startswith("."):
            return 3
        top = module.split(".", 1)[0]
        if top in STDLIB:
            return 0
        return 2 if top == self.first_party else 1

    def render(self) -> List[str]:
        groups: Dict[int, List[str]] = {}
        for module in sorted(self.names, key=lambda m: (m.startswith("."), m.lower())):
            names = sorted(self.names[module], key=lambda n: (not n.isupper(), n.lower()))
            line = f"from {module} import {', '.join(names)}"
            if len(line) > LINE_LENGTH:
                line = f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"
            groups.setdefault(self._group(module), []).append(line)
        out: List[str] = []
        for key in sorted(groups):
            if out:
                out.append("")
            out.extend(groups[key])
        return out


#: ruff's and black's default line length: the generated files are already formatted.
LINE_LENGTH = 88


def _split_arguments(text: str) -> List[str]:
    """Top-level comma-separated parts of an argument list."""
    parts: List[str] = []
    depth, start = 0, 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    if text[start:].strip():
        parts.append(text[start:].strip())
    return parts


def fit(line: str) -> List[str]:
    """A line longer than LINE_LENGTH split as ruff format splits it: the arguments of its first
    bracket on one indented line if they fit, else one per line with a trailing comma."""
    if len(line) <= LINE_LENGTH or line.lstrip().startswith(("#", '"', "'")):
        return [line]
    opening = line.find("(")
    if opening < 0:
        return [line]
    depth, closing = 0, -1
    for i in range(opening, len(line)):
        if line[i] in "([{":
            depth += 1
        elif line[i] in ")]}":
            depth -= 1
            if depth == 0:
                closing = i
                break
    if closing < 0:
        return [line]
    indent = line[: len(line) - len(line.lstrip())]
    head, inner, tail = line[: opening + 1], line[opening + 1 : closing], line[closing:]
    arguments = _split_arguments(inner)
    hugged = f"{indent}    {', '.join(arguments)}"
    if len(hugged) <= LINE_LENGTH and not line.lstrip().startswith("from "):
        return [head, hugged, f"{indent}{tail}"]
    return [head, *(f"{indent}    {a}," for a in arguments), f"{indent}{tail}"]


def _file(docstring: str, imports: Imports, body: List[str]) -> str:
    lines = [f'"""{docstring}"""', ""]
    rendered = imports.render()
    if rendered:
        lines.extend(rendered)
        # isort's rule: two blank lines before a definition, one before other code
        definition = body and body[0].startswith(("class ", "def ", "async def ", "@"))
        lines.extend(["", ""] if definition else [""])
    for line in body:
        lines.extend(fit(line))
    text = "\n".join(lines).rstrip("\n") + "\n"
    return re.sub(r"\n{4,}", "\n\n\n", text)


# -- models ---------------------------------------------------------------------------------


def models(plan: Plan) -> str:
    imports = Imports(plan.first_party)
    imports.add("sqlalchemy.orm", "Mapped", "mapped_column")
    assert plan.base is not None
    base = imports.add_qualname(plan.base)
    body = [
        f"class {plan.entity}({base}):",
        f'    __tablename__ = "{plan.name}"',
        "",
        "    id: Mapped[int] = mapped_column(primary_key=True)",
    ]
    for field in plan.fields:
        annotation = _annotation(field, imports)
        if field.optional:
            annotation = plan.optional(annotation, imports)
        arguments = []
        if field.column_type:
            imports.add("sqlalchemy", field.column_import or "")
            arguments.append(field.column_type)
        if field.optional:
            arguments.append("default=None")
        if arguments:
            body.append(
                f"    {field.name}: Mapped[{annotation}] = mapped_column({', '.join(arguments)})"
            )
        else:
            body.append(f"    {field.name}: Mapped[{annotation}]")
    return _file(f"The {plan.human} ORM entity.", imports, body)


def _annotation(field: FieldSpec, imports: Imports) -> str:
    if field.annotation_import:
        imports.add(*field.annotation_import)
    return field.annotation


# -- schemas --------------------------------------------------------------------------------


def schemas(plan: Plan) -> str:
    imports = Imports(plan.first_party)
    imports.add("pydantic", "ConfigDict")
    base = imports.add_qualname(plan.schema_base or "pydantic.BaseModel")
    create: List[str] = []
    update: List[str] = []
    read: List[str] = []
    for field in plan.fields:
        annotation = _annotation(field, imports)
        shown = plan.optional(annotation, imports) if field.optional else annotation
        create.append(f"    {field.name}: {shown}" + (" = None" if field.optional else ""))
        read.append(f"    {field.name}: {shown}")
        update.append(f"    {field.name}: {plan.optional(annotation, imports)} = None")
    body = [
        f"class {plan.entity}Create({base}):",
        f'    """What a client sends to create a {plan.human}."""',
        "",
        *create,
        "",
        "",
        f"class {plan.entity}Update({base}):",
        '    """A partial update: only the fields sent are changed."""',
        "",
        *update,
        "",
        "",
        f"class {plan.entity}Read({base}):",
        f'    """A {plan.human} as the API returns it."""',
        "",
        "    model_config = ConfigDict(from_attributes=True)",
        "",
        "    id: int",
        *read,
    ]
    return _file(f"API schemas of {plan.name.replace('_', ' ')}.", imports, body)


# -- repository -----------------------------------------------------------------------------


def repository(plan: Plan) -> str:
    imports = Imports(plan.first_party)
    entity, var = plan.entity, plan.var
    if not plan.orm:
        return _memory_repository(plan, imports)
    imports.add("sqlalchemy", "select")
    imports.add("sqlalchemy.ext.asyncio", "AsyncSession")
    imports.add(plan.module_of("models"), entity)
    body = [
        f"class {entity}Repository:",
        f'    """Persistence of {entity} entities; the service owns the transaction."""',
        "",
        "    def __init__(self, session: AsyncSession) -> None:",
        "        self.session = session",
        "",
        f"    async def get(self, {var}_id: int) -> {plan.optional(entity, imports)}:",
        f"        return await self.session.get({entity}, {var}_id)",
        "",
        f"    async def list_page(self, *, offset: int = 0, limit: int = 50) -> list[{entity}]:",
        f"        stmt = select({entity}).order_by({entity}.id).offset(offset).limit(limit)",
        "        return list(await self.session.scalars(stmt))",
        "",
        f"    async def add(self, {var}: {entity}) -> {entity}:",
        f"        self.session.add({var})",
        "        await self.session.flush()",
        f"        return {var}",
        "",
        f"    async def delete(self, {var}: {entity}) -> None:",
        f"        await self.session.delete({var})",
        "        await self.session.flush()",
    ]
    return _file(f"Database access for {plan.name.replace('_', ' ')}.", imports, body)


def _memory_repository(plan: Plan, imports: Imports) -> str:
    entity, var = plan.entity, plan.var
    imports.add(plan.module_of("schemas"), f"{entity}Read")
    body = [
        f"_STORE: dict[int, {entity}Read] = {{}}",
        "",
        "",
        f"class {entity}Repository:",
        f'    """Keeps {plan.name.replace("_", " ")} in memory: replace it with your storage."""',
        "",
        "    def __init__(self) -> None:",
        "        self.items = _STORE",
        "",
        f"    async def get(self, {var}_id: int) -> {plan.optional(entity + 'Read', imports)}:",
        f"        return self.items.get({var}_id)",
        "",
        f"    async def list_page(self, *, offset: int = 0, limit: int = 50) -> list[{entity}Read]:",
        "        ordered = [self.items[key] for key in sorted(self.items)]",
        "        return ordered[offset : offset + limit]",
        "",
        "    async def next_id(self) -> int:",
        "        return max(self.items, default=0) + 1",
        "",
        f"    async def save(self, {var}: {entity}Read) -> {entity}Read:",
        f"        self.items[{var}.id] = {var}",
        f"        return {var}",
        "",
        f"    async def delete(self, {var}_id: int) -> None:",
        f"        self.items.pop({var}_id, None)",
    ]
    return _file(f"Storage of {plan.name.replace('_', ' ')}.", imports, body)


# -- service --------------------------------------------------------------------------------


def not_found_name(plan: Plan) -> str:
    """The domain error the service raises and the router maps to 404."""
    if plan.not_found:
        return plan.not_found.rpartition(".")[2]
    return f"{plan.entity}NotFoundError"


def service(plan: Plan) -> str:
    imports = Imports(plan.first_party)
    entity, var = plan.entity, plan.var
    imports.add(plan.module_of("repository"), f"{entity}Repository")
    imports.add(plan.module_of("schemas"), f"{entity}Create", f"{entity}Update")
    error = not_found_name(plan)
    head: List[str] = []
    if plan.not_found:
        imports.add_qualname(plan.not_found)
    else:
        head = [
            f"class {error}(LookupError):",
            f'    """No {plan.human} has the requested id."""',
            "",
            "",
        ]
    if plan.orm:
        imports.add("sqlalchemy.ext.asyncio", "AsyncSession")
        imports.add(plan.module_of("models"), entity)
        returned = entity
        init = [
            "    def __init__(self, session: AsyncSession) -> None:",
            "        self.session = session",
            f"        self.repository = {entity}Repository(session)",
        ]
        create = [
            f"        {var} = await self.repository.add({entity}(**data.model_dump()))",
            "        await self.session.commit()",
            f"        return {var}",
        ]
        update = [
            f"        {var} = await self.get({var}_id)",
            "        for field, value in data.model_dump(exclude_unset=True).items():",
            f"            setattr({var}, field, value)",
            "        await self.session.commit()",
            f"        return {var}",
        ]
        delete = [
            f"        {var} = await self.get({var}_id)",
            f"        await self.repository.delete({var})",
            "        await self.session.commit()",
        ]
    else:
        imports.add(plan.module_of("schemas"), f"{entity}Read")
        returned = f"{entity}Read"
        init = [
            "    def __init__(self) -> None:",
            f"        self.repository = {entity}Repository()",
        ]
        create = [
            f"        {var} = {entity}Read(id=await self.repository.next_id(), **data.model_dump())",
            f"        return await self.repository.save({var})",
        ]
        update = [
            f"        {var} = await self.get({var}_id)",
            "        changes = data.model_dump(exclude_unset=True)",
            f"        return await self.repository.save({var}.model_copy(update=changes))",
        ]
        delete = [
            f"        await self.get({var}_id)",
            f"        await self.repository.delete({var}_id)",
        ]
    body = head + [
        f"class {entity}Service:",
        f'    """Use cases on {plan.name.replace("_", " ")}. Owns its repository and the unit of work."""',
        "",
        *init,
        "",
        f"    async def get(self, {var}_id: int) -> {returned}:",
        f"        {var} = await self.repository.get({var}_id)",
        f"        if {var} is None:",
        f'            raise {error}(f"{plan.human} {{{var}_id}} not found")',
        f"        return {var}",
        "",
        f"    async def list(self, *, offset: int = 0, limit: int = 50) -> list[{returned}]:",
        "        return await self.repository.list_page(offset=offset, limit=limit)",
        "",
        f"    async def create(self, data: {entity}Create) -> {returned}:",
        *create,
        "",
        f"    async def update(self, {var}_id: int, data: {entity}Update) -> {returned}:",
        *update,
        "",
        f"    async def delete(self, {var}_id: int) -> None:",
        *delete,
    ]
    return _file(f"Use cases of {plan.name.replace('_', ' ')}.", imports, body)


# -- router ---------------------------------------------------------------------------------


def router(plan: Plan) -> str:
    imports = Imports(plan.first_party)
    entity, var, name = plan.entity, plan.var, plan.name
    imports.add("typing", "Annotated")
    imports.add("fastapi", "APIRouter", "Depends", "HTTPException", "Query", "status")
    imports.add(plan.module_of("schemas"), f"{entity}Create", f"{entity}Read", f"{entity}Update")
    imports.add(plan.module_of("service"), f"{entity}Service")
    error = not_found_name(plan)
    if plan.not_found:
        imports.add_qualname(plan.not_found)
    else:
        imports.add(plan.module_of("service"), error)
    if not plan.orm:
        provider = [
            f"def get_{var}_service() -> {entity}Service:",
            f'    """The {plan.human} use cases for one request."""',
            f"    return {entity}Service()",
        ]
    elif plan.session_alias:
        alias = imports.add_qualname(plan.session_alias)
        provider = [
            f"def get_{var}_service(session: {alias}) -> {entity}Service:",
            f'    """The {plan.human} use cases on the request\'s session."""',
            f"    return {entity}Service(session)",
        ]
    else:
        assert plan.session_provider is not None
        function = imports.add_qualname(plan.session_provider)
        imports.add("sqlalchemy.ext.asyncio", "AsyncSession")
        provider = [
            f"def get_{var}_service(",
            f"    session: Annotated[AsyncSession, Depends({function})],",
            f") -> {entity}Service:",
            f'    """The {plan.human} use cases on the request\'s session."""',
            f"    return {entity}Service(session)",
        ]
    tags = ", ".join(f'"{tag}"' for tag in plan.tags)
    dep = f"{entity}ServiceDep"
    read = f"{entity}Read"
    missing = [
        f"    except {error} as exc:",
        "        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from exc",
    ]
    body = [
        f'router = APIRouter(prefix="{plan.prefix}", tags=[{tags}])',
        "",
        "",
        *provider,
        "",
        "",
        f"{dep} = Annotated[{entity}Service, Depends(get_{var}_service)]",
        "",
        "",
        f'@router.get("/", response_model=list[{read}])',
        f"async def list_{name}(",
        f"    service: {dep},",
        "    offset: Annotated[int, Query(ge=0)] = 0,",
        "    limit: Annotated[int, Query(ge=1, le=100)] = 50,",
        f") -> list[{read}]:",
        "    found = await service.list(offset=offset, limit=limit)",
        f"    return [{read}.model_validate(item) for item in found]",
        "",
        "",
        f'@router.post("/", response_model={read}, status_code=status.HTTP_201_CREATED)',
        f"async def create_{var}(data: {entity}Create, service: {dep}) -> {read}:",
        f"    return {read}.model_validate(await service.create(data))",
        "",
        "",
        f'@router.get("/{{{var}_id}}", response_model={read})',
        f"async def get_{var}({var}_id: int, service: {dep}) -> {read}:",
        "    try:",
        f"        return {read}.model_validate(await service.get({var}_id))",
        *missing,
        "",
        "",
        f'@router.patch("/{{{var}_id}}", response_model={read})',
        f"async def update_{var}({var}_id: int, data: {entity}Update, service: {dep}) -> {read}:",
        "    try:",
        f"        return {read}.model_validate(await service.update({var}_id, data))",
        *missing,
        "",
        "",
        f'@router.delete("/{{{var}_id}}", status_code=status.HTTP_204_NO_CONTENT)',
        f"async def delete_{var}({var}_id: int, service: {dep}) -> None:",
        "    try:",
        f"        await service.delete({var}_id)",
        *missing,
    ]
    return _file(f"HTTP routes of {name.replace('_', ' ')}.", imports, body)


def package_init(plan: Plan) -> str:
    return f'"""{camel(plan.name).replace("_", " ")}: the {plan.name.replace("_", " ")} feature module."""\n'


def placeholder(plan: Plan, file_name: str) -> str:
    """A required file this generator has no template for."""
    return f'"""{file_name[: -len(".py")].replace("_", " ").capitalize()} of {plan.name}."""\n'


RENDERERS = {
    "models": models,
    "schemas": schemas,
    "repository": repository,
    "service": service,
    "router": router,
}
