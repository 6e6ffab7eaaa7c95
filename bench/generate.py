"""Generate a deterministic, realistic synthetic cpv3 backend for benchmarks and smoke tests.

Why a generator rather than a checked-in corpus: the checker must be measured on trees of 100 and
1,000 modules, and a real backend of that size cannot be published. Copies of one module would be
unrealistic (every file identical, so caches and parsers behave unlike on real code), so each module
gets its own nouns, fields, method sets and cross-module edges, drawn from a seeded
``random.Random``. The same arguments always produce byte-identical trees, so figures from two runs
or two machines compare like for like.

Usage::

    python bench/generate.py OUT_DIR --modules 100 [--violations 0.1] [--seed 0] [--pydantic-v1 0.0]

``--violations F`` seeds layering, dependency-injection and structure violations into a fraction F
of the modules; ``--pydantic-v1 F`` writes Pydantic v1 idioms into a fraction F of the schema files
(and the matching services). The generated code is never executed: it only has to be valid Python
that reads like a real FastAPI + SQLAlchemy 2.0 async + Pydantic v2 project.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

LINE_LIMIT = 100
"""Generated lines are wrapped below this width so the corpus looks like formatted code."""

VIOLATION_KINDS: Tuple[str, ...] = (
    "router-imports-repository",
    "service-raises-http-exception",
    "depends-default",
    "extra-utils-file",
    "missing-schemas-file",
)
"""Violations seeded by ``--violations``, assigned round-robin so every kind appears."""


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

NOUNS: Tuple[Tuple[str, str], ...] = (
    ("invoice", "invoices"),
    ("customer", "customers"),
    ("order", "orders"),
    ("shipment", "shipments"),
    ("product", "products"),
    ("supplier", "suppliers"),
    ("warehouse", "warehouses"),
    ("payment", "payments"),
    ("refund", "refunds"),
    ("coupon", "coupons"),
    ("campaign", "campaigns"),
    ("ticket", "tickets"),
    ("project", "projects"),
    ("task", "tasks"),
    ("document", "documents"),
    ("contract", "contracts"),
    ("employee", "employees"),
    ("team", "teams"),
    ("meeting", "meetings"),
    ("report", "reports"),
    ("budget", "budgets"),
    ("asset", "assets"),
    ("vehicle", "vehicles"),
    ("device", "devices"),
    ("sensor", "sensors"),
    ("alert", "alerts"),
    ("subscription", "subscriptions"),
    ("plan", "plans"),
    ("article", "articles"),
    ("review", "reviews"),
    ("course", "courses"),
    ("lesson", "lessons"),
    ("student", "students"),
    ("booking", "bookings"),
    ("room", "rooms"),
    ("venue", "venues"),
    ("recipe", "recipes"),
    ("ingredient", "ingredients"),
    ("patient", "patients"),
    ("appointment", "appointments"),
    ("prescription", "prescriptions"),
    ("policy", "policies"),
    ("claim", "claims"),
    ("account", "accounts"),
    ("transfer", "transfers"),
    ("ledger", "ledgers"),
    ("portfolio", "portfolios"),
    ("lead", "leads"),
    ("deal", "deals"),
    ("survey", "surveys"),
    ("playlist", "playlists"),
    ("album", "albums"),
    ("listing", "listings"),
    ("tenant", "tenants"),
    ("license", "licenses"),
    ("release", "releases"),
    ("incident", "incidents"),
    ("webhook", "webhooks"),
    ("batch", "batches"),
    ("voucher", "vouchers"),
)

QUALIFIERS: Tuple[str, ...] = (
    "vendor",
    "partner",
    "internal",
    "regional",
    "seasonal",
    "legacy",
    "premium",
    "shared",
    "external",
    "scheduled",
    "pending",
    "global",
    "local",
    "public",
    "private",
    "custom",
    "mobile",
    "archived",
    "draft",
    "field",
)

STATUS_SETS: Tuple[Tuple[str, ...], ...] = (
    ("draft", "active", "archived"),
    ("pending", "approved", "rejected"),
    ("open", "in_progress", "closed"),
    ("new", "confirmed", "cancelled", "completed"),
    ("planned", "running", "paused", "finished"),
)


@dataclass(frozen=True)
class FieldSpec:
    """One column/field pair; kept as data so models, schemas and examples stay consistent."""

    name: str
    py: str
    column: str
    nullable: bool
    constraints: str
    pattern: str
    description: str
    example: str
    default: str = ""
    text: bool = False
    lookup: bool = False


def _f(
    name: str,
    py: str,
    column: str,
    nullable: bool,
    constraints: str,
    pattern: str,
    description: str,
    example: str,
    default: str = "",
    text: bool = False,
    lookup: bool = False,
) -> FieldSpec:
    """Positional shorthand that keeps the field tables below readable."""
    return FieldSpec(
        name,
        py,
        column,
        nullable,
        constraints,
        pattern,
        description,
        example,
        default,
        text,
        lookup,
    )


FIELDS: Tuple[FieldSpec, ...] = (
    _f("title", "str", "String(200)", False, "min_length=1, max_length=200", "",
       "Short human readable title.", '"Quarterly summary"', text=True),
    _f("name", "str", "String(120)", False, "min_length=1, max_length=120", "",
       "Display name shown in lists.", '"Northwind"', text=True),
    _f("label", "str", "String(80)", False, "min_length=1, max_length=80", "",
       "Compact label for badges.", '"Q3"', text=True),
    _f("code", "str", "String(32)", False, "", r"^[A-Z0-9-]{3,32}$",
       "Stable business identifier.", '"AB-1024"', lookup=True),
    _f("slug", "str", "String(80)", False, "", r"^[a-z0-9-]{2,80}$",
       "URL-safe identifier.", '"spring-sale"', lookup=True),
    _f("reference", "str", "String(64)", False, "min_length=4, max_length=64", "",
       "Reference used by external systems.", '"REF-2024-001"', lookup=True),
    _f("email", "str", "String(320)", False, "max_length=320", r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$",
       "Contact address for notifications.", '"ops@example.com"', lookup=True),
    _f("description", "str", "Text", True, "max_length=5000", "",
       "Free text shown on detail pages.", '"Created by the nightly import."', text=True),
    _f("remarks", "str", "Text", True, "max_length=2000", "",
       "Internal remarks, never shown to customers.", '"Checked by finance."'),
    _f("amount", "Decimal", "Numeric(12, 2)", False, "ge=0, max_digits=12, decimal_places=2", "",
       "Monetary amount in ``currency``.", '"129.90"'),
    _f("currency", "str", "String(3)", False, "", r"^[A-Z]{3}$",
       "ISO 4217 currency code.", '"EUR"'),
    _f("quantity", "int", "Integer", False, "ge=0", "",
       "Units on hand.", "12", default="0"),
    _f("priority", "int", "SmallInteger", False, "ge=0, le=10", "",
       "Higher values are handled first.", "3", default="0"),
    _f("is_active", "bool", "Boolean", False, "", "",
       "Inactive rows stay for history but are hidden from lists.", "True", default="True"),
    _f("is_public", "bool", "Boolean", False, "", "",
       "Whether anonymous users may see it.", "False", default="False"),
    _f("due_date", "date", "Date", True, "", "",
       "Date by which it must be done.", '"2024-06-30"'),
    _f("starts_at", "datetime", "DateTime(timezone=True)", True, "", "",
       "Start of the validity window (UTC).", '"2024-05-01T09:00:00Z"'),
    _f("ends_at", "datetime", "DateTime(timezone=True)", True, "", "",
       "End of the validity window (UTC).", '"2024-05-31T18:00:00Z"'),
    _f("weight_kg", "float", "Float", True, "ge=0", "",
       "Gross weight in kilograms.", "2.5"),
    _f("score", "float", "Float", False, "ge=0, le=100", "",
       "Quality score between 0 and 100.", "87.5", default="0.0"),
    _f("country_code", "str", "String(2)", True, "", r"^[A-Z]{2}$",
       "ISO 3166-1 alpha-2 country.", '"DE"'),
    _f("external_url", "str", "String(2048)", True, "max_length=2048", "",
       "Link to the record in the source system.", '"https://example.com/r/42"'),
    _f("position", "int", "Integer", False, "ge=0", "",
       "Manual sort order.", "1", default="0"),
    _f("capacity", "int", "Integer", True, "ge=1", "",
       "Maximum number of participants.", "40"),
    _f("phone", "str", "String(32)", True, "", r"^\+?[0-9 ()-]{6,32}$",
       "Phone number in international format.", '"+49 30 1234567"'),
)  # fmt: skip

CHILD_KINDS: Tuple[Tuple[str, str, Tuple[FieldSpec, ...]], ...] = (
    ("line", "lines", (
        _f("description", "str", "String(200)", False, "min_length=1, max_length=200", "",
           "What the line is for.", '"Consulting"', text=True),
        _f("quantity", "int", "Integer", False, "ge=1", "", "Number of units.", "2", default="1"),
        _f("unit_price", "Decimal", "Numeric(12, 2)", False, "ge=0", "",
           "Price per unit.", '"49.50"'),
    )),
    ("note", "notes", (
        _f("body", "str", "Text", False, "min_length=1, max_length=4000", "",
           "Note text (Markdown).", '"Called the customer."', text=True),
        _f("author", "str", "String(120)", False, "min_length=1, max_length=120", "",
           "Who wrote the note.", '"j.doe"'),
    )),
    ("attachment", "attachments", (
        _f("filename", "str", "String(255)", False, "min_length=1, max_length=255", "",
           "Original file name.", '"scan.pdf"', text=True),
        _f("content_type", "str", "String(100)", False, "max_length=100", "",
           "MIME type reported by the client.", '"application/pdf"'),
        _f("size_bytes", "int", "Integer", False, "ge=0", "", "Size in bytes.", "52311"),
    )),
    ("change", "changes", (
        _f("field_name", "str", "String(64)", False, "min_length=1, max_length=64", "",
           "Which field changed.", '"status"', text=True),
        _f("old_value", "str", "Text", True, "", "", "Value before the change.", '"draft"'),
        _f("new_value", "str", "Text", True, "", "", "Value after the change.", '"active"'),
    )),
    ("assignment", "assignments", (
        _f("assignee_email", "str", "String(320)", False, "max_length=320",
           r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", "Who is assigned.", '"a.smith@example.com"',
           text=True),
        _f("role", "str", "String(40)", False, "min_length=1, max_length=40", "",
           "Role of the assignee.", '"reviewer"'),
    )),
    ("tag", "tags", (
        _f("label", "str", "String(40)", False, "min_length=1, max_length=40", "",
           "Tag text.", '"urgent"', text=True),
        _f("color", "str", "String(7)", False, "", r"^#[0-9a-f]{6}$",
           "Display colour.", '"#ff8800"'),
    )),
    ("comment", "comments", (
        _f("body", "str", "Text", False, "min_length=1, max_length=4000", "",
           "Comment text.", '"Looks good to me."', text=True),
        _f("author_name", "str", "String(120)", False, "min_length=1, max_length=120", "",
           "Display name of the author.", '"Ada"'),
    )),
    ("reminder", "reminders", (
        _f("message", "str", "String(500)", False, "min_length=1, max_length=500", "",
           "Reminder text.", '"Renew before expiry."', text=True),
        _f("remind_at", "datetime", "DateTime(timezone=True)", False, "", "",
           "When to send the reminder (UTC).", '"2024-06-01T08:00:00Z"'),
    )),
)  # fmt: skip

FEATURES: Tuple[Tuple[str, int], ...] = (
    ("lookup", 1),
    ("search", 1),
    ("children", 2),
    ("status", 1),
    ("exists", 1),
)
"""Optional capabilities and how many repository methods each adds (on top of the five basics)."""


# --------------------------------------------------------------------------------------------
# Module specifications
# --------------------------------------------------------------------------------------------


def camel(snake: str) -> str:
    """``vendor_invoice`` -> ``VendorInvoice``."""
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


@dataclass
class Edge:
    """A dependency on an earlier module (earlier only, so the module graph stays acyclic)."""

    target: ModuleSpec
    relationship: bool
    service: bool
    schema: bool


@dataclass
class ModuleSpec:
    """Everything that varies between modules, drawn once so all six files agree."""

    index: int
    name: str
    entity: str
    plural: str
    child_kind: str
    child_plural: str
    child_fields: Tuple[FieldSpec, ...]
    fields: Tuple[FieldSpec, ...]
    lookup: FieldSpec
    search_field: FieldSpec
    statuses: Tuple[str, ...]
    features: Tuple[str, ...]
    pipe_optional: bool
    relative_imports: bool
    session_dep_alias: bool
    get_via_session_get: bool
    list_name: str
    add_name: str
    edge: Optional[Edge] = None
    violation: Optional[str] = None
    pydantic_v1: bool = False
    depends_default_routes: Tuple[str, ...] = field(default_factory=tuple)

    # Derived names -----------------------------------------------------------------------
    @property
    def package(self) -> str:
        return f"cpv3.modules.{self.name}"

    @property
    def cls(self) -> str:
        return camel(self.entity)

    @property
    def child(self) -> str:
        return f"{self.entity}_{self.child_kind}"

    @property
    def child_cls(self) -> str:
        return camel(self.child)

    @property
    def status_cls(self) -> str:
        return f"{self.cls}Status"

    @property
    def human(self) -> str:
        return self.entity.replace("_", " ")

    @property
    def human_plural(self) -> str:
        return self.plural.replace("_", " ")

    @property
    def id_param(self) -> str:
        return f"{self.entity}_id"

    @property
    def table(self) -> str:
        return self.name

    @property
    def service_cls(self) -> str:
        return f"{self.cls}Service"

    @property
    def repo_cls(self) -> str:
        return f"{self.cls}Repository"

    @property
    def has_schemas_file(self) -> bool:
        return self.violation != "missing-schemas-file"

    def has(self, feature: str) -> bool:
        return feature in self.features

    def opt(self, annotation: str) -> str:
        """Spell an optional type the way this module's authors do."""
        return f"{annotation} | None" if self.pipe_optional else f"Optional[{annotation}]"

    def imp(self, submodule: str) -> str:
        """Import path of a sibling file: relative or absolute, as the module's authors prefer."""
        return f".{submodule}" if self.relative_imports else f"{self.package}.{submodule}"


def entity_names(index: int, order: Sequence[int]) -> Tuple[str, str]:
    """Unique (entity, plural) for the index-th module: bare nouns first, then qualified ones."""
    noun, plural = NOUNS[order[index % len(NOUNS)]]
    cycle = index // len(NOUNS)
    if cycle == 0:
        return noun, plural
    qualifier = QUALIFIERS[(cycle - 1) % len(QUALIFIERS)]
    suffix = "" if cycle <= len(QUALIFIERS) else str((cycle - 1) // len(QUALIFIERS) + 1)
    return f"{qualifier}_{noun}{suffix}", f"{qualifier}_{plural}{suffix}"


def build_specs(modules: int, violations: float, seed: int, pydantic_v1: float) -> List[ModuleSpec]:
    """Draw every module's specification; separate random streams keep choices independent."""
    order_rng = random.Random(f"{seed}:nouns")
    order = list(range(len(NOUNS)))
    order_rng.shuffle(order)
    width = max(4, len(str(modules)))
    specs: List[ModuleSpec] = []
    for index in range(modules):
        rng = random.Random(f"{seed}:module:{index}")
        entity, plural = entity_names(index, order)
        noun = entity.rsplit("_", 1)[-1]
        kinds = [kind for kind in CHILD_KINDS if kind[0] != noun]
        child_kind, child_plural, child_fields = rng.choice(kinds)
        lookups = [spec for spec in FIELDS if spec.lookup]
        texts = [spec for spec in FIELDS if spec.text and not spec.nullable]
        lookup = rng.choice(lookups)
        search_field = rng.choice(texts)
        others = [spec for spec in FIELDS if spec not in (lookup, search_field) and not spec.lookup]
        extra = rng.sample(others, rng.randint(4, 7))
        chosen = [lookup, search_field, *extra]
        fields = tuple(spec for spec in FIELDS if spec in chosen)  # stable, pool order
        target_methods = rng.randint(6, 8)
        feature_pool = list(FEATURES)
        rng.shuffle(feature_pool)
        features: List[str] = []
        total = 5
        for name, cost in feature_pool:
            if total + cost <= target_methods:
                features.append(name)
                total += cost
        spec = ModuleSpec(
            index=index,
            name=f"m{index + 1:0{width}d}_{entity}",
            entity=entity,
            plural=plural,
            child_kind=child_kind,
            child_plural=child_plural,
            child_fields=child_fields,
            fields=fields,
            lookup=lookup,
            search_field=search_field,
            statuses=rng.choice(STATUS_SETS),
            features=tuple(name for name, _ in FEATURES if name in features),
            pipe_optional=rng.random() < 0.3,
            relative_imports=rng.random() < 0.4,
            session_dep_alias=rng.random() < 0.8,
            get_via_session_get=rng.random() < 0.5,
            list_name=rng.choice(("list", "list_page", "find_all")),
            add_name=rng.choice(("add", "save")),
        )
        if index > 0 and rng.random() < 0.4:
            low = max(0, index - 25)
            target = specs[rng.randint(low, index - 1)]
            relationship = rng.random() < 0.6
            service = rng.random() < 0.7 or not relationship
            schema = relationship and rng.random() < 0.5
            spec.edge = Edge(target, relationship, service, schema)
        specs.append(spec)

    picker = random.Random(f"{seed}:violations")
    count = min(modules, round(violations * modules))
    for position, index in enumerate(picker.sample(range(modules), count)):
        specs[index].violation = VIOLATION_KINDS[position % len(VIOLATION_KINDS)]
    for spec in specs:
        if spec.violation == "depends-default":
            spec.depends_default_routes = ("get", "create")
    picker = random.Random(f"{seed}:pydantic-v1")
    count = min(modules, round(pydantic_v1 * modules))
    for index in picker.sample(range(modules), count):
        specs[index].pydantic_v1 = True
    # A module without schemas.py cannot be the schema target of another module.
    for spec in specs:
        if spec.edge is not None and spec.edge.schema and not spec.edge.target.has_schemas_file:
            spec.edge.schema = False
    return specs


# --------------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------------


def call(head: str, args: Sequence[str], tail: str = "", brackets: str = "()") -> List[str]:
    """Render ``head(args)tail`` on one line, or wrapped the way ruff format would wrap it.

    ``head`` carries its own indentation; continuation lines are indented relative to it.
    """
    indent = head[: len(head) - len(head.lstrip())]
    opening, closing = brackets[0], brackets[1]
    one = f"{head}{opening}{', '.join(args)}{closing}{tail}"
    if len(one) <= LINE_LIMIT:
        return [one]
    middle = f"{indent}    {', '.join(args)}"
    if len(middle) <= LINE_LIMIT:
        return [f"{head}{opening}", middle, f"{indent}{closing}{tail}"]
    items = [f"{indent}    {arg}," for arg in args]
    return [f"{head}{opening}", *items, f"{indent}{closing}{tail}"]


def article(word: str) -> str:
    """``a booking`` / ``an assignment``: generated prose should read naturally."""
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def import_order(name: str) -> Tuple[int, str]:
    """isort/ruff ``order-by-type``: CONSTANTS, then Classes, then functions and variables."""
    if name.isupper() and len(name) > 1:
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


def from_import(module: str, names: Sequence[str]) -> List[str]:
    """Render a sorted ``from module import ...`` statement, parenthesised when long."""
    unique = sorted(set(names), key=import_order)
    line = f"from {module} import {', '.join(unique)}"
    if len(line) <= LINE_LIMIT:
        return [line]
    return [f"from {module} import (", *(f"    {name}," for name in unique), ")"]


def import_block(
    future: bool, stdlib: Dict[str, List[str]], third: Dict[str, List[str]], first: List[List[str]]
) -> List[str]:
    """Assemble isort-style sections: __future__, stdlib, third-party, first-party."""
    lines: List[str] = []
    if future:
        lines += ["from __future__ import annotations", ""]
    for group in (stdlib, third):
        plain = sorted(module for module, names in group.items() if not names)
        froms = sorted(module for module, names in group.items() if names)
        section = [f"import {module}" for module in plain]
        for module in froms:
            section += from_import(module, group[module])
        if section:
            lines += [*section, ""]
    absolute = [statement for statement in first if not statement[0].startswith("from .")]
    relative = [statement for statement in first if statement[0].startswith("from .")]
    for statements in (absolute, relative):  # relative imports form their own isort section
        if statements:
            for statement in sorted(statements):
                lines += statement
            lines.append("")
    return lines


def assemble(header: List[str], imports: List[str], body: List[str]) -> List[str]:
    """Docstring, imports, body; two blank lines before a class or def, one otherwise (isort)."""
    gap = [""] if body and body[0].startswith(("class ", "def ", "async def ", "@")) else []
    return [*header, "", *imports, *gap, *body]


def docstring(summary: str, body: Sequence[str] = (), indent: str = "") -> List[str]:
    """A PEP 257 docstring; the body is given as pre-wrapped lines."""
    if not body:
        return [f'{indent}"""{summary}"""']
    lines = [f'{indent}"""{summary}', ""]
    lines += [f"{indent}{line}" if line else "" for line in body]
    lines.append(f'{indent}"""')
    return lines


def field_type_imports(specs: Sequence[FieldSpec]) -> Dict[str, List[str]]:
    """Stdlib imports needed by the Python types of the given fields."""
    stdlib: Dict[str, List[str]] = {}
    for spec in specs:
        if spec.py in ("date", "datetime"):
            stdlib.setdefault("datetime", []).append(spec.py)
        elif spec.py == "Decimal":
            stdlib.setdefault("decimal", []).append("Decimal")
    return stdlib


def used(body: str, name: str) -> bool:
    """Whether ``name`` is referenced as a bare identifier, to keep imports exact."""
    return re.search(rf"(?<![.\w]){re.escape(name)}\b", body) is not None


# --------------------------------------------------------------------------------------------
# File renderers
# --------------------------------------------------------------------------------------------


def render_init(spec: ModuleSpec) -> str:
    """Package docstring only: real modules rarely put code in __init__.py."""
    c = spec
    lines = docstring(
        f"{spec.human_plural.capitalize()} feature module.",
        [
            "Layout follows the cpv3 convention: ``router`` exposes HTTP routes, ``service``",
            f"holds the use cases of {spec.human_plural}, ``repository`` is the only place that",
            "builds SQL, ``models`` maps the tables and ``schemas`` defines the HTTP contract.",
            "",
            "Other modules may use this module's service and schemas (and its models, for",
            "relationships); the repository and the router are private to the module.",
            "",
            f"Public API: ``{c.service_cls}`` (service), ``{c.cls}Read`` and the other",
            f"schemas, ``{c.cls}`` (models, for foreign keys and relationships).",
        ],
    )
    return "\n".join(lines) + "\n"


def orm_column(spec: ModuleSpec, column: FieldSpec, unique: bool) -> List[str]:
    """One ``Mapped[...] = mapped_column(...)`` declaration."""
    annotation = spec.opt(column.py) if column.nullable else column.py
    args = [column.column]
    if unique:
        args += ["unique=True", "index=True"]
    if column.default:
        args.append(f"default={column.default}")
    args.append(f'comment="{column.description}"')  # lands in the DDL, for DBAs
    return call(f"    {column.name}: Mapped[{annotation}] = mapped_column", args)


def render_models(spec: ModuleSpec) -> str:
    """Two ORM classes (root and child) plus a status enum, in SQLAlchemy 2.0 typed style."""
    c = spec
    edge = c.edge
    body: List[str] = []
    body += [f"class {c.status_cls}(str, enum.Enum):"]
    body += docstring(
        f"Lifecycle of {article(c.human)}.",
        ["Stored by value, so renaming a member never rewrites existing rows."],
        "    ",
    )
    body.append("")
    for status in c.statuses:
        body.append(f'    {status.upper()} = "{status}"')
    body += ["", ""]
    body.append(f"class {c.cls}(Base):")
    body += docstring(
        f"{article(c.human).capitalize()}, the aggregate root of this module.",
        [
            f"Each {c.human} owns its {c.child_plural.replace('_', ' ')}; deleting the {c.human}",
            "deletes them too. Columns mirror the public schema closely, computed values",
            "belong in the service.",
        ],
        "    ",
    )
    body += ["", f'    __tablename__ = "{c.table}"']
    table_args = [f'Index("ix_{c.table}_status_created", "status", "created_at")']
    for column in c.fields:
        if column.constraints.startswith("ge=") and column.py in ("int", "Decimal", "float"):
            check = f"{column.name} >= 0"
            table_args.append(f'CheckConstraint("{check}", name="ck_{c.table}_{column.name}")')
    body += ["    __table_args__ = ("] + [f"        {arg}," for arg in table_args] + ["    )", ""]
    body.append("    id: Mapped[int] = mapped_column(primary_key=True)")
    for column in c.fields:
        body += orm_column(c, column, column is c.lookup)
    body += call(
        f"    status: Mapped[{c.status_cls}] = mapped_column",
        [
            f'Enum({c.status_cls}, name="{c.table}_status")',
            f"default={c.status_cls}.{c.statuses[0].upper()}",
            "index=True",
        ],
    )
    if edge is not None:
        target = edge.target
        body += call(
            f"    {target.entity}_id: Mapped[{c.opt('int')}] = mapped_column",
            [f'ForeignKey("{target.table}.id", ondelete="SET NULL")', "index=True"],
        )
    body += call(
        "    created_at: Mapped[datetime] = mapped_column",
        ["DateTime(timezone=True)", "server_default=func.now()"],
    )
    body += call(
        "    updated_at: Mapped[datetime] = mapped_column",
        ["DateTime(timezone=True)", "server_default=func.now()", "onupdate=func.now()"],
    )
    body.append("")
    body += call(
        f"    {c.child_plural}: Mapped[list[{c.child_cls}]] = relationship",
        [
            f'back_populates="{c.entity}"',
            'cascade="all, delete-orphan"',
            f'order_by="{c.child_cls}.id"',
        ],
    )
    if edge is not None and edge.relationship:
        body += call(
            f"    {edge.target.entity}: Mapped[{c.opt(edge.target.cls)}] = relationship",
            ['lazy="joined"'],
        )
    body += ["", "    @property", "    def is_closed(self) -> bool:"]
    body += docstring(
        f"Whether the {c.human} reached its final status.",
        ["Closed rows are kept for reporting but services refuse to change them."],
        "        ",
    )
    body += [f"        return self.status is {c.status_cls}.{c.statuses[-1].upper()}"]
    body += ["", "    def __repr__(self) -> str:"]
    body.append(
        f'        return f"{c.cls}(id={{self.id!r}}, {c.lookup.name}={{self.{c.lookup.name}!r}})"'
    )
    body += ["", ""]
    body.append(f"class {c.child_cls}(Base):")
    body += docstring(
        f"{article(c.child_kind.replace('_', ' ')).capitalize()} of {article(c.human)}.",
        [f"Rows only exist inside their {c.human}, hence the cascading foreign key."],
        "    ",
    )
    body += ["", f'    __tablename__ = "{c.table}_{c.child_kind}"']
    body += ["    __table_args__ = ("]
    body += call(
        "        Index",
        [f'"ix_{c.table}_{c.child_kind}_parent"', f'"{c.id_param}"', '"created_at"'],
        ",",
    )
    body += ["    )", ""]
    body.append("    id: Mapped[int] = mapped_column(primary_key=True)")
    body += call(
        f"    {c.id_param}: Mapped[int] = mapped_column",
        [f'ForeignKey("{c.table}.id", ondelete="CASCADE")', "index=True"],
    )
    for column in c.child_fields:
        body += orm_column(c, column, False)
    body += call(
        "    created_at: Mapped[datetime] = mapped_column",
        ["DateTime(timezone=True)", "server_default=func.now()"],
    )
    body.append("")
    body += call(
        f"    {c.entity}: Mapped[{c.cls}] = relationship", [f'back_populates="{c.child_plural}"']
    )
    text = "\n".join(body)

    stdlib = field_type_imports([*c.fields, *c.child_fields])
    stdlib.setdefault("datetime", []).append("datetime")
    stdlib["enum"] = []
    if used(text, "Optional"):
        stdlib["typing"] = ["Optional"]
    sa_names = [
        name
        for name in (
            "BigInteger", "Boolean", "CheckConstraint", "Date", "DateTime", "Enum", "Float",
            "ForeignKey", "Index", "Integer", "Numeric", "SmallInteger", "String", "Text", "func",
        )
        if used(text, name)
    ]  # fmt: skip
    third = {"sqlalchemy": sa_names, "sqlalchemy.orm": ["Mapped", "mapped_column", "relationship"]}
    first = [["from cpv3.core.db import Base"]]
    if edge is not None and edge.relationship:
        first.append(from_import(f"{edge.target.package}.models", [edge.target.cls]))
    header = docstring(
        f"SQLAlchemy models of the {c.human} module.",
        [
            "The tables live in the shared metadata of :class:`cpv3.core.db.Base`, so Alembic",
            "autogeneration sees them without a registration step. Models hold no behaviour",
            "beyond ``__repr__``: business rules belong in the service.",
        ],
    )
    lines = assemble(header, import_block(True, stdlib, third, first), body)
    return "\n".join(lines) + "\n"


def schema_field(
    spec: ModuleSpec, column: FieldSpec, *, partial: bool, read: bool, examples: bool = True
) -> List[str]:
    """One schema field, spelled for Pydantic v2 or, in v1 modules, with v1 keyword names."""
    if read:
        if column.nullable:
            return [f"    {column.name}: {spec.opt(column.py)} = None"]
        return [f"    {column.name}: {column.py}"]
    kwargs: List[str] = []
    optional = partial or column.nullable
    if optional:
        kwargs.append("default=None")
    elif column.default:
        kwargs.append(f"default={column.default}")
    if column.constraints:
        kwargs += column.constraints.split(", ")
    if column.pattern:
        key = "regex" if spec.pydantic_v1 else "pattern"
        kwargs.append(f'{key}=r"{column.pattern}"')
    if examples:
        kwargs.append(f'description="{column.description}"')
        if spec.pydantic_v1:
            kwargs.append(f"example={column.example}")
        else:
            kwargs.append(f"examples=[{column.example}]")
    annotation = spec.opt(column.py) if optional else column.py
    return call(f"    {column.name}: {annotation} = Field", kwargs)


def validator_lines(spec: ModuleSpec, column: FieldSpec) -> List[str]:
    """A whitespace-normalising validator: v2 ``field_validator`` or v1 ``validator``."""
    lines = [""]
    if spec.pydantic_v1:
        lines += [f'    @validator("{column.name}")']
    else:
        lines += [f'    @field_validator("{column.name}")', "    @classmethod"]
    lines += [f"    def _normalise_{column.name}(cls, value: str) -> str:"]
    lines += docstring(
        "Trim surrounding whitespace.",
        ["Uniqueness checks and search compare what users see, not what they typed."],
        "        ",
    )
    lines += ["        value = value.strip()", "        if not value:"]
    lines += [f'            raise ValueError("{column.name} must not be blank")']
    lines += ["        return value"]
    return lines


def render_schemas(spec: ModuleSpec) -> str:
    """Create / Update / Read / child schemas (and a page) deriving from the project base."""
    c = spec
    v1 = c.pydantic_v1
    edge = c.edge
    body: List[str] = []
    if c.has("children"):
        body.append(f"class {c.child_cls}Create(Schema):")
        body += docstring(
            f"Payload to add {article(c.child_kind)} to {article(c.human)}.", (), "    "
        )
        body.append("")
        for column in c.child_fields:
            body += schema_field(c, column, partial=False, read=False)
        body += ["", ""]
    body.append(f"class {c.child_cls}Read(Schema):")
    body += docstring(
        f"{article(c.child_kind).capitalize()} as returned by the API.",
        [f"Also embedded in ``{c.cls}Read``, so keep it small."],
        "    ",
    )
    body += ["", "    id: int", f"    {c.id_param}: int"]
    for column in c.child_fields:
        body += schema_field(c, column, partial=False, read=True)
    body += ["    created_at: datetime", "", ""]

    # Create -----------------------------------------------------------------------------
    body.append(f"class {c.cls}Create(Schema):")
    body += docstring(
        f"Payload to create {article(c.human)}.",
        [
            "Only client-controlled fields appear here; ids, status and timestamps are",
            "assigned by the server.",
        ],
        "    ",
    )
    body.append("")
    example = [f'"{col.name}": {col.example}' for col in c.fields if not col.nullable]
    if v1:
        body += ["    class Config:", "        schema_extra = {", '            "examples": [']
        body += ["                {"] + [f"                    {item}," for item in example]
        body += ["                }", "            ]", "        }", ""]
    else:
        body += ["    model_config = ConfigDict(", "        json_schema_extra={"]
        body += ['            "examples": [', "                {"]
        body += [f"                    {item}," for item in example]
        body += ["                }", "            ]", "        }", "    )", ""]
    for column in c.fields:
        body += schema_field(c, column, partial=False, read=False)
    if edge is not None:
        body += call(
            f"    {edge.target.entity}_id: {c.opt('int')} = Field",
            [
                "default=None",
                "ge=1",
                f'description="Link to {article(edge.target.human)}, if any."',
            ],
        )
    if c.has("children"):
        limit = "min_items=0, max_items=50" if v1 else "max_length=50"
        body += call(
            f"    {c.child_plural}: list[{c.child_cls}Create] = Field",
            ["default_factory=list", *limit.split(", ")],
        )
    body += validator_lines(c, c.search_field)
    names = [column.name for column in c.fields]
    window = "starts_at" in names and "ends_at" in names
    if window:
        body.append("")
        if v1:
            body += ["    @root_validator(skip_on_failure=True)"]
            body += ["    def _check_window(cls, values: dict) -> dict:"]
        else:
            body += ['    @model_validator(mode="after")']
            body += [f"    def _check_window(self) -> {c.cls}Create:"]
        body += docstring(
            "Reject windows that end before they start.",
            ["The database would store them; every report downstream would then be wrong."],
            "        ",
        )
        if v1:
            body += ['        starts_at, ends_at = values.get("starts_at"), values.get("ends_at")']
            body += ["        if starts_at and ends_at and ends_at < starts_at:"]
            body += ['            raise ValueError("ends_at must not be before starts_at")']
            body += ["        return values"]
        else:
            body += [
                "        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:"
            ]
            body += ['            raise ValueError("ends_at must not be before starts_at")']
            body += ["        return self"]
    body += ["", ""]

    # Update -----------------------------------------------------------------------------
    body.append(f"class {c.cls}Update(Schema):")
    body += docstring(
        f"Partial update of {article(c.human)}.",
        ["Unset fields keep their stored value: services apply ``exclude_unset`` dumps."],
        "    ",
    )
    body.append("")
    if v1:
        body += [
            "    class Config:",
            '        extra = "forbid"  # a typo must not be a silent no-op',
        ]
    else:
        body += [
            '    model_config = ConfigDict(extra="forbid")  # a typo must not be a silent no-op'
        ]
    body.append("")
    for column in c.fields:
        if column is c.lookup:
            continue
        body += schema_field(c, column, partial=True, read=False, examples=False)
    if not c.has("status"):
        body.append(f"    status: {c.opt(c.status_cls)} = None")
    body += ["", ""]

    # Read -------------------------------------------------------------------------------
    body.append(f"class {c.cls}Read(Schema):")
    body += docstring(
        f"{article(c.human).capitalize()} as returned by the API.",
        ["Built from ORM objects (``from_attributes``), so field names follow the columns."],
        "    ",
    )
    body.append("")
    if v1:
        body += ["    class Config:", "        orm_mode = True", ""]
    body.append("    id: int")
    for column in c.fields:
        body += schema_field(c, column, partial=False, read=True)
    body.append(f"    status: {c.status_cls}")
    if edge is not None:
        body.append(f"    {edge.target.entity}_id: {c.opt('int')} = None")
        if edge.schema:
            body.append(f"    {edge.target.entity}: {c.opt(edge.target.cls + 'Read')} = None")
    body += ["    created_at: datetime", "    updated_at: datetime"]
    body += call(f"    {c.child_plural}: list[{c.child_cls}Read] = Field", ["default_factory=list"])
    body += ["", ""]

    # Page -------------------------------------------------------------------------------
    body.append(f"class {c.cls}Page(Schema):")
    body += docstring(
        f"One page of {c.human_plural}.",
        ["Carries the total so clients can render pagination without a second request."],
        "    ",
    )
    body += [
        "",
        f"    items: list[{c.cls}Read]",
        "    total: int",
        "    offset: int",
        "    limit: int",
        "",
        "    @property",
        "    def has_more(self) -> bool:",
        '        """Whether another page follows; saves every client the same arithmetic."""',
        "        return self.offset + len(self.items) < self.total",
    ]
    if c.has("status"):
        body += ["", "", f"class {c.cls}StatusChange(Schema):"]
        body += docstring(f"Request to move {article(c.human)} to another status.", (), "    ")
        body += ["", f"    status: {c.status_cls}"]
        body += call(f"    reason: {c.opt('str')} = Field", ["default=None", "max_length=500"])
    text = "\n".join(body)

    stdlib = field_type_imports([*c.fields, *c.child_fields])
    stdlib.setdefault("datetime", []).append("datetime")
    if used(text, "Optional"):
        stdlib["typing"] = ["Optional"]
    pydantic = ["Field", "validator"] if v1 else ["ConfigDict", "Field", "field_validator"]
    if window:
        pydantic.append("root_validator" if v1 else "model_validator")
    third = {"pydantic": pydantic}
    first = [
        ["from cpv3.core.schemas import Schema"],
        from_import(c.imp("models"), [c.status_cls]),
    ]
    if edge is not None and edge.schema:
        first.append(from_import(f"{edge.target.package}.schemas", [edge.target.cls + "Read"]))
    header = docstring(
        f"Pydantic schemas of the {c.human} module.",
        [
            "These classes are the HTTP contract: routers accept and return them, services",
            "build them from ORM objects. They never import SQLAlchemy, so the contract stays",
            "independent of storage and can be shared with other modules.",
        ],
    )
    lines = assemble(header, import_block(True, stdlib, third, first), body)
    return "\n".join(lines) + "\n"


def render_repository(spec: ModuleSpec) -> str:
    """A repository class: the only place in the module that builds and runs SQL."""
    c = spec
    cls, child = c.cls, c.child_cls
    session = "self._session"
    m: List[List[str]] = []

    get = [f"    async def get(self, {c.id_param}: int) -> {c.opt(cls)}:"]
    get += docstring(
        f"Load one {c.human} with its {c.child_plural.replace('_', ' ')} eagerly.",
        ["Async sessions cannot lazy-load, so relationships the schema reads are loaded here."],
        "        ",
    )
    if c.get_via_session_get:
        get += call(
            f"        return await {session}.get",
            [cls, c.id_param, f"options=[selectinload({cls}.{c.child_plural})]"],
        )
    else:
        get += ["        stmt = ("]
        get += [f"            select({cls})", f"            .where({cls}.id == {c.id_param})"]
        get += [f"            .options(selectinload({cls}.{c.child_plural}))", "        )"]
        get += [f"        result = await {session}.execute(stmt)"]
        get += ["        return result.scalar_one_or_none()"]
    m.append(get)

    lst = call(
        f"    async def {c.list_name}",
        [
            "self",
            "*",
            "offset: int = 0",
            "limit: int = 50",
            f"status: {c.opt(c.status_cls)} = None",
        ],
        f" -> Sequence[{cls}]:",
    )
    lst += docstring(
        f"Return one page of {c.human_plural}, newest first.",
        ["The id tie-breaker keeps pages stable when timestamps collide."],
        "        ",
    )
    lst += ["        stmt = ("]
    lst += [
        f"            select({cls})",
        f"            .options(selectinload({cls}.{c.child_plural}))",
    ]
    lst += [f"            .order_by({cls}.created_at.desc(), {cls}.id.desc())"]
    lst += ["            .offset(offset)", "            .limit(limit)", "        )"]
    lst += [
        "        if status is not None:",
        f"            stmt = stmt.where({cls}.status == status)",
    ]
    lst += [f"        result = await {session}.scalars(stmt)", "        return result.all()"]
    m.append(lst)

    cnt = [f"    async def count(self, *, status: {c.opt(c.status_cls)} = None) -> int:"]
    cnt += docstring(
        f"Count {c.human_plural}, optionally in one status.",
        ["Same filters as the list query, so page totals always agree with the pages."],
        "        ",
    )
    cnt += [f"        stmt = select(func.count()).select_from({cls})"]
    cnt += [
        "        if status is not None:",
        f"            stmt = stmt.where({cls}.status == status)",
    ]
    cnt += [f"        result = await {session}.execute(stmt)", "        return result.scalar_one()"]
    m.append(cnt)

    add = [f"    async def {c.add_name}(self, entity: {cls}) -> {cls}:"]
    add += docstring(
        f"Stage a new or changed {c.human} and flush it to obtain its id.",
        ["Flushing, not committing: the service decides where the transaction ends."],
        "        ",
    )
    add += [
        f"        {session}.add(entity)",
        f"        await {session}.flush()",
        "        return entity",
    ]
    m.append(add)

    dele = [f"    async def delete(self, entity: {cls}) -> None:"]
    dele += docstring(
        f"Delete {article(c.human)}; its children go with it (ORM cascade).",
        ["The ORM delete (not a bulk DELETE) runs the cascade and keeps the identity map right."],
        "        ",
    )
    dele += [f"        await {session}.delete(entity)", f"        await {session}.flush()"]
    m.append(dele)

    look = c.lookup.name
    if c.has("lookup"):
        meth = [f"    async def get_by_{look}(self, {look}: str) -> {c.opt(cls)}:"]
        meth += docstring(
            f"Find {article(c.human)} by its unique {look.replace('_', ' ')}.",
            ["Backed by the unique index, so this is a single index lookup."],
            "        ",
        )
        meth += [f"        stmt = select({cls}).where({cls}.{look} == {look})"]
        meth += [f"        result = await {session}.scalars(stmt)", "        return result.first()"]
        m.append(meth)
    if c.has("exists"):
        meth = [f"    async def {look}_taken(self, {look}: str) -> bool:"]
        meth += docstring(
            f"Whether another {c.human} already uses this {look.replace('_', ' ')}.",
            ["Cheaper than loading the row: only the id column is selected."],
            "        ",
        )
        meth += ["        stmt = ("]
        meth += [f"            select({cls}.id)", f"            .where({cls}.{look} == {look})"]
        meth += ["            .limit(1)", "        )"]
        meth += [f"        return (await {session}.scalar(stmt)) is not None"]
        m.append(meth)
    if c.has("search"):
        col = c.search_field.name
        meth = call(
            "    async def search",
            ["self", "term: str", "*", "limit: int = 20"],
            f" -> Sequence[{cls}]:",
        )
        meth += docstring(
            f"Case-insensitive substring search on the {col.replace('_', ' ')}.",
            ["Wildcards typed by users are escaped (with ``/``) so they match literally."],
            "        ",
        )
        meth += [
            '        escaped = term.replace("/", "//").replace("%", "/%").replace("_", "/_")',
        ]
        meth += ["        stmt = ("]
        meth += [f"            select({cls})"]
        meth += [f'            .where({cls}.{col}.ilike(f"%{{escaped}}%", escape="/"))']
        meth += [f"            .order_by({cls}.{col})", "            .limit(limit)", "        )"]
        meth += [f"        result = await {session}.scalars(stmt)", "        return result.all()"]
        m.append(meth)
    if c.has("children"):
        meth = call(
            f"    async def list_{c.child_plural}",
            ["self", f"{c.id_param}: int"],
            f" -> Sequence[{child}]:",
        )
        meth += docstring(
            f"Children of one {c.human}, oldest first.",
            ["Queried directly instead of through the relationship, to avoid loading the parent."],
            "        ",
        )
        meth += ["        stmt = ("]
        meth += [f"            select({child})"]
        meth += call("            .where", [f"{child}.{c.id_param} == {c.id_param}"])
        meth += [f"            .order_by({child}.id)", "        )"]
        meth += [f"        result = await {session}.scalars(stmt)", "        return result.all()"]
        m.append(meth)
        meth = call(
            f"    async def add_{c.child_kind}", ["self", f"item: {child}"], f" -> {child}:"
        )
        meth += docstring(
            f"Stage a new {c.child_kind} and flush it to obtain its id.", (), "        "
        )
        meth += [
            f"        {session}.add(item)",
            f"        await {session}.flush()",
            "        return item",
        ]
        m.append(meth)
    if c.has("status"):
        meth = call(
            "    async def set_status_many",
            ["self", "ids: Sequence[int]", f"status: {c.status_cls}"],
            " -> int:",
        )
        meth += docstring(
            f"Move many {c.human_plural} to one status in a single UPDATE.",
            ["Returns the number of rows changed so callers can report partial success."],
            "        ",
        )
        meth += call(
            "        stmt = update",
            [cls],
            f".where({cls}.id.in_(ids)).values(status=status)",
        )
        meth += [
            f"        result = await {session}.execute(stmt)",
            "        return result.rowcount",
        ]
        m.append(meth)
    edge = c.edge
    if edge is not None:
        t = edge.target
        meth = call(
            f"    async def list_for_{t.entity}",
            ["self", f"{t.entity}_id: int", "*", "limit: int = 100"],
            f" -> Sequence[{cls}]:",
        )
        meth += docstring(
            f"{c.human.capitalize()} rows linked to one {t.human}.",
            [f"Uses the index on ``{t.entity}_id``; the limit guards against huge fan-out."],
            "        ",
        )
        meth += ["        stmt = ("]
        meth += [f"            select({cls})"]
        meth += [f"            .where({cls}.{t.entity}_id == {t.entity}_id)"]
        meth += [f"            .order_by({cls}.id)", "            .limit(limit)", "        )"]
        meth += [f"        result = await {session}.scalars(stmt)", "        return result.all()"]
        m.append(meth)

    body = [f"class {c.repo_cls}:"]
    body += docstring(
        f"Queries and persistence for :class:`{cls}` and its children.",
        [
            "Takes the request's session from the service, so all repositories used in one",
            "request share one transaction.",
        ],
        "    ",
    )
    body += [
        "",
        "    def __init__(self, session: AsyncSession) -> None:",
        "        self._session = session",
    ]
    for method in m:
        body += ["", *method]
    text = "\n".join(body)

    stdlib: Dict[str, List[str]] = {"collections.abc": ["Sequence"]}
    if used(text, "Optional"):
        stdlib["typing"] = ["Optional"]
    sa = [name for name in ("func", "select", "update") if used(text, name)]
    third = {
        "sqlalchemy": sa,
        "sqlalchemy.ext.asyncio": ["AsyncSession"],
        "sqlalchemy.orm": ["selectinload"],
    }
    models = [cls, c.status_cls] + ([child] if c.has("children") else [])
    first = [from_import(c.imp("models"), models)]
    header = docstring(
        f"Data access for the {c.human} module.",
        [
            f"The repository is the only code that builds SQL for {c.human_plural}. It flushes but",
            "never commits: the service owns the transaction boundary.",
        ],
    )
    lines = assemble(header, import_block(True, stdlib, third, first), body)
    return "\n".join(lines) + "\n"


def render_service(spec: ModuleSpec) -> str:
    """A service class owning its repository: use cases, validation and transaction control."""
    c = spec
    v1 = c.pydantic_v1
    cls = c.cls
    edge = c.edge
    http = c.violation == "service-raises-http-exception"
    utils = c.violation == "extra-utils-file"
    read = f"{cls}Read"

    def to_read(expr: str) -> str:
        return f"{read}.from_orm({expr})" if v1 else f"{read}.model_validate({expr})"

    def dump(expr: str, args: str = "") -> str:
        return f"{expr}.dict({args})" if v1 else f"{expr}.model_dump({args})"

    body: List[str] = ["logger = logging.getLogger(__name__)", "", ""]
    body.append(f"class {cls}NotFoundError(LookupError):")
    body += docstring(
        f"Raised when {article(c.human)} id does not exist; routers map it to 404.", (), "    "
    )
    body += ["", f"    def __init__(self, {c.id_param}: int) -> None:"]
    body += [f'        super().__init__(f"{c.human} {{{c.id_param}}} not found")']
    body += [f"        self.{c.id_param} = {c.id_param}", "", ""]
    body.append(f"class {cls}ConflictError(ValueError):")
    body += docstring(
        f"Raised when a write would break {article(c.human)} invariant; routers map it to 409.",
        (),
        "    ",
    )
    body += ["", ""]
    if c.has("status"):
        body.append(f"_TRANSITIONS: dict[{c.status_cls}, frozenset[{c.status_cls}]] = {{")
        statuses = c.statuses
        for position, status in enumerate(statuses):
            nxt = [f"{c.status_cls}.{s.upper()}" for s in statuses[position + 1 :]]
            inner = ", ".join(nxt)
            line = f"    {c.status_cls}.{status.upper()}: frozenset({{{inner}}}),"
            if len(line) <= LINE_LIMIT:
                body.append(line)
            else:
                body += [f"    {c.status_cls}.{status.upper()}: frozenset(", "        {"]
                body += [f"            {name}," for name in nxt] + ["        }", "    ),"]
        body += ["}"]
        body += ['"""Allowed status moves; anything else is a conflict, never silently applied."""']
        body += ["", ""]

    body.append(f"class {c.service_cls}:")
    body += docstring(
        f"Use cases of the {c.human} module.",
        [
            "Routers call only this class. It owns the repository, enforces the business",
            "rules and commits or rolls back, so a request is applied completely or not at all.",
        ],
        "    ",
    )
    body += ["", "    def __init__(self, session: AsyncSession) -> None:"]
    body += ["        self._session = session", f"        self._repository = {c.repo_cls}(session)"]
    if edge is not None and edge.service:
        body.append(f"        self._{edge.target.plural} = {edge.target.service_cls}(session)")

    # _require
    body += ["", f"    async def _require(self, {c.id_param}: int) -> {cls}:"]
    body += docstring(
        f"Load {article(c.human)} or raise, so every use case shares one not-found path.",
        (),
        "        ",
    )
    body += [
        f"        entity = await self._repository.get({c.id_param})",
        "        if entity is None:",
    ]
    if http:
        body += call(
            "            raise HTTPException",
            ["status_code=status.HTTP_404_NOT_FOUND", f'detail="{c.human} not found"'],
        )
    else:
        body += [f"            raise {cls}NotFoundError({c.id_param})"]
    body += ["        return entity"]

    # get
    nf_doc = ["Raises:", f"    {cls}NotFoundError: if no {c.human} has this id."]
    body += ["", f"    async def get(self, {c.id_param}: int) -> {read}:"]
    body += docstring(f"Return one {c.human}.", nf_doc, "        ")
    body += [
        f"        entity = await self._require({c.id_param})",
        f"        return {to_read('entity')}",
    ]

    # list
    body += [""]
    body += call(
        f"    async def {c.list_name}",
        [
            "self",
            "*",
            "offset: int = 0",
            "limit: int = 50",
            f"status: {c.opt(c.status_cls)} = None",
        ],
        f" -> {cls}Page:",
    )
    body += docstring(
        f"Return one page of {c.human_plural} with the total count.",
        ["The limit is clamped here, not in the router, so every caller gets the same bound."],
        "        ",
    )
    if utils:
        body += ["        limit = clamp_limit(limit)"]
    else:
        body += ["        limit = max(1, min(limit, 200))"]
    body += call(
        f"        items = await self._repository.{c.list_name}",
        ["offset=offset", "limit=limit", "status=status"],
    )
    body += ["        total = await self._repository.count(status=status)"]
    body += call(
        f"        return {cls}Page",
        [
            f"items=[{to_read('item')} for item in items]",
            "total=total",
            "offset=offset",
            "limit=limit",
        ],
    )

    # create
    look = c.lookup.name
    body += ["", f"    async def create(self, data: {cls}Create) -> {read}:"]
    create_doc = [
        "Checks run before anything is staged, so a rejected request leaves no partial rows."
    ]
    if c.has("exists") or c.has("lookup"):
        create_doc += [
            "",
            "Raises:",
            f"    {cls}ConflictError: if the {look.replace('_', ' ')} is taken.",
        ]
    body += docstring(
        f"Create {article(c.human)} (and its children) in one transaction.", create_doc, "        "
    )
    if edge is not None and edge.service:
        target = edge.target
        body += [f"        if data.{target.entity}_id is not None:"]
        body += [f"            await self._{target.plural}.get(data.{target.entity}_id)"]
    if c.has("exists"):
        body += [f"        if await self._repository.{look}_taken(data.{look}):"]
        body += [
            f'            raise {cls}ConflictError(f"{look} {{data.{look}!r}} is already used")'
        ]
    elif c.has("lookup"):
        body += [f"        if await self._repository.get_by_{look}(data.{look}) is not None:"]
        body += [
            f'            raise {cls}ConflictError(f"{look} {{data.{look}!r}} is already used")'
        ]
    if c.has("children"):
        exclude = 'exclude={"' + c.child_plural + '"}'
        body += [f"        values = {dump('data', exclude)}"]
        body += [f"        entity = {cls}(**values)"]
        body += [f"        for item in data.{c.child_plural}:"]
        body += [f"            entity.{c.child_plural}.append({c.child_cls}(**{dump('item')}))"]
    else:
        body += [f"        entity = {cls}(**{dump('data')})"]
    body += [f"        await self._repository.{c.add_name}(entity)"]
    body += ["        await self._session.commit()"]
    body += [f'        logger.info("{c.human} %s created", entity.id)']
    body += [f"        return {to_read('entity')}"]

    # update
    body += [""]
    body += call(
        "    async def update", ["self", f"{c.id_param}: int", f"data: {cls}Update"], f" -> {read}:"
    )
    body += docstring(
        f"Apply a partial update to {article(c.human)}.",
        ["Only fields the client actually sent are written (``exclude_unset``).", "", *nf_doc],
        "        ",
    )
    body += [f"        entity = await self._require({c.id_param})"]
    body += [f"        changes = {dump('data', 'exclude_unset=True')}"]
    body += [
        "        for key, value in changes.items():",
        "            setattr(entity, key, value)",
    ]
    body += [f"        await self._repository.{c.add_name}(entity)"]
    body += ["        await self._session.commit()"]
    body += call(
        "        logger.info", [f'"{c.human} %s updated: %s"', c.id_param, "sorted(changes)"]
    )
    body += [f"        return {to_read('entity')}"]

    # delete
    body += ["", f"    async def delete(self, {c.id_param}: int) -> None:"]
    body += docstring(f"Delete {article(c.human)} and everything it owns.", nf_doc, "        ")
    body += [f"        entity = await self._require({c.id_param})"]
    if c.has("status"):
        body += [f"        if entity.status is {c.status_cls}.{c.statuses[1].upper()}:"]
        busy = c.statuses[1].replace("_", " ")
        body += call(
            f"            raise {cls}ConflictError",
            [f'"{article(busy)} {c.human} cannot be deleted"'],
        )
    body += [
        "        await self._repository.delete(entity)",
        "        await self._session.commit()",
    ]
    body += [f'        logger.info("{c.human} %s deleted", {c.id_param})']

    if c.has("lookup"):
        body += ["", f"    async def get_by_{look}(self, {look}: str) -> {read}:"]
        body += docstring(
            f"Return the {c.human} with this {look.replace('_', ' ')}.", (), "        "
        )
        body += [f"        entity = await self._repository.get_by_{look}({look})"]
        body += ["        if entity is None:", f"            raise {cls}NotFoundError(0)"]
        body += [f"        return {to_read('entity')}"]
    if c.has("exists"):
        body += ["", f"    async def is_{look}_available(self, {look}: str) -> bool:"]
        body += docstring(
            f"Whether a new {c.human} could use this {look.replace('_', ' ')}.",
            ["Lets forms validate before submitting; ``create`` still checks again."],
            "        ",
        )
        body += [f"        return not await self._repository.{look}_taken({look})"]
    if c.has("search"):
        body += [""]
        body += call(
            "    async def search",
            ["self", "term: str", "*", "limit: int = 20"],
            f" -> list[{read}]:",
        )
        body += docstring(f"Search {c.human_plural}; blank terms return nothing.", (), "        ")
        body += ["        term = term.strip()", "        if not term:", "            return []"]
        body += ["        items = await self._repository.search(term, limit=min(limit, 100))"]
        body += [f"        return [{to_read('item')} for item in items]"]
    if c.has("children"):
        body += [""]
        body += call(
            f"    async def list_{c.child_plural}",
            ["self", f"{c.id_param}: int"],
            f" -> list[{c.child_cls}Read]:",
        )
        body += docstring(
            f"Children of one {c.human}; 404 if the {c.human} is unknown.", (), "        "
        )
        body += [f"        await self._require({c.id_param})"]
        body += [f"        items = await self._repository.list_{c.child_plural}({c.id_param})"]
        conv = "from_orm" if v1 else "model_validate"
        body += [f"        return [{c.child_cls}Read.{conv}(item) for item in items]"]
        body += [""]
        body += call(
            f"    async def add_{c.child_kind}",
            ["self", f"{c.id_param}: int", f"data: {c.child_cls}Create"],
            f" -> {c.child_cls}Read:",
        )
        body += docstring(
            f"Attach {article(c.child_kind)} to an existing {c.human}.", (), "        "
        )
        body += [f"        entity = await self._require({c.id_param})"]
        body += call(
            f"        item = {c.child_cls}", [f"{c.id_param}=entity.id", f"**{dump('data')}"]
        )
        body += [f"        await self._repository.add_{c.child_kind}(item)"]
        body += ["        await self._session.commit()"]
        body += [f"        return {c.child_cls}Read.{conv}(item)"]
    if c.has("status"):
        body += [""]
        body += call(
            "    async def change_status",
            ["self", f"{c.id_param}: int", f"data: {cls}StatusChange"],
            f" -> {read}:",
        )
        body += docstring(
            f"Move {article(c.human)} along its lifecycle.",
            ["Only transitions listed in ``_TRANSITIONS`` are accepted."],
            "        ",
        )
        body += [f"        entity = await self._require({c.id_param})"]
        body += ["        if data.status not in _TRANSITIONS[entity.status]:"]
        body += call(
            f"            raise {cls}ConflictError",
            ['f"cannot move from {entity.status.value} to {data.status.value}"'],
        )
        body += ["        previous, entity.status = entity.status, data.status"]
        body += ["        await self._session.commit()"]
        body += call(
            "        logger.info",
            [
                f'"{c.human} %s moved from %s to %s"',
                "entity.id",
                "previous.value",
                "data.status.value",
            ],
        )
        body += [f"        return {to_read('entity')}"]
        body += [""]
        body += call(
            "    async def close_many",
            ["self", "ids: Sequence[int]"],
            " -> int:",
        )
        body += docstring(
            f"Move many {c.human_plural} to the final status in one statement.", (), "        "
        )
        final = f"{c.status_cls}.{c.statuses[-1].upper()}"
        body += [f"        changed = await self._repository.set_status_many(ids, {final})"]
        body += ["        await self._session.commit()", "        return changed"]
    if edge is not None:
        t = edge.target
        body += [""]
        body += call(
            f"    async def list_for_{t.entity}",
            ["self", f"{t.entity}_id: int"],
            f" -> list[{read}]:",
        )
        body += docstring(f"{c.human_plural.capitalize()} linked to one {t.human}.", (), "        ")
        if edge.service:
            body += [f"        await self._{t.plural}.get({t.entity}_id)"]
        body += [f"        items = await self._repository.list_for_{t.entity}({t.entity}_id)"]
        body += [f"        return [{to_read('item')} for item in items]"]
    text = "\n".join(body)

    stdlib: Dict[str, List[str]] = {"logging": []}
    if used(text, "Sequence"):
        stdlib["collections.abc"] = ["Sequence"]
    if used(text, "Optional"):
        stdlib["typing"] = ["Optional"]
    third: Dict[str, List[str]] = {"sqlalchemy.ext.asyncio": ["AsyncSession"]}
    if http:
        third["fastapi"] = ["HTTPException", "status"]
    models = [cls, c.status_cls] + ([c.child_cls] if c.has("children") else [])
    models = [name for name in models if used(text, name)]
    schemas = [read, f"{cls}Create", f"{cls}Update", f"{cls}Page"]
    if c.has("children"):
        schemas += [f"{c.child_cls}Create", f"{c.child_cls}Read"]
    if c.has("status"):
        schemas.append(f"{cls}StatusChange")
    first = [
        from_import(c.imp("models"), models),
        from_import(c.imp("repository"), [c.repo_cls]),
        from_import(c.imp("schemas"), schemas),
    ]
    if utils:
        first.append(from_import(c.imp("utils"), ["clamp_limit"]))
    if edge is not None and edge.service:
        first.append(from_import(f"{edge.target.package}.service", [edge.target.service_cls]))
    header = docstring(
        f"Business logic of the {c.human} module.",
        [
            "The service is the only entry point routers use. It owns the repository, decides",
            "which state transitions are valid and controls the transaction, so a request is",
            "either applied completely or not at all. Domain errors are plain exceptions that",
            "routers translate to HTTP status codes.",
        ],
    )
    lines = assemble(header, import_block(True, stdlib, third, first), body)
    return "\n".join(lines) + "\n"


def render_router(spec: ModuleSpec) -> str:
    """HTTP routes: parse input, call one service method, map domain errors to status codes."""
    c = spec
    cls, e = c.cls, c.entity
    dep = f"{cls}ServiceDep"
    provider = f"get_{e}_service"
    read = f"{cls}Read"
    prefix = "/" + c.plural.replace("_", "-")
    leaky = c.violation == "router-imports-repository"

    def service_param(route: str) -> str:
        if route in c.depends_default_routes:
            return f"service: {c.service_cls} = Depends({provider})"
        return f"service: {dep}"

    def not_found(indent: str = "    ") -> List[str]:
        lines = [f"{indent}except {cls}NotFoundError as exc:"]
        lines += call(
            f"{indent}    raise HTTPException",
            ["status_code=status.HTTP_404_NOT_FOUND", "detail=str(exc)"],
            " from exc",
        )
        return lines

    def conflict(indent: str = "    ") -> List[str]:
        lines = [f"{indent}except {cls}ConflictError as exc:"]
        lines += call(
            f"{indent}    raise HTTPException",
            ["status_code=status.HTTP_409_CONFLICT", "detail=str(exc)"],
            " from exc",
        )
        return lines

    def deco(method: str, path: str, *args: str, errors: Sequence[int] = ()) -> List[str]:
        """Route decorator; documented error responses make the OpenAPI schema honest."""
        names = {404: "NOT_FOUND", 409: "CONFLICT"}
        items = [f'"{path}"', *args]
        if len(errors) == 1:
            items.append(f"responses={names[errors[0]]}")
        elif errors:
            items.append("responses={" + ", ".join(f"**{names[code]}" for code in errors) + "}")
        return call(f"@router.{method}", items)

    id_arg = f"{c.id_param}: Annotated[int, Path(ge=1)]"
    body: List[str] = []
    body += [f'router = APIRouter(prefix="{prefix}", tags=["{c.plural.replace("_", "-")}"])', ""]
    body += [f'NOT_FOUND = {{404: {{"description": "{c.human.capitalize()} not found"}}}}']
    body += ['CONFLICT = {409: {"description": "Conflicts with the current state"}}', "", ""]
    if c.session_dep_alias:
        body.append(f"def {provider}(session: SessionDep) -> {c.service_cls}:")
    else:
        body += call(
            f"def {provider}",
            ["session: Annotated[AsyncSession, Depends(get_session)]"],
            f" -> {c.service_cls}:",
        )
    body += docstring(
        "Build the service per request.",
        ["The service shares the request's session, hence its transaction, with nothing else."],
        "    ",
    )
    body += [f"    return {c.service_cls}(session)", "", ""]
    body += call(f"{dep} = Annotated", [c.service_cls, f"Depends({provider})"], "", "[]")
    body += ["", ""]

    routes: List[List[str]] = []
    r = deco("get", "", f"response_model={cls}Page", f'summary="List {c.human_plural}"')
    r += [f"async def list_{c.plural}(", f"    {service_param('list')},"]
    r += ["    offset: Annotated[int, Query(ge=0)] = 0,"]
    r += ["    limit: Annotated[int, Query(ge=1, le=200)] = 50,"]
    r += [f'    status_filter: Annotated[{c.opt(c.status_cls)}, Query(alias="status")] = None,']
    r += [f") -> {cls}Page:"]
    r += docstring(
        f"List {c.human_plural}, newest first.",
        ["Filter with ``?status=``; page with ``offset`` and ``limit`` (at most 200)."],
        "    ",
    )
    r += call(
        f"    return await service.{c.list_name}",
        ["offset=offset", "limit=limit", "status=status_filter"],
    )
    routes.append(r)

    r = deco("get", f"/{{{c.id_param}}}", f"response_model={read}", errors=(404,))
    r += call(f"async def get_{e}", [id_arg, service_param("get")], f" -> {read}:")
    r += docstring(f"Return one {c.human}.", ["Children are included, newest last."], "    ")
    r += ["    try:", f"        return await service.get({c.id_param})", *not_found()]
    routes.append(r)

    r = deco(
        "post", "", f"response_model={read}", "status_code=status.HTTP_201_CREATED", errors=(409,)
    )
    r += call(
        f"async def create_{e}", [f"payload: {cls}Create", service_param("create")], f" -> {read}:"
    )
    r += docstring(
        f"Create {article(c.human)}.",
        ["Returns the stored representation, including server-assigned fields."],
        "    ",
    )
    r += ["    try:", "        return await service.create(payload)"]
    r += conflict()
    routes.append(r)

    r = deco("patch", f"/{{{c.id_param}}}", f"response_model={read}", errors=(404,))
    r += call(
        f"async def update_{e}",
        [id_arg, f"payload: {cls}Update", service_param("update")],
        f" -> {read}:",
    )
    r += docstring(
        f"Update some fields of {article(c.human)}.",
        ["Fields missing from the payload keep their value; ``null`` clears optional ones."],
        "    ",
    )
    r += ["    try:", f"        return await service.update({c.id_param}, payload)", *not_found()]
    routes.append(r)

    delete_errors = (404, 409) if c.has("status") else (404,)
    r = deco(
        "delete",
        f"/{{{c.id_param}}}",
        "status_code=status.HTTP_204_NO_CONTENT",
        errors=delete_errors,
    )
    r += call(f"async def delete_{e}", [id_arg, service_param("delete")], " -> None:")
    r += docstring(f"Delete {article(c.human)} and its children.", (), "    ")
    r += ["    try:", f"        await service.delete({c.id_param})", *not_found()]
    if c.has("status"):
        r += conflict()
    routes.append(r)

    look = c.lookup.name
    if c.has("lookup"):
        path = f"/by-{look.replace('_', '-')}/{{{look}}}"
        r = deco("get", path, f"response_model={read}", errors=(404,))
        r += call(
            f"async def get_{e}_by_{look}",
            [f"{look}: str", service_param("lookup")],
            f" -> {read}:",
        )
        r += docstring(
            f"Find {article(c.human)} by {look.replace('_', ' ')}.",
            ["Exact, case-sensitive match on the unique key."],
            "    ",
        )
        r += ["    try:", f"        return await service.get_by_{look}({look})", *not_found()]
        routes.append(r)
    if c.has("exists"):
        r = deco("get", f"/availability/{{{look}}}", f'summary="Check {look} availability"')
        r += call(
            f"async def check_{look}_available",
            [f"{look}: str", service_param("exists")],
            " -> dict[str, bool]:",
        )
        r += docstring(
            f"Tell forms whether {article(look.replace('_', ' '))} is still free.", (), "    "
        )
        r += [f'    return {{"available": await service.is_{look}_available({look})}}']
        routes.append(r)
    if c.has("search"):
        r = deco("get", "/search", f"response_model=list[{read}]")
        r += [f"async def search_{c.plural}(", f"    {service_param('search')},"]
        r += ["    q: Annotated[str, Query(min_length=1, max_length=100)],"]
        r += ["    limit: Annotated[int, Query(ge=1, le=100)] = 20,"]
        r += [f") -> list[{read}]:"]
        r += docstring(
            f"Search {c.human_plural} by text.",
            [f"Substring match on the {c.search_field.name.replace('_', ' ')}, case-insensitive."],
            "    ",
        )
        r += ["    return await service.search(q, limit=limit)"]
        routes.append(r)
    if c.has("children"):
        path = f"/{{{c.id_param}}}/{c.child_plural.replace('_', '-')}"
        r = deco("get", path, f"response_model=list[{c.child_cls}Read]", errors=(404,))
        r += call(
            f"async def list_{e}_{c.child_plural}",
            [id_arg, service_param("children")],
            f" -> list[{c.child_cls}Read]:",
        )
        r += docstring(f"List the {c.child_plural} of {article(c.human)}.", (), "    ")
        r += ["    try:", f"        return await service.list_{c.child_plural}({c.id_param})"]
        r += not_found()
        routes.append(r)
        r = deco(
            "post",
            path,
            f"response_model={c.child_cls}Read",
            "status_code=status.HTTP_201_CREATED",
            errors=(404,),
        )
        r += call(
            f"async def add_{e}_{c.child_kind}",
            [id_arg, f"payload: {c.child_cls}Create", service_param("children")],
            f" -> {c.child_cls}Read:",
        )
        r += docstring(
            f"Attach {article(c.child_kind)} to {article(c.human)}.",
            ["Returns the stored child with its id, so clients need no second request."],
            "    ",
        )
        r += ["    try:", f"        return await service.add_{c.child_kind}({c.id_param}, payload)"]
        r += not_found()
        routes.append(r)
    if c.has("status"):
        path = f"/{{{c.id_param}}}/status"
        r = deco("post", path, f"response_model={read}", errors=(404, 409))
        r += call(
            f"async def change_{e}_status",
            [id_arg, f"payload: {cls}StatusChange", service_param("status")],
            f" -> {read}:",
        )
        r += docstring(
            f"Move {article(c.human)} to another status.",
            ["Invalid transitions answer 409 and leave the stored status unchanged."],
            "    ",
        )
        r += ["    try:", f"        return await service.change_status({c.id_param}, payload)"]
        r += not_found() + conflict()
        routes.append(r)
    if leaky:
        r = deco("get", "/stats/count")
        if c.session_dep_alias:
            r += [f"async def count_{c.plural}(session: SessionDep) -> dict[str, int]:"]
        else:
            r += call(
                f"async def count_{c.plural}",
                ["session: Annotated[AsyncSession, Depends(get_session)]"],
                " -> dict[str, int]:",
            )
        r += docstring("Quick count for the dashboard.", (), "    ")
        r += [f"    repository = {c.repo_cls}(session)"]
        r += ['    return {"total": await repository.count()}']
        routes.append(r)
    for route in routes:
        body += [*route, "", ""]
    while body and body[-1] == "":
        body.pop()
    text = "\n".join(body)

    typing = ["Annotated"] + (["Optional"] if used(text, "Optional") else [])
    stdlib = {"typing": typing}
    fastapi = [n for n in ("APIRouter", "Depends", "HTTPException", "Path", "Query", "status")]
    third: Dict[str, List[str]] = {"fastapi": [n for n in fastapi if used(text, n)]}
    if not c.session_dep_alias:
        third["sqlalchemy.ext.asyncio"] = ["AsyncSession"]
    core = ["SessionDep"] if c.session_dep_alias else ["get_session"]
    schemas = [read, f"{cls}Create", f"{cls}Update", f"{cls}Page"]
    if c.has("children"):
        schemas += [f"{c.child_cls}Create", f"{c.child_cls}Read"]
    if c.has("status"):
        schemas.append(f"{cls}StatusChange")
    service_names = [c.service_cls, f"{cls}NotFoundError"]
    if used(text, f"{cls}ConflictError"):
        service_names.append(f"{cls}ConflictError")
    first = [
        from_import("cpv3.core.db", core),
        from_import(c.imp("models"), [c.status_cls]),
        from_import(c.imp("schemas"), schemas),
        from_import(c.imp("service"), service_names),
    ]
    if leaky:
        first.append(from_import(c.imp("repository"), [c.repo_cls]))
    header = docstring(
        f"HTTP routes of the {c.human} module.",
        [
            "Routes translate between HTTP and the service: they validate input through the",
            "schemas, call one service method and map domain errors to status codes. They never",
            "touch the database session themselves.",
        ],
    )
    lines = assemble(header, import_block(False, stdlib, third, first), body)
    return "\n".join(lines) + "\n"


def render_utils(spec: ModuleSpec) -> str:
    """The extra helper file seeded by the ``extra-utils-file`` violation."""
    lines = docstring(
        f"Small helpers of the {spec.human} module.",
        ["Grew out of the service over time; the convention has no place for this file."],
    )
    lines += ["", "from __future__ import annotations", "", "import re", "import unicodedata", ""]
    lines += ['_SLUG_STRIP = re.compile(r"[^a-z0-9]+")', "", ""]
    lines += ["def slugify(value: str) -> str:"]
    lines += docstring("Lower-case ASCII slug, for readable URLs.", (), "    ")
    lines += ['    normalised = unicodedata.normalize("NFKD", value)']
    lines += ['    ascii_only = normalised.encode("ascii", "ignore").decode("ascii")']
    lines += ['    return _SLUG_STRIP.sub("-", ascii_only.lower()).strip("-")', "", ""]
    lines += ["def clamp_limit(limit: int, maximum: int = 200) -> int:"]
    lines += docstring("Keep page sizes within what the database handles well.", (), "    ")
    lines += ["    return max(1, min(limit, maximum))", ""]
    return "\n".join(lines) + "\n"


def render_core_db() -> str:
    """Engine, declarative base and the request-scoped session provider."""
    return '''"""Database wiring shared by all modules.

One async engine per process, one session per request. Modules import ``Base`` for their models
and ``SessionDep`` for their service providers; nothing else here is public.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

DATABASE_URL = os.environ.get("CPV3_DATABASE_URL", "postgresql+asyncpg://localhost/cpv3")

engine = create_async_engine(DATABASE_URL, pool_pre_ping=True, pool_size=10)
SessionFactory = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    """Declarative base of every ORM model, so one metadata describes the whole schema."""


async def get_session() -> AsyncIterator[AsyncSession]:
    """Yield one session per request and close it afterwards.

    Services commit explicitly; anything left uncommitted when the request ends is rolled back
    by ``close``, so a failed request never leaves a half-applied change.
    """
    async with SessionFactory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
'''


def render_core_schemas() -> str:
    """The project-wide Pydantic base class every module schema derives from."""
    return '''"""Base class of every API schema.

Deriving all schemas from one class keeps the project's Pydantic settings in one place.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """Project schema base: reads ORM objects and rejects unknown enum values."""

    model_config = ConfigDict(from_attributes=True, use_enum_values=False)
'''


def render_main(specs: Sequence[ModuleSpec]) -> str:
    """The FastAPI application, mounting every module's router."""
    lines = docstring(
        "Application entry point.",
        ["Builds the FastAPI app and mounts every feature module's router under ``/api``."],
    )
    lines += ["", "from fastapi import FastAPI", ""]
    for spec in specs:
        lines += from_import(f"{spec.package}.router", [f"router as {spec.name}_router"])
    lines += ["", "", "def create_app() -> FastAPI:"]
    lines += docstring(
        "Create the app; a factory so tests can build isolated instances.", (), "    "
    )
    lines += ['    app = FastAPI(title="cpv3", version="3.0.0")']
    for spec in specs:
        lines.append(f'    app.include_router({spec.name}_router, prefix="/api")')
    lines += ["    return app", "", "", "app = create_app()"]
    return "\n".join(lines) + "\n"


PYPROJECT = """[project]
name = "cpv3"
version = "3.0.0"
description = "Synthetic cpv3 backend generated by bench/generate.py"
requires-python = ">=3.11"
dependencies = [
    "fastapi>=0.110",
    "pydantic>=2.6",
    "sqlalchemy[asyncio]>=2.0",
    "asyncpg>=0.29",
]

[tool.conformance]
# The defaults (the cpv3 convention) apply; this table marks the project root.
"""


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """What was written, for the one-line report and for bench/run.py."""

    modules: int
    files: int
    lines: int
    bytes: int
    violations: int
    pydantic_v1: int


def render_tree(specs: Sequence[ModuleSpec]) -> List[Tuple[str, str]]:
    """All files as (relative POSIX path, text), in a fixed order."""
    files: List[Tuple[str, str]] = [
        ("pyproject.toml", PYPROJECT),
        ("cpv3/__init__.py", '"""cpv3 backend (synthetic benchmark corpus)."""\n'),
        ("cpv3/core/__init__.py", '"""Cross-cutting infrastructure shared by all modules."""\n'),
        ("cpv3/core/db.py", render_core_db()),
        ("cpv3/core/schemas.py", render_core_schemas()),
        ("cpv3/modules/__init__.py", '"""Feature modules, one package per bounded context."""\n'),
        ("cpv3/main.py", render_main(specs)),
    ]
    for spec in specs:
        base = f"cpv3/modules/{spec.name}"
        files.append((f"{base}/__init__.py", render_init(spec)))
        files.append((f"{base}/models.py", render_models(spec)))
        if spec.has_schemas_file:
            files.append((f"{base}/schemas.py", render_schemas(spec)))
        files.append((f"{base}/repository.py", render_repository(spec)))
        files.append((f"{base}/service.py", render_service(spec)))
        files.append((f"{base}/router.py", render_router(spec)))
        if spec.violation == "extra-utils-file":
            files.append((f"{base}/utils.py", render_utils(spec)))
    return files


def generate(
    out_dir: Path,
    modules: int,
    violations: float = 0.1,
    seed: int = 0,
    pydantic_v1: float = 0.0,
) -> Summary:
    """Write the tree under ``out_dir`` (which must not hold an older tree) and summarise it."""
    specs = build_specs(modules, violations, seed, pydantic_v1)
    files = render_tree(specs)
    total_lines = 0
    total_bytes = 0
    for relative, text in files:
        path = out_dir.joinpath(*relative.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)  # bytes, so no platform newline translation
        total_lines += text.count("\n")
        total_bytes += len(data)
    return Summary(
        modules=modules,
        files=len(files),
        lines=total_lines,
        bytes=total_bytes,
        violations=sum(1 for spec in specs if spec.violation),
        pydantic_v1=sum(1 for spec in specs if spec.pydantic_v1),
    )


def fraction(text: str) -> float:
    """argparse type for a fraction in [0, 1]."""
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def main(argv: Optional[Sequence[str]] = None) -> int:
    """CLI entry point; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="directory to write the tree into")
    parser.add_argument("--modules", type=int, required=True, help="number of feature modules")
    parser.add_argument("--violations", type=fraction, default=0.1, help="fraction of modules")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--pydantic-v1", type=fraction, default=0.0, help="fraction of modules")
    parser.add_argument(
        "--force", action="store_true", help="replace an existing tree (removes OUT_DIR/cpv3)"
    )
    args = parser.parse_args(argv)
    if args.modules < 1:
        parser.error("--modules must be at least 1")
    out_dir: Path = args.out_dir
    if out_dir.exists() and any(out_dir.iterdir()):
        if not args.force:
            parser.error(f"{out_dir} is not empty (use --force to replace a generated tree)")
        shutil.rmtree(out_dir / "cpv3", ignore_errors=True)
    summary = generate(out_dir, args.modules, args.violations, args.seed, args.pydantic_v1)
    print(
        f"{summary.modules} modules, {summary.files} files, {summary.lines} lines, "
        f"{summary.bytes / 1e6:.1f} MB ({summary.violations} with violations, "
        f"{summary.pydantic_v1} with Pydantic v1 schemas) -> {out_dir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
