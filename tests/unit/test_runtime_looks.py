"""The worker's periodic steps look once per interval per process (`runtime.looked_within`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from compax_server import runtime
from compax_server.settings import Settings

T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_a_look_counts_for_its_interval_then_lapses(tmp_path):
    runtime.configure(Settings(database_url=f"sqlite://{tmp_path / 'c.sqlite3'}"))
    assert runtime.looked_within("step", T0, MINUTE) is False  # the first look is taken
    assert runtime.looked_within("step", T0 + timedelta(seconds=59), MINUTE) is True
    assert runtime.looked_within("other", T0 + timedelta(seconds=59), MINUTE) is False
    assert runtime.looked_within("step", T0 + MINUTE, MINUTE) is False  # a minute on: again
    assert runtime.looked_within("step", T0 + MINUTE, MINUTE) is True
    # A clock set back (an NTP step) is no reason to wait an hour: it looks again.
    assert runtime.looked_within("step", T0, MINUTE) is False
    assert runtime.looked_within("step", T0 + timedelta(seconds=30), MINUTE) is True
    # Forgetting a look, or configuring the process anew, makes the next one count at once.
    runtime.forget_look("step")
    assert runtime.looked_within("step", T0 + timedelta(seconds=31), MINUTE) is False
    runtime.configure(Settings(database_url=f"sqlite://{tmp_path / 'c.sqlite3'}"))
    assert runtime.looked_within("step", T0 + timedelta(seconds=32), MINUTE) is False
