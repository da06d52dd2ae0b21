"""The CLI's two consoles at a known width, read back as plain text (tests without a server)."""

from __future__ import annotations

import io
import sys

import pytest

from compax_cli import output


class Screen:
    """``output.console`` and ``output.err_console`` at ``width`` columns; a command module
    that imported ``console`` by name (``compax_cli.report``) gets the same one."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, width: int) -> None:
        self._out, self._err = io.StringIO(), io.StringIO()
        out = output.Terminal(file=self._out, width=width)
        for module in [m for name, m in sys.modules.items() if name.startswith("compax_cli.")]:
            if getattr(module, "console", None) is output.console and module is not output:
                monkeypatch.setattr(module, "console", out)
        monkeypatch.setattr(output, "console", out)
        monkeypatch.setattr(output, "err_console", output.Terminal(file=self._err, width=width))

    @property
    def out(self) -> str:
        return plain(self._out.getvalue())

    @property
    def err(self) -> str:
        return plain(self._err.getvalue())


def plain(text: str) -> str:
    """Without the spaces rich pads a line with to the width."""
    return "".join(line.rstrip() + "\n" for line in text.splitlines())
