"""The clients themselves: configuration, lifecycle, the public names."""

from __future__ import annotations

import inspect
import types
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

import compax_sdk
from compax_sdk import NOT_GIVEN, AsyncCompax, Compax
from compax_sdk._config import DEFAULT_BASE_URL
from compax_sdk._params import body, query
from compax_sdk.resources import _resource
from tests.sdk.conftest import public_methods


def echo_authorization(seen: list[str]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url} {request.headers.get('authorization')}")
        return httpx.Response(200, json={"data": [], "next_cursor": None})

    return httpx.MockTransport(handle)


def test_configuration_comes_from_arguments_then_environment_then_defaults(monkeypatch):
    seen: list[str] = []
    c = Compax(transport=echo_authorization(seen))
    assert c.base_url == DEFAULT_BASE_URL == "http://127.0.0.1:8000"
    list(c.features.list())
    assert seen[-1] == "http://127.0.0.1:8000/api/v1/features None"

    monkeypatch.setenv("COMPAX_URL", "https://compax.campus.example/")
    monkeypatch.setenv("COMPAX_API_KEY", "cpx_from_env")
    c = Compax(transport=echo_authorization(seen))
    list(c.features.list())
    assert seen[-1] == "https://compax.campus.example/api/v1/features Bearer cpx_from_env"

    c = Compax(
        base_url="http://other:9000", api_key="cpx_argument", transport=echo_authorization(seen)
    )
    list(c.features.list())
    assert seen[-1] == "http://other:9000/api/v1/features Bearer cpx_argument"

    monkeypatch.delenv("COMPAX_API_KEY")
    monkeypatch.setenv("COMPAX_TOKEN", "an.access.token")
    c = Compax(transport=echo_authorization(seen))
    assert c.access_token == "an.access.token"
    list(c.features.list())
    assert seen[-1].endswith("Bearer an.access.token")

    c = Compax(access_token="", transport=echo_authorization(seen))  # "": none, not the env's
    list(c.features.list())
    assert seen[-1].endswith(" None")


def test_options_are_checked_and_kept():
    c = Compax(timeout=5.0, max_retries=5)
    assert (c.timeout, c.max_retries) == (5.0, 5)
    assert isinstance(Compax().timeout, httpx.Timeout)
    with pytest.raises(ValueError, match=r"^max_retries must be 0 or more$"):
        Compax(max_retries=-1)
    with pytest.raises(ValueError, match=r"^pass http_client or transport, not both$"):
        Compax(http_client=httpx.Client(), transport=httpx.MockTransport(lambda r: None))
    with pytest.raises(ValueError, match=r"^pass http_client or transport, not both$"):
        AsyncCompax(http_client=httpx.AsyncClient(), transport=httpx.MockTransport(lambda r: None))
    assert "cpx_secret" not in repr(Compax(api_key="cpx_secret"))
    assert repr(NOT_GIVEN) == "NOT_GIVEN" and not NOT_GIVEN


def test_the_sync_client_is_a_context_manager_that_closes_its_connections():
    seen: list[str] = []
    with Compax(transport=echo_authorization(seen)) as c:
        list(c.features.list())
    with pytest.raises(RuntimeError, match="closed"):
        list(c.features.list())


def test_a_given_http_client_is_left_open_for_its_owner():
    seen: list[str] = []
    http = httpx.Client(transport=echo_authorization(seen))
    with Compax(http_client=http) as c:
        list(c.features.list())
    assert not http.is_closed
    http.close()


async def test_the_async_client_is_an_async_context_manager():
    seen: list[str] = []
    async with AsyncCompax(transport=echo_authorization(seen)) as c:
        assert [f async for f in c.features.list()] == []
    with pytest.raises(RuntimeError, match="closed"):
        await c.features.list()
    http = httpx.AsyncClient(transport=echo_authorization(seen))
    async with AsyncCompax(http_client=http) as c:
        await c.features.list()
    assert not http.is_closed
    await http.aclose()


async def test_naive_datetimes_are_refused_before_anything_is_sent():
    seen: list[str] = []
    naive, aware = datetime(2031, 3, 3, 9), datetime(2031, 3, 3, 10, tzinfo=UTC)
    sync, aio = Compax(transport=echo_authorization(seen)), AsyncCompax()
    with pytest.raises(ValueError, match=r"^start must be a timezone-aware datetime"):
        sync.bookings.create(room_id=1, title="x", start=naive, end=aware)
    with pytest.raises(ValueError, match=r"^end must be a timezone-aware datetime"):
        await aio.bookings.create(room_id=1, title="x", start=aware, end=naive)
    with pytest.raises(ValueError, match=r"^from must be a timezone-aware"):
        sync.bookings.list(from_=naive)
    assert seen == []


def test_an_offset_of_seconds_goes_as_the_same_instant_in_utc():
    """Berlin before 1893 kept local mean time, +00:53:28: RFC 3339 has no such offset."""
    berlin = ZoneInfo("Europe/Berlin")
    assert query({"at": datetime(1850, 1, 2, tzinfo=berlin)}) == {"at": "1850-01-01T23:06:32+00:00"}
    assert query({"at": datetime(2031, 1, 2, tzinfo=berlin)}) == {"at": "2031-01-02T00:00:00+01:00"}
    kathmandu = datetime(2031, 1, 2, tzinfo=ZoneInfo("Asia/Kathmandu"))  # whole minutes: as is
    assert query({"at": kathmandu}) == {"at": "2031-01-02T00:00:00+05:45"}
    with pytest.raises(
        ValueError, match=r"^from 0001-01-01T00:00:00\+00:53:28 is outside the calendar$"
    ):
        query({"from": datetime(1, 1, 1, tzinfo=berlin)})


def test_arguments_become_a_query_and_a_body():
    berlin = datetime(2031, 3, 3, 9, tzinfo=ZoneInfo("Europe/Berlin"))
    assert query(
        {"on": True, "off": False, "ids": [1, 2], "at": berlin, "day": date(2031, 3, 3)}
        | {"word": "a,b", "none": None, "unset": NOT_GIVEN, "times": (berlin,)}
    ) == {
        "on": "true",
        "off": "false",
        "ids": "1,2",
        "at": "2031-03-03T09:00:00+01:00",
        "day": "2031-03-03",
        "word": "a,b",
        "times": "2031-03-03T09:00:00+01:00",
    }
    assert body({"a": None, "b": NOT_GIVEN, "c": {"at": berlin}, "d": [date(2031, 3, 3)]}) == {
        "c": {"at": "2031-03-03T09:00:00+01:00"},
        "d": ["2031-03-03"],
    }
    assert body({"a": None}, keep_none=True) == {"a": None}


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda t: body({"recurrence": {"until": t}}), "recurrence.until"),
        (lambda t: body({"dates": [t]}), "dates"),
        (lambda t: body({"start": t}, prefix="items[3]."), "items[3].start"),
        (lambda t: query({"at": [t]}), "at"),
    ],
)
def test_a_naive_time_anywhere_is_refused_by_its_name(make, name):
    with pytest.raises(ValueError, match="must be a timezone-aware datetime") as err:
        make(datetime(2031, 3, 3, 9))
    assert str(err.value).startswith(f"{name} must be a timezone-aware datetime, e.g. ")
    assert str(err.value).endswith("got the naive 2031-03-03T09:00:00")


def test_version_tags():
    assert _resource.version_tag(3) == '"3"'
    assert _resource.version_tag("3") == '"3"'
    assert _resource.version_tag('"3"') == '"3"'
    assert _resource.version_tag('W/"3"') == 'W/"3"'
    assert _resource.version_tag("*") == "*"


def test_both_clients_have_the_same_resources_and_methods():
    sync, aio = Compax(), AsyncCompax()
    nouns = {n for n in vars(sync) if not n.startswith("_")}
    assert nouns == {n for n in vars(aio) if not n.startswith("_")}
    assert nouns >= {"auth", "me", "users", "api_keys", "buildings", "features", "rooms"}
    assert nouns >= {"bookings", "audit_events", "changes", "terms", "series", "rules"}
    for noun in nouns:
        methods = public_methods(getattr(sync, noun))
        assert methods == public_methods(getattr(aio, noun))
        for name in methods:
            method = getattr(getattr(aio, noun), name)
            if name in ("iter_pages", "stream"):
                assert inspect.isasyncgenfunction(method)
            elif (name == "list" or name.startswith("list_")) and noun != "changes":
                assert not inspect.iscoroutinefunction(method)  # returns an AsyncPager
            else:
                assert inspect.iscoroutinefunction(method), f"{noun}.{name}"
    sync.close()


def test_all_exports_every_public_name():
    public = {
        name
        for name, value in vars(compax_sdk).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public | {"__version__"} == set(compax_sdk.__all__)
    assert sorted(compax_sdk.__all__) == sorted(set(compax_sdk.__all__))
