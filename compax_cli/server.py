"""Server-side commands: ``serve``, ``db``, ``users create-admin``.

These are the only commands that touch the database directly; they import ``compax_server``
lazily, so the SDK-only install of the CLI does not need the server stack.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Annotated, Any, NoReturn

import typer

from compax_cli.output import counted, err_console, fail

db_app = typer.Typer(
    rich_markup_mode="markdown",
    help="Database schema: apply and inspect migrations (server side).",
    no_args_is_help=True,
)


def _missing(waiting: list[str]) -> NoReturn:
    """Stop: the database lacks these migrations (a server or worker must not start on it)."""
    fail(
        f"The database is missing {counted(len(waiting), 'migration')} ({', '.join(waiting)}). "
        "Run `compax db upgrade` first."
    )


def _server_settings() -> Any:
    try:
        from compax_server.settings import ConfigurationError, load_settings
    except ImportError:  # pragma: no cover - depends on the install
        fail("The server is not installed here: pip install 'compax[server]'.")
    try:
        return load_settings().checked()
    except ConfigurationError as exc:
        fail(str(exc))


async def _bootstrap(settings: Any) -> str | None:
    from compax_server import db, runtime
    from compax_server.services import users

    runtime.configure(settings)
    await db.init(settings.database_url)
    try:
        user = await users.bootstrap_admin(
            settings.bootstrap_admin_email, settings.bootstrap_admin_password
        )
        return user.email if user else None
    finally:
        await db.close()


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    tls_cert: Annotated[str | None, typer.Option(help="TLS certificate file (PEM).")] = None,
    tls_key: Annotated[str | None, typer.Option(help="TLS private key file (PEM).")] = None,
) -> None:
    """Run the API server.

    On the embedded default (SQLite) it migrates the database file first; with
    COMPAX_BOOTSTRAP_ADMIN_EMAIL and COMPAX_BOOTSTRAP_ADMIN_PASSWORD set it creates the first
    admin when there is none. Example:

        COMPAX_BOOTSTRAP_ADMIN_EMAIL=admin@example.edu \\
        COMPAX_BOOTSTRAP_ADMIN_PASSWORD='a long secret' compax serve --port 8000
    """
    settings = _server_settings()
    from compax_server.db import migrate

    if settings.should_migrate_on_start:
        applied = asyncio.run(migrate.upgrade(settings.database_url))
        if applied:
            err_console.print(f"Applied {counted(len(applied), 'migration')}: {', '.join(applied)}")
    else:
        waiting = asyncio.run(migrate.pending(settings.database_url))
        if waiting:
            _missing(waiting)
    if settings.bootstrap_admin_email and settings.bootstrap_admin_password:
        try:
            created = asyncio.run(_bootstrap(settings))
        except Exception as exc:
            fail(f"Could not create the bootstrap admin: {exc}")
        if created:
            err_console.print(f"Created the first admin: {created}")
    if workers > 1 and settings.cache_url.startswith("memory"):
        err_console.print(
            "[yellow]warning:[/] with several workers the in-memory cache and login rate limits "
            "are per process; set COMPAX_CACHE_URL=redis://... to share them."
        )
    if workers > 1 and settings.is_sqlite:
        err_console.print(
            "[yellow]note:[/] SQLite serialises writers; use PostgreSQL for many workers."
        )
    # Workers rebuild the settings from the environment: hand them what we settled on.
    os.environ["COMPAX_SECRET_KEY"] = settings.secret_key
    os.environ["COMPAX_WORKERS"] = str(workers)
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    from compax_server.app import create_served_app

    loader = AppLoader(factory=create_served_app)
    app = loader.load()
    ssl = {"cert": tls_cert, "key": tls_key} if tls_cert and tls_key else None
    scheme = "https" if ssl else "http"
    err_console.print(
        f"Compax on {scheme}://{host}:{port}  (docs: {scheme}://{host}:{port}/docs, "
        f"database: {settings.database_url.split('@')[-1]}, workers: {workers})"
    )
    _tolerate_worker_state_race()
    app.prepare(
        host=host,
        port=port,
        workers=workers,
        single_process=workers == 1,
        motd=False,
        access_log=False,
        ssl=ssl,
    )
    Sanic.serve(primary=app, app_loader=loader)


def _tolerate_worker_state_race() -> None:
    """Sanic 25.12's worker manager (it runs even for one worker: ``Sanic.serve`` always starts
    worker processes) can read a worker's state entry in the moment the worker clears it at
    shutdown (``None.get`` in ``_sync_states``) and then exits 1 with a traceback although
    every worker stopped cleanly. That one cycle is skipped instead; the next one sees the
    state."""
    from sanic.worker.manager import WorkerManager

    original = WorkerManager._sync_states
    if getattr(original, "compax_tolerant", False):
        return

    def sync_states(self: WorkerManager) -> None:
        with contextlib.suppress(AttributeError):
            original(self)  # type: ignore[no-untyped-call]

    sync_states.compax_tolerant = True  # type: ignore[attr-defined]
    setattr(WorkerManager, "_sync_states", sync_states)  # noqa: B010


def worker() -> None:
    """Run the notification worker alone (events, webhooks, email, releases).

    It dispatches change-feed events, delivers webhooks, sends email, queues reminders and
    digests, and releases the bookings nobody checked in to.

    `compax serve` runs it inside every server worker already (COMPAX_RUN_WORKERS=true, the
    default); run it apart when you set COMPAX_RUN_WORKERS=false on the API servers. Any
    number may run at once, on any number of machines. It reads the same COMPAX_*
    settings as the server; stop it with SIGTERM or Ctrl-C (deliveries in flight finish).
    Example:

        COMPAX_DATABASE_URL=postgres://compax@db/compax COMPAX_SMTP_URL=smtp://mail:587 \\
        compax worker
    """
    settings = _server_settings()
    from compax_server.db import migrate

    waiting = asyncio.run(migrate.pending(settings.database_url))
    if waiting:
        _missing(waiting)
    err_console.print(f"Compax notification worker on {settings.database_url.split('@')[-1]}")
    asyncio.run(_run_worker(settings))


async def _run_worker(settings: Any) -> None:
    import signal

    from compax_server import db, runtime
    from compax_server.logs import setup_logging
    from compax_server.worker import Worker

    setup_logging(settings.log_format, settings.log_level)
    runtime.configure(settings)
    await db.init(settings.database_url)
    job = Worker(settings.worker_poll_interval)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, job.stop.set)
    try:
        await job.run()
    finally:
        await db.close()
        await runtime.cache().close()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration to COMPAX_DATABASE_URL.

    Example: compax db upgrade
    """
    settings = _server_settings()
    from compax_server.db import migrate

    applied = asyncio.run(migrate.upgrade(settings.database_url))
    if applied:
        err_console.print(f"Applied {counted(len(applied), 'migration')}:")
        for name in applied:
            print(name)
    else:
        err_console.print("The database is up to date.")


@db_app.command("status")
def db_status() -> None:
    """List migrations not applied yet (exit 1 when there are some).

    Example: compax db status
    """
    settings = _server_settings()
    from compax_server.db import migrate

    waiting = asyncio.run(migrate.pending(settings.database_url))
    for name in waiting:
        print(name)
    if waiting:
        err_console.print(f"{counted(len(waiting), 'migration')} pending; run `compax db upgrade`.")
        raise typer.Exit(1)
    err_console.print("The database is up to date.")


@db_app.command("make-migration")
def db_make_migration(
    name: Annotated[str, typer.Argument(help="snake_case name, e.g. add_rooms")],
    postgres_url: Annotated[
        str | None,
        typer.Option(
            envvar="COMPAX_TEST_POSTGRES_URL", help="A PostgreSQL server for scratch databases."
        ),
    ] = None,
    empty: Annotated[
        bool, typer.Option(help="Write a file without SQL, to fill in by hand.")
    ] = False,
) -> None:
    """(Developers) Write the next migration with SQL for SQLite and PostgreSQL.

    Example: compax db make-migration add_rooms --postgres-url postgres://postgres@127.0.0.1/postgres
    """
    from compax_server.db import migrate

    try:
        path = asyncio.run(migrate.make_migration(name, postgres_url, empty=empty))
    except (ValueError, RuntimeError) as exc:
        fail(str(exc))
    print(path)


def create_admin(
    email: Annotated[str, typer.Option(prompt=True, help="The admin's email.")],
    full_name: Annotated[str, typer.Option("--name", help="Full name.")] = "Administrator",
    password: Annotated[
        str | None,
        typer.Option(help="Password (prompted for when not given; 10+ characters)."),
    ] = None,
) -> None:
    """Create an admin directly in the database (server side).

    Example: compax users create-admin --email admin@example.edu
    """
    settings = _server_settings()
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    from compax_server import db, runtime
    from compax_server.db import migrate
    from compax_server.db.users import Role
    from compax_server.errors import CompaxError
    from compax_server.services import users

    async def run() -> str:
        await migrate.upgrade(settings.database_url) if settings.should_migrate_on_start else None
        runtime.configure(settings)
        await db.init(settings.database_url)
        try:
            user = await users.create_user(
                None, email=email, full_name=full_name, role=Role.admin, password=password
            )
            return user.email
        finally:
            await db.close()

    try:
        created = asyncio.run(run())
    except CompaxError as exc:
        fail(exc.detail)
    err_console.print(f"Created admin {created}.")
