"""What can go wrong in a request, as exceptions that carry their HTTP status and a message
for the person at the console. main.py turns them into {"detail": ...} responses."""

from __future__ import annotations


class HandoffError(Exception):
    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(HandoffError):
    status_code = 404


class Forbidden(HandoffError):
    status_code = 403


class Conflict(HandoffError):
    status_code = 409


class Invalid(HandoffError):
    status_code = 422


class Upstream(HandoffError):
    """Rasa or the knowledge service failed: nothing was changed on our side, try again."""

    status_code = 502
