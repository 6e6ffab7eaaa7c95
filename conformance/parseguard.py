"""What libcst may be given to parse. Its native parser recurses without a limit (2,000 nested
parentheses overflow the stack and kill the process, SIGSEGV) and its time grows with the square
of the nesting (a 2,000-call chain takes seconds, 50,000 terms minutes). CPython's own parser has
limits and fails cleanly, so it looks first, and the file is measured on its tree: a file nested
deeper, or with more nesting work, than the limits below is reported as CNF901 with the reason and
the line, and never reaches libcst. The bounds are counts, not times: the same file gives the same
report on every machine.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from typing import List, Optional, Tuple

#: Deepest nesting of the syntax tree (CPython's ``ast``; an ``and``/``or`` chain counts each
#: operand, as libcst nests them). Plausible code stays far below: a 300-call query chain is 600,
#: a 500-branch ``elif`` 500.
MAX_DEPTH = 1000

#: The sum of every node's depth: how much work libcst's parse costs (it grows with the square of
#: a chain's length). A 4,000-line module of ordinary code measures about 100,000.
MAX_WORK = 5_000_000

#: Tokens of one statement in a file CPython does not parse (no tree to measure): a bound on
#: its depth.
MAX_STATEMENT_TOKENS = 10_000

#: Bracket depth CPython itself accepts ("too many nested parentheses" beyond it).
MAX_BRACKETS = 200

#: Messages of CPython's parser that are limits of the parser, not syntax the running Python does
#: not know yet: the file is past them whatever Python it was written for.
_LIMIT_MESSAGES = (
    "too many nested parentheses",
    "too many nested f-strings",
    "too many levels of indentation",
    "too many statically nested blocks",
    "too complex",
    "too many expressions",
)

#: The hint of a CNF901 finding for a file refused before parsing.
PRECHECK_HINT = (
    "split the deeply nested code, or exclude the file (`extend-exclude`) if it is generated"
)

#: (message, line, column) of a CNF901 finding.
Verdict = Tuple[str, int, int]


def precheck(source: str) -> Optional[Verdict]:
    """None when libcst may parse ``source``; else why not, and where."""
    return prechecked(source)[0]


def prechecked(source: str) -> Tuple[Optional[Verdict], Optional[ast.Module]]:
    """:func:`precheck`, and Python's own tree of ``source`` when it has one (the file pass
    places findings with its line numbers, see ``positions.scoped_node_spans``)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes: not ours to show
            tree = ast.parse(source)
    except SyntaxError as error:
        message = str(error.msg)
        if any(limit in message for limit in _LIMIT_MESSAGES):
            return (f"cannot parse: {message}", error.lineno or 1, error.offset or 1), None
        # Invalid, or syntax newer than the running Python (libcst may know it): libcst decides,
        # once the tokens show nothing past CPython's own limits.
        return _lexical(source), None
    except (RecursionError, MemoryError):
        return ("cannot parse: nested too deeply for Python's own parser", 1, 1), None
    except ValueError:  # NUL bytes (Python < 3.12)
        return _lexical(source), None
    return _measure(tree), tree


def _measure(tree: ast.AST) -> Optional[Verdict]:
    """Depth and nesting work of the tree, with an explicit stack (the tree may be deep)."""
    work = 0
    deepest = 0
    where: ast.AST = tree
    stack: List[Tuple[ast.AST, int]] = [(tree, 0)]
    children = ast.iter_child_nodes
    while stack:
        node, depth = stack.pop()
        work += depth
        if depth > deepest:
            deepest = depth
            if hasattr(node, "lineno"):  # not a context (Load, Store)
                where = node
        step = len(node.values) if isinstance(node, ast.BoolOp) else 1
        for child in children(node):
            stack.append((child, depth + step))
    line = getattr(where, "lineno", 1) or 1
    column = (getattr(where, "col_offset", 0) or 0) + 1
    if deepest > MAX_DEPTH:
        return (
            f"not checked: code nested {deepest:,} levels deep (the limit is {MAX_DEPTH:,});"
            " split the expression",
            line,
            column,
        )
    if work > MAX_WORK:
        return (
            f"not checked: too much nesting to parse in bounded time (measure {work:,}, the"
            f" limit is {MAX_WORK:,}); split the file or exclude it",
            1,
            1,
        )
    return None


def _lexical(source: str) -> Optional[Verdict]:
    """For a file CPython does not parse: its bracket depth and logical-line length from the
    tokenizer, against the same limits."""
    depth = 0
    in_line = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.OP:
                if token.string in "([{":
                    depth += 1
                    if depth > MAX_BRACKETS:
                        return "cannot parse: too many nested parentheses", *_start(token)
                elif token.string in ")]}":
                    depth = max(0, depth - 1)
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                in_line = 0
                continue
            in_line += 1
            if in_line > MAX_STATEMENT_TOKENS:
                return (
                    f"not checked: a statement of more than {MAX_STATEMENT_TOKENS:,} tokens"
                    " that this Python cannot parse",
                    *_start(token),
                )
    except (tokenize.TokenError, SyntaxError, RecursionError, MemoryError, ValueError):
        pass
    return None


def _start(token: tokenize.TokenInfo) -> Tuple[int, int]:
    return token.start[0], token.start[1] + 1


def expression_safe(text: str) -> bool:
    """Whether a string annotation's text may be parsed by libcst (its content is never seen by
    the file's check): small, and shallow by CPython's parse."""
    if len(text) > 10_000:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        return not any(limit in str(error.msg) for limit in _LIMIT_MESSAGES)
    except (RecursionError, MemoryError):
        return False
    except ValueError:
        return True
    return _measure(tree) is None
