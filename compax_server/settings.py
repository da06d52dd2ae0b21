"""Server configuration: ``COMPAX_*`` environment variables, then a ``.env`` file, then defaults.

Every knob of the server is a field here; nothing else in the server reads the environment.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict

from compax_server.domain.bounds import CHECKIN_MAX_MINUTES

if TYPE_CHECKING:
    from compax_server.oidc import OidcProvider

MAX_REMINDER_LEAD = 7 * 24 * 60  # minutes: the outbox keeps each email at least this long
DEFAULT_SECRET = "change-me"  # noqa: S105 - the marker a production start refuses
MIN_SECRET_LENGTH = 32


class ConfigurationError(Exception):
    """The server cannot start with this configuration. The message says what to change."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    use_tls: bool
    start_tls: bool | None  # None: when the server offers it
    username: str | None
    password: str | None
    timeout: float
    cafile: str | None = None  # CA certificates to trust instead of the system's


def smtp_config(url: str) -> SmtpConfig:
    """Read ``COMPAX_SMTP_URL``; a ValueError says what is wrong with it."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"{url!r}: expected smtp://host[:port] or smtps://host[:port]")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{url!r}: the port is not a number from 1 to 65535") from None
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    flag = query.get("starttls", "").lower()
    start_tls: bool | None = None  # when the server offers it
    if flag in ("false", "0", "no", "off"):
        start_tls = False
    elif flag in ("true", "1", "yes", "on", "required"):
        start_tls = True
    elif flag:  # a typo must not quietly weaken "required" to "when offered"
        raise ValueError(f"starttls={query['starttls']!r}: expected true or false")
    timeout = query.get("timeout", "30")
    if not timeout.isdigit() or not 1 <= int(timeout) <= 600:
        raise ValueError(f"timeout={timeout!r}: expected whole seconds from 1 to 600")
    use_tls = parts.scheme == "smtps"
    return SmtpConfig(
        host=parts.hostname,
        port=port or (465 if use_tls else 25),
        use_tls=use_tls,
        start_tls=False if use_tls else start_tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=float(timeout),
        cafile=query.get("cafile") or None,
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="COMPAX_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite://compax.sqlite3"
    cache_url: str = "memory://"
    cache_namespace: str = Field("compax", pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    secret_key: str = ""
    jwt_issuer: str = "compax"
    jwt_audience: str = "compax-api"
    access_token_ttl: int = Field(900, ge=30, description="seconds")
    refresh_token_ttl: int = Field(30 * 24 * 3600, ge=60, description="seconds")
    bcrypt_rounds: int = Field(12, ge=4, le=16)
    cors_origins: str = ""
    cors_max_age: int = Field(
        600, ge=0, le=86400, description="seconds a browser may keep a CORS preflight answer"
    )
    trusted_proxies: str = Field(
        "", description="comma-separated addresses or networks whose X-Forwarded-* are believed"
    )
    public_url: str = Field(
        "",
        description="the server's public base URL (https://rooms.campus.example): feed URLs and "
        "event UIDs use it, never the request's Host header",
    )
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    request_max_size: int = Field(2 * 1024 * 1024, ge=1024, description="bytes")
    response_timeout: int = Field(
        60,
        ge=1,
        le=3600,
        description="seconds a request may take before a 503; an operation that needs longer "
        "(the optimizer's solve) declares its own",
    )
    login_rate_limit: int = Field(
        10, ge=1, description="failed logins per account and client address per window"
    )
    login_rate_limit_account: int = Field(
        100,
        ge=1,
        description="failed logins per account per window, from addresses that never logged "
        "in to it",
    )
    login_rate_limit_ip: int = Field(50, ge=1, description="logins per client address per window")
    login_rate_window: int = Field(900, ge=1, description="seconds")
    max_booking_hours: int = Field(
        14 * 24,
        ge=1,
        le=366 * 24,
        description="longest single booking; staff may override up to 366 days",
    )
    bootstrap_admin_email: str = ""
    bootstrap_admin_password: str = ""
    migrate_on_start: bool | None = None
    workers: int = Field(1, ge=1)
    result_cache: bool | None = Field(
        None, description="cache search answers; default: on with Redis or one SQLite worker"
    )
    migrations_dir: str = ""
    # Notifications (docs/notifications.md)
    run_workers: bool = Field(
        True,
        description="run the notification workers inside every `compax serve` worker; turn "
        "off to run them apart with `compax worker`",
    )
    worker_poll_interval: float = Field(1.0, gt=0, le=60, description="seconds between polls")
    # Check-in (docs/deployment.md): the window when a booking rule requires a check-in and
    # sets no window of its own; released no-shows are handled this many at a time.
    checkin_opens_minutes: int = Field(
        10, ge=0, le=CHECKIN_MAX_MINUTES, description="window opens before start"
    )
    checkin_closes_minutes: int = Field(
        15, ge=0, le=CHECKIN_MAX_MINUTES, description="released after start"
    )
    checkin_release_batch: int = Field(1000, ge=1, le=10_000, description="bookings per batch")
    # Waitlists (docs/deployment.md): how long an offer holds its slot for the member, and
    # how many open entries (waiting or offered) one member may have.
    waitlist_hold_minutes: int = Field(15, ge=1, le=1440, description="an offer's hold")
    waitlist_max_entries: int = Field(20, ge=1, le=1000, description="open entries per member")
    webhook_allow_private: bool = Field(
        False, description="allow webhook URLs on loopback and private addresses"
    )
    webhook_timeout: float = Field(10.0, gt=0, le=60, description="seconds per delivery")
    webhook_retry_for: int = Field(
        26 * 3600, ge=1, description="seconds to keep retrying a delivery before it fails"
    )
    webhook_retry_schedule: str = Field(
        "5,300,1800,7200,18000,36000,36000",
        pattern=r"^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$",
        description="seconds before each retry (the last repeats), drawn with full jitter; "
        "Standard Webhooks' schedule by default",
    )
    webhook_lease: int = Field(
        60,
        ge=1,
        description="seconds a claimed delivery is left to its worker; after that (the "
        "worker died) it is delivered again",
    )
    webhook_secret_grace: int = Field(
        24 * 3600, ge=0, description="seconds an old secret still signs after a rotation"
    )
    smtp_url: str = Field(
        "",
        description="smtp://user:pass@host:587 (STARTTLS when offered), smtps://host:465 (TLS), "
        "smtp://host:25?starttls=false; empty: no email",
    )
    mail_from: str = "Compax <compax@localhost>"
    mail_per_minute: int = Field(120, ge=1, description="most emails sent per minute, per worker")
    delivery_log_days: int = Field(
        30,
        ge=1,
        le=3650,
        description="days to keep delivered and failed webhook deliveries and sent emails",
    )
    reminder_leads: str = Field(
        "1440,60",
        description=f"minutes before a booking starts to remind its owner (1..{MAX_REMINDER_LEAD}"
        ", comma-separated); empty: none",
    )
    # Single sign-on (docs/sso.md)
    oidc_providers: str = Field(
        "",
        description="OpenID providers: a JSON list of objects, or @/path/to/providers.json",
    )
    local_passwords: bool = Field(
        True, description="allow email + password logins; off: only break_glass_admin may"
    )
    break_glass_admin: str = Field(
        "", description="the one admin email that keeps its password when local_passwords is off"
    )
    sso_flow_ttl: int = Field(600, ge=30, le=3600, description="seconds a login may take")
    digest_hour: int = Field(
        7, ge=0, le=23, description="hour (UTC) of the approvers' daily digest of pending requests"
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme not in {"sqlite", "postgres", "postgresql", "asyncpg"}:
            raise ValueError(
                f"unsupported database URL scheme {scheme!r}: use sqlite:// or postgres://"
            )
        return value

    @field_validator("public_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if value and (parts.scheme not in {"http", "https"} or not parts.hostname):
            raise ValueError(f"{value!r} is not a base URL such as https://rooms.campus.example")
        if parts.query or parts.fragment:
            raise ValueError("the public URL takes no query or fragment")
        return value.strip().rstrip("/")

    @field_validator("reminder_leads")
    @classmethod
    def _leads(cls, value: str) -> str:
        for part in value.replace(" ", "").split(","):
            if part and not (part.isdigit() and 1 <= int(part) <= MAX_REMINDER_LEAD):
                raise ValueError(
                    f"{part!r} is not a lead time: whole minutes from 1 to {MAX_REMINDER_LEAD} "
                    "(a week), e.g. 1440,60"
                )
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp(cls, value: str) -> str:
        if value:
            smtp_config(value)
        return value

    @property
    def smtp(self) -> SmtpConfig | None:
        """Where email goes (None: email is off)."""
        return smtp_config(self.smtp_url) if self.smtp_url else None

    @field_validator("cache_url")
    @classmethod
    def _known_cache(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme not in {"memory", "redis", "rediss"}:
            raise ValueError(f"unsupported cache URL scheme {scheme!r}: use memory:// or redis://")
        return value

    @field_validator("oidc_providers")
    @classmethod
    def _providers(cls, value: str) -> str:
        from compax_server.oidc import parse_providers

        parse_providers(value)
        return value

    @property
    def oidc_provider_list(self) -> list[OidcProvider]:
        from compax_server.oidc import parse_providers

        return parse_providers(self.oidc_providers)

    @property
    def is_sqlite(self) -> bool:
        return urlsplit(self.database_url).scheme == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """The database file of a ``sqlite://`` URL (``sqlite:///abs/path`` or ``sqlite://rel``)."""
        if not self.is_sqlite:
            return None
        rest = self.database_url[len("sqlite://") :].split("?", 1)[0]
        return Path(rest)

    @property
    def trusted_networks(self) -> list[IPv4Network | IPv6Network]:
        return [
            ip_network(p.strip(), strict=False)
            for p in self.trusted_proxies.split(",")
            if p.strip()
        ]

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                try:
                    ip_network(part.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"{part.strip()!r} is not an address or network") from None
        return value

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def retry_schedule(self) -> tuple[float, ...]:
        return tuple(float(p) for p in self.webhook_retry_schedule.split(","))

    @property
    def use_result_cache(self) -> bool:
        """Cached answers stay right only if every process sees every version bump: with
        Redis, or in the one process of an embedded server."""
        if self.result_cache is not None:
            return self.result_cache
        return urlsplit(self.cache_url).scheme in {"redis", "rediss"} or (
            self.is_sqlite and self.workers == 1
        )

    @property
    def should_migrate_on_start(self) -> bool:
        if self.migrate_on_start is not None:
            return self.migrate_on_start
        return self.is_sqlite

    def checked(self) -> Settings:
        """Validate what only matters at start-up and fill in a development secret.

        Production refuses a missing, default or short secret. Elsewhere a random secret is
        created once and kept beside the SQLite file (mode 0600), so tokens survive restarts
        and every worker of one server signs with the same key.
        """
        if self.env == "production":
            if not self.secret_key or self.secret_key == DEFAULT_SECRET:
                raise ConfigurationError(
                    "COMPAX_SECRET_KEY is not set. In production (COMPAX_ENV=production) the "
                    "server refuses to start without a secret: set COMPAX_SECRET_KEY to a random "
                    f"value of at least {MIN_SECRET_LENGTH} characters, e.g. the output of "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
                )
            if len(self.secret_key) < MIN_SECRET_LENGTH:
                raise ConfigurationError(
                    f"COMPAX_SECRET_KEY is {len(self.secret_key)} characters long; production "
                    f"needs at least {MIN_SECRET_LENGTH}."
                )
            return self
        if self.secret_key:
            return self
        return self.model_copy(update={"secret_key": _local_secret(self)})


def _local_secret(settings: Settings) -> str:
    db_file = settings.sqlite_path
    folder = db_file.resolve().parent if db_file is not None else Path.cwd()
    path = folder / ".compax-secret"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".compax-secret.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(tmp, path)  # atomic and exclusive: the first process to get here wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and ``.env``), with explicit overrides on top.

    A bad value is a ConfigurationError naming each variable and what is wrong with it.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigurationError("\n".join(_said(e) for e in exc.errors())) from None


def _said(error: ErrorDetails) -> str:
    name = "COMPAX_" + "_".join(str(part) for part in error["loc"]).upper()
    return f"{name}: {error['msg'].removeprefix('Value error, ')}"
