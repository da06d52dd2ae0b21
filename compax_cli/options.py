"""Options many commands share."""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

import typer

from compax_cli.output import quoted
from compax_cli.session import State
from compax_sdk import NOT_GIVEN, NotGiven

T = TypeVar("T")
C = TypeVar("C", bound=str)

Json = Annotated[bool, typer.Option("--json", help="Print JSON on stdout (for scripts).")]
Tz = Annotated[
    str | None,
    typer.Option(
        "--tz",
        help="IANA zone to read and show times in (default: the building's).",
        show_default=False,
    ),
]
Limit = Annotated[int, typer.Option("--limit", min=1, help="Show at most this many.")]


def _offers_override(ctx: typer.Context, value: bool) -> bool:
    """Note that the command has ``--override``: a broken booking rule then points to it."""
    if isinstance(ctx.obj, State):
        ctx.obj.offers_override = True
    return value


Override = Annotated[
    bool,
    typer.Option(
        "--override",
        help="Staff: ignore opening hours, closures and booking rules.",
        callback=_offers_override,
    ),
]
SkipClosures = Annotated[
    bool,
    typer.Option(
        "--skip-closures", help="Leave out just the dates a closure covers, and list them."
    ),
]
OnBookings = Annotated[
    Literal["refuse", "cancel", "keep"],
    typer.Option(
        "--on-bookings",
        help="The bookings it would cover: refuse (list them, change nothing), cancel them "
        "with the reason, or keep them.",
    ),
]


def listed(values: list[str] | None) -> list[str]:
    """``--feature projector,hdmi --feature whiteboard``: a repeatable option's values, each
    split at commas (empty parts left out)."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def chosen(values: list[str] | None, choices: tuple[C, ...], param_hint: str) -> list[C]:
    """``--status Pending,confirmed``: the values of a repeatable option, each one of
    ``choices`` (any case)."""
    out: list[C] = []
    for part in listed(values):
        match = next((choice for choice in choices if choice == part.lower()), None)
        if match is None:
            raise typer.BadParameter(
                f"{quoted(part)} is not one of {', '.join(choices)}", param_hint=param_hint
            )
        out.append(match)
    return out


def given(value: T | None) -> T | NotGiven:
    """An option left out (``None``) as the SDK's "not given": the field stays as it is."""
    return NOT_GIVEN if value is None else value
