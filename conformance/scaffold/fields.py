"""``--fields "name:str,price:Decimal,note:str?"``: the entity's columns and the schemas' fields."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

#: type name -> (Python annotation, SQLAlchemy column type or None, import of the annotation,
#: import of the column type). The column type is spelled out where ``Mapped[T]`` alone would
#: give an unbounded or imprecise column.
TYPES: Dict[str, Tuple[str, Optional[str], Optional[Tuple[str, str]], Optional[str]]] = {
    "str": ("str", "String(255)", None, "String"),
    "text": ("str", "Text", None, "Text"),
    "int": ("int", None, None, None),
    "float": ("float", None, None, None),
    "bool": ("bool", None, None, None),
    "Decimal": ("Decimal", "Numeric(12, 2)", ("decimal", "Decimal"), "Numeric"),
    "datetime": ("datetime", "DateTime(timezone=True)", ("datetime", "datetime"), "DateTime"),
    "date": ("date", None, ("datetime", "date"), None),
    "UUID": ("UUID", None, ("uuid", "UUID"), None),
}

DEFAULT_FIELDS = "name:str"

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_RESERVED = {"id", "metadata", "registry", "model_config", "model_fields"}


class FieldsError(ValueError):
    """A ``--fields`` value that cannot be used (the message names the part)."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type_name: str
    optional: bool = False

    @property
    def annotation(self) -> str:
        return TYPES[self.type_name][0]

    @property
    def column_type(self) -> Optional[str]:
        return TYPES[self.type_name][1]

    @property
    def annotation_import(self) -> Optional[Tuple[str, str]]:
        return TYPES[self.type_name][2]

    @property
    def column_import(self) -> Optional[str]:
        return TYPES[self.type_name][3]


def parse_fields(text: str) -> Tuple[FieldSpec, ...]:
    """``name:type`` pairs, comma-separated; a trailing ``?`` on the type makes it optional."""
    out: List[FieldSpec] = []
    seen = set()
    for raw in text.split(","):
        part = raw.strip()
        if not part:
            continue
        name, colon, type_name = (p.strip() for p in part.partition(":"))
        if not colon or not type_name:
            raise FieldsError(f"'{part}': expected name:type (e.g. price:Decimal)")
        optional = type_name.endswith("?")
        type_name = type_name.rstrip("?").strip()
        if not _NAME.match(name) or keyword.iskeyword(name):
            raise FieldsError(f"'{part}': '{name}' is not a lower-case Python name")
        if name in _RESERVED:
            raise FieldsError(f"'{part}': '{name}' is reserved (the entity already has it)")
        if name in seen:
            raise FieldsError(f"'{part}': '{name}' is given twice")
        if type_name not in TYPES:
            raise FieldsError(f"'{part}': unknown type '{type_name}' (one of {', '.join(TYPES)})")
        seen.add(name)
        out.append(FieldSpec(name, type_name, optional))
    if not out:
        raise FieldsError('no field given (e.g. --fields "name:str,price:Decimal")')
    return tuple(out)
