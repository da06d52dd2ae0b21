"""Where a client connects and as whom (``ClientConfig``: each setting from the argument,
else the environment, else the default), and one API call as a resource describes it
(``APIRequest``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from compax_sdk._types import NOT_GIVEN, NotGiven, Timeout

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
API_PREFIX = "/api/v1"


@dataclass
class APIRequest:
    """One API call as a resource describes it. ``path`` is below ``/api/v1``."""

    method: str
    path: str
    params: Mapping[str, str] | None = None
    json: Any = None
    headers: Mapping[str, str] | None = None
    timeout: Timeout | NotGiven = NOT_GIVEN
    create: bool = False  # carries an Idempotency-Key (the given one, else a new uuid4)
    idempotency_key: str | None = None
    authenticated: bool = True
    max_retries: int | None = None  # None: the client's
    content: bytes | None = None  # a body already encoded (instead of ``json``)


@dataclass
class ClientConfig:
    """Where to connect and as whom: each from the argument, else the environment
    (``COMPAX_URL``, ``COMPAX_API_KEY``, ``COMPAX_TOKEN``), else the default."""

    base_url: str
    api_key: str | None
    access_token: str | None
    refresh_token: str | None
    timeout: Timeout
    max_retries: int
    default_headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def resolve(
        cls,
        *,
        base_url: str | None,
        api_key: str | None,
        access_token: str | None,
        refresh_token: str | None,
        timeout: Timeout | NotGiven,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
    ) -> ClientConfig:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        url = base_url or os.environ.get("COMPAX_URL") or DEFAULT_BASE_URL
        if api_key is None:
            api_key = os.environ.get("COMPAX_API_KEY")
        if access_token is None:
            access_token = os.environ.get("COMPAX_TOKEN")
        return cls(
            base_url=url.rstrip("/"),
            api_key=api_key or None,  # "" means none (and no fallback to the environment)
            access_token=access_token or None,
            refresh_token=refresh_token or None,
            timeout=DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout,
            max_retries=max_retries,
            default_headers=dict(default_headers or {}),
        )
