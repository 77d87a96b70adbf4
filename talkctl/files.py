"""Local files: where they live and how they are written (atomically, owner-only)."""

from __future__ import annotations

import contextlib
import os
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


def write_private(path: Path, content: str | bytes, *, sync: bool = True) -> None:
    """Write ``path`` atomically (temp file + rename) with mode 0600 from the first byte.

    ``sync=False`` skips the fsync: for caches, which every listing rewrites and which are
    simply rebuilt when a crash leaves them unreadable (no command waits for the disk).
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
