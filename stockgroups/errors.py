"""Errors a user can act on: each prints as one line naming the input."""


class StockGroupsError(Exception):
    """Base class: str(err) is the one-line message shown to the user."""


class InputError(StockGroupsError):
    """An input could not be read or is not an article (binary, empty, bad shape, too big)."""


class FetchError(StockGroupsError):
    """A URL could not be fetched, or was refused (private address, too big, timeout)."""


class KBError(StockGroupsError):
    """The knowledge base failed validation; the message names file, line and problem."""
