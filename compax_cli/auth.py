"""``compax login``, ``logout`` and ``whoami``: sessions saved per profile."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from compax_cli import config, sso
from compax_cli.errors import api_errors, explain
from compax_cli.options import Json
from compax_cli.output import details, note, print_json
from compax_cli.session import State, client, open_client, state
from compax_sdk import Compax, CompaxError, Token, User


def login(
    ctx: typer.Context,
    address: Annotated[
        str | None,
        typer.Argument(
            metavar="EMAIL|PROVIDER",
            help="Your email (prompted for when not given); with --sso, the provider.",
        ),
    ] = None,
    email: Annotated[str | None, typer.Option(help="Your email (same as EMAIL).")] = None,
    password: Annotated[str | None, typer.Option(help="Prompted for when not given.")] = None,
    sso_: Annotated[
        bool,
        typer.Option(
            "--sso",
            help="Sign in with the campus identity provider (device code, else the browser).",
        ),
    ] = False,
    browser: Annotated[
        bool, typer.Option(help="With --sso: open the sign-on page in a browser.")
    ] = True,
    device: Annotated[
        bool,
        typer.Option(help="With --sso: use the device code; --no-device goes by the browser."),
    ] = True,
) -> None:
    """Log in and save the session in the profile (a file only you can read).

    Example: compax --url https://compax.campus.example login ada@campus.example

    Example: compax login --sso campus   (single sign-on with the provider named campus)
    """
    if sso_:
        _login_sso(ctx, address, browser=browser, device=device)
        return
    if address and email and address.casefold() != email.casefold():
        raise typer.BadParameter(f"two different emails: {address} and {email}", param_hint="EMAIL")
    email = email or address or typer.prompt("Email")
    password = password or typer.prompt("Password", hide_input=True)
    st = state(ctx)
    url = st.base_url
    with api_errors(st), Compax(base_url=url, api_key="", access_token="") as c:
        token = c.auth.login(email, password)
        me = c.me.get()
    _save(st, url, me, token)


def _login_sso(ctx: typer.Context, provider: str | None, *, browser: bool, device: bool) -> None:
    st = state(ctx)
    url = st.base_url
    with api_errors(st), Compax(base_url=url, api_key="", access_token="") as c:
        name = sso.choose(c, provider)
        token = sso.sign_in(c, name, browser=browser, device=device)
        me = c.me.get()
    _save(st, url, me, token)


def _save(st: State, url: str, me: User, token: Token) -> None:
    path = config.save_profile(
        st.profile,
        {
            "url": url,
            "email": me.email,
            "access_token": token.access_token,
            "refresh_token": token.refresh_token,
        },
    )
    shown = f"~/{path.relative_to(Path.home())}" if path.is_relative_to(Path.home()) else path
    note(f"Logged in to {url} as {me.email} ({me.role}); profile {st.profile!r} saved in {shown}.")


def logout(ctx: typer.Context) -> None:
    """End the session on the server and forget it here.

    Example: compax logout --profile staging
    """
    st = state(ctx)
    saved = st.saved()
    if not saved.get("refresh_token"):
        note(f"Not logged in (profile {st.profile!r}).")
        return
    with open_client(st) as c:
        try:
            c.auth.logout()
        except CompaxError as exc:  # forget the session here all the same
            message, _ = explain(exc, st)
            note(
                Text.assemble(
                    ("warning:", "yellow"), f" the server did not end the session: {message}"
                )
            )
    config.save_profile(st.profile, {"access_token": None, "refresh_token": None})
    note(f"Logged out of {st.base_url} (profile {st.profile!r}).")


def whoami(ctx: typer.Context, json_: Json = False) -> None:
    """Show who the CLI acts as, and where.

    Example: compax whoami
    """
    st = state(ctx, json_)
    with client(st) as c:
        me = c.me.get()
    if st.json:
        print_json(me)
        return
    how = "API key" if st.api_key else f"profile {st.profile!r}"
    details(
        [
            ("email", me.email),
            ("name", me.full_name),
            ("role", me.role),
            ("server", st.base_url),
            ("as", how),
        ]
    )
