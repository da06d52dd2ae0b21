"""``compax feeds``: my calendar URL (made once), a room's, rotate and revoke."""

from __future__ import annotations

import httpx

from tests.cli.conftest import MEMBER_PASSWORD, Cli, tag


def signed_in_member(cli: Cli, api) -> Cli:
    email = f"feeds-{tag().lower()}@campus.example"
    api.users.create(email=email, full_name="Fay Feeds", role="member", password=MEMBER_PASSWORD)
    return cli.login(email, MEMBER_PASSWORD)


def test_url_once_then_rotate_and_revoke(cli, api):
    me = signed_in_member(cli, api)
    made = me.json("feeds", "url")
    assert made["url"].endswith(f"/api/v1/me/calendar.ics?token={made['token']}")
    assert httpx.get(made["url"]).status_code == 200

    again = me("feeds", "url")
    assert again.exit_code == 4
    assert "feeds rotate" in again.stderr and "Traceback" not in again.output

    rotated = me.ok("feeds", "rotate")
    new_url = rotated.stdout.strip()
    assert new_url.startswith(me.url) and new_url != made["url"]
    assert "stopped working" in rotated.stderr
    assert httpx.get(made["url"]).status_code == 401
    assert httpx.get(new_url).status_code == 200

    assert me.json("feeds", "revoke") == {"revoked": True}
    assert httpx.get(new_url).status_code == 401
    assert me("feeds", "revoke").exit_code == 3  # nothing left to revoke


def test_a_rooms_url_by_code(cli, api, campus):
    me = signed_in_member(cli, api)
    room = campus["mid"]
    first = me.json("feeds", "url", "--room", room.code)
    assert first["room_id"] == room.id and first["token"]
    assert first["url"] == f"{me.url}/api/v1/rooms/{room.id}/calendar.ics?token={first['token']}"
    calendar = httpx.get(first["url"])
    assert calendar.status_code == 200 and "BEGIN:VCALENDAR" in calendar.text

    later = me.ok("feeds", "url", "--room", room.code)  # my token exists: a placeholder
    assert later.stdout.strip().endswith("calendar.ics?token=YOUR_FEED_TOKEN")
    assert "feeds rotate" in later.stderr
