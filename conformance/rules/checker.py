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


_STALE_BASELINE = """
{
  "version": 1,
  "tool": "module-conformance",
  "entries": [
    {"path": "cpv3/modules/users/service.py", "code": "CNF113", "fingerprint": "0123456789abcdef", "count": 1, "message": "select() builds SQL in service.py"}
  ]
}
"""


class StaleBaselineEntry(Rule):
    """## What it checks
    An entry of the baseline file (`--baseline`, or the `baseline` key) that matches fewer
    findings than it records: the finding was fixed, or its flagged code changed. Only entries under
    the paths a run checks, and of rules the run selects, are judged.

    ## Why
    A baseline is a list of accepted debts that may only shrink. An entry left behind after its
    finding was fixed would let the same violation come back unnoticed: the ratchet is the point.

    ## Example
    A baseline entry for `CNF113` in `cpv3/modules/users/service.py` after the query moved to the
    repository.

    ## Use instead
    Run `conformance check --update-baseline` and commit the smaller baseline with the fix.

    ## Fix
    None: `--update-baseline` rewrites the file.

    ## Options
    `baseline` (or `--baseline FILE`) names the file. `--ignore CNF903` keeps stale entries
    silent (the baseline then stops being a ratchet).
    """

    code = "CNF903"
    name = "stale-baseline-entry"
    summary = "baseline entry matches no finding any more"
    fix_hint = "run `conformance check --update-baseline` and commit the smaller baseline"
    VALID = (
        Example.code(
            "x = 1\n",
            path="cpv3/core/util.py",
            extra={".conformance-baseline.json": '{"version": 1, "entries": []}\n'},
            config='baseline = ".conformance-baseline.json"',
            note="an empty baseline",
        ),
    )
    INVALID = (
        Example.code(
            "class UserService:\n    pass\n",
            Expect(
                5,
                1,
                "baselined CNF113 in cpv3/modules/users/service.py no longer occurs: update the"
                " baseline (`conformance check --update-baseline`) so that it only shrinks",
                path=".conformance-baseline.json",
            ),
            path="cpv3/modules/users/service.py",
            extra={".conformance-baseline.json": _STALE_BASELINE},
            config='baseline = ".conformance-baseline.json"',
        ),
    )
