"""``compax optimize FILE``: the plan (summary and table, or JSON), then ``--apply`` books it
through the import, and a re-run keeps every room; the async SDK twin answers the same."""

from __future__ import annotations

import pytest

from compax_sdk import AsyncCompax
from tests.cli.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, tag
from tests.dates import Y2031

pytestmark = pytest.mark.slow

HEADER = (
    "external_id,title,weekdays,start_time,duration_minutes,headcount,features,preferred_buildings"
)


def sections_file(tmp_path, campus, t):
    b = campus["building"].code
    lines = [
        HEADER,
        f"{t}-1,Algebra,mon wed,10:00,90,25,projector,{b}",
        f"{t}-2,Statistics,mon,10:30,60,70,,",
        f"{t}-3,Seminar,mon,10:00,60,10,projector,",
        f"{t}-4,Too big,tue,10:00,60,5000,,",
    ]
    path = tmp_path / "sections.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


async def test_plan_apply_and_rerun(admin_cli, api, campus, tmp_path, server):
    t = tag()
    term = api.terms.create(name=f"T{t}", start_date=f"{Y2031}-03-03", end_date=f"{Y2031}-03-30")
    path = sections_file(tmp_path, campus, t)
    source = f"opt-{t.lower()}"
    shown = admin_cli.ok(
        "optimize", str(path), "--term", f"T{t}", "--time-limit", "5s", "--source", source
    )
    assert "Summary" in shown.stdout and "no_room_fits" in shown.stdout
    assert "Plan only" in shown.stderr
    plan = admin_cli.json(
        "optimize",
        str(path),
        "--term",
        str(term.id),
        "--time-limit",
        "5",
        "--source",
        source,
        "--apply",
    )
    items = {i["external_id"]: i for i in plan["items"]}
    assert plan["applied"] and plan["summary"]["placed"] == 3
    assert items[f"{t}-1"]["room"] == campus["mid"].code  # 30 seats, projector
    assert items[f"{t}-2"]["room"] == campus["big"].code
    assert items[f"{t}-3"]["room"] == campus["small"].code
    assert items[f"{t}-4"]["reason"]["code"] == "no_room_fits"
    again = admin_cli.json(
        "optimize", str(path), "--term", str(term.id), "--source", source, "--apply"
    )
    assert {i.get("import_action") for i in again["items"] if i["action"] == "placed"} == {
        "unchanged"
    }
    async with AsyncCompax(base_url=server.url, api_key="", access_token="") as c:
        await c.auth.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        sections = [
            {
                "external_id": f"{t}-1",
                "title": "Algebra",
                "weekdays": ["mon", "wed"],
                "start_time": "10:00",
                "duration_minutes": 90,
                "headcount": 25,
                "features": ["projector"],
            }
        ]
        out = await c.optimizer.plan(term_id=term.id, sections=sections, source=source)
    assert out.placed()[0].room == campus["mid"].code
    assert out.placed()[0].import_action == "unchanged"


def test_a_bad_time_limit_is_a_usage_error(admin_cli, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(HEADER + "\n")
    r = admin_cli("optimize", str(path), "--term", "1", "--time-limit", "500s")
    assert r.exit_code == 2 and "120" in r.output


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        (
            "s.json",
            b'[{"external_id": \n',
            "s.json is not JSON: Expecting value (line 2, column 1)",
        ),
        ("s.json", b'{"external_id": "A"}', "s.json: a JSON list of sections, please"),
        (
            "s.csv",
            HEADER.encode() + b"\nA,Caf\xe9,mon,10:00,60,20,,\n",
            # the é: after the header, its newline and "A,Caf"
            f"s.csv is not UTF-8 text (byte {len(HEADER) + 6}); save it as UTF-8",
        ),
        (
            "s.csv",
            b"external_id,title,weekdays,start_time,duration_minutes,feature\n",
            "s.csv line 1: unknown column 'feature'; the column 'headcount' is missing (the "
            "columns are: external_id, start_time, duration_minutes, headcount, title, "
            "weekdays, features, preferred_buildings, links, room_wish, last_room, start_date, "
            "until)",
        ),
        (
            "s.csv",
            (
                HEADER + "\nA,Algebra,mon,10:00\nB,Lab,mon,10:00,60,\u00b2,,\n"
                "C,Lab,mon,10:00,60,20,,,spare\nD,Fine,mon,10:00,60,20,,\n"
            ).encode(),
            "s.csv line 2: duration_minutes, headcount: empty\n"
            "s.csv line 3: headcount: '\u00b2' is not a whole number\n"
            "s.csv line 4: 9 values for 8 columns",
        ),
    ],
)
def test_a_sections_file_that_cannot_be_read_says_why_and_sends_nothing(
    cli, tmp_path, name, content, said
):
    """Every wrong line at once, before any request (this CLI is not even logged in); a
    misspelt optional column (``feature``) is refused, not left out of the plan."""
    path = tmp_path / name
    path.write_bytes(content)
    result = cli("optimize", str(path), "--term", "Spring")
    assert result.exit_code == 1, result.output
    assert result.stderr.replace("\n  ", " ") == f"error: {said}\n".replace("\n  ", " ")
    assert "Traceback" not in result.output
