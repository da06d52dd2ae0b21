"""Where a server's CPU goes: sample its processes with py-spy while a benchmark runs, then
print the functions that hold the most samples, inclusive (the time under them) and self
(the time in them). Sampling does not pause the server (``--nonblocking``), so the figures
beside it stay honest. Only a thread holding the GIL is sampled (``--gil``): time the event
loop spends waiting for the network or the database is not CPU and is left out; time in C
code called from Python (asyncpg's protocol, pydantic-core) counts in its Python caller.

    with sampled(server_pid, Path("results/create.raw")):
        ...  # the requests
    print_top(Path("results/create.raw"))

Needs py-spy (``pip install py-spy``) and permission to read the server's memory (the same
user, or root).
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


@contextmanager
def sampled(pid: int, out: Path, rate: int = 1000) -> Iterator[None]:
    """Sample ``pid`` and its children (the Sanic workers) into ``out`` (py-spy's raw,
    collapsed stacks) while the block runs."""
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        raise SystemExit("--profile needs py-spy: pip install py-spy")
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [py_spy, "record", "--pid", str(pid), "--subprocesses", "--nonblocking", "--gil"]
    command += ["--format", "raw", "--rate", str(rate), "--output", str(out)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)  # attached before the first request
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        if not out.exists():
            raise SystemExit(f"py-spy wrote nothing: {err.decode(errors='replace')[-400:]}")


def _name(frame: str) -> str:
    match = FRAME.match(frame)
    if match is None:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "/work/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['func']} ({path})"


def top(raw: Path, n: int = 20) -> tuple[int, list[tuple[str, int]], list[tuple[str, int]]]:
    """The samples in all, and the ``n`` functions with the most inclusive and self samples."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [_name(f) for f in stack.split(";") if f]
        if not frames:
            continue
        own[frames[-1]] += samples
        for frame in set(frames):
            inclusive[frame] += samples
    return total, inclusive.most_common(n), own.most_common(n)


def print_top(raw: Path, n: int = 20) -> None:
    total, inclusive, own = top(raw, n)
    print(f"\n{raw.name}: {total} samples")
    for title, rows in (("inclusive", inclusive), ("self", own)):
        print(f"  top {n} by {title} share")
        for name, samples in rows:
            print(f"    {100 * samples / max(total, 1):5.1f}%  {name}")
