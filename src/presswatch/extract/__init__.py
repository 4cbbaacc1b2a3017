"""Pure text -> mentions: gazetteer matcher, context rules, watch lists.

The detector is imported on first use, not with the package: the dashboard needs only the
term tokeniser (``extract.terms``), and a new server's first page should not wait for the
gazetteer matcher's modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from presswatch.extract.detect import Detector, entity_reference, get_detector

__all__ = ["Detector", "entity_reference", "get_detector"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from presswatch.extract import detect

        return getattr(detect, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
