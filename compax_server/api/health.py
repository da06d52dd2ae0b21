"""Liveness and readiness, for load balancers and orchestrators."""

from __future__ import annotations

from typing import Literal

from sanic import HTTPResponse, Request

from compax_server import db, runtime
from compax_server.api.endpoint import Router
from compax_server.api.schemas import Out, render
from compax_server.errors import ServiceUnavailable

router = Router("health", "", tag="Health", description="Process and dependency checks.")


class Health(Out):
    status: Literal["ok"]


class Ready(Out):
    status: Literal["ok"]
    database: Literal["ok"]
    cache: Literal["ok", "degraded"]


@router.get("/healthz", summary="Is the process up?", response=Health, auth=False)
async def healthz(request: Request) -> HTTPResponse:
    """Answers as long as the process serves requests; checks nothing else."""
    return render(Health(status="ok"))


@router.get("/readyz", summary="Can it serve?", response=Ready, auth=False, errors=(503,))
async def readyz(request: Request) -> HTTPResponse:
    """503 when the database does not answer. A cache outage is ``degraded``, not unready:
    Compax answers uncached without it."""
    try:
        await db.conn().execute_query("SELECT 1")
    except Exception as exc:
        raise ServiceUnavailable(f"The database does not answer: {type(exc).__name__}.") from None
    cache_ok = await runtime.cache().ping()
    return render(Ready(status="ok", database="ok", cache="ok" if cache_ok else "degraded"))
