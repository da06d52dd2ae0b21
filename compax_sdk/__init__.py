"""The Compax Python SDK: a typed client of the Compax API, sync (``Compax``) and async
(``AsyncCompax``).

    from compax_sdk import Compax

    with Compax(base_url="https://compax.campus.example", api_key="cpx_...") as client:
        for booking in client.bookings.list(room_id=3):
            print(booking.title, booking.start)

Errors are in ``compax_sdk.errors`` (also importable from here); see its docstring for the
tree.
"""

from compax_sdk._client import AsyncCompax, Compax
from compax_sdk._models import PasswordChanged, Token
from compax_sdk._response import RawResponse
from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout
from compax_sdk._version import __version__
from compax_sdk.errors import (
    AlreadyExistsError,
    AlternativeRoom,
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BookingConflictError,
    CheckinClosedError,
    ClosureHitsBookingsError,
    CompaxError,
    ConflictError,
    ConflictingBooking,
    FieldError,
    ImportRejectedError,
    InternalServerError,
    MethodNotAllowedError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    PreconditionFailedError,
    PreconditionRequiredError,
    RateLimitError,
    RequestTimeoutError,
    RuleViolationError,
    ServiceUnavailableError,
    SsoPendingError,
    UnprocessableError,
    ValidationError,
    error_from_response,
)
from compax_sdk.paging import AsyncPage, AsyncPager, SyncPage
from compax_sdk.resources.api_keys import ApiKey, ApiKeyCreated, Scope
from compax_sdk.resources.audit_events import AuditEvent
from compax_sdk.resources.bookings import (
    ApprovedBooking,
    Booking,
    BookingStatus,
    CheckedInBooking,
)
from compax_sdk.resources.buildings import Building, Closure, ClosureCreated, OpeningHours
from compax_sdk.resources.changes import ChangeEvent, ChangesPage
from compax_sdk.resources.checkin import CheckinWindow
from compax_sdk.resources.displays import DisplayTokenCreated, DisplayTokensRevoked
from compax_sdk.resources.features import Feature
from compax_sdk.resources.feeds import FeedURL
from compax_sdk.resources.imports import (
    ImportAction,
    ImportBatch,
    ImportConflict,
    ImportItem,
    ImportItemResult,
    ImportKind,
    ImportProblem,
    ImportStatus,
)
from compax_sdk.resources.managers import Manager
from compax_sdk.resources.noshows import NoshowsLifted
from compax_sdk.resources.notifications import NotificationKind, NotificationPreferences
from compax_sdk.resources.optimizer import OptimizerItem, OptimizerPlan
from compax_sdk.resources.reports import (
    HeatCell,
    ReportRoom,
    ReportScope,
    ReportTotals,
    UtilisationReport,
)
from compax_sdk.resources.rooms import (
    AsyncRoomSearchPage,
    AsyncRoomSearchPager,
    Availability,
    BusyInterval,
    FreeInterval,
    Room,
    RoomContact,
    RoomDeleted,
    RoomSearchPage,
    RoomSort,
    SearchRepeat,
    UnavailableReason,
    UnavailableRoom,
)
from compax_sdk.resources.rules import BookingRules, RuleChanges, RuleScope
from compax_sdk.resources.schedule import (
    Schedule,
    ScheduleBooking,
    ScheduleBuilding,
    ScheduleClosure,
    ScheduleInterval,
    ScheduleRoom,
)
from compax_sdk.resources.series import (
    BookingSeries,
    ConflictPolicy,
    Recurrence,
    SeriesDetail,
    SeriesResult,
    SeriesScope,
    SkippedDate,
    Weekday,
)
from compax_sdk.resources.sso import DeviceSignOn, SsoProvider
from compax_sdk.resources.terms import Holiday, HolidayInput, Term, TermUpdated
from compax_sdk.resources.users import Role, User
from compax_sdk.resources.waitlist import WaitlistAccepted, WaitlistEntry, WaitlistState
from compax_sdk.resources.webhooks import (
    Redelivered,
    Webhook,
    WebhookCreated,
    WebhookDelivery,
    WebhookDeliveryStatus,
)
from compax_sdk.webhooks import WebhookVerificationError

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AlreadyExistsError",
    "AlternativeRoom",
    "ApiKey",
    "ApiKeyCreated",
    "ApprovedBooking",
    "AsyncCompax",
    "AsyncPage",
    "AsyncPager",
    "AsyncRoomSearchPage",
    "AsyncRoomSearchPager",
    "AuditEvent",
    "AuthenticationError",
    "Availability",
    "BadRequestError",
    "Booking",
    "BookingConflictError",
    "BookingRules",
    "BookingSeries",
    "BookingStatus",
    "Building",
    "BusyInterval",
    "ChangeEvent",
    "ChangesPage",
    "CheckedInBooking",
    "CheckinClosedError",
    "CheckinWindow",
    "Closure",
    "ClosureCreated",
    "ClosureHitsBookingsError",
    "Compax",
    "CompaxError",
    "ConflictError",
    "ConflictPolicy",
    "ConflictingBooking",
    "DeviceSignOn",
    "DisplayTokenCreated",
    "DisplayTokensRevoked",
    "Feature",
    "FeedURL",
    "FieldError",
    "FreeInterval",
    "HeatCell",
    "Holiday",
    "HolidayInput",
    "ImportAction",
    "ImportBatch",
    "ImportConflict",
    "ImportItem",
    "ImportItemResult",
    "ImportKind",
    "ImportProblem",
    "ImportRejectedError",
    "ImportStatus",
    "InternalServerError",
    "Manager",
    "MethodNotAllowedError",
    "NoshowsLifted",
    "NotFoundError",
    "NotGiven",
    "NotificationKind",
    "NotificationPreferences",
    "OpeningHours",
    "OptimizerItem",
    "OptimizerPlan",
    "PasswordChanged",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "PreconditionRequiredError",
    "RateLimitError",
    "RawResponse",
    "Recurrence",
    "Redelivered",
    "ReportRoom",
    "ReportScope",
    "ReportTotals",
    "RequestTimeoutError",
    "Role",
    "Room",
    "RoomContact",
    "RoomDeleted",
    "RoomSearchPage",
    "RoomSort",
    "RuleChanges",
    "RuleScope",
    "RuleViolationError",
    "Schedule",
    "ScheduleBooking",
    "ScheduleBuilding",
    "ScheduleClosure",
    "ScheduleInterval",
    "ScheduleRoom",
    "Scope",
    "SearchRepeat",
    "SeriesDetail",
    "SeriesResult",
    "SeriesScope",
    "ServiceUnavailableError",
    "SkippedDate",
    "SsoPendingError",
    "SsoProvider",
    "SyncPage",
    "Term",
    "TermUpdated",
    "Timeout",
    "Token",
    "UnavailableReason",
    "UnavailableRoom",
    "UnprocessableError",
    "User",
    "UtilisationReport",
    "ValidationError",
    "WaitlistAccepted",
    "WaitlistEntry",
    "WaitlistState",
    "Webhook",
    "WebhookCreated",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "WebhookVerificationError",
    "Weekday",
    "__version__",
    "error_from_response",
]
