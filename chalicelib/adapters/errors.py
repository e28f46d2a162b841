"""Errors raised by adapters when an outside system fails in a way worth retrying."""

from __future__ import annotations


class TransientError(Exception):
    """The outside system is unavailable or throttling; the same call may succeed later.

    The state machine's ``Retry`` blocks match this class name (Lambda reports it as ``errorType``).
    """
