"""Both clients against a real ``compax serve`` process (a fresh SQLite file): what an
integration script does, over real sockets, including a connection cut after the server
committed a booking."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from compax_sdk import (
    APIConnectionError,
    AsyncCompax,
    BookingConflictError,
    Compax,
    PayloadTooLargeError,
)
from tests.dates import Y2031
from tests.e2e.servers import LiveServer, free_port
from tests.sdk.proxy import CuttingProxy

pytestmark = pytest.mark.slow

EMAIL, PASSWORD = "admin@campus.example", "first admin pw"
START = datetime(Y2031, 3, 3, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = {
        "COMPAX_BOOTSTRAP_ADMIN_EMAIL": EMAIL,
        "COMPAX_BOOTSTRAP_ADMIN_PASSWORD": PASSWORD,
        "COMPAX_REQUEST_MAX_SIZE": "4096",
    }
    with LiveServer(tmp_path_factory.mktemp("live"), env) as live:
        yield live


def new_room(client: Compax) -> int:
    """A room of its own for one test, in a building of its own."""
    tag = uuid.uuid4().hex[:8]
    building = client.buildings.create(code=f"B{tag}", name="Hall", timezone="Europe/Berlin")
    return client.rooms.create(code=f"R{tag}", name="Room", building_id=building.id, capacity=20).id


def booking_posts(server: LiveServer) -> int:
    return server.log().count("POST /api/v1/bookings 201")


def test_sync_client_logs_in_books_and_meets_a_conflict(server):
    with Compax(base_url=server.url) as client:
        client.auth.login(EMAIL, PASSWORD)
        assert client.me.get().role == "admin"
        room_id = new_room(client)
        first = client.bookings.create(
            room_id=room_id, title="Lecture", start=START, end=START + timedelta(hours=2)
        )
        assert first.status == "confirmed"
        with pytest.raises(BookingConflictError) as err:
            client.bookings.create(
                room_id=room_id,
                title="Seminar",
                start=START + timedelta(hours=1),
                end=START + timedelta(hours=3),
            )
        assert [c.id for c in err.value.conflicts] == [first.id]
        moved = client.bookings.update(
            first, start=START + timedelta(days=1), end=START + timedelta(days=1, hours=2)
        )
        assert moved.version == 2
        assert [b.id for b in client.bookings.list(room_id=room_id)] == [first.id]
        client.auth.logout()


async def test_async_client_logs_in_books_and_meets_a_conflict(server):
    async with AsyncCompax(base_url=server.url) as client:
        await client.auth.login(EMAIL, PASSWORD)
        tag = uuid.uuid4().hex[:8]
        building = await client.buildings.create(
            code=f"A{tag}", name="Hall", timezone="Europe/Berlin"
        )
        room = await client.rooms.create(
            code=f"A{tag}", name="Room", building_id=building.id, capacity=20
        )
        first = await client.bookings.create(
            room_id=room.id, title="Lecture", start=START, end=START + timedelta(hours=2)
        )
        with pytest.raises(BookingConflictError) as err:
            await client.bookings.create(
                room_id=room.id, title="Seminar", start=START, end=START + timedelta(hours=1)
            )
        assert [c.id for c in err.value.conflicts] == [first.id]
        cancelled = await client.bookings.cancel(first)
        assert cancelled.status == "cancelled"
        assert [b.status async for b in client.bookings.list(room_id=room.id)] == ["cancelled"]


def test_sync_retry_after_a_cut_connection_does_not_book_twice(server):
    with Compax(base_url=server.url) as admin:
        admin.auth.login(EMAIL, PASSWORD)
        room_id = new_room(admin)
        before = booking_posts(server)
        with (
            CuttingProxy(server.port, b"POST /api/v1/bookings ") as proxy,
            Compax(base_url=proxy.url, access_token=admin.access_token) as client,
        ):
            booking = client.bookings.create(
                room_id=room_id, title="Exam", start=START, end=START + timedelta(hours=3)
            )
        assert proxy.cuts == 1  # the first answer was lost after the server booked
        assert booking_posts(server) == before + 2  # and the retry was answered too
        assert [b.id for b in admin.bookings.list(room_id=room_id)] == [booking.id]


async def test_async_retry_after_a_cut_connection_does_not_book_twice(server):
    with Compax(base_url=server.url) as admin:
        admin.auth.login(EMAIL, PASSWORD)
        room_id = new_room(admin)
        before = booking_posts(server)
        with CuttingProxy(server.port, b"POST /api/v1/bookings ") as proxy:
            async with AsyncCompax(base_url=proxy.url, access_token=admin.access_token) as client:
                booking = await client.bookings.create(
                    room_id=room_id, title="Exam", start=START, end=START + timedelta(hours=3)
                )
        assert proxy.cuts == 1
        assert booking_posts(server) == before + 2
        assert [b.id for b in admin.bookings.list(room_id=room_id)] == [booking.id]


def test_without_retries_the_cut_is_an_error_and_the_booking_exists(server):
    """What the retry saves an integrator from: the call fails although the booking exists."""
    with Compax(base_url=server.url) as admin:
        admin.auth.login(EMAIL, PASSWORD)
        room_id = new_room(admin)
        with (
            CuttingProxy(server.port, b"POST /api/v1/bookings ") as proxy,
            Compax(base_url=proxy.url, access_token=admin.access_token, max_retries=0) as client,
            pytest.raises(APIConnectionError),
        ):
            client.bookings.create(
                room_id=room_id, title="Exam", start=START, end=START + timedelta(hours=3)
            )
        assert len(list(admin.bookings.list(room_id=room_id))) == 1


def test_a_too_large_body_and_a_refused_connection(server):
    with Compax(base_url=server.url) as client:
        client.auth.login(EMAIL, PASSWORD)
        with pytest.raises(PayloadTooLargeError) as err:
            client.bookings.create(
                room_id=1,
                title="x",
                start=START,
                end=START + timedelta(hours=1),
                description="x" * 4500,
            )
        assert (err.value.status, err.value.code) == (413, "payload_too_large")
    with (
        Compax(base_url=f"http://127.0.0.1:{free_port()}", api_key="cpx_x", max_retries=1) as c,
        pytest.raises(APIConnectionError),
    ):
        c.me.get()
