"""Single sign-on providers as configured (``COMPAX_OIDC_PROVIDERS``): what each one is and
which redirect URIs it may end at. Pure configuration: parsed and checked at start-up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

RoleName = Literal["admin", "staff", "member"]
LOOPBACK_HOSTS = {"127.0.0.1", "[::1]", "::1"}


class OidcProvider(BaseModel):
    """One OpenID provider. ``roles`` maps a Compax role to the values of ``role_claim``
    that grant it (the highest wins; nobody matched is a member)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$", description="used in URLs")
    title: str = Field("", max_length=100, description="shown on the login page")
    issuer: str = Field(min_length=1, max_length=500)
    client_id: str = Field(min_length=1, max_length=500)
    client_secret: str = Field("", max_length=2000, description="empty: a public client")
    scopes: str = "openid email profile"
    role_claim: str = Field("", max_length=100, description="e.g. groups or roles; empty: none")
    roles: dict[RoleName, list[str]] = Field(default_factory=dict)
    sync_roles: bool = Field(True, description="set the role from the claim at every login")
    trust_email: bool = Field(
        False,
        description="treat the email claim as verified although the provider does not say "
        "email_verified (only for providers that own every email domain they issue)",
    )
    redirect_uris: list[str] = Field(
        default_factory=list, description="frontend URIs a browser login may end at"
    )
    allow_loopback: bool = Field(True, description="also http://127.0.0.1:<any port>/ (CLI)")
    device: bool | None = Field(
        None, description="offer the device grant; default: when the provider announces it"
    )

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"https", "http"} or not parts.hostname or parts.query:
            raise ValueError(f"{value!r} is not an issuer URL such as https://idp.example/realm")
        return value.rstrip("/")

    @field_validator("redirect_uris")
    @classmethod
    def _uris(cls, value: list[str]) -> list[str]:
        for uri in value:
            parts = urlsplit(uri)
            if parts.scheme not in {"https", "http"} or not parts.hostname or parts.fragment:
                raise ValueError(f"{uri!r} is not an absolute http(s) URI without a fragment")
        return value

    @field_validator("scopes")
    @classmethod
    def _openid(cls, value: str) -> str:
        if "openid" not in value.split():
            raise ValueError("the scopes must include openid")
        return value

    @property
    def display(self) -> str:
        return self.title or self.name

    def allows_redirect(self, uri: str) -> bool:
        """Whether a login may end at ``uri``: exactly one of ``redirect_uris``, or (for the
        CLI, RFC 8252) ``http://127.0.0.1:<port>/...`` when loopback is allowed."""
        if uri in self.redirect_uris:
            return True
        parts = urlsplit(uri)
        return (
            self.allow_loopback
            and parts.scheme == "http"
            and parts.netloc.rsplit(":", 1)[0] in LOOPBACK_HOSTS
            and not parts.fragment
            and not parts.username
        )

    def role_for(self, claims: dict[str, object]) -> RoleName | None:
        """The role the claims grant; ``None`` when no role claim is configured."""
        if not self.role_claim:
            return None
        value = claims.get(self.role_claim)
        values: set[object] = set()
        if isinstance(value, str):
            values = {value}
        elif isinstance(value, list):
            values = {v for v in value if isinstance(v, str)}
        if values & set(self.roles.get("admin", ())):
            return "admin"
        if values & set(self.roles.get("staff", ())):
            return "staff"
        return "member"


_LIST = TypeAdapter(list[OidcProvider])


def parse_providers(text: str) -> list[OidcProvider]:
    """Providers from JSON (a list of objects), or from the JSON file ``@/path/to/file``."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("@"):
        text = Path(text[1:]).read_text()
    try:
        providers = _LIST.validate_python(json.loads(text))
    except json.JSONDecodeError as exc:
        raise ValueError(f"COMPAX_OIDC_PROVIDERS is not JSON: {exc}") from None
    except ValidationError as exc:
        raise ValueError(f"COMPAX_OIDC_PROVIDERS: {exc}") from None
    names = [p.name for p in providers]
    if len(set(names)) != len(names):
        raise ValueError("COMPAX_OIDC_PROVIDERS: two providers have the same name")
    return providers
