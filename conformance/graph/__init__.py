"""``conformance graph``: the architecture as the layering rules see it, with their findings on it.

``build`` turns one run (its layout, the per-file import facts, its findings) into a
:class:`~conformance.graph.model.Graph`; ``render`` writes it as Mermaid, DOT, JSON or a
self-contained HTML page; ``command`` is the command line.
"""
