"""``/api/v1/me/notifications``: which emails I get."""

from __future__ import annotations

from pydantic import Field
from sanic import HTTPResponse, Request

from compax_server.api.endpoint import AUTH_ERRORS, Router
from compax_server.api.schemas import In, Out, render
from compax_server.services import mail
from compax_server.services.actors import Actor

router = Router(
    "notifications",
    "/api/v1/me/notifications",
    tag="Notifications",
    description="My email preferences.",
)


class Kind(Out):
    kind: str = Field(description="the name to use in email_opt_out")
    description: str


class NotificationPreferencesOut(Out):
    email_opt_out: list[str] = Field(description="the kinds of email you do not get")
    kinds: list[Kind] = Field(description="every kind of email, with what it is about")
    email_enabled: bool = Field(
        description="whether this server sends email at all (COMPAX_SMTP_URL is set)"
    )


class NotificationPreferencesIn(In):
    email_opt_out: list[str] = Field(
        max_length=50,
        description="the kinds of email you do not want (every other kind is on); "
        "an unknown kind is a 422 that names it",
    )


def preferences_out(p: mail.Preferences) -> NotificationPreferencesOut:
    return NotificationPreferencesOut(
        email_opt_out=p.email_opt_out,
        kinds=[Kind(kind=k, description=d) for k, d in p.kinds.items()],
        email_enabled=p.email_enabled,
    )


@router.get(
    "/",
    summary="Read my email preferences",
    response=NotificationPreferencesOut,
    errors=AUTH_ERRORS,
)
async def read_preferences(request: Request, actor: Actor) -> HTTPResponse:
    """The kinds of email you turned off, every kind there is, and whether this server
    sends email at all."""
    return render(preferences_out(await mail.get_preferences(actor)))


async def _update(actor: Actor, body: NotificationPreferencesIn) -> HTTPResponse:
    return render(preferences_out(await mail.update_preferences(actor, body.email_opt_out)))


@router.put(
    "/",
    summary="Choose my email preferences",
    body=NotificationPreferencesIn,
    response=NotificationPreferencesOut,
    errors=(400, *AUTH_ERRORS, 422),
)
async def put_preferences(
    request: Request, actor: Actor, body: NotificationPreferencesIn
) -> HTTPResponse:
    """Replace the kinds of email you do not want, e.g. ``{"email_opt_out": ["reminder"]}``;
    ``[]`` turns every kind on."""
    return await _update(actor, body)


@router.patch(
    "/",
    summary="Change my email preferences",
    body=NotificationPreferencesIn,
    response=NotificationPreferencesOut,
    errors=(400, *AUTH_ERRORS, 422),
)
async def patch_preferences(
    request: Request, actor: Actor, body: NotificationPreferencesIn
) -> HTTPResponse:
    """The same as PUT: ``email_opt_out`` is the whole list of kinds you do not want."""
    return await _update(actor, body)
