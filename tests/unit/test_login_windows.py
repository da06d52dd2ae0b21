"""The login counters start again in each window of ``login_rate_window`` seconds, on the
controlled clock of the limits (``services.limits.clock``), not the real one."""

from __future__ import annotations

from tests.conftest import PASSWORD


async def login(client, email: str, password: str):
    return await client.post("/api/v1/auth/token", json={"email": email, "password": password})


async def test_the_failure_count_starts_again_in_the_next_window(
    client, member, settings, login_clock
):
    window = settings.login_rate_window
    login_clock.now = (int(login_clock.now) // window + 1) * window - 1  # a window's last second
    for _ in range(settings.login_rate_limit):
        assert (await login(client, member.email, "wrong password")).status_code == 401
    refused = await login(client, member.email, PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"  # the window ends in a second
    login_clock.advance(1)
    assert (await login(client, member.email, PASSWORD)).status_code == 200


async def test_the_window_does_not_end_while_the_clock_stands(client, member, settings):
    """However long the test takes, its attempts stay in one window (the autouse clock)."""
    for _ in range(settings.login_rate_limit):
        assert (await login(client, member.email, "wrong password")).status_code == 401
    assert (await login(client, member.email, PASSWORD)).status_code == 429
