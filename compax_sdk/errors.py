"""Errors the SDK raises. One function, ``error_from_response``, turns an HTTP error response
(its status and the problem+json ``code``) into one of these classes::

    CompaxError
    ├── APIError                          status, code, title, detail, request_id, errors, body
    │   ├── BadRequestError (400)           bad_request, malformed_body, sso_state_invalid,
    │   │   │                               sso_redirect_uri_not_allowed, sso_device_unsupported
    │   │   ├── ValidationError (400)       validation_failed
    │   │   └── SsoPendingError (400)       sso_authorization_pending: retry_after
    │   ├── AuthenticationError (401)       unauthenticated, invalid_credentials,
    │   │                                   invalid_token, refresh_token_reused, sso_denied,
    │   │                                   sso_id_token_invalid, sso_handover_invalid
    │   ├── PermissionDeniedError (403)     forbidden, local_login_disabled,
    │   │                                   sso_email_unverified, sso_account_inactive
    │   ├── NotFoundError (404)             not_found, sso_provider_unknown
    │   ├── MethodNotAllowedError (405)     method_not_allowed
    │   ├── RequestTimeoutError (408)       request_timeout
    │   ├── ConflictError (409)             conflict, request_in_progress (retried by the SDK)
    │   │   ├── AlreadyExistsError (409)    already_exists
    │   │   ├── BookingConflictError (409)  booking_conflict: conflicts, alternatives, dates
    │   │   ├── ClosureHitsBookingsError (409)  closure_hits_bookings: bookings
    │   │   ├── CheckinClosedError (409)    checkin_closed: opens_at, closes_at
    │   │   └── ImportRejectedError (409)   import_rejected: import_id, summary, items
    │   ├── PreconditionFailedError (412)   precondition_failed: current_version
    │   ├── PayloadTooLargeError (413, 431) payload_too_large, header_too_large
    │   ├── UnprocessableError (422)
    │   │   └── RuleViolationError (422)    rule_violation, password_policy, noshow_ban
    │   ├── PreconditionRequiredError (428) precondition_required
    │   ├── RateLimitError (429)            rate_limited: retry_after
    │   ├── InternalServerError (5xx)       internal_error
    │   │   └── ServiceUnavailableError     service_unavailable, sso_provider_unavailable
    │   └── APIResponseValidationError      a success response the SDK cannot read
    └── APIConnectionError                  no response: refused, reset, cut
        └── APITimeoutError                 no response in time

Catch ``CompaxError`` for everything, ``APIError`` for every answer of the server, and
``APIConnectionError`` for network trouble (the SDK has already retried those). A problem
``code`` the SDK does not know yet maps by status (an unknown status to ``APIError``), so a
newer server never breaks it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx

# The shapes and readers of a problem body are names of this module too (``X as X``).
from compax_sdk._problem import AlternativeRoom as AlternativeRoom
from compax_sdk._problem import ConflictingBooking as ConflictingBooking
from compax_sdk._problem import FieldError as FieldError
from compax_sdk._problem import parse_retry_after as parse_retry_after
from compax_sdk._problem import problem_body as problem_body
from compax_sdk._problem import read_all, response_text, str_or_none, time_or_none

if TYPE_CHECKING:
    from compax_sdk.resources.imports import ImportItemResult


class CompaxError(Exception):
    """Base of every error the SDK raises."""


class APIError(CompaxError):
    """The server answered with an error (RFC 9457 problem details)."""

    def __init__(self, response: httpx.Response, body: dict[str, Any] | None = None) -> None:
        self.response = response
        self.body: dict[str, Any] = body if body is not None else {}
        self.status: int = response.status_code
        self.code: str | None = str_or_none(self.body.get("code"))
        self.title: str = str_or_none(self.body.get("title")) or response.reason_phrase
        self.detail: str = (  # a problem's detail, else its title; else the body itself
            str_or_none(self.body.get("detail"))
            or str_or_none(self.body.get("title"))
            or response_text(response)
            or self.title
        )
        self.request_id: str | None = str_or_none(
            self.body.get("request_id")
        ) or response.headers.get("x-request-id")
        self.errors: list[FieldError] = [
            FieldError.model_validate(e)
            for e in self.body.get("errors") or []
            if isinstance(e, dict)
        ]
        super().__init__(self._message())

    def _message(self) -> str:
        where = f", request_id {self.request_id}" if self.request_id else ""
        return f"{self.detail} ({self.status} {self.code or 'error'}{where})"


class BadRequestError(APIError):
    """400: the request is malformed."""


class ValidationError(BadRequestError):
    """400 ``validation_failed``: fields do not fit the schema; ``errors`` names each one."""


class SsoPendingError(BadRequestError):
    """400 ``sso_authorization_pending``: a device sign-on waits for the person; poll again
    after ``retry_after`` seconds."""

    def __init__(self, response: httpx.Response, body: dict[str, Any] | None = None) -> None:
        super().__init__(response, body)
        self.retry_after: float | None = parse_retry_after(response, self.body)


class AuthenticationError(APIError):
    """401: no credentials, wrong credentials, or an expired or revoked session."""


class PermissionDeniedError(APIError):
    """403: signed in, but not allowed (role or API key scope)."""


class NotFoundError(APIError):
    """404: it does not exist, or the caller may not see it."""


class MethodNotAllowedError(APIError):
    """405: the path does not take this method."""


class RequestTimeoutError(APIError):
    """408: the server gave up waiting for the request."""


class ConflictError(APIError):
    """409: the request conflicts with the current state."""


class AlreadyExistsError(ConflictError):
    """409 ``already_exists``: a unique code or email is taken."""


class ClosureHitsBookingsError(ConflictError):
    """409 ``closure_hits_bookings``: a closure would cover bookings and no policy was given
    for them. ``bookings`` lists them; create it again with ``on_bookings="cancel"`` or
    ``"keep"``."""

    def __init__(self, response: httpx.Response, body: dict[str, Any] | None = None) -> None:
        super().__init__(response, body)
        self.bookings: list[ConflictingBooking] = read_all(
            ConflictingBooking, self.body.get("bookings")
        )


class BookingConflictError(ConflictError):
    """409 ``booking_conflict``: the room is taken. ``conflicts`` lists the bookings in the
    way; ``alternatives`` up to three other rooms that are free then and fit, the same
    building's first (for a single booking); ``dates`` the local dates that are taken (for a
    series)."""

    def __init__(self, response: httpx.Response, body: dict[str, Any] | None = None) -> None:
        super().__init__(response, body)
        self.conflicts: list[ConflictingBooking] = read_all(
            ConflictingBooking, self.body.get("conflicts")
        )
        self.alternatives: list[AlternativeRoom] = read_all(
            AlternativeRoom, self.body.get("alternatives")
        )
        dates = self.body.get("dates")
        self.dates: list[str] = (
            [d for d in dates if isinstance(d, str)] if isinstance(dates, list) else []
        )


class CheckinClosedError(ConflictError):
    """409 ``checkin_closed``: a check-in outside the booking's window (``opens_at`` to
    ``closes_at``, ``None`` when the booking is no longer open at all: ``booking_status``)."""

    def __init__(self, response: httpx.Response, body: dict[str, Any] | None = None) -> None:
        super().__init__(response, body)
        self.opens_at: datetime | None = time_or_none(self.body.get("opens_at"))
        self.closes_at: datetime | None = time_or_none(self.body.get("closes_at"))
        self.booking_status: str | None = str_or_none(self.body.get("booking_status"))


class ImportRejectedError(ConflictError):
    """409 ``import_rejected``: an atomic import apply found conflicting or invalid items and
    applied nothing. ``import_id`` is the stored (rejected) batch, ``summary`` its items per
    action, ``items`` the conflicting and invalid ones (at most 200; ``imports.get`` has all)."""

    def __init__(self, response: httpx.Response, body: dict[str, Any] | None = None) -> None:
        from compax_sdk.resources.imports import ImportItemResult  # the resource imports us

        super().__init__(response, body)
        import_id = self.body.get("import_id")
        self.import_id: int | None = import_id if isinstance(import_id, int) else None
        summary = self.body.get("summary")
        self.summary: dict[str, int] = (
            {k: v for k, v in summary.items() if isinstance(v, int)}
            if isinstance(summary, dict)
            else {}
        )
        self.items: list[ImportItemResult] = read_all(ImportItemResult, self.body.get("items"))


class PreconditionFailedError(APIError):
    """412: the object changed since you read it (``If-Match`` is stale). Read it again."""

    def __init__(self, response: httpx.Response, body: dict[str, Any] | None = None) -> None:
        super().__init__(response, body)
        version = self.body.get("current_version")
        self.current_version: int | None = version if isinstance(version, int) else None


class PayloadTooLargeError(APIError):
    """413: the request body is too large; 431: its line and headers (a URL with thousands
    of ids)."""


class UnprocessableError(APIError):
    """422: a well-formed request that a rule forbids; ``errors`` says which."""


class RuleViolationError(UnprocessableError):
    """422 ``rule_violation`` / ``password_policy``: e.g. outside opening hours, a closure,
    a reused Idempotency-Key, a weak password."""


class PreconditionRequiredError(APIError):
    """428: the change needs ``If-Match`` (pass the object or ``version=``)."""


class RateLimitError(APIError):
    """429: too many requests; ``retry_after`` is the wait in seconds."""

    def __init__(self, response: httpx.Response, body: dict[str, Any] | None = None) -> None:
        super().__init__(response, body)
        self.retry_after: float | None = parse_retry_after(response, self.body)


class InternalServerError(APIError):
    """5xx: the server failed; report the ``request_id`` to its administrators."""


class ServiceUnavailableError(InternalServerError):
    """503: the server or its database is busy or down."""


class APIResponseValidationError(APIError):
    """A success response whose body does not have the shape the SDK expects."""

    def __init__(self, response: httpx.Response, problem: str) -> None:
        super().__init__(response, {"code": "invalid_response", "detail": problem})


class APIConnectionError(CompaxError):
    """No response: the connection failed or was cut (after the SDK's retries)."""

    def __init__(self, request: httpx.Request, message: str) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """No response within the timeout (after the SDK's retries)."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__(request, "Request timed out.")


ERRORS_BY_CODE: dict[str, type[APIError]] = {
    "bad_request": BadRequestError,
    "malformed_body": BadRequestError,
    "validation_failed": ValidationError,
    "unauthenticated": AuthenticationError,
    "invalid_credentials": AuthenticationError,
    "invalid_token": AuthenticationError,
    "refresh_token_reused": AuthenticationError,
    "forbidden": PermissionDeniedError,
    "not_found": NotFoundError,
    "method_not_allowed": MethodNotAllowedError,
    "request_timeout": RequestTimeoutError,
    "conflict": ConflictError,
    "request_in_progress": ConflictError,  # an Idempotency-Key still at work; retried first
    "import_rejected": ImportRejectedError,
    "already_exists": AlreadyExistsError,
    "booking_conflict": BookingConflictError,
    "closure_hits_bookings": ClosureHitsBookingsError,
    "checkin_closed": CheckinClosedError,
    "noshow_ban": RuleViolationError,
    "precondition_failed": PreconditionFailedError,
    "payload_too_large": PayloadTooLargeError,
    "header_too_large": PayloadTooLargeError,
    "rule_violation": RuleViolationError,
    "password_policy": RuleViolationError,
    "precondition_required": PreconditionRequiredError,
    "rate_limited": RateLimitError,
    "internal_error": InternalServerError,
    "service_unavailable": ServiceUnavailableError,
    "sso_provider_unknown": NotFoundError,
    "sso_redirect_uri_not_allowed": BadRequestError,
    "sso_state_invalid": BadRequestError,
    "sso_device_unsupported": BadRequestError,
    "sso_authorization_pending": SsoPendingError,
    "sso_denied": AuthenticationError,
    "sso_id_token_invalid": AuthenticationError,
    "sso_handover_invalid": AuthenticationError,
    "local_login_disabled": PermissionDeniedError,
    "sso_email_unverified": PermissionDeniedError,
    "sso_account_inactive": PermissionDeniedError,
    "sso_provider_unavailable": ServiceUnavailableError,
    "client_closed_request": APIError,  # 499, logged when the client has left: never received
}

ERRORS_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    408: RequestTimeoutError,
    409: ConflictError,
    412: PreconditionFailedError,
    413: PayloadTooLargeError,
    431: PayloadTooLargeError,
    422: UnprocessableError,
    428: PreconditionRequiredError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def error_from_response(response: httpx.Response) -> APIError:
    """The exception for an error response: by problem ``code`` first, then by status."""
    body = problem_body(response)
    code = str_or_none(body.get("code"))
    cls = ERRORS_BY_CODE.get(code or "") or ERRORS_BY_STATUS.get(response.status_code)
    if cls is None:
        cls = InternalServerError if response.status_code >= 500 else APIError
    return cls(response, body)
