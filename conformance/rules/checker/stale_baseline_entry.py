"""CNF903 stale-baseline-entry."""

from __future__ import annotations

from conformance.rules.base import Example, Expect, Rule

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
                "baselined CNF113 in cpv3/modules/users/service.py no longer occurs",
                path=".conformance-baseline.json",
            ),
            path="cpv3/modules/users/service.py",
            extra={".conformance-baseline.json": _STALE_BASELINE},
            config='baseline = ".conformance-baseline.json"',
        ),
    )
