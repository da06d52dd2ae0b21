"""Every option and argument of every command that talks to the server, given the worst
values a person or a script types into it: a page of text, a number of thirty digits, a
negative number, an empty value (a shell variable that was not set), a terminal escape, a
path that cannot be written. Each is refused with a message that names what was wrong
(the option or argument, or "there is no room ..."), in a line a person can read (the
value is not repeated whole), with a usage or not-found exit code, and nothing is written.

The commands and their parameters are read from the CLI itself: a new command or option
is swept without a change here (a new argument needs a value in the ``world`` fixture)."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from typer.core import TyperArgument, TyperOption
from typer.main import get_command

from compax_cli.main import app
from compax_server.settings import Settings
from tests.cli.conftest import Cli, serve, tag, words
from tests.cli.test_help import command_paths
from tests.e2e.servers import LiveServer

# Commands that run on this machine or start a session: not swept here (tests/cli/
# test_server_commands.py, test_auth.py and test_demo.py cover their input).
LOCAL = {
    ("serve",),
    ("worker",),
    ("db", "upgrade"),
    ("db", "status"),
    ("db", "make-migration"),
    ("demo",),
    ("login",),
    ("logout",),
    ("users", "create-admin"),
}
PAGE = "x" * 6000  # longer than any field the API takes (descriptions take 5000)
HUGE = "9" * 30  # beyond any integer column
NOWHERE = "/nonexistent-dir/out.png"
ESCAPE = "a\x1b[2Jb"  # a pasted terminal escape: clears the screen of whoever shows it
DAY = timedelta(days=1)
# Values that are no mistake, not run here (they would change what the other commands act
# on): an empty description or reason is none; a floor below ground is a basement.
NO_MISTAKE = {("description", ""), ("reason", ""), ("floor", "-5")}
EMPTY_MEANS_ANY = {("webhooks", "update"): {"building", "room", "source"}}  # clears a filter
LISTS_ALL = ("limit", HUGE)  # a limit beyond what there is lists everything

COMMANDS = [p for p in command_paths(get_command(app)) if p not in LOCAL]
CHANGES = [p for p in COMMANDS if p[-1] in ("edit", "update", "set", "move")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The module's server, taking webhooks to any address (no lookup of a public name)."""
    yield from serve(tmp_path_factory, COMPAX_WEBHOOK_ALLOW_PRIVATE="1")


def command(path: tuple[str, ...]) -> Any:
    found: Any = get_command(app)
    for name in path:
        found = found.commands[name]
    return found


def bad_values(param: Any) -> list[str]:
    """The worst values for ``param``, by the type it reads."""
    kind = str(param.type_descriptor.annotation)
    if "Literal" in kind:
        return ["nonsense"]
    if "Path" in kind:
        return [NOWHERE]
    if "float" in kind:
        return ["nan", "-1"]
    if "int" in kind and "list" not in kind:
        return [HUGE, "-5"]
    return [PAGE, "", ESCAPE]


@dataclass
class World:
    """What the commands act on, made once: nothing a swept command runs may change it."""

    arguments: dict[str, str]
    required: dict[tuple[str, ...], dict[str, str]]


@pytest.fixture(scope="module")
def world(admin_cli: Cli, tmp_path_factory: pytest.TempPathFactory) -> World:
    t = tag()
    day = date.today() + timedelta(days=60)
    day += timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday
    building, room, email, term = f"B{t}", f"{t}-R", f"m{t.lower()}@campus.example", f"T{t}"
    admin_cli.json(
        "buildings", "add", "--code", building, "--name", "Hall", "--timezone", "Europe/Berlin"
    )
    admin_cli.json("buildings", "hours", building, "mon-fri 08:00-20:00")
    admin_cli.json("rooms", "add", "--code", room, "--name", "Room", "-b", building, "-c", "30")
    booking = admin_cli.json(
        "bookings", "create", "-r", room, "-t", "Talk", "-s", f"{day} 10:00", "-d", "1h"
    )
    series = admin_cli.json(
        "series", "create", "-r", room, "-t", "Course", "--start", str(day), "--time", "14:00",
        "-d", "1h", "--count", "3",
    )  # fmt: skip
    admin_cli.json("users", "add", "--email", email, "--name", "Mia", "--role", "member")
    admin_cli.json(
        "terms", "add", "--name", term, "--start", str(day), "--end", str(day + 30 * DAY)
    )
    webhook = admin_cli.json("webhooks", "add", "http://127.0.0.1:9/c", "--event", "booking.*")
    key = admin_cli.json("api-keys", "create", "--user", email, "--name", "nightly")
    entry = admin_cli.json(
        "waitlist", "join", "-t", "Wait", "-s", f"{day} 10:00", "-d", "1h", "-r", room
    )
    closure = admin_cli.json(
        "buildings", "closures", "add", building, "--reason", "shut", "--date", str(day + 200 * DAY)
    )
    files = tmp_path_factory.mktemp("files")
    timetable = files / "timetable.csv"
    timetable.write_text(
        f"external_id,kind,room,title,start,end\nx1,booking,{room},Imported,{day} 18:00,{day} 19:00\n"
    )
    sections = files / "sections.csv"
    sections.write_text(
        "external_id,start_time,duration_minutes,headcount,weekdays\no1,09:00,60,9,mon\n"
    )
    arguments = {
        "booking_id": str(booking["id"]),
        "series_id": str(series["id"]),
        "building": building,
        "room": room,
        "user": email,
        "term": term,
        "webhook_id": str(webhook["id"]),
        "key_id": str(key["id"]),
        "entry_id": str(entry["id"]),
        "closure_id": str(closure["id"]),
        "title": "Renamed",
        "day": str(day + 7 * DAY),
        "code": f"f{t.lower()}",
        "name": "Feature",
        "url": "http://127.0.0.1:9/d",
        "hours": "mon 08:00-18:00",
        "file": str(timetable),
        "sections": str(sections),
    }
    later = f"{day + 300 * DAY}"
    required = {  # what each command needs besides the value swept (which replaces its own)
        ("api-keys", "create"): {"--user": email, "--name": "k2"},
        ("bookings", "create"): {
            "--room": room,
            "--title": "T",
            "--start": f"{day} 16:00",
            "-d": "1h",
        },
        ("bookings", "move"): {"--duration": "2h"},
        ("buildings", "add"): {"--code": f"N{t}", "--name": "N", "--timezone": "Europe/Berlin"},
        ("buildings", "closures", "add"): {"--reason": "r", "--date": later},
        ("buildings", "edit"): {"--name": "Hall"},
        ("import",): {"--source": f"s{t}"},
        ("notifications", "set"): {"--off": "reminder"},
        ("optimize",): {"--term": term},
        ("report", "utilisation"): {"--term": term},
        ("rooms", "add"): {"--code": f"{t}-N", "--name": "N", "--building": building, "-c": "9"},
        ("rooms", "edit"): {"--name": "Room"},
        ("rooms", "search"): {"--from": f"{day} 10:00", "--duration": "1h"},
        ("rules", "set"): {"--room": room, "--horizon": "300d"},
        ("series", "create"): {
            "--room": room,
            "--title": "S",
            "--start": str(day),
            "--time": "17:00",
            "--duration": "1h",
            "--count": "2",
        },
        ("series", "edit"): {"--title": "Renamed"},
        ("series", "move"): {"--time": "15:00"},
        ("terms", "add"): {"--name": f"U{t}", "--start": str(day), "--end": later},
        ("terms", "edit"): {"--end": later},
        ("users", "add"): {"--email": f"n{t.lower()}@campus.example", "--name": "N"},
        ("users", "edit"): {"--name": "Mia"},
        ("waitlist", "join"): {"--title": "W", "--start": f"{day} 12:00", "-d": "1h"},
        ("webhooks", "redeliver"): {"--since": f"{day} 10:00"},
        ("webhooks", "update"): {"--description": "d"},
    }
    return World(arguments, required)


def invocations(path: tuple[str, ...], world: World) -> Iterator[tuple[Any, str, list[str]]]:
    """``(param, value, args)``: each parameter of the command given each bad value, the
    rest as ``world`` has them."""
    params = command(path).params
    arguments = [p for p in params if isinstance(p, TyperArgument)]
    missing = [p.name for p in arguments if p.name not in world.arguments]
    assert not missing, f"give the argument(s) {missing} of `compax {' '.join(path)}` a value"
    key = "sections" if path == ("optimize",) else None
    given = [world.arguments[key or p.name] for p in arguments]
    required = world.required.get(path, {})
    for i, param in enumerate(arguments):
        for value in bad_values(param):
            options = [a for k, v in required.items() for a in (k, v)]
            yield param, value, [*given[:i], value, *given[i + 1 :], *options]
    for param in params:
        if not isinstance(param, TyperOption) or param.is_flag or param.count or param.hidden:
            continue
        for value in bad_values(param):
            if (param.name, value) in NO_MISTAKE:
                continue
            if value == "" and param.name in EMPTY_MEANS_ANY.get(path, set()):
                continue  # tests/notifications/test_webhooks_cli.py
            options = [a for k, v in required.items() if k not in param.opts for a in (k, v)]
            yield param, value, [*given, *options, param.opts[0], value]


# What a read may change: a login or a token's refresh (the CLI refreshes its session).
CHANGED_BY_READS = {"refresh_tokens"}


def database(server: LiveServer) -> dict[str, str]:
    """Each table of the server's SQLite file and a digest of its rows, to see any write (an
    unaudited one too: a favourite, a notification setting), not only the audit log's."""
    url = server.env.get("COMPAX_DATABASE_URL", Settings.model_fields["database_url"].default)
    path = server.cwd / (Settings.model_construct(database_url=url).sqlite_path or "")
    assert path.is_file(), f"the sweep reads the server's SQLite file, not {url}"
    digests = {}
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in set(tables) - CHANGED_BY_READS:
            rows = db.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()  # noqa: S608
            digests[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_every_bad_value_is_refused_by_name_and_writes_nothing(
    path: tuple[str, ...], world: World, admin_cli: Cli, server: LiveServer
) -> None:
    problems = []
    before = database(server)
    for param, value, args in invocations(path, world):
        result = admin_cli(*path, *args)  # fails on an API field named in place of an option
        after = database(server)
        wrote = sorted(t for t in after if after[t] != before.get(t))
        before = after
        said = " ".join(re.sub(r"[─╭╮╰╯│]+", " ", result.stderr).split())
        shown = f"`compax {' '.join(path)} ... {param.name}={value[:12]!r}`: {said[:300]}"
        if wrote:
            problems.append(f"{shown} wrote to {', '.join(wrote)}")
        crashed = result.exception and not isinstance(result.exception, SystemExit)
        if crashed or "Traceback" in result.output or "the server failed" in said:
            problems.append(f"{shown} crashed: {result.exception!r}")
            continue
        if (param.name, value) == LISTS_ALL:
            if result.exit_code != 0:
                problems.append(f"{shown} refused a value that is no mistake")
            continue
        names = [*getattr(param, "opts", []), (param.name or "").upper(), f"'{param.name}'"]
        named = any(n in said for n in names) or "there is no" in said
        if result.exit_code not in (2, 3) and not (value == NOWHERE and result.exit_code == 1):
            problems.append(f"{shown} exit {result.exit_code}, not a refusal")
        elif not named and not (value == NOWHERE and value in said):
            problems.append(f"{shown} does not say which option or argument")
        if len(said) > 400:
            problems.append(f"{shown} is {len(said)} characters long")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("option", ["--url", "--profile", "--api-key", "--tz"])
def test_a_main_option_given_an_empty_value_is_refused(cli: Cli, option: str) -> None:
    """``compax --api-key "$KEY" ...`` with ``KEY`` unset would act as whoever is logged in;
    the same variable set empty in the environment is as if it were not set."""
    refused = cli(option, "", "rooms", "list")
    assert refused.exit_code == 2, refused.output
    assert f"Invalid value for {option}: give a value, or leave the option out" in words(refused)
    unset = cli("rooms", "list", COMPAX_API_KEY="", COMPAX_TZ="", COMPAX_PROFILE="")
    assert unset.exit_code == 5, unset.output  # not logged in: the variables were not used


@pytest.mark.parametrize("path", CHANGES, ids=[" ".join(p) for p in CHANGES])
def test_a_change_given_nothing_to_change_is_refused_and_writes_nothing(
    path: tuple[str, ...], world: World, admin_cli: Cli, server: LiveServer
) -> None:
    """``compax rooms edit R1`` alone said "Changed room R1." and wrote a new version (every
    other copy of the room turned stale); it is a usage error naming what it could change."""
    params = command(path).params
    arguments = [world.arguments[p.name] for p in params if isinstance(p, TyperArgument)]
    before = database(server)
    result = admin_cli(*path, *arguments)
    said = words(result)
    assert result.exit_code == 2 and said.startswith("error: nothing to change: give --"), said
    options = {o for p in params for o in [*p.opts, *p.secondary_opts]}
    named = {
        o for alternatives in re.findall(r"--[a-z-/]+[a-z]", said) for o in alternatives.split("/")
    }
    assert named <= options and {"--json", "--tz"}.isdisjoint(named), said
    assert database(server) == before
