"""Signals and processes of ``sandbox serve`` and ``sandbox run``."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
Handler = Callable[[int, FrameType | None], Any]


@contextlib.contextmanager
def signal_handlers(handler: Handler) -> Iterator[None]:
    """``handler`` for SIGINT, SIGTERM and SIGHUP for the duration, then the old ones."""
    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def stop_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT, SIGTERM or SIGHUP while in the block. Enter it before telling
    anybody that the server runs: a signal sent right after can never hit the default
    handler (a KeyboardInterrupt, exit 130) instead of stopping cleanly."""
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    with signal_handlers(on_signal):
        yield stop


def wait(stop: threading.Event) -> None:
    while not stop.wait(3600):
        pass


def _terminal_sent_it_too() -> bool:
    """True when we run in the terminal's foreground process group: a Ctrl-C there reaches
    COMMAND (in the same group) directly, and forwarding it would make it a second one."""
    try:
        with open("/dev/tty", "rb") as tty:
            return os.tcgetpgrp(tty.fileno()) == os.getpgrp()
    except OSError:
        return False


def run_forwarding_signals(command: list[str], env: Mapping[str, str]) -> int:
    """Run COMMAND, forward SIGINT/SIGTERM/SIGHUP to it, return its exit code the way a
    shell reports it (128 + N when a signal N ended it; 127 not found, 126 not executable)."""
    try:
        process = subprocess.Popen(command, env=dict(env))
    except FileNotFoundError:
        raise CommandNotStarted(127, f"{command[0]}: command not found") from None
    except PermissionError:
        raise CommandNotStarted(126, f"{command[0]}: permission denied") from None

    def forward(signum: int, _frame: FrameType | None) -> None:
        if signum == signal.SIGINT and _terminal_sent_it_too():
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signum)

    with signal_handlers(forward):
        code = process.wait()
    return 128 - code if code < 0 else code


class CommandNotStarted(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message
