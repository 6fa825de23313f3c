"""One exception family for everything xlsales refuses.

Every message names the argument, the value and the rule, on one line, so that the
Excel boundary can show it in a cell as it is.
"""

from __future__ import annotations


class XlsalesError(ValueError):
    """Base of every error xlsales raises on bad input."""


class InputError(XlsalesError):
    """An argument breaks a rule: wrong type, out of range, wrong length."""


class UndefinedError(XlsalesError):
    """The inputs are valid but the asked-for number does not exist (e.g. 0 / 0)."""


class DataError(XlsalesError):
    """A row of a user's file breaks a rule; the message names file, row and column."""
