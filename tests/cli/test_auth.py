"""Logging in and out, profiles, API keys, and the exit codes of the error paths that have
nothing to do with any one noun (auth 5, connection 6)."""

from __future__ import annotations

import json
import stat

import pytest

from compax_cli import config
from compax_sdk import AuthenticationError, Compax
from tests.cli.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Cli
from tests.e2e.servers import free_port

pytestmark = pytest.mark.slow


def test_login_prompts_and_saves_a_private_profile(cli):
    result = cli("login", input=f"{ADMIN_EMAIL}\n{ADMIN_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert ADMIN_PASSWORD not in result.output  # the password prompt does not echo
    assert "Logged in" in result.stderr and result.stdout.count("\n") <= 2

    path = cli.config_dir / "profiles.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cli.config_dir.stat().st_mode) == 0o700
    saved = json.loads(path.read_text())["default"]
    assert saved["url"] == cli.url and saved["email"] == ADMIN_EMAIL
    assert saved["access_token"] and saved["refresh_token"]

    me = cli.json("whoami")
    assert (me["email"], me["role"]) == (ADMIN_EMAIL, "admin")


def test_login_takes_the_email_as_an_argument_and_asks_only_the_password(cli):
    result = cli("login", ADMIN_EMAIL, input=f"{ADMIN_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Email" not in result.output and "Password" in result.output
    assert ADMIN_PASSWORD not in result.output
    assert cli.json("whoami")["email"] == ADMIN_EMAIL

    clash = cli("login", ADMIN_EMAIL, "--email", "someone.else@campus.example", input="x\n")
    assert clash.exit_code == 2
    assert "two different emails" in clash.stderr


def test_logout_ends_the_session_on_the_server_too(cli, server):
    cli.login()
    path = cli.config_dir / "profiles.json"
    refresh_token = json.loads(path.read_text())["default"]["refresh_token"]
    cli.ok("logout")
    assert "refresh_token" not in json.loads(path.read_text())["default"]
    result = cli("whoami")
    assert result.exit_code == 5
    assert "compax login" in result.stderr
    with Compax(base_url=server.url, refresh_token=refresh_token) as sdk:
        with pytest.raises(AuthenticationError):  # the server forgot the session as well
            sdk.auth.refresh()
    assert "Not logged in" in cli.ok("logout").stderr


def test_wrong_password_is_exit_code_5(cli):
    result = cli("login", "--email", ADMIN_EMAIL, "--password", "not the password")
    assert result.exit_code == 5
    assert "wrong email or password" in result.stderr
    assert not (cli.config_dir / "profiles.json").exists()


def test_not_logged_in_is_exit_code_5_and_says_what_to_do(cli):
    result = cli("rooms", "list")
    assert result.exit_code == 5
    assert "not logged in" in result.stderr and "compax login" in result.stderr
    assert result.stdout == ""


def test_a_server_that_does_not_answer_is_exit_code_6_naming_the_url(cli):
    url = f"http://127.0.0.1:{free_port()}"
    result = cli("rooms", "list", COMPAX_URL=url)
    assert result.exit_code == 6
    assert url in result.stderr
    assert "COMPAX_URL" in result.stderr and "--url" in result.stderr
    assert "Traceback" not in result.output
    flag = cli("--url", url, "buildings", "list")
    assert flag.exit_code == 6 and url in flag.stderr


def test_profiles_are_separate_and_tokens_stay_with_their_server(cli, server):
    cli.ok("--profile", "staging", "login", "--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD)
    assert cli("--profile", "staging", "whoami").exit_code == 0
    assert cli("whoami").exit_code == 5  # the default profile is not logged in
    # Without --url the profile's own URL is used.
    assert cli("--profile", "staging", "whoami", COMPAX_URL=None).exit_code == 0
    # Another server never gets this profile's tokens.
    elsewhere = f"http://localhost:{server.port}"
    result = cli("--profile", "staging", "--url", elsewhere, "whoami")
    assert result.exit_code == 5


def test_an_api_key_from_the_option_or_the_environment(cli, api):
    me = api.me.get()
    key = api.api_keys.create(user_id=me.id, name="cli test", scopes=["read"])
    assert cli.json("--api-key", key.secret, "whoami")["email"] == ADMIN_EMAIL
    assert cli.json("whoami", COMPAX_API_KEY=key.secret)["email"] == ADMIN_EMAIL
    denied = cli("rooms", "features", "add", "gong", "Gong", COMPAX_API_KEY=key.secret)
    assert denied.exit_code == 5 and "not allowed" in denied.stderr
    api.api_keys.revoke(key.id)
    revoked = cli("whoami", COMPAX_API_KEY=key.secret)
    assert revoked.exit_code == 5


def test_a_renewed_session_is_saved(cli, monkeypatch):
    cli.login()
    path = cli.config_dir / "profiles.json"
    before = json.loads(path.read_text())["default"]
    monkeypatch.setenv("COMPAX_CONFIG_DIR", str(cli.config_dir))
    config.save_profile("default", {"access_token": "not.a.valid-token"})
    assert cli.json("whoami")["email"] == ADMIN_EMAIL  # renewed with the refresh token
    after = json.loads(path.read_text())["default"]
    assert after["refresh_token"] != before["refresh_token"]
    assert after["access_token"] not in (before["access_token"], "not.a.valid-token")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cli.json("whoami")["email"] == ADMIN_EMAIL  # and the new pair works next time


def test_the_config_directory_follows_xdg_config_home(server, tmp_path):
    xdg = Cli(
        server.url, tmp_path / "unused", COMPAX_CONFIG_DIR=None, XDG_CONFIG_HOME=str(tmp_path)
    )
    xdg.login()
    path = tmp_path / "compax" / "profiles.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not (tmp_path / "unused").exists()
