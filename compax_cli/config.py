"""Saved logins: one JSON file, ``profiles.json``, readable only by its owner (0600), in
``$COMPAX_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/compax``, else ``~/.config/compax``::

    {"default": {"url": "http://127.0.0.1:8000", "email": "...",
                 "access_token": "...", "refresh_token": "..."}}

Refresh tokens work once: every new pair the server hands out is saved at once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

PROFILES_FILE = "profiles.json"


def config_dir() -> Path:
    override = os.environ.get("COMPAX_CONFIG_DIR")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg) if xdg else Path.home() / ".config"
    return base / "compax"


def profiles_path() -> Path:
    return config_dir() / PROFILES_FILE


def load_profiles() -> dict[str, dict[str, Any]]:
    path = profiles_path()
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}


def load_profile(name: str) -> dict[str, Any]:
    return load_profiles().get(name, {})


def save_profile(name: str, values: dict[str, Any]) -> Path:
    """Merge ``values`` into profile ``name`` (a value of ``None`` removes the key)."""
    profiles = load_profiles()
    merged = {**profiles.get(name, {}), **values}
    profiles[name] = {k: v for k, v in merged.items() if v is not None}
    return _write(profiles)


def forget_profile(name: str) -> bool:
    profiles = load_profiles()
    if name not in profiles:
        return False
    del profiles[name]
    _write(profiles)
    return True


def _write(profiles: dict[str, dict[str, Any]]) -> Path:
    """Write the file so that it is never readable by others, not even for a moment: a
    private temporary file in the same directory, then renamed over the old one."""
    path = profiles_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{PROFILES_FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(profiles, f, indent=2, sort_keys=True)
            f.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
