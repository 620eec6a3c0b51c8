"""Domain errors. Services raise them with a Chinese message; the API and views turn them into
responses (409 for an illegal state transition, 400 for bad input, 404 for what is out of sight)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the action. `message` is shown to the user as it is."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class ValidationFailed(DomainError):
    status = 400
    code = "invalid"


class IllegalTransition(DomainError):
    status = 409
    code = "illegal_transition"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class GateRefused(DomainError):
    """A rule gate (R17, R18, R19, R23 …) refused the action; the message says which and why."""

    status = 409
    code = "gate_refused"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
