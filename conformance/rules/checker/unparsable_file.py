"""CNF901 unparsable-file."""

from __future__ import annotations

from conformance.rules.base import Example, Expect, Rule


class UnparsableFile(Rule):
    """## What it checks
    A Python file the checker cannot read, decode or parse: a syntax error, bytes that are not
    valid in the file's encoding (UTF-8 unless a PEP 263 coding comment says otherwise), or a file
    that cannot be opened.

    ## Why
    Every other rule is blind to a file it cannot parse, so a broken file would otherwise hide its
    violations silently. The run goes on with the other files.

    ## Example
    ```python
    def broken(:
        pass
    ```

    ## Use instead
    Fix the syntax error, or save the file as UTF-8 (or declare its encoding).

    ## Options
    None. Excluding the file (`exclude`) removes it from the run entirely.
    """

    code = "CNF901"
    name = "unparsable-file"
    summary = "file cannot be read, decoded or parsed"
    fix_hint = "fix the syntax error (the file is skipped by every other rule until then)"
    VALID = (Example.code("x = 1\n", path="cpv3/core/util.py"),)
    INVALID = (
        Example.code(
            "def broken(:\n    pass\n",
            Expect(1, 12, "cannot parse: invalid syntax"),
            path="cpv3/core/util.py",
        ),
    )
