"""How the server's messages count what they name: ``1 booking``, ``2 bookings`` (a person
reads every ``detail``; "1 occurrence(s) are taken" reads as a machine's)."""

from __future__ import annotations

from collections.abc import Sequence


def counted(count: int, noun: str, nouns: str = "") -> str:
    """``1 room``, ``2 rooms``: a count with its noun, plural (``nouns``, or ``noun`` and an
    s) unless it is one."""
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


def agree(count: int, one: str, many: str) -> str:
    """The word that agrees with ``count``: ``one`` for one, ``many`` otherwise (``is`` or
    ``are``, ``its owner sees`` or ``their owners see``)."""
    return one if count == 1 else many


def them(count: int) -> str:
    """The pronoun for what was counted: ``it`` for one, ``them`` for more."""
    return agree(count, "it", "them")


def listed(noun: str, items: Sequence[str], nouns: str = "") -> str:
    """``feature lift``, ``features hologram, lift``: what is named, after its noun in the
    singular or plural (``nouns``, or ``noun`` and an s) as there are one or more."""
    return f"{agree(len(items), noun, nouns or noun + 's')} {', '.join(items)}"
