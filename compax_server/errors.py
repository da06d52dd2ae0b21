"""The domain error tree. Every error the business layer raises is a ``CompaxError``.

One handler in ``compax_server.api.errors`` renders any of them as RFC 9457
``application/problem+json``; the class decides ``status``, ``code`` and ``title``, the
instance carries ``detail`` and extra members (``errors``, ``conflicts``, ...)::

    CompaxError (500 internal_error)
    ├── BadRequest (400 bad_request)
    │   ├── MalformedBody (400 malformed_body)
    │   └── InvalidInput (400 validation_failed)      errors=[{location, pointer, detail, code}]
    ├── Unauthenticated (401 unauthenticated)
    │   ├── InvalidCredentials (401 invalid_credentials)
    │   ├── InvalidToken (401 invalid_token)
    │   ├── RefreshTokenReused (401 refresh_token_reused)
    │   ├── SsoDenied (401 sso_denied)
    │   ├── SsoIdTokenInvalid (401 sso_id_token_invalid)
    │   └── SsoHandoverInvalid (401 sso_handover_invalid)
    ├── BadRequest ...
    │   ├── SsoStateInvalid (400 sso_state_invalid)
    │   ├── SsoRedirectNotAllowed (400 sso_redirect_uri_not_allowed)
    │   ├── SsoDeviceUnsupported (400 sso_device_unsupported)
    │   └── SsoAuthorizationPending (400 sso_authorization_pending)  retry_after=<seconds>
    ├── Forbidden (403 forbidden)
    │   ├── LocalLoginDisabled (403 local_login_disabled)
    │   ├── SsoEmailUnverified (403 sso_email_unverified)
    │   └── SsoAccountInactive (403 sso_account_inactive)
    ├── NotFound (404 not_found)
    │   └── SsoProviderUnknown (404 sso_provider_unknown)
    ├── MethodNotAllowed (405 method_not_allowed)
    ├── Conflict (409 conflict)
    │   ├── AlreadyExists (409 already_exists)
    │   ├── RequestInProgress (409 request_in_progress) retry_after=<seconds>
    │   ├── BookingConflict (409 booking_conflict)     conflicts=[...], alternatives=[...]
    │   └── ClosureHitsBookings (409 closure_hits_bookings)  bookings=[...]
    ├── PreconditionFailed (412 precondition_failed)
    ├── PreconditionRequired (428 precondition_required)
    ├── PayloadTooLarge (413 payload_too_large)
    ├── HeaderTooLarge (431 header_too_large)
    ├── RuleViolation (422 rule_violation)            errors=[{rule, limit, detail}]
    │   └── PasswordPolicy (422 password_policy)
    ├── RateLimited (429 rate_limited)                retry_after=<seconds>
    └── ServiceUnavailable (503 service_unavailable)
        └── SsoProviderUnavailable (503 sso_provider_unavailable)
"""

from __future__ import annotations

from typing import Any, ClassVar


class CompaxError(Exception):
    """Base of every error the business layer raises. Rendered as problem+json."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.detail!r})"


class BadRequest(CompaxError):
    status, code, title = 400, "bad_request", "Bad request"


class MalformedBody(BadRequest):
    code, title = "malformed_body", "The request body is not valid JSON"


class InvalidInput(BadRequest):
    """Well-formed JSON whose fields do not fit the schema. ``errors`` names each field."""

    code, title = "validation_failed", "The request does not fit the schema"

    def __init__(self, detail: str, errors: list[dict[str, Any]], **extra: Any) -> None:
        super().__init__(detail, errors=errors, **extra)
        self.errors = errors

    @classmethod
    def field(cls, location: str, name: str, detail: str, code: str = "invalid") -> InvalidInput:
        """One bad field, e.g. ``InvalidInput.field("query", "limit", "must be at most 200")``;
        ``name`` may be a path (``opening_hours/mon``)."""
        pointer = "/" + "/".join(part.replace("~", "~0") for part in name.split("/"))
        return cls(
            f"{name.replace('/', '.')}: {detail}",
            errors=[{"location": location, "pointer": pointer, "detail": detail, "code": code}],
        )

    @classmethod
    def out_of_range(
        cls, location: str, name: str, value: int, low: int, high: int
    ) -> InvalidInput:
        """A number outside ``low``..``high``, with the code the schema's own check gives
        for the same value (pydantic's ``greater_than_equal`` / ``less_than_equal``): a
        client reads one code for one mistake, whichever layer caught it."""
        code = "greater_than_equal" if value < low else "less_than_equal"
        return cls.field(location, name, f"must be between {low} and {high}", code)


class Unauthenticated(CompaxError):
    status, code, title = 401, "unauthenticated", "Authentication required"


class InvalidCredentials(Unauthenticated):
    code, title = "invalid_credentials", "Wrong email or password"


class InvalidToken(Unauthenticated):
    code, title = "invalid_token", "The credentials are not valid"


class RefreshTokenReused(Unauthenticated):
    code, title = "refresh_token_reused", "The refresh token was already used"


class Forbidden(CompaxError):
    status, code, title = 403, "forbidden", "Not allowed"


class NotFound(CompaxError):
    status, code, title = 404, "not_found", "Not found"


class MethodNotAllowed(CompaxError):
    status, code, title = 405, "method_not_allowed", "Method not allowed"


class Conflict(CompaxError):
    status, code, title = 409, "conflict", "Conflict"


class AlreadyExists(Conflict):
    code, title = "already_exists", "Already exists"


class RequestInProgress(Conflict):
    """A retry while the first request with its Idempotency-Key still runs."""

    code, title = "request_in_progress", "A request with this Idempotency-Key is still running"


class BookingConflict(Conflict):
    code, title = "booking_conflict", "The room is taken"


class ClosureHitsBookings(Conflict):
    """A closure over active bookings, without a policy for them. ``bookings`` lists them."""

    code, title = "closure_hits_bookings", "The closure covers bookings"


class CheckinClosed(Conflict):
    """A check-in outside its window. ``opens_at`` and ``closes_at`` name the window."""

    code, title = "checkin_closed", "Check-in is not open"


class PreconditionFailed(CompaxError):
    status, code, title = 412, "precondition_failed", "The resource has changed"


class PreconditionRequired(CompaxError):
    status, code, title = 428, "precondition_required", "If-Match is required"


class PayloadTooLarge(CompaxError):
    status, code, title = 413, "payload_too_large", "The request body is too large"


class HeaderTooLarge(CompaxError):
    """The request line and headers over the server's limit (RFC 6585's 431)."""

    status, code, title = 431, "header_too_large", "The request headers are too large"


class RuleViolation(CompaxError):
    status, code, title = 422, "rule_violation", "A rule forbids this"


class PasswordPolicy(RuleViolation):
    code, title = "password_policy", "The password does not meet the policy"


class NoshowBan(RuleViolation):
    """A member who missed too many bookings may not book for a while. ``noshows`` lists
    them, ``until`` says when the ban ends."""

    code, title = "noshow_ban", "Too many missed bookings"


class RateLimited(CompaxError):
    status, code, title = 429, "rate_limited", "Too many requests"

    def __init__(self, detail: str, retry_after: int, **extra: Any) -> None:
        super().__init__(detail, retry_after=retry_after, **extra)
        self.retry_after = retry_after


class ServiceUnavailable(CompaxError):
    status, code, title = 503, "service_unavailable", "Service unavailable"


# -- single sign-on (services/sso.py) ----------------------------------------------------------


class SsoProviderUnknown(NotFound):
    code, title = "sso_provider_unknown", "No such sign-on provider"


class SsoRedirectNotAllowed(BadRequest):
    code, title = "sso_redirect_uri_not_allowed", "The redirect URI is not configured"


class SsoStateInvalid(BadRequest):
    code, title = "sso_state_invalid", "The sign-on attempt is unknown, used or expired"


class SsoDeviceUnsupported(BadRequest):
    code, title = "sso_device_unsupported", "The provider offers no device sign-on"


class SsoAuthorizationPending(BadRequest):
    code, title = "sso_authorization_pending", "The person has not finished signing in yet"

    def __init__(self, detail: str, retry_after: int, **extra: Any) -> None:
        super().__init__(detail, retry_after=retry_after, **extra)
        self.retry_after = retry_after


class SsoDenied(Unauthenticated):
    code, title = "sso_denied", "The identity provider refused the sign-on"


class SsoIdTokenInvalid(Unauthenticated):
    code, title = "sso_id_token_invalid", "The identity provider's answer is not valid"


class SsoHandoverInvalid(Unauthenticated):
    code, title = "sso_handover_invalid", "The sign-on code is unknown, used or expired"


class LocalLoginDisabled(Forbidden):
    code, title = "local_login_disabled", "Passwords are switched off: sign in with SSO"


class SsoEmailUnverified(Forbidden):
    code, title = "sso_email_unverified", "The identity provider has not verified the email"


class SsoAccountInactive(Forbidden):
    code, title = "sso_account_inactive", "The account is deactivated"


class SsoProviderUnavailable(ServiceUnavailable):
    code, title = "sso_provider_unavailable", "The identity provider does not answer"
