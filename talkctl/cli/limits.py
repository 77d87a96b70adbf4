"""Checks of the global limit options (--timeout, --max-response-size) and their variables.

Typer callbacks: a bad value is a usage error (exit 2) before anything runs. Kept apart from
``app.py`` so the checks can be read and tested on their own; imports only typer.
"""

from __future__ import annotations

import math
import re

import typer

MIN_TIMEOUT = 0.1
MAX_TIMEOUT = 86400.0  # a day: larger values only overflow the socket layer
DEFAULT_MAX_RESPONSE_SIZE = 128 * 1024 * 1024  # ~45,000 conversations with their last message
MIN_RESPONSE_SIZE = 64 * 1024
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgKMG]?)(?:i?[bB])?\s*")
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def check_timeout(value: float | None) -> float | None:
    """--timeout / TALKCTL_TIMEOUT: a finite number of seconds from 0.1 to 86400."""
    if value is None:
        return None
    if not math.isfinite(value) or not MIN_TIMEOUT <= value <= MAX_TIMEOUT:
        raise typer.BadParameter(
            f"{value:g} is not a number of seconds from {MIN_TIMEOUT:g} to {MAX_TIMEOUT:g}"
        )
    return value


def parse_size(text: str) -> int:
    """``128M``, ``1G``, ``500k`` or a number of bytes; ValueError otherwise."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise ValueError(text)
    number = float(match.group(1)) * _UNITS[match.group(2).lower()]
    if not math.isfinite(number):
        raise ValueError(text)
    return int(number)


def check_response_size(value: str | None) -> str | None:
    """--max-response-size / TALKCTL_MAX_RESPONSE_SIZE: bytes, or with a K, M or G suffix
    (checked here, read with ``response_size`` when a transport is built)."""
    if value is None:
        return None
    try:
        size = parse_size(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a size: a number of bytes, or with K, M or G (e.g. 512M)"
        ) from None
    if size < MIN_RESPONSE_SIZE:
        raise typer.BadParameter(f"{value!r} is below the smallest allowed size, 64K")
    return value


def response_size(value: str | None) -> int:
    """The body limit in bytes for a checked --max-response-size (the default without one)."""
    return DEFAULT_MAX_RESPONSE_SIZE if value is None else parse_size(value)
