"""Advisory file locks between talkctl processes on one machine (``flock``).

The config lock (accounts/config.py) keeps concurrent logins from dropping profiles; the
create lock of an account keeps two runs that create conversations (``apply``, ``room
create``, ``room ensure``) from both finding a conversation missing and both creating it.
A lock guards runs on ONE machine only: two machines (or two home directories) do not see
each other's locks. The process holding a lock writes its pid into the file, so a waiting
run can say who holds it. The lock is released when the file is closed (also when the
process dies: nothing stale is left behind).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from talkctl.errors import ConfigError
from talkctl.files import make_private_dirs

LOCK_WAIT_SECONDS = 30.0
_POLL_SECONDS = 0.05


class LockUnavailable(ConfigError):
    """The lock file cannot be created or opened (a read-only directory, ...)."""


def holder(path: Path) -> str:
    """The pid written by the process that holds ``path`` ("" when unknown)."""
    try:
        text = path.read_text("ascii", errors="replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""


@contextlib.contextmanager
def held(
    path: Path,
    what: str,
    *,
    wait: float = LOCK_WAIT_SECONDS,
    waiting: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the exclusive lock ``path`` for the block. Held elsewhere: ``waiting(pid)`` is
    called once, then it waits up to ``wait`` seconds and raises ConfigError (exit 2)."""
    import fcntl

    try:
        make_private_dirs(path.parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise LockUnavailable(f"cannot lock {what} ({path}): {exc.strerror}") from None
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and waiting is not None:
                    waiting(holder(path))
                    told = True
                if time.monotonic() >= deadline:
                    pid = holder(path)
                    by = f" (process {pid})" if pid else ""
                    raise ConfigError(
                        f"{what} is locked by another talkctl{by} for {wait:g} s ({path}): "
                        "try again"
                    ) from None
                time.sleep(_POLL_SECONDS)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
