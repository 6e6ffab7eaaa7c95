"""CNF9xx: findings about the checker's own input (files it cannot read, stale suppressions).

These rules have no hooks: the file pass emits CNF901 and the suppression step emits CNF902. They
exist as classes so that they can be selected, ignored, explained and documented like any rule.
"""
