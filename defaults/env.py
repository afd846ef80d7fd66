"""Reading typed values from an environment mapping, for the standard-library settings modules
(orders/, stack/, bot/actions/). Unset or empty means the default; a value that does not parse
is refused with the variable's name, what it should be and what it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defaults import VAR_DIR, VAR_ENV, under_root


class SettingsError(ValueError):
    """An environment variable holds a value its setting cannot take."""


def text(env: Mapping[str, str], name: str, default: str) -> str:
    return env.get(name) or default


def integer(env: Mapping[str, str], name: str, default: int, *, low: int | None = None,
            high: int | None = None) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise SettingsError(f"{name} must be between {low} and {high}, not {value}")
    return value


def port(env: Mapping[str, str], name: str, default: int) -> int:
    return integer(env, name, default, low=1, high=65535)


def number(env: Mapping[str, str], name: str, default: float, *, positive: bool = False) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {raw!r}") from None
    # NaN compares false with everything: refused here with the rest, not left to misbehave later.
    if value != value or value in (float("inf"), float("-inf")) or (positive and value <= 0):
        raise SettingsError(f"{name} must be a {'positive ' if positive else ''}finite number, not {raw!r}")
    return value


def path(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = env.get(name)
    return under_root(Path(raw)) if raw else default


def var_dir(env: Mapping[str, str]) -> Path:
    """BATON_VAR, else the repository's var/."""
    return path(env, VAR_ENV, VAR_DIR)
