"""What can go wrong when asking an order backend, as the callers need to tell it apart."""

from __future__ import annotations


class OrderBackendError(Exception):
    """Base of every backend error."""


class BackendUnavailable(OrderBackendError):
    """The backend did not answer (network, timeout, a 5xx): try again later, nothing was changed."""


class OrderNotFound(OrderBackendError):
    """A write named an order the backend does not have. Lookups return None instead."""


class RuleViolation(OrderBackendError):
    """The shop's rules forbid the request (not returnable, too late to cancel, ...).
    The message is worded for a person and safe to show to the verified customer."""
