"""Whole numbers as people type them, on the command line or in a file."""

from __future__ import annotations


def is_whole(text: str) -> bool:
    """``"42"``: ASCII digits only. ``str.isdigit`` also takes ``"²"``, which ``int``
    refuses, and other scripts' digits, which no id or count is written in."""
    return text.isascii() and text.isdigit()
