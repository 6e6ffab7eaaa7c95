"""module-conformance: a static conformance checker for FastAPI feature-module backends.

Public API (imported lazily so that ``conformance --version`` and warm runs stay fast)::

    from conformance import check, Config, Violation
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conformance.version import __version__

__all__ = ["Config", "Violation", "__version__", "check"]

if TYPE_CHECKING:
    from conformance.diagnostics import Violation
    from conformance.engine import check
    from conformance.settings import Config


def __getattr__(name: str) -> Any:
    if name == "check":
        from conformance.engine import check

        return check
    if name == "Config":
        from conformance.settings import Config

        return Config
    if name == "Violation":
        from conformance.diagnostics import Violation

        return Violation
    raise AttributeError(name)
