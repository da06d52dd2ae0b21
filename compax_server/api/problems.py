"""The kinds of problem the API answers with, and their pages.

Every ``code`` the server can put in a problem+json body is a key of ``PROBLEMS``: its
title, what it means and what a client should do. The same text serves three readers:

- ``GET /problems/<code>`` (a short HTML page, made by ``problem_pages``): a problem's
  ``type`` URI points there, so that it resolves; ``GET /problems`` lists them all;
- the ``Problem`` schema of ``/openapi.json``: its ``code`` is an enum of these keys;
- ``docs/problems.md``, generated from here (``python -m compax_server.api.problems``;
  a test fails when the file is not current).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    status: int
    title: str
    means: str
    todo: str


PROBLEMS: dict[str, Kind] = {
    "bad_request": Kind(
        400,
        "Bad request",
        "The HTTP request itself is malformed (a header, the request line).",
        "Fix the request; retrying it unchanged gives the same answer.",
    ),
    "malformed_body": Kind(
        400,
        "The request body is not valid JSON",
        "The body could not be read as JSON, or the operation needs a body and got none.",
        "Send a JSON document with `Content-Type: application/json`.",
    ),
    "validation_failed": Kind(
        400,
        "The request does not fit the schema",
        "A field of the body, the query, the path or a header is missing, unknown or of the "
        "wrong type or range, or a text holds a control character (code `nul` or `control`: "
        "tabs and line breaks are text). `errors` names each field with a JSON pointer "
        "(`pointer`) and `location`; `error_count` says how many there are when more than 20.",
        "Show each error next to its field; the schema in /openapi.json gives every bound.",
    ),
    "unauthenticated": Kind(
        401,
        "Authentication required",
        "The operation needs credentials and none came, or they are not in a form we read.",
        "Send `Authorization: Bearer <access token or API key>`; log in at "
        "`POST /api/v1/auth/token`.",
    ),
    "invalid_credentials": Kind(
        401,
        "Wrong email or password",
        "The login did not match an active account.",
        "Ask the person again; do not say which of the two was wrong.",
    ),
    "invalid_token": Kind(
        401,
        "The credentials are not valid",
        "The access token, refresh token or API key is expired, revoked or not ours.",
        "Refresh the access token (`POST /api/v1/auth/refresh`) once; if that fails too, "
        "log in again.",
    ),
    "refresh_token_reused": Kind(
        401,
        "The refresh token was already used",
        "A refresh token that had already been exchanged came back: every session of its "
        "family is ended, in case it was stolen.",
        "Log in again. Make sure only one tab or process refreshes at a time.",
    ),
    "sso_provider_unknown": Kind(
        404,
        "No such sign-on provider",
        "The provider named in the path is not configured (`GET /api/v1/auth/sso` lists them).",
        "Use one of the listed providers' names.",
    ),
    "sso_redirect_uri_not_allowed": Kind(
        400,
        "The redirect URI is not configured",
        "A sign-on may end only at a redirect URI configured for the provider (or, for the "
        "CLI, a loopback address): anything else would be an open redirect.",
        "Ask the administrator to add the frontend's URI to the provider's `redirect_uris`.",
    ),
    "sso_state_invalid": Kind(
        400,
        "The sign-on attempt is unknown, used or expired",
        "The callback's `state` (or the device handle) matches no live sign-on: it was never "
        "started here, was already completed, or took longer than allowed.",
        "Start the sign-on again.",
    ),
    "sso_device_unsupported": Kind(
        400,
        "The provider offers no device sign-on",
        "The identity provider announces no device authorization endpoint, or it is off.",
        "Sign in through the browser (the CLI falls back to a loopback redirect).",
    ),
    "sso_authorization_pending": Kind(
        400,
        "The person has not finished signing in yet",
        "The device sign-on waits for the person to enter the code at the provider.",
        "Poll again after `retry_after` seconds.",
    ),
    "sso_denied": Kind(
        401,
        "The identity provider refused the sign-on",
        "The provider answered with an error (the person cancelled, was not allowed, or the "
        "code was refused or already used).",
        "Show the detail; the person may start again.",
    ),
    "sso_id_token_invalid": Kind(
        401,
        "The identity provider's answer is not valid",
        "The ID token failed a check: signature, issuer, audience, expiry, nonce, or a "
        "missing claim. Nothing was created.",
        "Tell the administrator: the provider's configuration and Compax's disagree, or "
        "someone tampered with the answer.",
    ),
    "sso_handover_invalid": Kind(
        401,
        "The sign-on code is unknown, used or expired",
        "The one-time code from a browser sign-on works once and for a short time.",
        "Start the sign-on again.",
    ),
    "local_login_disabled": Kind(
        403,
        "Passwords are switched off: sign in with SSO",
        "This server accepts only single sign-on (`COMPAX_LOCAL_PASSWORDS=false`), except for "
        "its break-glass administrator.",
        "Sign in through the campus identity provider (`compax login --sso`).",
    ),
    "sso_email_unverified": Kind(
        403,
        "The identity provider has not verified the email",
        "The provider does not say that the email is verified, so Compax neither creates an "
        "account for it nor links it to an existing one. Nothing was created.",
        "Verify the email at the identity provider, or ask the administrator.",
    ),
    "sso_account_inactive": Kind(
        403,
        "The account is deactivated",
        "The identity provider signed the person in, but their Compax account is deactivated.",
        "Ask an administrator to reactivate the account.",
    ),
    "forbidden": Kind(
        403,
        "Not allowed",
        "You are authenticated but your role (or the API key's scopes, see `required_scope`) "
        "does not allow this.",
        "Do not retry; ask an administrator for the role or scope.",
    ),
    "not_found": Kind(
        404,
        "Not found",
        "There is no such object, or you may not see it (both answer the same), or no such path.",
        "Check the id; a list or search shows what you can see.",
    ),
    "method_not_allowed": Kind(
        405,
        "Method not allowed",
        "The path exists but does not take this method; the `Allow` header lists those it takes.",
        "Use one of the methods in `Allow`.",
    ),
    "request_timeout": Kind(
        408,
        "Request timeout",
        "The request did not arrive in time (a slow or stalled upload).",
        "Retry.",
    ),
    "conflict": Kind(
        409,
        "Conflict",
        "The request does not fit the current state: a booking that is no longer pending "
        "(`booking_status`), a room with upcoming bookings (`bookings`), a building that "
        "still has rooms (`rooms`).",
        "Read the object again, and change what the detail names first.",
    ),
    "already_exists": Kind(
        409,
        "Already exists",
        "Another object already has this unique code, name or email.",
        "Pick another value, or use the existing object.",
    ),
    "request_in_progress": Kind(
        409,
        "A request with this Idempotency-Key is still running",
        "A retry arrived while the first request with the same key is still being answered.",
        "Wait `retry_after` seconds (also in `Retry-After`) and retry with the same key.",
    ),
    "booking_conflict": Kind(
        409,
        "The room is taken",
        "A confirmed booking is in the way. `conflicts` lists the bookings in the way (their "
        "time and state; id and title only where you may see them), `alternatives` up to "
        "three other rooms free then that fit (the same building's first, then the smallest), "
        "`dates` the taken dates of a series.",
        "Offer another time or one of the `alternatives`.",
    ),
    "closure_hits_bookings": Kind(
        409,
        "The closure covers bookings",
        "A closure or new holidays would cover active bookings (`bookings`); nothing was written.",
        "Send `on_bookings=cancel` to cancel them (their owners see why) or "
        "`on_bookings=keep` to keep them.",
    ),
    "checkin_closed": Kind(
        409,
        "Check-in is not open",
        "A check-in outside the booking's window (`opens_at` to `closes_at`), or for a "
        "booking that is no longer confirmed (`booking_status`) or already checked in.",
        "Check in between `opens_at` and `closes_at`; a released booking is gone: book again.",
    ),
    "import_rejected": Kind(
        409,
        "The import was not applied",
        "An atomic import had conflicting or invalid items (`items`, `summary`, "
        "`import_id`); nothing was applied.",
        "Fix the items, or apply with `atomic=false` to apply the rest.",
    ),
    "payload_too_large": Kind(
        413,
        "The request body is too large",
        "The body (also once inflated from gzip) is larger than this operation takes.",
        "Send less: split an import into batches, or gzip it (`Content-Encoding: gzip`).",
    ),
    "header_too_large": Kind(
        431,
        "The request headers are too large",
        "The request line and headers (a URL with thousands of ids, a huge search text, big "
        "cookies) are longer than the server takes.",
        "Ask with fewer ids or a shorter text, in several requests if need be.",
    ),
    "precondition_failed": Kind(
        412,
        "The resource has changed",
        "The `If-Match` version is not the current one (`current_version`): someone changed "
        "the object since you read it.",
        "Read it again, show the person what changed, and retry with the new `ETag`.",
    ),
    "rule_violation": Kind(
        422,
        "A rule forbids this",
        "The request is well formed but a rule refuses it: opening hours, a closure, a "
        "booking rule, an idempotency key reused for another request, a booking in the past. "
        "`errors` names each `rule` (and its `limit`); a series says what it `skipped`; a "
        "time outside the accepted range (`time_range`) names its `field` and `pointer`.",
        "Show the rule's detail; staff may be able to override.",
    ),
    "noshow_ban": Kind(
        422,
        "Too many missed bookings",
        "The member missed (did not check in to) too many bookings lately and may not book "
        "until `until`; `noshows` lists them.",
        "Wait until `until`, or ask staff to lift the ban (`compax users lift-noshows`).",
    ),
    "password_policy": Kind(
        422,
        "The password does not meet the policy",
        "Passwords need 10 or more characters and at most 72 bytes.",
        "Ask for another password; `errors` says what is wrong.",
    ),
    "precondition_required": Kind(
        428,
        "If-Match is required",
        "A change of a versioned object (booking, series, room, building, term, user) needs "
        "the version it was made against.",
        'Send `If-Match` with the `ETag` of the version you read (e.g. `"3"`).',
    ),
    "rate_limited": Kind(
        429,
        "Too many requests",
        "Too many attempts (for example logins) in a short time.",
        "Wait `retry_after` seconds (also in `Retry-After`).",
    ),
    "client_closed_request": Kind(
        499,
        "Client closed the request",
        "The client went away before the answer; only the log sees this.",
        "Nothing: a write that had begun either finished or was rolled back.",
    ),
    "internal_error": Kind(
        500,
        "Internal error",
        "Something went wrong on our side; the log has the details under the `request_id`.",
        "Report the `request_id` to the administrators.",
    ),
    "service_unavailable": Kind(
        503,
        "Service unavailable",
        "The database is busy or does not answer right now, another optimizer run is "
        "solving, or the request took longer than the server allows "
        "(`COMPAX_RESPONSE_TIMEOUT`; the optimizer has its own, longer limit).",
        "Retry after `retry_after` seconds (also in `Retry-After`). After a timeout the work "
        "may still finish: look at the result before sending the request again (or retry "
        "with the same `Idempotency-Key`).",
    ),
    "sso_provider_unavailable": Kind(
        503,
        "The identity provider does not answer",
        "Compax could not reach the identity provider (discovery, keys or token endpoint), "
        "or it answered with something that is not OpenID Connect.",
        "Retry later; if it lasts, check the provider's issuer URL in the configuration.",
    ),
}

CODES: list[str] = sorted(PROBLEMS)


if __name__ == "__main__":
    from compax_server.api.problem_pages import DOC_PATH, markdown

    DOC_PATH.write_text(markdown())
    sys.stdout.write(f"wrote {DOC_PATH}\n")
