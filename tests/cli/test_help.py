"""Every command explains itself: ``--help`` with an example, the exit codes in the main
help, shell completion, usage errors with exit code 2. No server needed."""

from __future__ import annotations

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from compax_cli.main import app

runner = CliRunner()


def command_paths(command: typer.core.TyperGroup | object, prefix: tuple[str, ...] = ()):
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        yield prefix
        return
    for name, sub in sorted(subcommands.items()):
        yield from command_paths(sub, (*prefix, name))


COMMANDS = list(command_paths(get_command(app)))


def test_every_noun_and_command_is_there():
    assert len(COMMANDS) > 60
    for path in [
        ("login",),
        ("logout",),
        ("demo",),
        ("serve",),
        ("db", "upgrade"),
        ("users", "create-admin"),
        ("rooms", "search"),
        ("rooms", "availability"),
        ("rooms", "features", "add"),
        ("buildings", "hours"),
        ("buildings", "closures", "remove"),
        ("terms", "edit"),
        ("bookings", "pending"),
        ("series", "add-date"),
        ("import",),
        ("api-keys", "revoke"),
        ("rules", "set"),
        ("audit", "tail"),
    ]:
        assert path in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_every_command_has_help_with_an_example(path):
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Example: compax " in result.stdout or "Example:" in result.stdout, result.stdout


def test_the_main_help_lists_the_exit_codes_and_completion():
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for code in (
        "0 ok",
        "1 error",
        "2 usage",
        "3 not found",
        "4 conflict",
        "5 not logged in",
        "6 cannot reach the server",
    ):
        assert code in text
    assert "--install-completion" in text and "--show-completion" in text


def test_usage_errors_are_exit_code_2():
    assert runner.invoke(app, ["rooms", "search", "--capacity", "many"]).exit_code == 2
    assert runner.invoke(app, ["rooms", "frobnicate"]).exit_code == 2
    assert runner.invoke(app, ["bookings", "create", "--room", "B1"]).exit_code == 2
    assert runner.invoke(app, ["--tz", "Mars/Olympus", "bookings", "show", "1"]).exit_code == 2


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("compax ")


def _walk(command: object):
    yield command
    for sub in (getattr(command, "commands", None) or {}).values():
        yield from _walk(sub)


def test_help_paragraphs_reflow_to_the_terminal():
    """Help is Markdown: a paragraph is wrapped to the terminal, not broken where the
    docstring's source line ended (at 80 columns that left one word per line)."""
    modes = {getattr(c, "name", "?"): c.rich_markup_mode for c in _walk(get_command(app))}
    assert modes and set(modes.values()) == {"markdown"}, modes
    result = runner.invoke(app, ["import", "--help"], env={"COLUMNS": "80"})
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "optional" not in lines and "of until" not in lines, result.stdout
