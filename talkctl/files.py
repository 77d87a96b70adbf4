"""Local files: where they live and how they are written (atomically, owner-only)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "talkctl"


def config_dir(env: Mapping[str, str]) -> Path:
    """``TALKCTL_CONFIG_DIR`` or platformdirs' user config dir."""
    if env.get("TALKCTL_CONFIG_DIR"):
        return Path(env["TALKCTL_CONFIG_DIR"])
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def cache_dir(env: Mapping[str, str]) -> Path:
    """``TALKCTL_CACHE_DIR`` or platformdirs' user cache dir."""
    if env.get("TALKCTL_CACHE_DIR"):
        return Path(env["TALKCTL_CACHE_DIR"])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def make_private_dirs(path: Path) -> None:
    """Create the directory ``path`` and every missing parent with mode 0700.

    ``mkdir(parents=True, mode=...)`` gives the parents the umask's mode (0777 under ``umask
    000``): a config or cache directory others could write to lets them swap the config (a
    CA bundle of theirs) or the cache (a conversation name pointing at another token). As
    the XDG spec asks, every directory talkctl creates is 0700; existing ones are left as
    they are.
    """
    missing: list[Path] = []
    current = path
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:  # another run made it meanwhile
            continue
        with contextlib.suppress(OSError):  # mkdir's mode went through the umask
            os.chmod(directory, 0o700)


def write_private(
    path: Path, content: str | bytes, *, sync: bool = True, make_parents: bool = True
) -> None:
    """Write ``path`` atomically (temp file + rename) with mode 0600 from the first byte.

    Only a regular file (or a new one) is replaced atomically; what is not a regular file is
    written into as it is, like a shell's ``>`` would: a FIFO (its reader gets the text), a
    character device (``/dev/null`` stays a device), ``/dev/fd/N`` and ``/dev/stdout`` (``-o
    >(wc -c)``). A symbolic link to a regular file keeps the link and replaces its target.
    ``sync=False`` skips the fsync: for caches, which every listing rewrites and which are
    simply rebuilt when a crash leaves them unreadable (no command waits for the disk).
    ``make_parents=False``: a missing directory is an error, not created.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = replaceable(path)
    if target is None:
        _write_into(path, data)
        return
    if make_parents:
        make_private_dirs(target.parent)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# directories whose entries name open files or devices, never files to replace
_SPECIAL_DIRS = ("/dev", "/proc")


def replaceable(path: Path) -> Path | None:
    """The regular file to replace atomically for ``path`` (``path`` itself, a link's target,
    or a new file); None when ``path`` is no regular file and must be written into."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None if _in_special_dir(path) else path
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(info.st_mode) or _in_special_dir(path):
        return None  # a FIFO, a device, a socket; /dev/stdout or /dev/fd/N onto a file
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


def _in_special_dir(path: Path) -> bool:
    parent = os.path.realpath(path.parent if str(path.parent) else ".")
    return any(parent == d or parent.startswith(d + "/") for d in _SPECIAL_DIRS)


def _write_into(path: Path, data: bytes) -> None:
    """Write into what is not a regular file: no temp file, no rename, no chmod, no fsync."""
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
