"""Property tests (hypothesis) of ``--fix``: on generated files mixing fixable code with look-alikes
(strings, comments, attribute calls, other tools' ``noqa`` codes), in any line ending, with or
without a BOM, in UTF-8 or latin-1:

* the fixed file is exactly the expected one: every byte outside the fixed nodes is kept;
* it parses;
* a second ``--fix`` changes nothing;
* a file without findings is not rewritten.
"""

from __future__ import annotations

import ast
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

import libcst as cst
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.config import validate
from conformance.engine import RunOptions
from conformance.fixes import fix_paths

from .test_fixes import registered_test_rules

PATH = "cpv3/core/generated.py"
OTHER = "cpv3/core/other.py"


@dataclass(frozen=True)
class Segment:
    """Some lines of source and what they become after ``--fix`` (``unsafe``: with
    ``--unsafe-fixes``). ``imports``: whether the fix needs ``from mylib import new``."""

    before: str
    after: str
    unsafe_after: str
    imports: bool = False


def _same(text: str) -> Segment:
    return Segment(text, text, text)


_names = st.integers(min_value=0, max_value=999)
_values = st.integers(min_value=0, max_value=10**6).map(str)
_spaces = st.sampled_from(["", " ", "  "])


@st.composite
def segments(draw: st.DrawFn) -> Segment:
    n = draw(_names)
    v = draw(_values)
    pad = draw(_spaces)
    kind = draw(
        st.sampled_from(
            [
                "call",
                "call_in_function",
                "nested",
                "unused_noqa",
                "mixed_noqa",
                "own_line_noqa",
                "risky",
                "comment",
                "string",
                "attribute",
                "blank",
                "other_noqa",
                "plain",
            ]
        )
    )
    if kind == "call":
        return Segment(
            f"a{n} ={pad} old({v}){pad}  # why\n",
            f"a{n} ={pad} new({v}){pad}  # why\n",
            f"a{n} ={pad} new({v}){pad}  # why\n",
            imports=True,
        )
    if kind == "call_in_function":
        before = f"def f{n}(x{pad}=1):\n    # before\n    return old(x, {v})\n\n\n"
        after = before.replace("old(", "new(")
        return Segment(before, after, after, imports=True)
    if kind == "nested":
        return Segment(f"b{n} = unwrap(unwrap({pad}{v}{pad}))\n", f"b{n} = {v}\n", f"b{n} = {v}\n")
    if kind == "unused_noqa":
        return Segment(f"c{n} = {v}  # noqa: CNF113\n", f"c{n} = {v}\n", f"c{n} = {v}\n")
    if kind == "mixed_noqa":
        kept = f"d{n} = {v}  # noqa: E501\n"
        return Segment(f"d{n} = {v}  # noqa: CNF113, E501\n", kept, kept)
    if kind == "own_line_noqa":
        return Segment(f"# noqa: CNF113\ne{n} = {v}\n", f"e{n} = {v}\n", f"e{n} = {v}\n")
    if kind == "risky":
        before = f"r{n} = risky({v})\n"
        return Segment(before, before, f"r{n} = {v}\n")
    if kind == "comment":
        return _same(f"#{pad}old({v}) unwrap(1) risky(2) noqa{pad}\n")
    if kind == "string":
        return _same(f's{n} = "old({v}) # noqa: CNF113"{pad}\n')
    if kind == "attribute":
        return _same(f"t{n} = obj.old({v}).unwrap(1)\n")
    if kind == "blank":
        return _same("\n" + pad + "\n" if pad else "\n")
    if kind == "other_noqa":
        return _same(f"o{n} = {v}  # noqa: E501{pad}\n")
    return _same(f"p{n}{pad}={pad}{v}\n")


@st.composite
def files(draw: st.DrawFn) -> Tuple[List[Segment], str, bool, str, bool]:
    body = draw(st.lists(segments(), min_size=0, max_size=12))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.booleans())
    encoding = draw(st.sampled_from(["utf-8", "latin-1"]))
    unsafe = draw(st.booleans())
    return body, newline, bom, "utf-8" if bom else encoding, unsafe


def _assemble(
    body: List[Segment], newline: str, bom: bool, encoding: str, unsafe: bool
) -> Tuple[bytes, bytes]:
    head = f"# -*- coding: {encoding} -*-\n" if encoding != "utf-8" else ""
    tail = 'NAME = "café"\n\n'
    needs_import = any(segment.imports for segment in body)
    before = head + "from mylib import thing\n" + tail + "".join(s.before for s in body)
    after = head + (
        "from mylib import new, thing\n" if needs_import else "from mylib import thing\n"
    )
    after += tail
    after += "".join(s.unsafe_after if unsafe else s.after for s in body)

    def encode(source: str) -> bytes:
        data = source.replace("\n", newline).encode(encoding)
        return b"\xef\xbb\xbf" + data if bom else data

    return encode(before), encode(after)


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files())
def test_fix_keeps_everything_outside_the_fixed_nodes_and_is_idempotent(
    generated: Tuple[List[Segment], str, bool, str, bool],
) -> None:
    body, newline, bom, encoding, unsafe = generated
    before, expected = _assemble(body, newline, bom, encoding, unsafe)
    with registered_test_rules(), tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "cpv3/core").mkdir(parents=True)
        (root / PATH).write_bytes(before)
        (root / OTHER).write_bytes(b"untouched = 1\r\n")
        os.utime(root / OTHER, ns=(1_000_000_000, 1_000_000_000))
        config = validate(
            {"extend-select": ["CNF991", "CNF992", "CNF993"]}, root=str(root), source=None
        )

        first = fix_paths(config, [str(root)], RunOptions(jobs=1), unsafe=unsafe)
        fixed = (root / PATH).read_bytes()
        text = before.decode("utf-8-sig" if bom else encoding)
        if expected != before and cst.parse_module(text).code != text:
            # libcst cannot reproduce this file (whitespace-only lines at its end): it must be
            # left alone, and said so.
            assert fixed == before
            assert [p.split(":")[0] for p in first.problems] == [PATH]
            return
        assert fixed == expected
        assert first.problems == []
        assert first.written == ([PATH] if expected != before else [])
        ast.parse(fixed.decode(encoding if not bom else "utf-8-sig"))
        assert (root / OTHER).stat().st_mtime_ns == 1_000_000_000

        second = fix_paths(config, [str(root)], RunOptions(jobs=1), unsafe=unsafe)
        assert second.changes == []
        assert (root / PATH).read_bytes() == expected
