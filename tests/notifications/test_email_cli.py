"""``compax notifications show|set`` against a real server."""

from __future__ import annotations

import re

import pytest

from tests.cli.conftest import Cli, admin_cli, cli, no_user_config, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow


def test_show_and_set_my_email_preferences(admin_cli):  # noqa: F811
    shown = admin_cli.ok("notifications", "show")
    assert "reminder" in shown.stdout and "request_received" in shown.stdout
    assert "no email at all" in shown.stderr  # the test server has no SMTP server

    prefs = admin_cli.json("notifications", "set", "--off", "reminder", "--off", "digest")
    assert prefs["email_opt_out"] == ["reminder", "digest"]
    prefs = admin_cli.json("notifications", "set", "--on", "digest", "--off", "moved")
    assert prefs["email_opt_out"] == ["moved", "reminder"]
    assert admin_cli.json("notifications", "show")["email_opt_out"] == ["moved", "reminder"]
    table = admin_cli.ok("notifications", "set", "--on", "moved").stdout
    assert re.search(r"reminder\W+off\W", table) and re.search(r"moved\W+on\W", table)
    listed = admin_cli.json("notifications", "set", "--off", "Digest,moved", "--on", "reminder")
    assert listed["email_opt_out"] == ["moved", "digest"]  # any case, a,b


def test_unknown_kinds_and_nothing_to_do_are_usage_errors(admin_cli):  # noqa: F811
    result = admin_cli("notifications", "set", "--off", "newsletter")
    assert result.exit_code == 2
    said = " ".join(result.stderr.replace("│", " ").split())
    assert "Invalid value for --off: 'newsletter' is not one of " in said and "reminder" in said
    assert admin_cli("notifications", "set").exit_code == 2
    clash = admin_cli("notifications", "set", "--off", "moved", "--on", "Moved")
    assert (clash.exit_code, clash.stderr) == (2, "error: both --off and --on: moved\n")


def test_not_logged_in(cli):  # noqa: F811
    result = cli("notifications", "show")
    assert result.exit_code == 5
