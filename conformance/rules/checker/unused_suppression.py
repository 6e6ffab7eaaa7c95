"""CNF902 unused-suppression."""

from __future__ import annotations

from conformance.diagnostics import FixSafety
from conformance.rules.base import Example, Expect, Rule


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
