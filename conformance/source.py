"""Source text: bytes decoded as Python decodes them, ``# noqa`` comments, syntax error places.

No libcst here: the fix engine and the suppression step use these without parsing.
"""

from __future__ import annotations

import ast
import codecs
import io
import re
import tokenize
from typing import List, Optional, Tuple

from conformance.results import NoqaComment


def decode_source(data: bytes) -> Tuple[str, str, bool]:
    """Decode file bytes as Python does (BOM, PEP 263 coding cookie, UTF-8 by default).
    Returns (text, encoding, had_bom); raises ValueError with a one-line reason."""
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise ValueError(f"cannot decode: {error.msg}") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        name = "UTF-8" if encoding.startswith("utf-8") else encoding
        raise ValueError(
            f"cannot decode as {name}: invalid byte 0x{data[error.start]:02x} on line {line}"
            " (save the file as UTF-8 or declare its encoding with a coding comment)"
        ) from None
    except LookupError:
        raise ValueError(f"cannot decode: unknown encoding '{encoding}'") from None
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    return text, encoding, bom


_NOQA_RE = re.compile(r"#\s*noqa\b", re.IGNORECASE)


def noqa_comments(source: str) -> Tuple[NoqaComment, ...]:
    """Every comment containing ``noqa``, found with the tokenizer so that a ``# noqa`` inside a
    string is not taken for a comment."""
    if "noqa" not in source and "NOQA" not in source:
        return ()
    out: List[NoqaComment] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT and _NOQA_RE.search(token.string):
                out.append(NoqaComment(token.start[0], token.start[1] + 1, token.string))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        for number, line in enumerate(source.splitlines(), start=1):
            match = _NOQA_RE.search(line)
            if match:
                out.append(NoqaComment(number, match.start() + 1, line[match.start() :]))
    return tuple(out)


def syntax_error_place(
    source: str, line: int, column: int, message: Optional[str]
) -> Tuple[int, int, str]:
    """Where and why a file does not parse. CPython's compiler words syntax errors the way users
    know them and points at the right token, so ask it first; the parser's own place and message
    (``line``, 1-based ``column``, ``message``) are the fallback (syntax newer than the running
    interpreter)."""
    try:
        ast.parse(source)
    except SyntaxError as python_error:
        return python_error.lineno or 1, python_error.offset or 1, str(python_error.msg)
    except (ValueError, RecursionError, MemoryError):
        pass
    first = message.strip().splitlines()[0] if message and message.strip() else "syntax error"
    return line, column, first
