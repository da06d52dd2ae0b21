"""What a process remembers about users and sessions, for a moment.

Checking every request's user (active? token version?) and session (revoked?) against the
database would cost a query each; remembering the answers for ``USER_STATE_SECONDS`` /
``SESSION_STATE_SECONDS`` per process bounds both the cost and how long a change made by
another process takes to be seen. The process that makes a change forgets at once.
"""

from __future__ import annotations

import time
from typing import Any

from compax_server import runtime
from compax_server.db.managers import Managed, managed_by
from compax_server.db.users import RefreshToken, state_of

USER_STATE_SECONDS = 2.0
SESSION_STATE_SECONDS = 2.0


def clock() -> float:
    """The clock the moments are measured on (monotonic seconds); tests replace it."""
    return time.monotonic()


async def user_state(user_id: int) -> dict[str, Any] | None:
    """Who the user is now (active? which token version?), remembered for a moment.

    Deactivation, a role change or a password change is seen at once by the process that
    made it (``forget_user``) and within ``USER_STATE_SECONDS`` by every other process.
    """
    return await runtime.remembered(
        "user_states", user_id, USER_STATE_SECONDS, lambda: state_of(user_id), clock
    )


async def managed(user_id: int) -> Managed:
    """The rooms and buildings the user manages, remembered like ``user_state``: making or
    removing a manager is seen at once here and within ``USER_STATE_SECONDS`` elsewhere."""
    return await runtime.remembered(
        "managed", user_id, USER_STATE_SECONDS, lambda: managed_by(user_id), clock
    )


def forget_user(user_id: int) -> None:
    runtime.memo("user_states").pop(user_id, None)
    runtime.memo("managed").pop(user_id, None)


async def session_ended(family: str) -> bool:
    """Whether the session (refresh-token family) was revoked: asked of the database at most
    every ``SESSION_STATE_SECONDS`` per process; an ended session stays ended."""
    ended = runtime.memo("ended_sessions")
    if family in ended:
        return True
    revoked = await runtime.remembered(
        "session_states",
        family,
        SESSION_STATE_SECONDS,
        lambda: RefreshToken.filter(family=family, revoked_at__isnull=False).exists(),
        clock,
    )
    if revoked:
        if len(ended) >= runtime.MEMO_KEPT:
            ended.clear()
        ended[family] = True
    return revoked


def end_session_here(family: str) -> None:
    """This process stops accepting the session's access tokens at once (others within
    ``SESSION_STATE_SECONDS``)."""
    runtime.memo("session_states").pop(family, None)
    runtime.memo("ended_sessions")[family] = True
