"""One module per noun, each with a sync class and its async twin (``Bookings`` and
``AsyncBookings``) and the models of its answers. A new noun is a new module here plus one
line in each client (``compax_sdk._client``)."""

from compax_sdk.resources.api_keys import ApiKeys, AsyncApiKeys
from compax_sdk.resources.audit_events import AsyncAuditEvents, AuditEvents
from compax_sdk.resources.auth import AsyncAuth, Auth
from compax_sdk.resources.bookings import AsyncBookings, Bookings
from compax_sdk.resources.buildings import AsyncBuildings, Buildings
from compax_sdk.resources.changes import AsyncChanges, Changes
from compax_sdk.resources.features import AsyncFeatures, Features
from compax_sdk.resources.feeds import AsyncFeeds, Feeds
from compax_sdk.resources.imports import AsyncImports, Imports
from compax_sdk.resources.managers import AsyncFavourites, AsyncManagers, Favourites, Managers
from compax_sdk.resources.me import AsyncMe, Me
from compax_sdk.resources.notifications import AsyncNotifications, Notifications
from compax_sdk.resources.optimizer import AsyncOptimizer, Optimizer
from compax_sdk.resources.reports import AsyncReports, Reports
from compax_sdk.resources.rooms import AsyncRooms, Rooms
from compax_sdk.resources.rules import AsyncRules, Rules
from compax_sdk.resources.schedule import AsyncSchedules, Schedules
from compax_sdk.resources.series import AsyncSeries, Series
from compax_sdk.resources.sso import AsyncSso, Sso
from compax_sdk.resources.terms import AsyncTerms, Terms
from compax_sdk.resources.users import AsyncUsers, Users
from compax_sdk.resources.waitlist import AsyncWaitlist, Waitlist
from compax_sdk.resources.webhooks import AsyncWebhooks, Webhooks

__all__ = [
    "ApiKeys",
    "AsyncApiKeys",
    "AsyncAuditEvents",
    "AsyncAuth",
    "AsyncBookings",
    "AsyncBuildings",
    "AsyncChanges",
    "AsyncFavourites",
    "AsyncFeatures",
    "AsyncFeeds",
    "AsyncImports",
    "AsyncManagers",
    "AsyncMe",
    "AsyncNotifications",
    "AsyncOptimizer",
    "AsyncReports",
    "AsyncRooms",
    "AsyncRules",
    "AsyncSchedules",
    "AsyncSeries",
    "AsyncSso",
    "AsyncTerms",
    "AsyncUsers",
    "AsyncWaitlist",
    "AsyncWebhooks",
    "AuditEvents",
    "Auth",
    "Bookings",
    "Buildings",
    "Changes",
    "Favourites",
    "Features",
    "Feeds",
    "Imports",
    "Managers",
    "Me",
    "Notifications",
    "Optimizer",
    "Reports",
    "Rooms",
    "Rules",
    "Schedules",
    "Series",
    "Sso",
    "Terms",
    "Users",
    "Waitlist",
    "Webhooks",
]
