"""``compax login --sso [PROVIDER]``: sign in with the campus identity provider.

The device grant (RFC 8628) when the provider offers it: the CLI shows a code and a URL,
the person signs in there (on any device), the CLI polls. Otherwise a loopback redirect
(RFC 8252): the CLI listens on ``127.0.0.1:<free port>``, opens the browser at the sign-on,
and the browser comes back to it with a one-time code.
"""

from __future__ import annotations

import threading
import time
import webbrowser
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

from rich.text import Text

from compax_cli.output import fail, note, quoted
from compax_sdk import BadRequestError, Compax, Token

LOOPBACK_SECONDS = 300.0
DONE_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>Compax</title>"
    b"<p>Signed in. You can close this window and go back to the terminal.</p>"
)


def choose(client: Compax, wanted: str | None) -> str:
    """The provider to use: the one asked for, or the only one configured."""
    names = [p.name for p in client.sso.providers()]
    if not names:
        fail("This server has no single sign-on; log in with your email and password.")
    if wanted:
        if wanted not in names:
            offered = ", ".join(names)
            fail(f"No sign-on provider is called {quoted(wanted)}; this server has: {offered}.")
        return wanted
    if len(names) > 1:
        fail(f"Name the provider: compax login --sso {names[0]} (one of: {', '.join(names)}).")
    return names[0]


def sign_in(client: Compax, provider: str, *, browser: bool, device: bool = True) -> Token:
    """Sign in with ``provider`` (device grant, else loopback); the client keeps the session."""
    if device:
        try:
            started = client.sso.start_device(provider)
        except BadRequestError as exc:
            if exc.code != "sso_device_unsupported":
                raise
        else:
            note(
                Text.assemble(
                    "To sign in, open ",
                    (started.verification_uri, "bold"),
                    " and enter the code ",
                    (started.user_code, "bold"),
                    f" (valid for {started.expires_in // 60} minutes).",
                )
            )
            if browser:
                webbrowser.open(started.verification_uri_complete or started.verification_uri)
            return client.sso.wait_for_device(started)
    return _loopback(client, provider, browser=browser)


class _Catch(BaseHTTPRequestHandler):
    code: str | None = None
    error: str | None = None

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        if "code" not in query and "error" not in query:
            self.send_error(404)
            return
        type(self).code = query.get("code", [None])[0]
        type(self).error = query.get("error", [None])[0]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(DONE_PAGE)

    def log_message(self, format: str, *args: object) -> None:
        return


def _loopback(client: Compax, provider: str, *, browser: bool) -> Token:
    class Catch(_Catch):  # this sign-on's own answer
        pass

    with HTTPServer(("127.0.0.1", 0), Catch) as server:
        redirect = f"http://127.0.0.1:{server.server_address[1]}/callback"
        url = client.sso.start_url(provider, redirect_uri=redirect)
        note(Text.assemble("Sign in in your browser: ", (url, "bold")))
        if browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        deadline = time.monotonic() + LOOPBACK_SECONDS
        while Catch.code is None and Catch.error is None and time.monotonic() < deadline:
            server.timeout = max(0.1, deadline - time.monotonic())
            server.handle_request()  # one request (a favicon is not the answer: go on)
    if Catch.code is None:
        fail(f"The sign-on did not finish ({Catch.error or 'no answer in time'}).")
    return client.sso.exchange(Catch.code)
