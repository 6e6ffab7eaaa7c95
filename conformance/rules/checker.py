"""CNF9xx: findings about the checker's own input (files it cannot read, stale suppressions).

These rules have no hooks: the file pass emits CNF901 and the suppression step emits CNF902. They
exist as classes so that they can be selected, ignored, explained and documented like any rule.
"""

from __future__ import annotations

from conformance.diagnostics import FixSafety
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

    ## Fix
    None.

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


class UnusedSuppression(Rule):
    """## What it checks
    A `# noqa: CNF...` comment naming a code that suppresses nothing on its line (or statement),
    or a `CNF` code that no rule has.

    ## Why
    Suppressions outlive the code they were written for. A stale one hides the next real finding
    on that line; an unknown code is usually a typo that suppresses nothing at all.

    ## Example
    ```python
    from .service import UserService  # noqa: CNF202
    ```

    ## Use instead
    ```python
    from .service import UserService
    ```

    ## Fix
    Safe: removes the unused codes from the comment, or the whole comment when none is left.

    ## Options
    Only codes of rules selected in the run are judged: a comment for a rule that the run did not
    select is never called unused. A blanket `# noqa` (without codes) is not ours and never
    reported.
    """

    code = "CNF902"
    name = "unused-suppression"
    summary = "`# noqa` names a code that suppresses nothing here"
    fix_hint = "remove the code from the comment (or the whole comment)"
    fix = FixSafety.SAFE
    VALID = (
        Example.code(
            "import os  # noqa: F401\n",
            path="cpv3/core/util.py",
            note="codes of other linters are not ours",
        ),
    )
    INVALID = (
        Example.code(
            "import os  # noqa: CNF113\n",
            Expect(1, 12, "unused suppression of CNF113 in `# noqa: CNF113`"),
            path="cpv3/core/util.py",
        ),
    )
