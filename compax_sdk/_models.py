"""The base of every response model: a lenient reader of the server's JSON."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Fields the server adds later are ignored, so an old SDK keeps working against a newer
    server. Times are aware ``datetime`` objects (the server always sends an offset)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Token(Model):
    """A session: a short-lived access token and the refresh token that renews it."""

    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the token kind, not a secret
    expires_in: int = 0


class PasswordChanged(Token):
    """The answer to a password change: the session continues with this token; every other
    session has ended."""

    api_keys_active: int = 0
    """The user's API keys that keep working (a password change does not revoke them)."""
    feed_token: str | None = None
    """The new calendar feed token when the user had one (the old feed URL stopped working)."""
