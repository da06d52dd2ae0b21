"""Per-invocation state (the global options) and the SDK client built from it.

Which server: ``--url`` (or ``COMPAX_URL``), else the URL the profile logged in to, else
``http://127.0.0.1:8000``. As whom: ``--api-key`` (or ``COMPAX_API_KEY``), else the tokens
``compax login`` saved in the profile; those are only ever sent to the URL they came from.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import typer

from compax_cli import config
from compax_cli.errors import api_errors, exit_with
from compax_cli.names import Names
from compax_cli.output import EXIT_USAGE, fail
from compax_cli.times import local_zone, zone
from compax_sdk import Compax, CompaxError, Token

DEFAULT_URL = "http://127.0.0.1:8000"


@dataclass
class State:
    url: str | None = None
    profile: str = "default"
    api_key: str | None = None
    json: bool = False
    tz: str | None = None
    zone_hint: tzinfo | None = None
    """The zone of the room or building the command is about, once known."""
    names: Names = field(default_factory=lambda: Names(None))
    """Rooms, buildings and people by id, for this command (see ``compax_cli.names``)."""
    offers_override: bool = False
    """The command has ``--override`` (a broken booking rule's message then names it)."""
    arguments: frozenset[str] = frozenset()
    """The command's arguments (``webhooks add URL``): an error about one names it so."""
    options: frozenset[str] = frozenset()
    """The command's options (``--start``, ``-s``): an error never names one it lacks."""
    field_options: dict[str, str] = field(default_factory=dict)
    """API fields this command sends from an option named otherwise than everywhere else
    (``closures add --date`` sends ``start_date``, which is ``--start`` elsewhere)."""

    def saved(self) -> dict[str, Any]:
        try:
            return config.load_profile(self.profile)
        except ValueError as exc:
            fail(str(exc))

    @property
    def base_url(self) -> str:
        return (self.url or self.saved().get("url") or DEFAULT_URL).rstrip("/")

    def display_zone(self, zone_name: str | None = None) -> tzinfo:
        """``--tz``, else the given zone (a room's), else the command's, else this machine's."""
        if self.tz:
            return zone(self.tz)
        if zone_name:
            return ZoneInfo(zone_name)
        return self.zone_hint or local_zone()

    def about(self, zone_name: str | None) -> tzinfo:
        """The command is about a room or building of this zone: its times, in errors too,
        are shown there (``--tz`` still wins). The zone shown."""
        if zone_name:
            self.zone_hint = self.display_zone(zone_name)
        return self.display_zone()

    def input_zone(self, client: Compax, zone_name: str | None = None) -> tzinfo:
        """The zone of a local time typed without one: ``--tz``, else the room's or
        building's, else the campus's (when all buildings share one), else this machine's."""
        if self.tz or zone_name or self.zone_hint:
            return self.display_zone(zone_name)
        zones = {b.timezone for b in client.buildings.list(limit=200)}
        self.zone_hint = ZoneInfo(zones.pop()) if len(zones) == 1 else local_zone()
        return self.zone_hint


def state(
    ctx: typer.Context,
    json_: bool = False,
    tz: str | None = None,
    may_be_empty: frozenset[str] = frozenset(),
) -> State:
    """The invocation's state, with the command's own ``--json`` and ``--tz`` merged in;
    ``may_be_empty``: the command's options for which an empty value means something
    (``webhooks update --room ''``: any room), besides ``MAY_BE_EMPTY``."""
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    st: State = root.obj
    st.json = st.json or json_
    params = ctx.command.params
    st.arguments = frozenset(p.name for p in params if p.param_type_name == "argument" and p.name)
    st.options = frozenset(
        name for p in params if p.param_type_name == "option" for name in p.opts + p.secondary_opts
    )
    refuse_empty(ctx, may_be_empty)
    if tz:
        zone(tz)  # a bad zone is a usage error before anything is sent
        st.tz = tz
    return st


MAY_BE_EMPTY = frozenset({"description", "reason"})
"""Options whose empty value means something (no description, no reason given)."""


def refuse_empty(ctx: typer.Context, may_be_empty: frozenset[str] = frozenset()) -> None:
    """An option given an empty value is a usage error: ``--room "$ROOM"`` with ``ROOM``
    unset must not set the global rules, nor ``--from "$DAY"`` cancel a whole series."""
    for p in ctx.command.params:
        if p.param_type_name != "option" or p.name in MAY_BE_EMPTY | may_be_empty:
            continue
        source = ctx.get_parameter_source(p.name or "")
        if source is None or source.name != "COMMANDLINE":  # a default, an environment's
            continue
        value = ctx.params.get(p.name or "")
        values = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(v, str) and not v.strip() for v in values):
            raise typer.BadParameter("give a value, or leave the option out", param_hint=p.opts[0])


SAYS_HOW = frozenset({"json_", "tz"})
"""Options of every command that change how it shows its answer, never what it changes."""


def require_a_change(ctx: typer.Context, says_how: frozenset[str] = frozenset()) -> None:
    """A command that changes something, given nothing to change, is a usage error, not a
    "Changed room R1." that wrote a new version (and made everyone else's copy stale).
    What it changes is every option it has but ``--json``, ``--tz`` and ``says_how`` (the
    options that say where or how: ``--scope``, ``--on-bookings``)."""
    changes = [
        p
        for p in ctx.command.params
        if p.param_type_name == "option" and p.name not in SAYS_HOW | says_how
    ]
    for p in changes:
        source = ctx.get_parameter_source(p.name or "")
        if source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP"):
            return
    names = ["/".join(p.opts[:1] + p.secondary_opts) for p in changes]
    listed = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
    fail(f"nothing to change: give {listed}", EXIT_USAGE)


def open_client(st: State) -> Compax:
    if st.api_key:
        return Compax(base_url=st.base_url, api_key=st.api_key, access_token="")
    saved = st.saved()
    same_server = (saved.get("url") or DEFAULT_URL).rstrip("/") == st.base_url
    if not same_server:  # never hand one server's tokens to another
        return Compax(base_url=st.base_url, api_key="", access_token="")

    def keep(token: Token) -> None:
        config.save_profile(
            st.profile,
            {"access_token": token.access_token, "refresh_token": token.refresh_token},
        )

    return Compax(
        base_url=st.base_url,
        api_key="",
        access_token=saved.get("access_token") or "",
        refresh_token=saved.get("refresh_token"),
        on_tokens=keep,
    )


@contextmanager
def client(st: State) -> Iterator[Compax]:
    """An SDK client for the command; any SDK error becomes a message and an exit code (told
    while the client is still open, so that the message can name rooms and people)."""
    with api_errors(st):
        c = open_client(st)
        st.names = Names(c)
        try:
            yield c
        except CompaxError as exc:
            exit_with(exc, st)
        finally:
            st.names.client = None  # what it found stays; nothing more is asked
            c.close()
