"""The quote board moved to ``bourse.marketdata.quotes``; these names stay importable here."""

from bourse.marketdata.quotes import QuoteBoard, QuoteView

__all__ = ["QuoteBoard", "QuoteView"]
