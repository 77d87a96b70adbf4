"""Signals and processes of ``sandbox serve`` and ``sandbox run``."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
Handler = Callable[[int, FrameType | None], Any]
TEMP_PREFIX = "talkctl-sandbox-"
LOCK_NAME = ".talkctl-sandbox.lock"
PR_SET_PDEATHSIG = 1


def temp_base() -> str:
    """The temporary directory as TMPDIR, TEMP or TMP name it now: ``tempfile`` reads them
    once per process and keeps the answer, which a run in a longer-lived process (the tests'
    in-process runs) must not inherit."""
    for name in ("TMPDIR", "TEMP", "TMP"):
        candidate = os.environ.get(name)
        if candidate and os.path.isdir(candidate):
            return candidate
    return tempfile.gettempdir()


@contextlib.contextmanager
def temporary_home() -> Iterator[str]:
    """The command's temporary directory, holding a locked file for as long as the run lives:
    a later run that finds it unlocked knows the run was killed (SIGKILL: nothing could clean
    up) and removes it (``clean_leftovers``), whatever the process ids of either."""
    with tempfile.TemporaryDirectory(
        prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=temp_base()
    ) as home:
        fd, locking = tempfile.mkstemp(prefix=".locking.", dir=home)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.rename(locking, Path(home, LOCK_NAME))  # appears already locked
            yield home
        finally:
            os.close(fd)


def _abandoned(home: Path) -> bool:
    """``home``'s lock file exists and nobody holds it."""
    try:
        fd = os.open(home / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return False  # none (yet, or not ours): not ours to judge
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # its run is alive
    finally:
        os.close(fd)
    return True


def clean_leftovers(directory: Path | None = None) -> list[Path]:
    """Remove the temporary directories of earlier runs that were killed (nothing could
    clean up); only this user's. Returns what it removed."""
    base = Path(directory or temp_base())
    removed = []
    with contextlib.suppress(OSError):
        for entry in base.iterdir():
            if not entry.name.startswith(TEMP_PREFIX):
                continue
            with contextlib.suppress(OSError):
                if (
                    entry.is_dir()
                    and not entry.is_symlink()
                    and entry.stat().st_uid == os.getuid()
                    and _abandoned(entry)
                ):
                    shutil.rmtree(entry, ignore_errors=True)
                    removed.append(entry)
    return removed


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn that makes the child get SIGTERM when this process dies, even by SIGKILL
    (Linux's PR_SET_PDEATHSIG); None where there is no prctl."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    term = int(signal.SIGTERM)

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, term, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the call: nobody will tell us
            os.kill(os.getpid(), term)

    return preexec


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
    shell reports it (128 + N when a signal N ended it; 127 not found, 126 not executable).
    COMMAND gets SIGTERM when this process dies, even by SIGKILL (Linux)."""
    try:
        process = subprocess.Popen(command, env=dict(env), preexec_fn=_die_with_parent())
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
