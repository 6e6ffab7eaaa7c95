"""Plain-data encoding of the checker's value types, for the cache store.

A cache folder can come from someone else (committed to a repository, restored by a shared CI
cache), so what the store reads must never run code: values are written as JSON of plain values
(lists, strings, numbers, booleans, null) and read back by a decoder derived from the type hints of
the expected class. Every value is checked against its declared type on the way in; anything else
(a wrong kind of value, a missing field, an unknown condition class) raises :class:`Malformed`,
which the store reads as a miss.

Shapes: a dataclass is the list of its fields in declaration order (fields declared with
``compare=False`` are in-memory only and come back as their default); a tuple is a list; an enum
is its value; a field typed as a :class:`~conformance.conditions.Condition` (a polymorphic base)
is ``[class name, *fields]``, and only subclasses of ``Condition`` known to this process decode.
A dictionary with keys other than strings is a list of ``[key, value]`` pairs. ``Any`` (the family
facts of ``FileFacts.extra``) holds plain values only: lists read back as tuples.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
import json
import sys
import typing
import zlib
from typing import Any, Callable, Dict, Generic, Iterator, List, Sequence, Tuple, TypeVar, overload

Decoder = Callable[[Any], Any]
Encoder = Callable[[Any], Any]

_PLAIN = (str, int, float, bool, type(None))


class Malformed(ValueError):
    """A stored value does not have the shape of the type it is read as."""


class Unencodable(TypeError):
    """A value holds something that is not plain data (it is then not stored)."""


def dumps(value: object, kind: Any) -> str:
    """``value`` (of type ``kind``) as JSON text."""
    return json.dumps(_encoder(kind)(value), separators=(",", ":"), ensure_ascii=False)


def loads(text: str, kind: Any) -> Any:
    """The value of type ``kind`` that :func:`dumps` wrote; :class:`Malformed` for anything else."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise Malformed(f"not JSON: {error}") from None
    try:
        return _decoder(kind)(data)
    except Malformed:
        raise
    except (TypeError, ValueError, KeyError, IndexError, RecursionError) as error:
        raise Malformed(str(error)) from None


T = TypeVar("T")


class Packed(Sequence[T], Generic[T]):
    """A tuple of ``kind`` values held as the JSON text :func:`dumps` writes for it, compressed,
    and decoded each time it is read. A cold run holds every file's results until the decision;
    packed, a file's candidates take a tenth of the memory of the decoded objects. Encoding it
    again (for the store) re-uses the text."""

    __slots__ = ("_count", "data", "kind")

    def __init__(self, data: bytes, kind: Any, count: int) -> None:
        self.data = data
        self.kind = kind
        self._count = count

    @classmethod
    def of(cls, values: Sequence[T], kind: Any) -> Packed[T]:
        """``values`` packed; :class:`Unencodable` if they are not plain data."""
        text = dumps(tuple(values), Tuple[kind, ...])
        return cls(zlib.compress(text.encode("utf-8"), 1), kind, len(values))

    @property
    def text(self) -> str:
        return zlib.decompress(self.data).decode("utf-8")

    def _values(self) -> Tuple[T, ...]:
        values: Tuple[T, ...] = loads(self.text, Tuple[self.kind, ...])
        return values

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: Any) -> Any:
        return self._values()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._values())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Packed):
            return bool(self.text == other.text)
        if isinstance(other, collections.abc.Sequence):
            return self._values() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return f"Packed({self._values()!r})"

    def __getstate__(self) -> Tuple[bytes, Any, int]:
        return self.data, self.kind, self._count

    def __setstate__(self, state: Tuple[bytes, Any, int]) -> None:
        self.data, self.kind, self._count = state


def encode(value: object, kind: Any) -> Any:
    """``value`` as plain data (see :func:`dumps`)."""
    return _encoder(kind)(value)


class _Concrete:
    """Key of the decoder/encoder of one condition class itself (not of the polymorphic base)."""

    def __init__(self, cls: type) -> None:
        self.cls = cls

    def __hash__(self) -> int:
        return hash(("concrete", self.cls))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Concrete) and other.cls is self.cls


# -- decoders ------------------------------------------------------------------------------------

_DECODERS: Dict[Any, Decoder] = {}
_ENCODERS: Dict[Any, Encoder] = {}


def _memoised(table: Dict[Any, Any], make: Callable[[Any], Any], kind: Any) -> Any:
    """The coder of ``kind`` from ``table``, made once. A placeholder goes in first, so that
    recursive types (a condition holding conditions) find themselves while being made."""
    found = table.get(kind)
    if found is None:
        cell: List[Any] = []
        table[kind] = lambda value: cell[0](value)
        found = make(kind)
        cell.append(found)
        table[kind] = found
    return found


def _decoder(kind: Any) -> Decoder:
    decoder: Decoder = _memoised(_DECODERS, _make_decoder, kind)
    return decoder


def _fail(kind: Any, data: object) -> Malformed:
    shown = type(data).__name__
    return Malformed(f"expected {getattr(kind, '__name__', kind)}, found {shown}")


def _exact(kind: type) -> Decoder:
    def decode_exact(data: Any) -> Any:
        if type(data) is not kind:
            raise _fail(kind, data)
        return data

    return decode_exact


def _decode_float(data: Any) -> float:
    if type(data) not in (int, float):
        raise _fail(float, data)
    return float(data)


def _decode_none(data: Any) -> None:
    if data is not None:
        raise _fail(None, data)
    return None


def _decode_any(data: Any) -> Any:
    """Plain values; lists become tuples (the family facts are tuples)."""
    if isinstance(data, _PLAIN):
        return data
    if type(data) is list:
        return tuple(_decode_any(item) for item in data)
    if type(data) is dict:
        return {key: _decode_any(item) for key, item in data.items()}
    raise _fail("plain value", data)


def _make_decoder(kind: Any) -> Decoder:
    if isinstance(kind, _Concrete):  # a condition class itself: its fields, no tag
        return _dataclass_decoder(kind.cls)
    if kind is Any:
        return _decode_any
    if kind is type(None) or kind is None:
        return _decode_none
    if kind in (str, int, bool):
        return _exact(kind)
    if kind is float:
        return _decode_float
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin is typing.Union:
        options = [_decoder(arg) for arg in args if arg is not type(None)]
        nullable = type(None) in args
        if len(options) == 1:
            only = options[0]

            def decode_optional(data: Any) -> Any:
                return None if data is None and nullable else only(data)

            return decode_optional
        raise TypeError(f"unsupported union {kind}")
    if origin is tuple:
        return _tuple_decoder(kind, args)
    if origin is collections.abc.Sequence:  # read back as a tuple
        return _tuple_decoder(kind, (args[0], Ellipsis))
    if origin is list:
        item = _decoder(args[0]) if args else _decode_any

        def decode_list(data: Any) -> Any:
            if type(data) is not list:
                raise _fail(list, data)
            return [item(value) for value in data]

        return decode_list
    if (origin in (dict, typing.Dict) or kind is dict) and args and args[0] is not str:
        pair = _decoder(Tuple[args[0], args[1]])

        def decode_pairs(data: Any) -> Any:
            if type(data) is not list:
                raise _fail(dict, data)
            return dict(pair(item) for item in data)

        return decode_pairs
    if origin in (dict, typing.Dict) or kind is dict:
        key_decoder = _decoder(args[0]) if args else _exact(str)
        value_decoder = _decoder(args[1]) if args else _decode_any

        def decode_dict(data: Any) -> Any:
            if type(data) is not dict:
                raise _fail(dict, data)
            return {key_decoder(k): value_decoder(v) for k, v in data.items()}

        return decode_dict
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        members = {member.value: member for member in kind}

        def decode_enum(data: Any) -> Any:
            if not isinstance(data, _PLAIN) or data not in members:
                raise _fail(kind, data)
            return members[data]

        return decode_enum
    if isinstance(kind, type) and _is_condition_base(kind):
        return _condition_decoder(kind)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass_decoder(kind)
    raise TypeError(f"no plain-data shape for {kind!r}")


def _tuple_decoder(kind: Any, args: Tuple[Any, ...]) -> Decoder:
    if len(args) == 2 and args[1] is Ellipsis and args[0] in (str, int, bool):
        # the common columns of plain values: one loop, no call per item
        scalar = args[0]

        def decode_scalars(data: Any) -> Any:
            if type(data) is not list:
                raise _fail(kind, data)
            for value in data:
                if type(value) is not scalar:
                    raise _fail(scalar, value)
            return tuple(data)

        return decode_scalars
    if len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])

        def decode_items(data: Any) -> Any:
            if type(data) is not list:
                raise _fail(kind, data)
            return tuple([item(value) for value in data])

        return decode_items
    parts = [_decoder(arg) for arg in args]
    if not parts:
        return lambda data: tuple(_decode_any(data))

    def decode_fixed(data: Any) -> Any:
        if type(data) is not list or len(data) != len(parts):
            raise _fail(kind, data)
        return tuple([part(value) for part, value in zip(parts, data)])

    return decode_fixed


def _stored_fields(kind: type) -> List[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(kind) if f.compare and f.init]


def _hints(kind: type, fields: List[dataclasses.Field[Any]]) -> Dict[str, Any]:
    """The types of the stored fields only (in-memory fields may name types that are imported
    for type checking only, such as libcst's), each resolved in the module that declares it."""
    out: Dict[str, Any] = {}
    for f in fields:
        owner = next(
            (c for c in kind.__mro__ if f.name in vars(c).get("__annotations__", {})), kind
        )
        module = sys.modules.get(owner.__module__)
        holder = type("_Field", (), {"__annotations__": {f.name: f.type}})
        out[f.name] = typing.get_type_hints(holder, vars(module) if module else None)[f.name]
    return out


#: (dataclass, field) -> (stored fields, the field's position, its decoder)
_FIELD_DECODERS: Dict[Tuple[type, str], Tuple[int, int, Decoder]] = {}


def loads_field(text: str, kind: type, name: str) -> Any:
    """Only the field ``name`` of the dataclass value of type ``kind`` that :func:`dumps`
    wrote (the facts of a stored file result, without decoding its findings);
    :class:`Malformed` for anything else."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise Malformed(f"not JSON: {error}") from None
    found = _FIELD_DECODERS.get((kind, name))
    if found is None:
        fields = _stored_fields(kind)
        names = [f.name for f in fields]
        if name not in names:
            raise Malformed(f"{kind.__name__} stores no field {name}")
        found = (len(fields), names.index(name), _decoder(_hints(kind, fields)[name]))
        _FIELD_DECODERS[(kind, name)] = found
    count, index, decode = found
    if type(data) is not list or len(data) != count:
        raise _fail(kind, data)
    try:
        return decode(data[index])
    except Malformed:
        raise
    except (TypeError, ValueError, KeyError, IndexError, RecursionError) as error:
        raise Malformed(str(error)) from None


def _dataclass_decoder(kind: type) -> Decoder:
    fields = _stored_fields(kind)
    hints = _hints(kind, fields)
    parts = [_decoder(hints[f.name]) for f in fields]
    count = len(parts)
    names = [f.name for f in fields]
    leading = dataclasses.fields(kind)[:count]
    positional = [f.name for f in leading] == names and not any(
        getattr(f, "kw_only", False) is True for f in leading
    )

    def decode_dataclass(data: Any) -> Any:
        if type(data) is not list or len(data) != count:
            raise _fail(kind, data)
        values = [part(value) for part, value in zip(parts, data)]
        if positional:
            return kind(*values)
        return kind(**dict(zip(names, values)))

    return decode_dataclass


def _is_condition_base(kind: type) -> bool:
    """Whether ``kind`` is Condition, without importing the conditions (and the index they
    need) to learn that a Violation is not: a class that exists was imported with its module."""
    conditions = sys.modules.get("conformance.conditions")
    return conditions is not None and kind is getattr(conditions, "Condition", None)


def _condition_classes() -> Dict[str, type]:
    """Every subclass of Condition imported in this process, by its qualified name."""
    from conformance.conditions import Condition

    found: Dict[str, type] = {}
    pending = list(Condition.__subclasses__())
    while pending:
        cls = pending.pop()
        found[_class_name(cls)] = cls
        pending.extend(cls.__subclasses__())
    return found


def _class_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _condition_decoder(base: type) -> Decoder:
    known: Dict[str, Decoder] = {}

    def decode_condition(data: Any) -> Any:
        if type(data) is not list or not data or type(data[0]) is not str:
            raise _fail(base, data)
        decoder = known.get(data[0])
        if decoder is None:
            cls = _condition_classes().get(data[0])
            if cls is None:
                raise Malformed(f"unknown condition {data[0]!r}")
            decoder = known[data[0]] = _decoder(_Concrete(cls))
        return decoder(data[1:])

    return decode_condition


# -- encoders ------------------------------------------------------------------------------------


def _encoder(kind: Any) -> Encoder:
    encoder: Encoder = _memoised(_ENCODERS, _make_encoder, kind)
    return encoder


def _encode_any(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        raise Unencodable(f"not plain data: {value!r}")
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, (tuple, list)):
        return [_encode_any(item) for item in value]
    if isinstance(value, dict) and all(type(key) is str for key in value):
        return {key: _encode_any(item) for key, item in value.items()}
    raise Unencodable(f"not plain data: {type(value).__name__}")


def _make_encoder(kind: Any) -> Encoder:
    if isinstance(kind, _Concrete):
        return _dataclass_encoder(kind.cls)
    if kind is Any:
        return _encode_any
    if kind in (str, int, bool, float, type(None), None):
        return _encode_plain
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin is typing.Union:
        options = [arg for arg in args if arg is not type(None)]
        if len(options) != 1:
            raise TypeError(f"unsupported union {kind}")
        only = _encoder(options[0])
        return lambda value: None if value is None else only(value)
    if origin is collections.abc.Sequence:
        return _encoder(Tuple[args[0], ...])
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis and args[0] in (str, int, bool, float):
            return _encode_scalars  # a column of plain values: one loop, no call per item
        if len(args) == 2 and args[1] is Ellipsis:
            item = _encoder(args[0])

            def encode_items(value: Any) -> Any:
                if isinstance(value, Packed) and value.kind == args[0]:
                    return json.loads(value.text)  # already encoded
                return [item(v) for v in value]

            return encode_items
        parts = [_encoder(arg) for arg in args]
        if not parts:
            return _encode_any
        return lambda value: [part(v) for part, v in zip(parts, value)]
    if origin is list:
        each = _encoder(args[0]) if args else _encode_any
        return lambda value: [each(v) for v in value]
    if (origin in (dict, typing.Dict) or kind is dict) and args and args[0] is not str:
        pair = _encoder(Tuple[args[0], args[1]])
        return lambda value: [pair(item) for item in value.items()]
    if origin in (dict, typing.Dict) or kind is dict:
        value_encoder = _encoder(args[1]) if args else _encode_any
        return lambda value: {_encode_key(k): value_encoder(v) for k, v in value.items()}
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return lambda value: value.value
    if isinstance(kind, type) and _is_condition_base(kind):

        def encode_condition(value: Any) -> Any:
            return [_class_name(type(value)), *_encoder(_Concrete(type(value)))(value)]

        return encode_condition
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass_encoder(kind)
    raise TypeError(f"no plain-data shape for {kind!r}")


def _encode_plain(value: Any) -> Any:
    if not isinstance(value, _PLAIN):
        raise Unencodable(f"not plain data: {type(value).__name__}")
    return value


def _encode_scalars(value: Any) -> Any:
    for item in value:
        if not isinstance(item, _PLAIN):
            raise Unencodable(f"not plain data: {type(item).__name__}")
    return list(value)


def _encode_key(key: Any) -> str:
    if type(key) is not str:
        raise Unencodable(f"not a string key: {key!r}")
    return key


def _dataclass_encoder(kind: type) -> Encoder:
    fields = _stored_fields(kind)
    hints = _hints(kind, fields)
    parts = [(f.name, _encoder(hints[f.name])) for f in fields]

    def encode_dataclass(value: Any) -> Any:
        if type(value) is not kind:
            raise Unencodable(f"expected {kind.__name__}, found {type(value).__name__}")
        return [part(getattr(value, name)) for name, part in parts]

    return encode_dataclass
