"""``compax login --sso`` against a real ``compax serve`` (two workers: a flow started on one
is finished on whichever the next request reaches) and the real provider. The browser the
CLI opens is a thread that signs in as a person would."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from compax_cli import sso as cli_sso
from tests.cli.conftest import Cli
from tests.e2e.servers import LiveServer, free_port
from tests.sso.conftest import Browser, provider_config, running_provider

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    folder = tmp_path_factory.mktemp("sso-cli")
    with running_provider(folder, [f"{url}/api/v1/auth/sso/campus/callback"]) as issuer:
        env = {
            "COMPAX_PUBLIC_URL": url,
            "COMPAX_OIDC_PROVIDERS": json.dumps([provider_config(issuer)]),
        }
        with LiveServer(folder, env, workers=2, port=port) as server:
            yield server, issuer


class PersonAtBrowser:
    """Stands in for ``webbrowser.open``: signs in as ``login`` in a thread."""

    def __init__(self, server: LiveServer, issuer: str, login: str) -> None:
        self.server, self.issuer, self.login = server, issuer, login
        self.opened: list[str] = []
        self.errors: list[BaseException] = []
        self.threads: list[threading.Thread] = []

    def open(self, url: str) -> bool:
        self.opened.append(url)
        thread = threading.Thread(target=self._run, args=(url,), daemon=True)
        self.threads.append(thread)
        thread.start()
        return True

    def _run(self, url: str) -> None:
        try:
            asyncio.run(self._walk(url))
        except BaseException as exc:
            self.errors.append(exc)

    async def _walk(self, url: str) -> None:
        async with httpx.AsyncClient(timeout=20) as client:
            browser = Browser(client, self.issuer, compax=self.server.url)
            end = await browser.go(url, login=self.login)
            if isinstance(end, str):  # the loopback redirect: the CLI catches it
                (await client.get(end)).raise_for_status()
            elif end.status_code != 200:
                raise AssertionError(f"{end.status_code}: {end.text[:300]}")

    def joined(self) -> None:
        for thread in self.threads:
            thread.join(timeout=30)
        assert not self.errors, self.errors


@pytest.mark.parametrize(("flag", "login", "role"), [("--device", "alice", "staff"),
                                                      ("--no-device", "bob", "member")])  # fmt: skip
def test_login_sso(
    live: tuple[LiveServer, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    flag: str,
    login: str,
    role: str,
) -> None:
    server, issuer = live
    person = PersonAtBrowser(server, issuer, login)
    monkeypatch.setattr(cli_sso.webbrowser, "open", person.open)
    cli = Cli(server.url, tmp_path / "config")
    result = cli.ok("login", "--sso", "campus", flag)
    person.joined()
    assert f"as {login}@campus.example ({role})" in result.output
    if flag == "--device":
        assert "enter the code" in result.output
        assert person.opened[0].startswith(issuer)
    else:
        assert person.opened[0].startswith(f"{server.url}/api/v1/auth/sso/campus/start?")
    me = cli.json("whoami")
    assert me["email"] == f"{login}@campus.example" and me["role"] == role


def test_login_sso_names_the_providers(live: tuple[LiveServer, str], tmp_path: Path) -> None:
    server, _ = live
    result = Cli(server.url, tmp_path / "config")("login", "--sso", "nope")
    assert result.exit_code != 0
    assert "campus" in result.output and "nope" in result.output
