"""``create_app(settings)``: the Sanic application, wired."""

from __future__ import annotations

import asyncio
import itertools
import logging
import signal
from typing import Any

from sanic import Request, Sanic
from sanic.handlers import ErrorHandler

from compax_server import db, runtime
from compax_server.api import ROUTERS
from compax_server.api.displays import display_blueprint
from compax_server.api.docs import docs_blueprint
from compax_server.api.errors import problem_response, render_error
from compax_server.api.middleware import on_request, on_response
from compax_server.api.openapi import build_openapi
from compax_server.api.problem_pages import problems_blueprint
from compax_server.api.waitlist_page import waitlist_page_blueprint
from compax_server.cache import Cache
from compax_server.db import migrate
from compax_server.logs import setup_logging
from compax_server.settings import Settings, load_settings

log = logging.getLogger("compax.app")
_names = itertools.count()


class ProblemErrorHandler(ErrorHandler):
    """Every error, Sanic's own included, becomes problem+json."""

    def default(self, request: Request, exception: Exception):  # type: ignore[no-untyped-def]
        try:
            return render_error(request, exception)
        except Exception:  # the renderer itself failed: still answer, and say so in the log
            log.exception("rendering %r failed", exception)
            return problem_response(
                500,
                "internal_error",
                "Internal error",
                "Something went wrong on our side.",
                str(getattr(request.ctx, "request_id", "")),
            )


def create_app(settings: Settings | None = None, *, manage_db: bool = True) -> Sanic[Any, Any]:
    """Build the app. ``manage_db=False`` leaves opening and closing the database to the
    caller (tests that share one Tortoise set-up across requests)."""
    settings = (settings or load_settings()).checked()
    setup_logging(settings.log_format, settings.log_level)
    if settings.env == "production" and not settings.public_url:
        log.warning(
            "COMPAX_PUBLIC_URL is not set: calendar feed URLs take the address each request "
            "came to; set it to the address people use (https://rooms.campus.example)"
        )
    name = "compax" if next(_names) == 0 else f"compax_{next(_names)}"
    app = Sanic(name, error_handler=ProblemErrorHandler())
    app.config.REQUEST_MAX_SIZE = settings.request_max_size
    app.config.ACCESS_LOG = False
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.AUTO_EXTEND = False  # sanic-ext only for CORS, set up explicitly below
    app.config.KEEP_ALIVE_TIMEOUT = 15
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = 15.0
    # Every operation gets this; one that needs longer (the optimizer's solve) declares its
    # own ``response_timeout`` (api/timeouts.py sets it per request).
    app.config.RESPONSE_TIMEOUT = settings.response_timeout
    app.ctx.settings = settings

    for router in ROUTERS:
        app.blueprint(router.blueprint())
    app.blueprint(docs_blueprint(build_openapi(ROUTERS)))
    app.blueprint(problems_blueprint())
    app.blueprint(display_blueprint())
    app.blueprint(waitlist_page_blueprint())
    app.register_middleware(on_request, "request")
    app.register_middleware(on_response, "response")  # type: ignore[arg-type]

    if settings.cors_origin_list:
        from sanic_ext import Extend

        app.config.CORS_ORIGINS = ",".join(settings.cors_origin_list)
        app.config.CORS_ALLOW_HEADERS = (
            "authorization,content-type,if-match,idempotency-key,x-request-id,x-api-key"
        )
        app.config.CORS_EXPOSE_HEADERS = (
            "etag,location,retry-after,x-request-id,idempotent-replayed"
        )
        app.config.CORS_ALLOW_HEADERS += ",if-none-match"
        app.config.CORS_MAX_AGE = settings.cors_max_age
        app.config.OAS = False
        app.config.HEALTH = False
        Extend(app)

    @app.before_server_start
    async def start(app: Sanic[Any, Any]) -> None:
        runtime.configure(settings, Cache(settings.cache_url, settings.cache_namespace))
        if manage_db:
            migrate.create_private(settings.database_url)
            await db.init(settings.database_url)

    @app.after_server_start
    async def start_worker(app: Sanic[Any, Any]) -> None:
        app.ctx.worker = None
        if settings.run_workers:
            from compax_server.worker import Worker

            app.ctx.worker = Worker(settings.worker_poll_interval)
            app.ctx.worker_task = asyncio.create_task(app.ctx.worker.run())

    @app.before_server_stop
    async def end_streams(app: Sanic[Any, Any]) -> None:
        if getattr(app.ctx, "stream_hub", None) is not None:
            await app.ctx.stream_hub.close()  # open change streams end; clients reconnect

    @app.before_server_stop
    async def stop_worker(app: Sanic[Any, Any]) -> None:
        if getattr(app.ctx, "worker", None) is None:
            return
        app.ctx.worker.stop.set()
        try:  # let deliveries in flight finish; what does not is delivered again later
            await asyncio.wait_for(app.ctx.worker_task, timeout=settings.webhook_timeout + 5)
        except TimeoutError:
            log.warning("the notification worker did not stop in time; its claims will expire")

    @app.after_server_stop
    async def stop(app: Sanic[Any, Any]) -> None:
        if manage_db:
            await db.close()
        await runtime.cache().close()

    return app


def create_served_app() -> Sanic[Any, Any]:
    """The app ``compax serve`` runs in each worker: ``create_app()`` from the environment,
    made safe against a stop signal that arrives twice.

    systemd (``KillMode=control-group``), Ctrl-C in a terminal and ``kill -- -PGID`` signal
    the whole process group: each worker gets SIGTERM both directly and again from Sanic's
    manager. Sanic's own handler is not idempotent (a second ``loop.stop()`` breaks its
    graceful drain under uvloop, leaving a worker that never exits), and once the drain has
    begun the default disposition would kill the worker with requests in flight. So the
    first signal starts the graceful stop and every later one is ignored; the manager still
    kills a worker that outlives ``GRACEFUL_SHUTDOWN_TIMEOUT``."""
    app = create_app()

    @app.after_server_start  # runs after Sanic has installed its handlers: replace them
    async def stop_once(app: Sanic[Any, Any]) -> None:
        loop = asyncio.get_running_loop()
        stopping = False

        def stop() -> None:
            nonlocal stopping
            if not stopping:
                stopping = True
                log.info("stopping: finishing the requests in flight")
                app.stop(terminate=False)

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop)

    @app.before_server_stop  # Sanic has removed the handlers by now: ignore, do not die
    async def ignore_more_signals(app: Sanic[Any, Any]) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)

    return app
