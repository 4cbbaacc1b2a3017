"""Pure text -> mentions: gazetteer matcher, context rules, watch lists."""

from presswatch.extract.detect import Detector, entity_reference, get_detector

__all__ = ["Detector", "entity_reference", "get_detector"]
