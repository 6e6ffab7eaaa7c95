"""CNF2xx: layering (RULES-CATALOG section 2, default policy DESIGN.md section 5).

Inside a feature module the chain ``router -> service -> repository -> models`` is *closed*: a layer
uses only the roles that ``[tool.conformance.layers]`` lists for it, so a router that skips its
service to reach a repository is a finding, not a shortcut. Across modules another module's service
and schemas (and its models, for relationships) are public; its repository and router are private.

Every import is judged by what it reaches, resolved by configuration (``ctx.role_of_module``) and,
where the answer lies in another file, by the project index (a condition): whether an imported name
is an ORM entity (CNF203), whether a package re-export leads to a private layer (CNF218), whether a
route parameter's provider returns a repository (CNF210).

How the variants of an import count (RULES-CATALOG 2.2):

* under ``if TYPE_CHECKING:`` a forbidden edge is reported as CNF214 *instead of* its own code, so a
  team can switch type-only coupling off with ``ignore = ["CNF214"]``;
* inside a function (deferred, LAY015) it keeps its own code, with the tag ``deferred`` and a
  message suffix: deferred imports are still imports. LAY015 therefore has no code of its own
  (CNF215 is left unused on purpose);
* ``importlib.import_module("literal")`` / ``__import__("literal")`` is CNF213; computed names are
  not reported (nothing certain to say).
"""

from conformance.rules.layering._common import OPTIONS

__all__ = ["OPTIONS"]
