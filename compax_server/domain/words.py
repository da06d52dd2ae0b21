"""How the server's messages count what they name: ``1 booking``, ``2 bookings`` (a person
reads every ``detail``; "1 occurrence(s) are taken" reads as a machine's)."""

from __future__ import annotations


def counted(count: int, noun: str, nouns: str = "") -> str:
    """``1 room``, ``2 rooms``: a count with its noun, plural (``nouns``, or ``noun`` and an
    s) unless it is one."""
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


def them(count: int) -> str:
    """The pronoun for what was counted: ``it`` for one, ``them`` for more."""
    return "it" if count == 1 else "them"
