"""``compax users``, ``api-keys``, ``rules`` and ``audit`` (with ``tail --follow`` run as a
real process)."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from compax_sdk import RuleViolationError
from tests.cli.conftest import ADMIN_EMAIL, MEMBER_PASSWORD, rows, tag, words
from tests.cli.test_output_widths import row_cells, run
from tests.dates import Y2031
from tests.e2e.servers import COMPAX

pytestmark = pytest.mark.slow


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_users_add_show_edit_list_deactivate(admin_cli, cli):
    email = f"ada-{tag().lower()}@campus.example"
    made = admin_cli.json(
        "users", "add", "--email", email, "--name", "Ada", "--role", "staff",
        "--password", MEMBER_PASSWORD,
    )  # fmt: skip
    assert (made["email"], made["role"], made["is_active"]) == (email, "staff", True)
    assert admin_cli.json("users", "show", email)["id"] == made["id"]
    assert email in [u["email"] for u in admin_cli.json("users", "list", "--role", "staff")]
    changed = admin_cli.json("users", "edit", email, "--name", "Ada Lovelace", "--role", "admin")
    assert (changed["full_name"], changed["role"]) == ("Ada Lovelace", "admin")
    cli.login(email, MEMBER_PASSWORD)
    admin_cli.ok("users", "deactivate", email)
    assert email in [u["email"] for u in admin_cli.json("users", "list", "--inactive")]
    assert cli("whoami").exit_code == 5  # deactivated: the session ends
    taken = admin_cli("users", "add", "--email", email, "--name", "Again")
    assert taken.exit_code == 4
    weak = admin_cli("users", "add", "--email", f"x{email}", "--name", "X", "--password", "short")
    assert weak.exit_code == 1
    assert words(weak) == "error: The password must be at least 10 characters long."
    assert admin_cli("users", "show", "nobody@campus.example").exit_code == 3


def test_users_shown_whole_in_tz_and_as_json_after_the_command(admin_cli, api):
    email = f"bo-{tag().lower()}@campus.example"
    made = json.loads(
        admin_cli.ok("users", "add", "--email", email, "--name", "Bo", "--json").stdout
    )
    created = datetime.fromisoformat(made["created_at"]).astimezone(ZoneInfo("Asia/Tokyo"))
    shown = admin_cli.ok("--tz", "Asia/Tokyo", "users", "show", email).stdout
    assert rows(shown) == [
        f"User {email}",
        f"id {made['id']}",
        f"email {email}",
        "name Bo",
        "role member",
        "active yes",
        f"created {created:%Y-%m-%d %H:%M}",
    ]
    assert json.loads(admin_cli.ok("users", "show", email, "--json").stdout) == made
    edited = json.loads(admin_cli.ok("users", "edit", email, "--role", "staff", "--json").stdout)
    assert (edited["id"], edited["role"]) == (made["id"], "staff")
    gone = json.loads(admin_cli.ok("users", "deactivate", email, "--json").stdout)
    assert (gone["id"], gone["is_active"]) == (made["id"], False)


def test_users_list_filters_by_role_and_fits_a_narrow_terminal(admin_cli):
    t = tag().lower()
    email = f"a.very.long.address.of.someone-{t}@engineering.campus.example"
    made = admin_cli.json("users", "add", "--email", email, "--name", f"Maria Curie {t}")
    assert admin_cli.json("users", "list", "-q", t, "--role", "member") == [made]
    assert json.loads(admin_cli.ok("users", "list", "-q", t, "--json").stdout) == [made]
    assert admin_cli.json("users", "list", "-q", t, "--role", "staff") == []
    none = admin_cli.ok("users", "list", "-q", t, "--role", "admin")
    assert (none.stdout, none.stderr) == ("", "No users match.\n")
    assert rows(admin_cli.ok("users", "list", "-q", t).stdout)[1] == "id email name role active"
    whole = [str(made["id"]), email, f"Maria Curie {t}", "member", "yes"]
    for width, shown in ((80, whole), (50, whole[1:4])):
        out, err = run(admin_cli, width, "users", "list", "-q", t)
        assert row_cells(out, shown[0]) == ["".join(c.split()) for c in shown]
        left_out = "Left out to fit 50 columns: id, active"
        assert (left_out in " ".join(err.split())) is (width == 50)


def test_users_say_what_they_did_and_every_option(admin_cli, cli, api):
    """A service account (no password, the default role), the list's filters and table,
    and ``edit``'s email, password and ``--active``."""
    t = tag().lower()
    email = f"svc-{t}@campus.example"
    added = admin_cli.ok("users", "add", "--email", email, "--name", f"Nightly {t}")
    made = next(u for u in api.users.list(q=email).data)
    assert added.stderr == f"Added member {email} (id {made.id}).\n"
    assert (made.role, made.is_active) == ("member", True)
    assert cli("login", "--email", email, "--password", MEMBER_PASSWORD).exit_code != 0
    found = admin_cli.json("users", "list", "-q", f"nightly {t}", "--active", "--role", "member")
    assert [u["email"] for u in found] == [email]
    assert admin_cli.json("users", "list", "-q", f"nightly {t}", "--inactive") == []
    row = next(
        line for line in admin_cli.ok("users", "list", "-q", t).stdout.splitlines() if email in line
    )
    assert f"Nightly {t}" in row and "member" in row and str(made.id) in row
    cut = admin_cli.ok("users", "list", "--limit", "1")
    assert "Showing the first 1 user; more exist" in words(cut)
    new_email = f"ada-{t}@campus.example"
    changed = admin_cli.ok(
        "users", "edit", email, "--email", new_email, "--password", MEMBER_PASSWORD
    )
    assert changed.stderr == f"Changed user {new_email}.\n"
    assert cli.login(new_email, MEMBER_PASSWORD)  # the new email and password work
    gone = admin_cli.ok("users", "deactivate", new_email)
    assert gone.stderr == f"Deactivated {new_email}.\n"
    again = admin_cli.json("users", "edit", new_email, "--active")
    assert again["is_active"] is True


def test_members_may_not_manage_users(admin_cli, cli, member):
    me = member.me.get()
    cli.login(me.email, MEMBER_PASSWORD)
    denied = cli("users", "list")
    assert denied.exit_code == 5 and "not allowed" in denied.stderr


def test_api_keys_create_shows_the_secret_once_list_and_revoke(admin_cli, cli):
    table = admin_cli.ok("api-keys", "create", "--user", ADMIN_EMAIL, "--name", "shown once")
    secret = next(w for w in table.stdout.split() if w.startswith("cpx_"))
    assert "shown only now" in table.stderr
    made = admin_cli.json(
        "api-keys", "create", "--user", ADMIN_EMAIL, "--name", "nightly", "--scope", "read",
        "--expires", f"{Y2031}-12-31",
    )  # fmt: skip
    assert made["scopes"] == ["read"] and made["secret"].startswith("cpx_")
    listed = admin_cli.json("api-keys", "list", "--user", ADMIN_EMAIL)
    assert {made["id"]} <= {k["id"] for k in listed}
    assert all("secret" not in k for k in listed)
    assert cli.json("whoami", COMPAX_API_KEY=secret)["email"] == ADMIN_EMAIL
    admin_cli.ok("api-keys", "revoke", str(made["id"]))
    assert cli("whoami", COMPAX_API_KEY=made["secret"]).exit_code == 5
    bad = admin_cli("api-keys", "create", "--user", ADMIN_EMAIL, "--name", "x", "--scope", "all")
    assert bad.exit_code == 2


def test_api_keys_in_words_default_scopes_and_the_last_day_in_tz(admin_cli, api):
    """Without ``--scope`` a key reads and writes; ``--expires`` is the end of that day in
    ``--tz`` (or this machine's zone); the table names the user; revoke says so."""
    name = f"words {tag()}"
    made = admin_cli.ok(
        "api-keys", "create", "--user", ADMIN_EMAIL, "--name", name, "--expires",
        f"{Y2031}-12-31", "--tz", "UTC",
    )  # fmt: skip
    key = next(k for k in api.api_keys.list(limit=200) if k.name == name)
    assert key.scopes == ["read", "write"]
    assert key.expires_at == datetime(Y2031, 12, 31, 23, 59, tzinfo=UTC)
    assert re.search(rf"^expires +{Y2031}-12-31 23:59 *$", made.stdout, re.M)
    assert re.search(r"^scopes +read, write *$", made.stdout, re.M)
    never = admin_cli.ok("api-keys", "create", "--user", ADMIN_EMAIL, "--name", f"{name} 2")
    assert re.search(r"^expires +never *$", never.stdout, re.M)
    rows = admin_cli.ok("api-keys", "list", "--user", ADMIN_EMAIL, "--tz", "UTC").stdout
    row = next(line for line in rows.splitlines() if f"│ {key.id} " in line)
    assert name in row and f"cpx_{key.prefix}..." in row and "Administrator" in row, row
    revoked = admin_cli.ok("api-keys", "revoke", str(key.id))
    assert revoked.stderr == f"Revoked API key {key.id} ({name}).\n"
    as_json = admin_cli.ok("api-keys", "revoke", str(key.id), "--json")
    assert json.loads(as_json.stdout)["revoked_at"] is not None


def test_rules_set_show_and_remove(admin_cli, campus, member):
    room = campus["mid"]
    admin_cli.ok("rules", "set", "--room", room.code, "--max-duration", "1h", "--min-notice", "30m")
    merged = admin_cli.json("rules", "set", "--room", room.code, "--max-per-week", "3")
    assert (merged["max_duration_minutes"], merged["min_notice_minutes"]) == (60, 30)
    assert merged["max_bookings_per_week"] == 3
    cleared = admin_cli.json("rules", "set", "--room", room.code, "--min-notice", "none")
    assert cleared["min_notice_minutes"] is None and cleared["max_duration_minutes"] == 60
    building = campus["building"].code
    admin_cli.ok("rules", "set", "--building", building, "--horizon", "none")
    admin_cli.ok("rules", "set", "--max-per-week", "none")  # a campus level that limits nothing
    shown = admin_cli.ok("rules", "show").stdout
    assert f"room {room.code}" in shown and "1h" in shown
    assert f"│ building {building}" in shown and "│ global " in shown
    admin_cli.ok("rules", "remove", "--building", building)
    assert any(r["scope_id"] == room.id for r in admin_cli.json("rules", "show"))
    after = json.loads(admin_cli.ok("rules", "show", "--json").stdout)  # --json after it
    assert after == admin_cli.json("rules", "show")

    with pytest.raises(RuleViolationError):  # a member's long booking breaks the rule
        member.bookings.create(
            room_id=room.id,
            title="Long",
            start=utc(f"{Y2031}-03-03T09:00Z"),
            end=utc(f"{Y2031}-03-03T11:00Z"),
        )
    admin_cli.ok("rules", "remove", "--room", room.code)
    assert not any(r["scope_id"] == room.id for r in admin_cli.json("rules", "show"))
    assert admin_cli("rules", "remove", "--room", room.code).exit_code == 3
    assert admin_cli("rules", "set", "--max-duration", "soon").exit_code == 2


def test_rules_set_every_limit_and_say_so(admin_cli, campus):
    room, building = campus["small"], campus["building"]
    saved = admin_cli.ok(
        "rules", "set", "--room", room.code, "--max-hours-per-week", "6", "--checkin", "yes",
        "--checkin-opens", "10m", "--checkin-closes", "15m", "--noshow-limit", "3",
        "--noshow-days", "30d", "--noshow-ban", "14d",
    )  # fmt: skip
    assert saved.stderr == f"Rules of room {room.code} set.\n"
    assert saved.stdout.splitlines()[0].strip() == f"Rules: room {room.code}"
    assert "no-show ban 3 in 30d: 14d" in rows(saved.stdout)
    [rules] = [r for r in admin_cli.json("rules", "show") if r["scope_id"] == room.id]
    assert {k: rules[k] for k in ("max_hours_per_week", "requires_checkin")} == {
        "max_hours_per_week": 6,
        "requires_checkin": True,
    }
    assert (rules["checkin_opens_minutes"], rules["checkin_closes_minutes"]) == (10, 15)
    assert (rules["noshow_limit"], rules["noshow_days"], rules["noshow_ban_days"]) == (3, 30, 14)
    row = next(
        line for line in admin_cli.ok("rules", "show").stdout.splitlines() if room.code in line
    )
    assert "3 in 30d: 14d" in row
    off = admin_cli.json("rules", "set", "--room", room.code, "--checkin", "No")
    assert off["requires_checkin"] is False
    inherited = admin_cli.json("rules", "set", "--room", room.code, "--checkin", "NONE")
    assert inherited["requires_checkin"] is None
    maybe = admin_cli("rules", "set", "--room", room.code, "--checkin", "maybe")
    assert maybe.exit_code == 2
    assert "Invalid value for --checkin: 'maybe': yes, no or none" in words(maybe)
    both = admin_cli(
        "rules", "set", "--room", room.code, "--building", building.code, "--horizon", "9d"
    )
    assert both.exit_code == 2
    assert "Invalid value for --room: give --building or --room, not both" in words(both)
    nothing = admin_cli("rules", "set", "--room", room.code)
    assert nothing.exit_code == 2 and words(nothing) == (
        "error: nothing to change: give --max-duration, --horizon, --min-notice, --max-per-week, "
        "--max-hours-per-week, --checkin, --checkin-opens, --checkin-closes, --noshow-limit, "
        "--noshow-days or --noshow-ban"
    )
    admin_cli.ok("rules", "set", "--building", building.code, "--horizon", "90d")
    gone = admin_cli.ok("rules", "remove", "--building", building.code)
    assert gone.stderr == f"Removed the rules of building {building.code}.\n"
    gone = admin_cli.ok("rules", "remove", "--room", room.code)
    assert gone.stderr == f"Removed the rules of room {room.code}.\n"
    neither = admin_cli("rules", "remove")
    assert neither.exit_code == 2 and (
        "Invalid value for --room: give --building or --room (the campus-wide rules stay: set "
        "their limits to 'none')"
    ) in words(neither)
    both = admin_cli("rules", "remove", "--room", room.code, "--building", building.code)
    assert both.exit_code == 2
    assert "Invalid value for --room: give --building or --room, not both" in words(both)


@pytest.mark.parametrize(
    ("option", "says"),
    [
        ("--max-duration", "'soon' is not a duration"),
        ("--horizon", "'soon': a number of days"),
        ("--min-notice", "'soon' is not a duration"),
        ("--max-per-week", "'soon': a whole number"),
        ("--max-hours-per-week", "'soon': a whole number"),
        ("--checkin", "'soon': yes, no or none"),
        ("--checkin-opens", "'soon' is not a duration"),
        ("--checkin-closes", "'soon' is not a duration"),
        ("--noshow-limit", "'soon': a whole number"),
        ("--noshow-days", "'soon': a number of days"),
        ("--noshow-ban", "'soon': a number of days"),
    ],
)
def test_rules_set_names_the_option_whose_value_it_cannot_read(admin_cli, option, says):
    refused = admin_cli("rules", "set", option, "soon")
    assert refused.exit_code == 2
    assert f"Invalid value for {option}: {says}" in words(refused)


def test_rules_set_with_json_after_the_command(admin_cli, campus):
    room = campus["small"]
    saved = json.loads(
        admin_cli.ok("rules", "set", "--room", room.code, "--max-per-week", "4", "--json").stdout
    )
    assert (saved["scope"], saved["scope_id"], saved["max_bookings_per_week"]) == (
        "room",
        room.id,
        4,
    )
    admin_cli.ok("rules", "remove", "--room", room.code)


def test_audit_list_with_filters(admin_cli, api, campus):
    booking = api.bookings.create(
        room_id=campus["big"].id,
        title="Audited",
        start=utc(f"{Y2031}-03-03T09:00Z"),
        end=utc(f"{Y2031}-03-03T10:00Z"),
    )
    api.bookings.update(booking, title="Audited again")
    events = admin_cli.json("audit", "list", "--entity", "booking", "--id", str(booking.id))
    assert [e["action"] for e in events] == ["booking.create", "booking.update"]
    assert events[0]["actor_label"] == ADMIN_EMAIL
    table = admin_cli.ok("audit", "list", "--entity", "booking", "--id", str(booking.id)).stdout
    assert "title 'Audited' → 'Audited again'" in table
    newest = admin_cli.json("audit", "list", "--limit", "1")
    assert len(newest) == 1 and newest[0]["id"] >= events[-1]["id"]
    args = ("audit", "list", "--entity", "booking", "--id", str(booking.id), "--limit", "1")
    assert [e["id"] for e in admin_cli.json(*args)] == [events[-1]["id"]]  # the newest
    cut = admin_cli.ok(*args)
    assert "Audited again" in cut.stdout and "booking.create" not in cut.stdout
    assert "Showing the newest 1 event; more exist" in words(cut)
    both = admin_cli.json(
        "audit", "list", "--entity", "booking", "--id", str(booking.id), "--limit", "2"
    )
    assert [e["id"] for e in both] == [e["id"] for e in events]  # oldest first
    mine = admin_cli.json("audit", "list", "--actor", ADMIN_EMAIL, "--action", "booking.update")
    assert events[-1]["id"] in [e["id"] for e in mine]


def test_audit_tail_shows_the_latest_and_resumes_from_a_cursor(admin_cli, api, campus):
    result = admin_cli.ok("audit", "tail", "-n", "3")
    assert len(result.stdout.strip().splitlines()) == 3
    cursor = result.stderr.split("--since ")[1].split()[0]
    api.rooms.update(campus["small"], capacity=13)
    after = admin_cli.ok("audit", "tail", "--since", cursor, "--json")
    [event] = [json.loads(line) for line in after.stdout.splitlines()]
    assert (event["action"], event["entity_id"]) == ("room.update", campus["small"].id)


def test_audit_tail_follow_prints_new_events_until_interrupted(server, admin_cli, api, campus):
    env = {**os.environ, **{k: v for k, v in admin_cli.env.items() if v is not None}}
    for name, value in admin_cli.env.items():
        if value is None:
            env.pop(name, None)
    process = subprocess.Popen(
        [COMPAX, "audit", "tail", "-n", "0", "--follow", "--interval", "0.2", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as a terminal sends it: a child inherits an *ignored* SIGINT, and in a random
        # test order an earlier in-process server may have left it ignored in pytest.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in process.stdout], daemon=True).start()
    try:
        # A change made before tail has caught up is part of its (empty) backlog: change the
        # room again until tail prints one (the event), instead of sleeping until it is ready.
        event = None
        for n in range(1, 120):  # a hang guard of about a minute
            room = api.rooms.get(campus["mid"].id)
            api.rooms.update(room, name=f"Followed {n}")
            with contextlib.suppress(queue.Empty):
                event = json.loads(lines.get(timeout=0.5))
                break
        assert event is not None, "tail --follow printed no event"
        assert (event["action"], event["entity_id"]) == ("room.update", campus["mid"].id)
        assert event["after"]["name"].startswith("Followed ")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # never leave it running, also when it hangs
            process.kill()
            process.wait()
            raise
    err = process.stderr.read()
    assert process.returncode == 0, err
    assert "--since" in err and "Traceback" not in err
