"""The test harness's own servers: a test run killed mid-test leaves none behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from tests.e2e.servers import wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's"),
]


def gone(pid: int) -> bool:
    """Whether ``pid`` has ended (a zombie waiting for its reaper counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_server_stops_when_the_run_that_started_it_is_killed(tmp_path):
    """A run killed with SIGKILL (a CI timeout, ``kill -9``) runs no fixture teardown: the
    server it started gets SIGTERM from the kernel and stops, as it would from ``stop()``."""
    run = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import time
                from pathlib import Path
                from tests.e2e.servers import LiveServer
                server = LiveServer(Path({str(tmp_path)!r}), {{}}).start()
                # Not a synchronisation of what is tested: Sanic's main process hangs on a
                # SIGTERM that comes while it still waits for its workers' first "ready"
                # (sanic-org/sanic#2997), which can be a moment after /readyz answers.
                time.sleep(2)
                print(server.process.pid, flush=True)
                time.sleep(600)
                """
            ),
        ],
        cwd=os.getcwd(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert run.stdout is not None
        server = int(run.stdout.readline())
        assert not gone(server)
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    wait_for(lambda: gone(server), "the orphaned server to stop", timeout=30)
