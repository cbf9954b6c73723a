"""The ledger's own errors: both mean a bug or a misfed bookkeeper, never bad data.

They live apart from the bookkeeper and the entries because those are compiled with mypyc,
which cannot compile subclasses of built-in exceptions.
"""


class EventGapError(RuntimeError):
    """The bookkeeper was handed an event that does not follow the last one it saw."""


class UnbalancedEntryError(AssertionError):
    """An entry whose postings do not sum to zero for some asset: a bug, never data."""
